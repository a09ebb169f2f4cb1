"""The demand-driven analysis gives the same answer as the full one.

By default only files that pass the byte prefilter are entry points, and imported modules
that cannot have effects are parsed when a name in them is first used. The full analysis
(``demand_driven=False``, ``--no-prefilter``) parses every file and runs each as an entry
point. Inventories, findings and errors must be identical, on the fixtures, on generated
projects mixed with ordinary code, and on import shapes chosen to stress laziness.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from appgen import generate_project
from helpers import write

from cors_lint.check.checker import check_paths
from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json
from cors_lint.policy.loader import load

FIXTURES = Path(__file__).parent.parent / "fixtures"

ORDINARY = '''"""Ordinary code: nothing web-related."""
import json


class Record{index}:
    def __init__(self, values):
        self.values = list(values)

    def as_json(self):
        return json.dumps(self.values)


def load_{index}(items=("a", "b")):
    return [Record{index}(item) for item in items]


ORIGINS_{index} = ["https://ordinary{index}.example.com"]
'''


def outcome(root: Path, demand_driven: bool) -> tuple[dict, list, list]:
    inventory = analyze([root], demand_driven=demand_driven)
    document = inventory_json(inventory)
    result = check_paths([root], load("strict"), demand_driven=demand_driven)
    return ({key: document[key] for key in ("apps", "routes", "sites")},
            [finding.as_json() for finding in result.findings],
            [error.as_json() for error in inventory.errors])


def assert_same(root: Path) -> None:
    fast, full = outcome(root, True), outcome(root, False)
    assert fast[0] == full[0], "inventories differ"
    assert fast[1] == full[1], "findings differ"
    assert fast[2] == full[2], "errors differ"
    assert fast[0]["routes"], "nothing was analysed: the comparison would prove nothing"


def test_fixtures(tmp_path):
    for project in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        copy = tmp_path / project.name
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".cors-lint-cache"))
        assert_same(copy)


@pytest.mark.parametrize("seed", range(30))
def test_generated_projects_mixed_with_ordinary_code(seed, tmp_path):
    files = generate_project(seed)
    for index in range(40):
        files[f"lib/part{index // 10}/mod{index}.py"] = ORDINARY.format(index=index)
    for package in {f"lib/part{index // 10}" for index in range(40)} | {"lib"}:
        files[f"{package}/__init__.py"] = ""
    # the app module also reaches into the ordinary code, as real apps do
    app_module = next(name for name, text in files.items() if "flask_cors" in text)
    files[app_module] += "\nfrom lib.part1.mod12 import load_12\nfrom lib.part2 import mod25\nCACHED = load_12()\n"
    write(tmp_path, files)
    assert_same(tmp_path)
    consulted = analyze([tmp_path]).consulted
    assert not any(rel.startswith("lib/part3/") for rel in consulted), "the prefilter let unrelated code in"


LAZY_SHAPES = {
    # the classic circular layout: routes registered by a module imported at the bottom
    "shop/__init__.py": """
        from flask import Flask
        from flask_cors import CORS
        from shop import settings
        from shop.constants import *
        app = Flask(__name__)
        app.config.from_object(settings)
        CORS(app, origins=ALLOWED)
        from shop import views  # registers routes; has no Flask import of its own
        import shop.extra.deep
        shop.extra.deep.hook(app)
    """,
    "shop/settings.py": """
        from shop.defaults import BASE_ORIGINS
        CORS_SUPPORTS_CREDENTIALS = True
        CORS_RESOURCES = {r"/api/*": {"origins": BASE_ORIGINS}}
    """,
    "shop/defaults.py": """
        BASE_ORIGINS = ["https://shop.example.com"]
        UNUSED = object()
    """,
    "shop/constants.py": """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from shop.typing_only import Heavy
        ALLOWED = ["https://a.example.com", "https://b.example.com"]
    """,
    "shop/typing_only.py": """
        class Heavy:
            pass
    """,
    "shop/views.py": """
        from shop import app
        from shop.helpers import register_more
        @app.route("/api/items")
        def items():
            return "items"
        register_more(app)
    """,
    "shop/helpers.py": """
        def register_more(app):
            app.add_url_rule("/api/more", "more", lambda: "more")
    """,
    "shop/extra/__init__.py": "",
    "shop/extra/deep.py": """
        from shop.extra.values import PATH
        def hook(app):
            app.add_url_rule(PATH, "deep", lambda: "deep")
    """,
    "shop/extra/values.py": """
        PATH = "/api/deep"
    """,
    "tools/mutate.py": """
        import shop.defaults
        shop.defaults.BASE_ORIGINS.append("https://late.example.com")
    """,
    "tools/unused.py": """
        def never_called():
            return 1
    """,
    # routes registered by a module that nothing in the tree imports (a WSGI file outside it
    # would): it has no Flask import, only the route decorator
    "shop/late_views.py": """
        from shop import app
        @app.route("/api/late")
        def late():
            return "late"
    """,
}


def test_lazy_import_shapes(tmp_path):
    write(tmp_path, {name: textwrap.dedent(text) for name, text in LAZY_SHAPES.items()})
    assert_same(tmp_path)
    routes = {route["path"] for route in inventory_json(analyze([tmp_path]))["routes"]}
    assert {"/api/items", "/api/more", "/api/deep", "/api/late"} <= routes
    consulted = analyze([tmp_path]).consulted
    assert "shop/typing_only.py" not in consulted and "tools/unused.py" not in consulted
