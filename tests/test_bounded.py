"""The interpretation always ends, in work proportional to the code (engine/bounds.py).

Each test generates a call-graph shape that used to cost work exponential in its size (or never
end), analyses it at two sizes, and compares the interpreter's step counts (statements and calls,
never time): doubling the code must at most about double the steps. Each also checks that what
the shape configures (a route, a CORS site) is still found: bounding the work may make values
unknown, never drop a site.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cors_lint.engine.interpreter import bounds
from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json

HEADER = """\
import os
from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
"""


def analysed(tmp_path: Path, name: str, source: str):
    directory = tmp_path / name
    directory.mkdir()
    (directory / "app.py").write_text(HEADER + textwrap.dedent(source))
    inventory = analyze([directory])
    return inventory, inventory_json(inventory)


def paths(document) -> set:
    return {route["path"] for route in document["routes"]}


def chain(n: int, leaf: str, between: str = "") -> str:
    """f0 .. f{n-1}: each calls the next from both branches of an unknown `if`; the last one
    runs ``leaf``."""
    parts = []
    for i in range(n - 1):
        parts.append(f"""
def f{i}(x):
    {between}
    if x.kind == "a":
        f{i + 1}(x)
    elif x.kind == "b":
        f{i + 1}(x)
    else:
        f{i + 1}(x)
""")
    parts.append(f"""
def f{n - 1}(x):
    {leaf}
""")
    parts.append("\nf0(os.environ)\n")
    return "".join(parts)


def assert_linear(small: int, large: int, ratio: float) -> None:
    """``large`` came from twice the code of ``small``: at most ``ratio`` times the steps."""
    assert large <= ratio * small, (small, large)


LEAF_ROUTE = 'app.add_url_rule("/leaf", "leaf", lambda: "")'


@pytest.mark.parametrize("between", ["", "os.environ.get('A')", "x.seen = True"], ids=["pure", "library-call", "mutation"])
def test_chain_calling_the_next_three_times_is_linear(tmp_path: Path, between: str):
    (small, small_doc), (large, large_doc) = (analysed(tmp_path, f"n{n}", chain(n, LEAF_ROUTE, between))
                                              for n in (20, 40))
    assert "/leaf" in paths(small_doc) and "/leaf" in paths(large_doc)
    assert_linear(small.steps, large.steps, 2.5)
    assert large.steps < 5_000  # 3^40 calls unbounded


def test_chain_with_cors_in_the_leaf_keeps_the_site(tmp_path: Path):
    _, document = analysed(tmp_path, "cors", chain(30, "CORS(app, supports_credentials=True)"))
    [site] = [s for s in document["sites"] if s["kind"] == "extension"]
    assert site["options"].get("supports_credentials") is True


def test_recursion_in_a_loop_ends(tmp_path: Path):
    """The shape of the issue's reproduction: a walker that calls itself from two branches of an
    `if/elif` in a `for` over a value it cannot know."""
    def walker(branches: int) -> str:
        arms = "".join(f"""
            {"if" if k == 0 else "elif"} child.kind == "{k}":
                out += self.walk(child, prefix=prefix + name + "{k}.")""" for k in range(branches))
        return f"""
CORS(app)

class Walker:
    def walk(self, node, prefix=""):
        out = []
        for name, child in node.items():{arms}
            else:
                out.append(prefix + name)
        return out

DOC = Walker().walk(os.environ)
"""
    (small, small_doc), (large, large_doc) = (analysed(tmp_path, f"w{b}", walker(b)) for b in (4, 8))
    assert small_doc["sites"] and large_doc["sites"]
    assert_linear(small.steps, large.steps, 2.5)


def test_mutual_recursion_is_cut(tmp_path: Path):
    def ring(n: int) -> str:
        functions = "".join(f"""
def g{i}(depth):
    if depth.more:
        g{(i + 1) % n}(depth)
        g{(i + 2) % n}(depth)
    app.add_url_rule("/g{i}", "g{i}", lambda: "")
""" for i in range(n))
        return functions + "\ng0(os.environ)\n"
    (small, small_doc), (large, large_doc) = (analysed(tmp_path, f"r{n}", ring(n)) for n in (20, 40))
    assert {f"/g{i}" for i in range(20)} <= paths(small_doc)
    assert {f"/g{i}" for i in range(40)} <= paths(large_doc)
    assert_linear(small.steps, large.steps, 2.5)


def test_recursion_in_an_app_factory(tmp_path: Path):
    """A factory that configures the app through a recursive helper (a tree of plugin packages
    walked depth first): the CORS call and the routes are all found."""
    def factory(n: int) -> str:
        registrations = "".join(f"""
    if node.name == "p{i}":
        target.add_url_rule("/p{i}", "p{i}", lambda: "")
        for child in node.children:
            register(target, child)
            register(target, child.sibling)
""" for i in range(n))
        return f"""
def register(target, node):{registrations}

def create_app():
    web = Flask(__name__)
    CORS(web, origins="*", supports_credentials=True)
    for node in os.environ.plugins:
        register(web, node)
    return web
"""
    (small, small_doc), (large, large_doc) = (analysed(tmp_path, f"f{n}", factory(n)) for n in (10, 20))
    assert {f"/p{i}" for i in range(20)} <= paths(large_doc)
    assert any(s["options"].get("supports_credentials") is True for s in large_doc["sites"])
    assert_linear(small.steps, large.steps, 2.5)


def test_a_spent_step_budget_is_said_and_keeps_what_was_found(tmp_path: Path, monkeypatch):
    """With a tiny budget, calls after it runs out are not followed (a note names the function
    and its line) while module-level statements still run: the CORS call after them is a site."""
    monkeypatch.setattr(bounds, "STEP_BUDGET", 30)
    source = chain(12, LEAF_ROUTE, "os.environ.get('A')") + "\nCORS(app, origins='*')\n"
    inventory, document = analysed(tmp_path, "budget", source)
    notes = document["analysis_notes"]
    assert notes and all("step budget" in note["message"] for note in notes)
    assert all(note["file"] == "app.py" and note["line"] > 5 for note in notes)
    assert [s for s in document["sites"] if s["kind"] == "extension"]


def test_a_summary_never_hides_a_changed_global(tmp_path: Path):
    """A helper without arguments is run again after what it reads has changed."""
    source = """
ORIGINS = ["https://a.example"]

def origins():
    return ORIGINS

first = origins()
ORIGINS = ["https://b.example"]
CORS(app, origins=origins())
"""
    _, document = analysed(tmp_path, "global", source)
    [site] = [s for s in document["sites"] if s["kind"] == "extension"]
    assert site["options"]["origins"] == ["https://b.example"]
