"""Parsed files kept within one process (``engine.source.parse_memo.RECENT``): a later analysis
of the same bytes at the same place does not parse them again, and gives the same answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import libcst
from helpers import counting, route, write

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json
from cors_lint.engine.source import parse_memo
from cors_lint.engine.source.parse_memo import RecentTrees
from cors_lint.engine.source.project import SourceFile

FIXTURE = Path(__file__).parent.parent / "fixtures" / "example_app"

HELPERS = """
    from .settings import ORIGINS

    def origins():
        return ORIGINS

    def partner(response):
        response.headers["Access-Control-Allow-Origin"] = "https://partner.example.com"
        return response
"""
TWINS = {
    "a/__init__.py": "",
    "a/settings.py": 'ORIGINS = ["https://a.example.com"]\n',
    "a/helpers.py": HELPERS,
    "b/__init__.py": "",
    "b/settings.py": 'ORIGINS = ["https://b.example.com"]\n',
    "b/helpers.py": HELPERS,
    "app.py": """
        from flask import Flask
        from flask_cors import CORS
        from a import helpers as first
        from b import helpers as second

        app_a = Flask("a")
        CORS(app_a, origins=first.origins())
        app_b = Flask("b")
        CORS(app_b, origins=second.origins())
        app_a.after_request(first.partner)
        app_b.after_request(second.partner)

        @app_a.route("/a")
        def a(): return "a"

        @app_b.route("/b")
        def b(): return "b"
    """,
}


def origins(document: dict, path: str) -> list:
    return [layer["options"]["origins"] for layer in route(document, path)["cors"]]


def test_files_with_the_same_text_in_one_analysis_do_not_share_a_tree(tmp_path):
    """``a/helpers.py`` and ``b/helpers.py`` are the same bytes; each ``origins()`` returns its own
    package's ORIGINS, each app's hook is its own package's ``partner``. The interpreter knows a
    function by its node: shared nodes would give each app's route the other file's header too."""
    project = write(tmp_path / "twins", TWINS)
    for _ in range(2):  # the second analysis loads both from the kept trees
        document = inventory_json(analyze([project]))
        assert origins(document, "/a") == [["https://a.example.com"]], document["routes"]
        assert origins(document, "/b") == [["https://b.example.com"]], document["routes"]
        assert [entry["file"] for entry in route(document, "/a")["manual_headers"]] == ["a/helpers.py"]
        assert [entry["file"] for entry in route(document, "/b")["manual_headers"]] == ["b/helpers.py"]


def test_a_copy_of_the_project_is_analysed_without_parsing_its_unchanged_files(tmp_path):
    """The proof of a fix analyses a copy of the project with one file edited: only that file is
    parsed again, and the answer is the one a fresh process gives."""
    original = tmp_path / "original"
    shutil.copytree(FIXTURE, original, ignore=shutil.ignore_patterns(".cors-lint-cache"))
    parse_memo.RECENT.clear()
    with counting(libcst, "parse_module") as cold:
        expected = inventory_json(analyze([original]))
    assert len(cold) >= 4
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    edited = copy / "shop" / "admin.py"
    edited.write_text(edited.read_text() + "\n\ndef unused():\n    return 1\n")
    with counting(libcst, "parse_module") as warm:
        document = inventory_json(analyze([copy]))
    assert [len(source) for (source, *_) in warm] == [len(edited.read_bytes())]
    parse_memo.RECENT.clear()
    assert document == inventory_json(analyze([copy]))  # what a new process says
    assert document["routes"] == expected["routes"]


def test_the_least_recently_used_trees_go_first(tmp_path):
    kept = RecentTrees(max_bytes=100)
    sources = {name: SourceFile(str(tmp_path / name), name, False) for name in ("a.py", "b.py", "c.py")}
    from cors_lint.engine.source.parsing import parse

    for name in ("a.py", "b.py"):
        kept.keep(parse(sources[name], b"x = 1  # " + b"." * 30 + b"\n"))
    assert kept.load(sources["a.py"], b"x = 1  # " + b"." * 30 + b"\n") is not None  # a: the most recent now
    kept.keep(parse(sources["c.py"], b"y = 2  # " + b"." * 30 + b"\n"))  # 120 bytes: b goes
    assert kept.size == 80
    assert kept.load(sources["b.py"], b"x = 1  # " + b"." * 30 + b"\n") is None
    loaded = kept.load(sources["a.py"], b"x = 1  # " + b"." * 30 + b"\n")
    assert loaded.source is sources["a.py"] and loaded.module.code.startswith("x = 1")
    assert kept.load(sources["c.py"], b"x = 1  # " + b"." * 30 + b"\n") is None  # the bytes count too
