"""Skeletons: a module whose larger function bodies are parsed only when a function runs gives
the same trees, positions and function texts as parsing it whole, and the same analysis."""

from __future__ import annotations


import libcst as cst
import pytest

from cors_lint.engine.source import skeleton as skeleton_module
from cors_lint.engine.source.parsing import ParsedModule, parse
from cors_lint.engine.source.positions import start_positions
from cors_lint.engine.source.project import SourceFile
from cors_lint.engine.source.spans import definitions
from cors_lint.engine.source.walk import children

from helpers import inventory_of, run_cli, write

FILLER = "\n".join(f"    value_{i} = compute({i}, 'a long enough argument to count')" for i in range(6))


def _indented(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


SOURCES = {
    "decorated functions, comments before the body": f'''
import flask


# a comment before the decorator
@app.route("/x")

# between decorators
@other(
    argument=1,
)
def view():
    # a comment before the body
{FILLER}
    return flask.jsonify(value_1)


async def asynchronous(a, *, b=2):
    """A docstring first."""
{FILLER}
    return value_2
''',
    "methods, nested functions and classes": f'''
class Outer:
    class Inner:
        if True:
            def method(self):
                def local():
{_indented(FILLER, "                ")}
                    return value_3
                @decorate
                def other():
{_indented(FILLER, "                ")}
                    return 2
                class Local:
                    def deep(self):
                        return 3
{_indented(FILLER, "            ")}
                return local
        else:
            async def other(self):
{_indented(FILLER, "            ")}
                pass
    try:
        def in_try(): return 1
    except Exception:
        def in_handler():
            x = (
                1,
                2)
{_indented(FILLER, "        ")}
            return x
''',
    "tabs": "class A:\n\tdef f(self):\n" + "".join(f"\t\tv{i} = compute({i}, 'padding padding padding')\n"
                                               for i in range(8)) + "\t\treturn v1\n\n\tdef g(self):\n\t\treturn 2\n",
    "windows line endings": ("def f():\r\n" + "".join(f"    a{i} = compute({i}, 'padding padding padding')\r\n"
                                                  for i in range(8)) + "\r\n    return a1\r\n\r\n@d\r\ndef g():\r\n"
                             "    return 2\r\n"),
    "latin-1 with a coding line": ("# -*- coding: latin-1 -*-\ndef f():\n    s = 'caf\xe9'\n"
                                   + "".join(f"    a{i} = compute({i}, 'padding padding padding')\n" for i in range(8))
                                   + "    return s\n"),
    "a function as the last line without a newline": "def last():\n" + FILLER + "\n    return 1",
}


def _encoded(name: str) -> bytes:
    text = SOURCES[name].lstrip("\n")
    return text.encode("latin-1" if "latin-1" in name else "utf-8")


def _source(tmp_path, data: bytes) -> SourceFile:
    path = tmp_path / "module.py"
    path.write_bytes(data)
    return SourceFile(str(path), "module.py", False)


def _preorder(node: cst.CSTNode) -> list[cst.CSTNode]:
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(reversed(children(current)))
    return found


def _every_definition(parsed: ParsedModule) -> list[cst.FunctionDef]:
    """Every function of a parsed module as written, nested ones included (expanding stubs)."""
    found, pending = [], [node for node, _ in definitions(parsed.module)]
    while pending:
        node = parsed.definition(pending.pop(0))
        found.append(node)
        body = node.body
        if isinstance(body, cst.IndentedBlock):
            inner = cst.Module(body=list(body.body))
            pending[:0] = [nested for nested, _ in definitions(inner)]
    return found


def _code(parsed: ParsedModule, node: cst.FunctionDef) -> str:
    """A function's code without its leading blank lines (a skeleton's may have more)."""
    expansion = parsed._expanded_nodes.get(id(node))
    module = expansion.module if expansion is not None else parsed.module
    return module.code_for_node(node.with_changes(leading_lines=[])).lstrip()


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_a_skeleton_expands_to_the_whole_modules_functions_at_the_same_positions(tmp_path, name):
    data = _encoded(name)
    parsed = parse(_source(tmp_path, data), data)
    whole = parse(_source(tmp_path, data), data, skeleton=False)
    assert isinstance(parsed, ParsedModule) and isinstance(whole, ParsedModule)
    assert parsed.skeleton and not whole.skeleton
    assert len(parsed.module.code) < len(whole.module.code)  # bodies were left out
    _assert_same_functions(parsed, whole, name)


def _assert_same_functions(parsed: ParsedModule, whole: ParsedModule, name: str) -> None:
    """Every function of ``parsed`` (stubs expanded) is the whole parse's: code, positions of
    every node of its body, text and first line."""
    expected = [node for node, _ in definitions(whole.module)]
    ours = _every_definition(parsed)
    assert [node.name.value for node in ours] == [node.name.value for node in expected]
    whole_positions = start_positions(whole.module)
    for mine, theirs in zip(ours, expected):
        assert _code(parsed, mine) == _code(whole, theirs), (name, mine.name.value)
        within = parsed.positions_within(mine)
        pairs = list(zip(_preorder(mine.body), _preorder(theirs.body)))
        assert pairs
        for node, counterpart in pairs:
            assert within.get(node) == whole_positions[counterpart], (name, mine.name.value, type(node).__name__)
            assert parsed.positions.get(node) == whole_positions[counterpart]
        assert parsed.function_text(mine) == whole.function_text(theirs), (name, mine.name.value)
        assert parsed.function_line(mine) == whole.function_line(theirs)


@pytest.mark.parametrize("line, whole", [
    ("    app.config['CORS_ORIGINS'] = ['https://a.example']", True),  # config assignments and reads
    ("    response.headers['access-control-max-age'] = '1'", True),  # hand-written headers
    ("    CORS(app)", False),  # run by the interpreter: a stub's body is parsed when it runs
])
def test_a_module_a_pass_walks_whole_is_parsed_whole(tmp_path, line, whole):
    data = ("def f(app, response):\n" + FILLER + "\n" + line + "\n").encode()
    parsed = parse(_source(tmp_path, data), data)
    assert isinstance(parsed, ParsedModule) and parsed.skeleton is not whole


def test_short_bodies_and_bodies_on_the_def_line_are_kept(tmp_path):
    data = b"def short():\n    return 1\n\ndef inline(): return [" + b"1, " * 200 + b"]\n"
    parsed = parse(_source(tmp_path, data), data)
    assert isinstance(parsed, ParsedModule) and not parsed.skeleton  # nothing worth a stub


def test_a_stub_whose_text_does_not_parse_alone_comes_from_the_whole_module(tmp_path, monkeypatch):
    data = _encoded("methods, nested functions and classes")
    parsed = parse(_source(tmp_path, data), data)
    whole = parse(_source(tmp_path, data), data, skeleton=False)
    monkeypatch.setattr("cors_lint.engine.source.parsing.expand", lambda *args: None)
    expected = {node.name.value: node for node, _ in definitions(whole.module)}
    for node, _ in definitions(parsed.module):
        full = parsed.definition(node)
        assert full.deep_equals(expected[node.name.value])
    assert parsed._whole is not None


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_a_loaded_skeleton_expands_its_stubs_without_parsing_its_bytes_again(tmp_path, name, monkeypatch):
    """Where the stubs are is kept with the tree: after a load, a stub parsed by an earlier run
    and one parsed for the first time are both the whole parse's functions, and the bytes are
    never parsed with ``ast`` again (41 modules of rotki's pre-commit run did, 0.19 s)."""
    from cors_lint.engine.source import parsing
    from cors_lint.engine.source.tree_cache import TreeCache

    data = _encoded(name)
    source = _source(tmp_path, data)
    parsed = parse(source, data)
    first = definitions(parsed.module)[0][0]
    parsed.definition(first)  # one stub parsed by this run, its spans known (as a run's function_mentions asks)
    parsed.function_text(first)
    TreeCache(tmp_path / "cache").save([parsed])
    whole = parse(source, data, skeleton=False)
    whole.function_text(definitions(whole.module)[0][0])  # its spans, before ast is refused

    def refused(data: bytes):
        raise AssertionError("a loaded skeleton parsed its bytes with ast again")

    monkeypatch.setattr(parsing, "python_ast", refused)
    loaded = TreeCache(tmp_path / "cache").load(source, data)
    assert loaded is not None and loaded.skeleton and loaded.expansion_count == 1
    _assert_same_functions(loaded, whole, name)


def test_a_skeleton_survives_the_tree_cache(tmp_path):
    """The flag travels with the cached tree: a loaded skeleton still expands its stubs."""
    files = {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        from helpers import register

        app = Flask(__name__)
        CORS(app, supports_credentials=True)
        register(app)
        """, "helpers.py": f'''
        def register(app):
            """Registers the routes (a body long enough to be left out of the skeleton)."""
{_indented(FILLER, "        ")}
            app.add_url_rule("/registered", "registered", lambda: "x")
            return app
        '''}
    write(tmp_path, files)
    first = run_cli("check", str(tmp_path), "--format", "json", expect_exit=1)
    with open(tmp_path / "app.py", "a") as handle:  # app.py is parsed again, helpers.py's tree loaded
        handle.write("# edited\n")
    second = run_cli("check", str(tmp_path), "--format", "json", expect_exit=1)
    assert first.stdout == second.stdout
    assert "/registered" in second.stdout


def test_routes_registered_in_a_stubbed_body_are_found_where_they_are_written(tmp_path):
    document = inventory_of(tmp_path, {"app.py": f'''
        from flask import Flask

        app = Flask(__name__)


        def make_routes(target):
            """Long enough to be a stub: parsed when the call below runs it."""
{_indented(FILLER, "        ")}
            target.add_url_rule("/late", "late", lambda: "late")


        make_routes(app)
        '''})
    found = [route for route in document["routes"] if route["path"] == "/late"]
    assert found, document["routes"]
    text = (tmp_path / "app.py").read_text().splitlines()
    line = found[0]["location"]["line"] if "location" in found[0] else found[0]["line"]
    assert "/late" in text[line - 1]
    assert skeleton_module.STUB_MIN_BYTES < len(FILLER)


def test_the_tree_cache_keeps_the_function_bodies_parsed_so_far(tmp_path):
    """A pre-commit run after an edit loads every other module's tree: the bodies an earlier run
    parsed come with it, and one that runs for the first time is kept the next time."""
    from cors_lint.engine.source.tree_cache import TreeCache

    data = _encoded("decorated functions, comments before the body")
    source = _source(tmp_path, data)
    parsed = parse(source, data)
    view, asynchronous = [node for node, _ in definitions(parsed.module)]
    expected = parsed.definition(view)
    TreeCache(tmp_path / "cache").save([parsed])

    cache = TreeCache(tmp_path / "cache")
    loaded = cache.load(source, data)
    assert loaded.skeleton and loaded.expansion_count == 1
    view, asynchronous = [node for node, _ in definitions(loaded.module)]
    kept = loaded.definition(view)
    assert loaded._expanded_nodes[id(view)].module is loaded._kept[0]  # not parsed again
    assert _code(loaded, kept) == _code(parsed, expected)
    assert loaded.positions_within(view).get(kept.body.body[-1]) == parsed.positions_within(expected).get(
        expected.body.body[-1])
    loaded.definition(asynchronous)  # parsed now: the entry is stored again with both
    cache.save([loaded])
    assert TreeCache(tmp_path / "cache").load(source, data).expansion_count == 2
