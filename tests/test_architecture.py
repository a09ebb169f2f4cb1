"""The package's shape: stages that only look back, no import cycles, an interpreter core that
names no library, and library knowledge that comes only from the registry's models."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

import cors_lint
from cors_lint.engine.interpreter.interpreter import Interpreter
from cors_lint.engine.models import MODELS
from cors_lint.engine.source.project import scan, survey
from cors_lint.engine.interpreter.registry import Registry

PACKAGE = Path(cors_lint.__file__).parent
# source -> inventory -> findings -> output; a module may import its own stage and earlier ones
STAGES = ("core", "engine", "rules", "policy", "check", "fixes", "output", "commands")
TOP = len(STAGES)  # cli, testing, __main__: may import everything
INTERPRETER_CORE = ("engine/interpreter/interpreter.py", "engine/interpreter/expressions.py",
                    "engine/interpreter/scopes.py", "engine/interpreter/registry.py", "engine/interpreter/objects.py")
LIBRARY_WORDS = re.compile(r"flask|cors|blueprint|\benviron\b|getenv|timedelta|werkzeug|app_objects|engine\.models|engine\.app\b",
                           re.IGNORECASE)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path) -> set[str]:
    """Every cors_lint module a file imports: at module level, in functions, under TYPE_CHECKING."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:  # `from cors_lint.check import cache` imports the module cache
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return {name for name in found if name == "cors_lint" or name.startswith("cors_lint.")}


def stage(module: str) -> int:
    parts = module.split(".")
    if module == "cors_lint" or parts[1] == "schemas":
        return 0  # the version and the JSON schemas: data every stage may read
    return STAGES.index(parts[1]) if parts[1] in STAGES else TOP


GRAPH = {module: imports(path) for module, path in MODULES.items()}


def test_no_stage_imports_a_later_one():
    backwards = [f"{module} ({STAGES[stage(module)]}) imports {target}"
                 for module, targets in GRAPH.items() if stage(module) < TOP
                 for target in sorted(targets) if stage(target) > stage(module)]
    assert not backwards, "\n".join(backwards)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    assert cycles(GRAPH) == []


def test_the_cycle_check_sees_function_level_imports():
    graph = {"a": {"b"}, "b": set()}
    assert cycles(graph) == []
    graph["b"].add("a")
    assert cycles(graph) == [["a", "b"]]
    source = "def f():\n    from cors_lint.engine import execution\n"
    tree_imports = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            tree_imports.add(f"{node.module}.{node.names[0].name}")
    assert tree_imports == {"cors_lint.engine.execution"}
    assert "cors_lint.engine.execution" in GRAPH["cors_lint.engine.analysis"]  # imported inside analyze()


def test_stage_order_is_enforced():
    """A later stage imported from an earlier one is reported (the check itself can fail)."""
    graph = dict(GRAPH)
    graph["cors_lint.engine.app.routes"] = GRAPH["cors_lint.engine.app.routes"] | {"cors_lint.policy.loader"}
    backwards = [(m, t) for m, ts in graph.items() if stage(m) < TOP for t in ts if stage(t) > stage(m)]
    assert backwards == [("cors_lint.engine.app.routes", "cors_lint.policy.loader")]


def _names_in_code(path: Path) -> list[tuple[int, str]]:
    """Identifiers, attribute names, imported modules and string constants (docstrings aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            names.append((node.lineno, node.attr))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.append((node.lineno, node.name))
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append((node.lineno, node.module.removeprefix("cors_lint.")))
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            names.append((node.lineno, node.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, bytes):
            names.append((node.lineno, node.value.decode("latin-1")))
    return names


@pytest.mark.parametrize("relative", INTERPRETER_CORE)
def test_the_interpreter_core_names_no_library(relative):
    mentions = [f"{relative}:{line}: {name!r}" for line, name in _names_in_code(PACKAGE / relative)
                if LIBRARY_WORDS.search(name)]
    assert not mentions, "\n".join(mentions)


def test_the_library_check_finds_library_names():
    code = 'from cors_lint.engine.app.app_objects import AppObj\nif x == "flask.Flask": pass\n'
    path = Path(__file__).parent / "data" / "_library_names_probe.py"
    path.write_text(code)
    try:
        found = [name for _, name in _names_in_code(path) if LIBRARY_WORDS.search(name)]
    finally:
        path.unlink()
    assert found == ["engine.app.app_objects", "flask.Flask"]


def test_every_modelled_library_is_a_registered_model():
    assert [model.name for model in MODELS] == ["stdlib", "flask", "flask.config", "flask.views", "flask_cors",
                                                "flask_smorest", "apiflask", "flask_restful", "flask_restx", "werkzeug",
                                                "flask_socketio"]


APP = textwrap.dedent("""
    import os
    from flask import Flask
    from flask_cors import CORS
    app = Flask(__name__)
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    CORS(app, origins=os.getenv("ORIGINS", "https://a.example"))

    @app.route("/me")
    def me():
        return "me"
""")


def _run(tmp_path: Path, registry: Registry) -> Interpreter:
    (tmp_path / "app.py").write_text(APP)
    files = survey([tmp_path])
    interpreter = Interpreter(files.root, files.files, registry, files.index)
    interpreter.run(scan(files.files).entries)
    return interpreter


def _without(name: str) -> Registry:
    return Registry(tuple(model for model in MODELS if model.name != name))


def test_the_interpreter_knows_libraries_only_through_the_registry(tmp_path):
    full = _run(tmp_path, Registry(MODELS))
    assert [app.name for app in full.apps] == ["app"] and len(full.apps[0].routes) == 1
    assert [site.kind for site in full.sites] == ["config", "extension"]
    assert full.sites[1].options["origins"].var == "ORIGINS"

    no_flask = _run(tmp_path, _without("flask"))
    # no Flask app, no route, no config; CORS(...) is still a site, on a stand-in for an app it cannot see
    assert [(s.kind, s.notes) for s in no_flask.sites] == [
        ("extension", ["the object CORS is applied to cannot be identified statically: its routes cannot be listed"])]
    assert [(app.routes, [reason for reason, _ in app.unlisted]) for app in no_flask.apps] == [
        ([], ["CORS is applied to `app`, an app cors-lint cannot see"])]

    no_flask_cors = _run(tmp_path, _without("flask_cors"))
    assert [site.kind for site in no_flask_cors.sites] == ["config"] and no_flask_cors.apps[0].hooks == []

    no_config = _run(tmp_path, _without("flask.config"))
    assert [site.kind for site in no_config.sites] == ["extension"]

    no_stdlib = _run(tmp_path, _without("stdlib"))
    assert type(no_stdlib.sites[1].options["origins"]).__name__ == "Unknown"  # os.getenv is a model too


def test_models_cannot_register_the_same_name_twice():
    with pytest.raises(ValueError, match="registers"):
        Registry(MODELS + (MODELS[1],))


# the engine's sub-packages, in the order a run flows: the source's bytes, the interpreter that
# runs them, what a Flask app does with what it found, the library models; then the facade
# (analysis, execution, inventory) at the package's top
ENGINE_LAYERS = ("source", "interpreter", "app", "models")


def engine_layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[:2] != ["cors_lint", "engine"]:
        return None
    return ENGINE_LAYERS.index(parts[2]) if len(parts) > 2 and parts[2] in ENGINE_LAYERS else len(ENGINE_LAYERS)


def test_the_engine_sub_packages_only_look_back():
    backwards = [f"{module} imports {target}" for module, targets in GRAPH.items() if engine_layer(module) is not None
                 for target in sorted(targets)
                 if engine_layer(target) is not None and engine_layer(target) > engine_layer(module)]
    assert not backwards, "\n".join(backwards)
    layers = {engine_layer(module) for module in GRAPH if engine_layer(module) is not None}
    assert layers == set(range(len(ENGINE_LAYERS) + 1))  # every sub-package exists and holds modules


def test_rules_import_no_engine_module():
    """Rules judge the inventory document, never the engine's objects."""
    found = [f"{module} imports {target}" for module, targets in GRAPH.items() if module.startswith("cors_lint.rules")
             for target in sorted(targets) if target.startswith("cors_lint.engine")]
    assert not found, "\n".join(found)


def test_the_registry_merges_every_table_the_models_have():
    """The registry is the models' tables merged (a table added to Model needs no other change),
    and a name registered twice is an error."""
    import dataclasses

    from cors_lint.engine.interpreter.registry import Model
    from cors_lint.engine.models import REGISTRY

    for table in dataclasses.fields(Model):
        if table.name == "name":
            continue
        merged = getattr(REGISTRY, table.name)
        for model in MODELS:
            theirs = getattr(model, table.name)
            assert all(item in merged for item in theirs), (model.name, table.name)
    twice = Model("again", functions={"flask.Flask": lambda call: None})
    with pytest.raises(ValueError, match="again registers"):
        Registry(MODELS + (twice,))


def test_models_ask_the_interpreter_only_what_the_engine_protocol_declares():
    """Models reach the interpreter through ``Call.engine``, typed by ``registry.Engine``: every
    member a model uses (``engine.x`` / ``call.engine.x``) is declared there, and the interpreter
    has each one."""
    from cors_lint.engine.interpreter.interpreter import Interpreter
    from cors_lint.engine.interpreter.registry import Engine

    declared = {name for name in vars(Engine) if not name.startswith("_")} | set(Engine.__annotations__)
    used = set()
    for path in sorted((PACKAGE / "engine" / "models").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and (
                    (isinstance(node.value, ast.Name) and node.value.id == "engine")
                    or (isinstance(node.value, ast.Attribute) and node.value.attr == "engine")):
                used.add(node.attr)
    assert used and used <= declared, sorted(used - declared)
    methods = declared - set(Engine.__annotations__)
    assert all(callable(getattr(Interpreter, name, None)) for name in methods), \
        sorted(name for name in methods if not callable(getattr(Interpreter, name, None)))
    tree = ast.parse((PACKAGE / "engine" / "interpreter" / "interpreter.py").read_text(encoding="utf-8"))
    cls = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Interpreter")
    init = next(node for node in cls.body if isinstance(node, ast.FunctionDef) and node.name == "__init__")
    assigned = {target.attr for node in ast.walk(init) if isinstance(node, (ast.Assign, ast.AnnAssign))
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"}
    assert set(Engine.__annotations__) <= assigned, sorted(set(Engine.__annotations__) - assigned)


# library calls and classes whose meaning a model states (registry tables, class facts)
MODEL_ONLY_NAMES = ("flask.make_response", "flask.abort", "werkzeug.exceptions.abort", "flask.views.MethodView")


@pytest.mark.parametrize("name", MODEL_ONLY_NAMES)
def test_what_a_library_call_or_class_does_is_said_by_its_model_only(name):
    found = [f"{path.relative_to(PACKAGE)}:{line}" for path in sorted((PACKAGE / "engine").rglob("*.py"))
             if "models" not in path.relative_to(PACKAGE / "engine").parts
             for line, text in _names_in_code(path) if text == name]
    assert not found, found


# what only a library's model may name: its modules, its classes and the calls it registers with
LIBRARY_ONLY_WORDS = re.compile(r"(?i:flask_restful|flask_restx|flask_restplus|flask_smorest|apiflask|flask_socketio"
                                r"|methodview|add_resource|add_namespace|make_response)|\bResource\b|\bNamespace\b"
                                r"|\bSocketIO\b")
# the one exception, measured: the prefilter's markers for an Api's registrations on an app made
# elsewhere. The prefilter runs on the result cache's fast path, which does not import the models:
# importing the Flask-RESTful and Flask-RESTX models there costs 0.15 s (libcst and the interpreter)
# on top of the 0.06 s the whole fast path imports
PREFILTER_MARKERS = {("engine/source/project.py", "add_resource("), ("engine/source/project.py", "add_namespace(")}


def test_library_names_appear_only_in_the_models():
    found = [f"{relative}:{line}: {name!r}" for path in sorted((PACKAGE / "engine").rglob("*.py"))
             if "models" not in (relative := path.relative_to(PACKAGE).as_posix()).split("/")
             for line, name in _names_in_code(path)
             if LIBRARY_ONLY_WORDS.search(name) and not re.search(r"\s", name)  # (messages may name them)
             and (relative, name) not in PREFILTER_MARKERS]
    assert not found, "\n".join(found)
