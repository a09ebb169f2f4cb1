"""Positions and function spans: what the engine computes for part of a module equals what libcst
gives for the whole of it."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from cors_lint.engine.source.parsing import ParsedModule
from cors_lint.engine.source.positions import start_positions
from cors_lint.engine.source.spans import definitions

SOURCES = {
    "decorators, comments and blank lines": '''
import flask


# a comment before the decorator
@app.route("/x")

# between decorators
@cross_origin(
    origins=["https://a.example"],
)
def view():
    response = flask.make_response("x")
    response.headers["Access-Control-Allow-Origin"] = "*"  # trailing
    return response
''',
    "nested blocks and classes": '''
class Outer:
    class Inner:
        if True:
            def method(self):
                def local():
                    return {"Access-Control-Max-Age": "1"}
                return local
        else:
            async def other(self):
                pass
    try:
        def in_try(): return 1
    except Exception:
        def in_handler():
            x = (
                1,
                2)
            return x
    finally:
        def in_finally(): pass
''',
    "tabs and odd indentation": "class A:\n\tdef f(self):\n\t\tif x:\n\t\t   return 1\n\t\treturn 2\n\n\tdef g(self):\n\t\treturn \\\n\t\t\t3\n",
    "windows line endings": "def f():\r\n    a = 1\r\n\r\n    return a\r\n\r\n@d\r\ndef g():\r\n    return 2\r\n",
    "match statements": '''
def handle(command):
    match command:
        case {"kind": "cors"}:
            def inner():
                return "Access-Control-Allow-Origin"
            return inner
        case _:
            return None
''',
    "a function as the last line without a newline": "def last():\n    return 1",
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_positions_of_one_function_equal_the_whole_module(name):
    data = SOURCES[name].lstrip("\n").encode()
    module = cst.parse_module(data)
    whole = start_positions(module)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    provided = wrapper.resolve(PositionProvider)
    defs = definitions(module)
    assert defs
    for function, _ in defs:
        parsed = ParsedModule(None, module, data)  # fresh: nothing computed for the whole module
        within = parsed.positions_within(function)
        assert parsed._positions is None  # only the function's were generated
        assert within and set(within) == {n for n in whole if n in within}
        for node, start in within.items():
            assert start == whole[node] == (provided[node].start.line, provided[node].start.column), \
                (name, function.name.value, type(node).__name__)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_positions_of_one_module_statement_equal_the_whole_module(name):
    data = (SOURCES[name].lstrip("\n") + "\n\n# a comment\nx = 1; y = [\n    2]\nif x:\n    z = 3\n").encode()
    module = cst.parse_module(data)
    whole = start_positions(module)
    for statement in module.body:
        parsed = ParsedModule(None, module, data)
        within = parsed.positions_within(statement)
        assert parsed._positions is None and within
        for node, start in within.items():
            assert start == whole[node], (name, type(statement).__name__, type(node).__name__)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_function_text_runs_from_the_first_decorator_to_the_last_line(name):
    data = SOURCES[name].lstrip("\n").encode()
    module = cst.parse_module(data)
    parsed = ParsedModule(None, module, data)
    for function, _ in definitions(module):
        text = parsed.function_text(function)
        code = cst.Module([]).code_for_node(function.with_changes(leading_lines=[]))
        body_lines = [line.strip() for line in code.splitlines() if line.strip() and not line.strip().startswith("#")]
        decoded = text.decode()
        assert all(line in decoded for line in body_lines), (name, function.name.value)
        first = function.decorators[0] if function.decorators else function
        assert decoded.lstrip().startswith("@" if function.decorators else ("async" if function.asynchronous else "def")), \
            (name, decoded[:40], first)


def test_when_cpython_rejects_what_libcst_parses_no_span_is_trusted():
    """Nesting beyond CPython's parser limit (libcst has none): no function text is known, so
    every function counts as mentioning everything (``function_text`` is None)."""
    data = b"def f():\n    return 1\n\nx = " + b"(" * 250 + b"1" + b")" * 250 + b"\n"
    module = cst.parse_module(data)
    parsed = ParsedModule(None, module, data)
    assert parsed.syntax is None
    (function, _), = definitions(module)
    assert parsed.function_text(function) is None
    assert parsed.positions_within(function) is parsed.positions  # the whole module's, then
