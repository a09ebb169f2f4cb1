"""The demand-driven analysis gives the same answer as the full one.

By default only files that pass the byte prefilter are entry points, and imported modules
that cannot have effects are parsed when a name in them is first used. The full analysis
(``demand_driven=False``, ``--no-prefilter``) parses every file and runs each as an entry
point. Inventories, findings and errors must be identical, on the fixtures, on generated
projects mixed with ordinary code (among them projects that use the API frameworks, with a
console-script entry, a WSGI file, an uncalled configurator and a flag read from the
environment added), and on import shapes chosen to stress laziness and reachability.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from appgen import generate_project
from helpers import write
from oracle import inventory_rules, url_map_rules

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


def outcome(root: Path, demand_driven: bool) -> tuple[dict, list, list, frozenset[str]]:
    """The inventory, findings and errors of one mode (and the files its analysis read)."""
    inventory = analyze([root], demand_driven=demand_driven)
    document = inventory_json(inventory)
    result = check_paths([root], load("strict"), demand_driven=demand_driven)
    return ({key: document[key] for key in ("apps", "routes", "sites")},
            [finding.as_json() for finding in result.findings],
            [error.as_json() for error in inventory.errors], frozenset(inventory.consulted))


def assert_same(root: Path) -> frozenset[str]:
    """The fast and the full analysis agree; what the fast one read."""
    fast, full = outcome(root, True), outcome(root, False)
    assert fast[0] == full[0], "inventories differ"
    assert fast[1] == full[1], "findings differ"
    assert fast[2] == full[2], "errors differ"
    assert fast[0]["routes"], "nothing was analysed: the comparison would prove nothing"
    return fast[3]


def test_fixtures(tmp_path):
    for project in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        copy = tmp_path / project.name
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".cors-lint-cache"))
        assert_same(copy)


def mixed_with_ordinary_code(files: dict[str, str]) -> dict[str, str]:
    for index in range(40):
        files[f"lib/part{index // 10}/mod{index}.py"] = ORDINARY.format(index=index)
    for package in {f"lib/part{index // 10}" for index in range(40)} | {"lib"}:
        files[f"{package}/__init__.py"] = ""
    # the app module also reaches into the ordinary code, as real apps do
    app_module = next(name for name, text in files.items() if "flask_cors" in text)
    files[app_module] += "\nfrom lib.part1.mod12 import load_12\nfrom lib.part2 import mod25\nCACHED = load_12()\n"
    return files


def assert_same_and_lib_untouched(root: Path) -> None:
    consulted = assert_same(root)
    assert not any(rel.startswith("lib/part3/") for rel in consulted), "the prefilter let unrelated code in"


@pytest.mark.parametrize("seed", range(30))
def test_generated_projects_mixed_with_ordinary_code(seed, tmp_path):
    write(tmp_path, mixed_with_ordinary_code(generate_project(seed)))
    assert_same_and_lib_untouched(tmp_path)


def uses_frameworks(files: dict[str, str]) -> bool:
    return any(name.startswith(("apis/", "plugins/")) or name == "views/pluggable.py" or "APIFlask(" in text
               for name, text in files.items())


# generated projects that use the API frameworks (beyond the 30 above, about a third of which do)
FRAMEWORK_SEEDS = [seed for seed in range(30, 200) if uses_frameworks(generate_project(seed))][:12]
# what may run besides the import of main.py: a console script and a WSGI file without any
# Flask marker, and a configurator that nothing calls, behind a flag read from the environment
ENTRIES = {
    "pyproject.toml": """
        [project]
        name = "generated"
        [project.scripts]
        generated-serve = "cli:main"
    """,
    "cli.py": """
        import sys
        def main():
            from main import app
            app.run(port=int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
    """,
    "wsgi.py": """
        from main import app as application
        if __name__ == "__main__":
            application.run()
    """,
    "standalone.py": """
        import os
        from flask_cors import CORS
        def standalone(app):
            if os.environ.get("ENABLE_CORS"):
                CORS(app, supports_credentials=True, origins=os.environ["ALLOWED_ORIGINS"].split(","))
    """,
}


@pytest.mark.parametrize("seed", FRAMEWORK_SEEDS)
def test_framework_projects_with_entries_mixed_with_ordinary_code(seed, tmp_path):
    files = mixed_with_ordinary_code(generate_project(seed))
    files.update({name: textwrap.dedent(text) for name, text in ENTRIES.items()})
    write(tmp_path, files)
    assert_same_and_lib_untouched(tmp_path)
    document = inventory_json(analyze([tmp_path]))
    conditions = {layer.get("condition") for route in document["routes"] for layer in route["cors"]}
    assert any("standalone(app)" in str(condition) for condition in conditions), "the configurator was not applied"


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
        BASE_ORIGINS.append("https://more.example.com")
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
    origins = {origin for route in inventory_json(analyze([tmp_path]))["routes"] if route["path"] == "/api/items"
               for layer in route["cors"] for origin in layer["options"].get("origins") or ()}
    assert "https://more.example.com" in origins, "a list extended in place lost what was appended"


def test_a_separate_script_is_not_the_apps_program(tmp_path):
    """A script that does not import Flask and changes a settings list in place is its own
    program: the app never runs it. The default analysis keeps it out of the app's CORS; the
    reference analysis (``--no-prefilter``) runs every file as an entry point of the app, so
    there the change is in (that analysis over-approximates what may run, by design)."""
    write(tmp_path, {name: textwrap.dedent(text) for name, text in LAZY_SHAPES.items()})
    write(tmp_path, {"tools/mutate.py": "import shop.defaults\n"
                                        "shop.defaults.BASE_ORIGINS.append('https://late.example.com')\n"})

    def origins(demand_driven: bool) -> set[str]:
        document = inventory_json(analyze([tmp_path], demand_driven=demand_driven))
        return {origin for route in document["routes"] if route["path"] == "/api/items"
                for layer in route["cors"] for origin in layer["options"].get("origins") or ()}

    assert "https://late.example.com" not in origins(True)
    assert "https://late.example.com" in origins(False)


# Framework apps split over modules, and what may run besides the import of the package: a
# console script, a `__main__` block, a configurator nothing calls, plugins imported by name, a
# flag read from the environment. The package's own import is checked against the real app.
FRAMEWORK_SHAPES = {
    "pyproject.toml": """
        [project]
        name = "shop"
        [project.scripts]
        shop-serve = "shop.cli:main"
    """,
    # the app: Flask-RESTful and Flask-RESTX Apis made here, flask-smorest's Api made elsewhere
    "shop/__init__.py": """
        import importlib
        import os
        from flask import Flask
        from flask_cors import CORS
        from flask_restful import Api
        from flask_restx import Api as RestxApi
        from shop.extensions import smorest_api
        from shop.resources import Items, Item
        from shop.namespaces import pets
        from shop.blueprints import orders
        app = Flask(__name__, static_folder=None)
        app.config.update(API_TITLE="Shop", API_VERSION="1", OPENAPI_VERSION="3.0.2")
        if os.environ.get("ENABLE_CORS"):
            CORS(app, supports_credentials=True)
        else:
            CORS(app, resources={r"/api/*": {"origins": "https://shop.example.com"}})
        rest_api = Api(app, prefix="/api/v1")
        rest_api.add_resource(Items, "/items", "/things")
        rest_api.add_resource(Item, "/items/<int:item_id>")
        restx = RestxApi(app, prefix="/api/v2", doc="/api/docs")
        restx.add_namespace(pets, path="/animals")
        smorest_api.init_app(app)
        smorest_api.register_blueprint(orders, url_prefix="/api/orders")
        PLUGINS = ["shop.plugins.alpha", "shop.plugins.beta"]
        for name in PLUGINS:
            importlib.import_module(name).setup(app)
        import shop.late  # noqa: E402,F401  these register on the app and its Apis, importing no Flask
        import shop.more  # noqa: E402,F401
        import shop.quick  # noqa: E402,F401
        if __name__ == "__main__":
            @app.route("/debug")
            def debug(): return "debug"
            app.run(debug=True)
    """,
    "shop/extensions.py": """
        from flask_smorest import Api
        smorest_api = Api()
    """,
    "shop/resources.py": """
        from flask_restful import Resource
        from flask_cors import cross_origin
        class Items(Resource):
            decorators = [cross_origin(origins="https://admin.example.com")]
            def get(self): return []
            def post(self): return {}
        class Item(Resource):
            method_decorators = [cross_origin(origins="https://x.example.com", automatic_options=False)]
            def get(self, item_id): return {}
        class Late(Resource):
            def delete(self): return "", 204
    """,
    "shop/namespaces.py": """
        from flask_restx import Namespace, Resource
        pets = Namespace("pets")
        extra = Namespace("extra", path="/extra")
        @pets.route("/", "/all")
        class Pets(Resource):
            def get(self): return []
        @extra.route("/<string:name>")
        class Extra(Resource):
            def put(self, name): return {}
    """,
    "shop/blueprints.py": """
        from flask.views import MethodView
        from flask_smorest import Blueprint
        orders = Blueprint("orders", __name__, url_prefix="/orders")
        @orders.route("/")
        class Orders(MethodView):
            def get(self): return []
            def post(self): return {}
        @orders.get("/<int:order_id>")
        def order(order_id): return {}
    """,
    # registrations on objects made elsewhere, in modules without a Flask import (one marker each)
    "shop/late.py": """
        from shop import rest_api
        from shop.resources import Late
        rest_api.add_resource(Late, "/late")
    """,
    "shop/more.py": """
        from shop import restx
        from shop.namespaces import extra
        restx.add_namespace(extra)
    """,
    "shop/quick.py": """
        from shop import app
        @app.get("/quick")
        def quick(): return "q"
    """,
    "shop/plugins/__init__.py": "",
    "shop/plugins/alpha.py": """
        from flask import Blueprint
        bp = Blueprint("alpha", __name__, url_prefix="/alpha")
        @bp.route("/ping")
        def ping(): return "pong"
        def setup(app):
            app.register_blueprint(bp)
    """,
    "shop/plugins/beta.py": """
        from shop.helpers import mount
        def setup(app):
            mount(app, "/beta")
    """,
    "shop/helpers.py": """
        def mount(app, path):
            app.add_url_rule(path, "beta", lambda: "beta")
    """,
    # the console script: no Flask import, a second app made by an APIFlask factory
    "shop/cli.py": """
        import sys
        from shop.admin import create_admin
        from shop.wiring import install
        def main():
            admin = create_admin()
            install(admin)
            admin.run(port=int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
    """,
    "shop/admin.py": """
        from apiflask import APIFlask
        from flask_cors import CORS
        def create_admin():
            admin = APIFlask("admin", docs_path="/admin/docs")
            CORS(admin, origins=["https://admin.example.com"], supports_credentials=True)
            return admin
    """,
    "shop/admin_views.py": """
        from apiflask import APIBlueprint
        board = APIBlueprint("board", __name__, url_prefix="/board")
        @board.get("/stats")
        def stats(): return {}
    """,
    # configures an app; nothing calls standalone(): it is applied to every app, once
    "shop/wiring.py": """
        from shop.admin_views import board
        from shop.extensions import smorest_api
        def install(app):
            app.register_blueprint(board)
        def standalone(app):
            from shop.blueprints import orders
            smorest_api.init_app(app)
            smorest_api.register_blueprint(orders, name="standalone_orders")
    """,
}


def test_framework_shapes(tmp_path):
    write(tmp_path, {name: textwrap.dedent(text) for name, text in FRAMEWORK_SHAPES.items()})
    assert_same(tmp_path)
    document = inventory_json(analyze([tmp_path]))
    listed = {(route["path"], route.get("condition", "")) for route in document["routes"]}
    script, standalone = "the command `shop-serve` (pyproject.toml) runs", "`standalone(app)` is called with"
    assert {("/api/v1/late", ""), ("/api/v2/extra/<string:name>", ""), ("/quick", ""), ("/beta", ""),
            ("/debug", 'the module runs as a script (`__name__ == "__main__"`)'),
            ("/board/stats", script), ("/openapi.json", script)} <= listed
    assert any(path == "/orders/" and condition.startswith(standalone) for path, condition in listed)
    flag = {layer.get("condition") for route in document["routes"] if route["path"] == "/api/v1/items"
            for layer in route["cors"]}
    assert {"$ENABLE_CORS is set", "$ENABLE_CORS is not set"} <= flag, flag
    # what the package's import registers is what the real app serves
    [app_id] = [app["id"] for app in document["apps"] if app["file"] == "shop/__init__.py"]
    predicted = inventory_rules(r for r in document["routes"] if r["app"] == app_id and "condition" not in r)
    sys.path.insert(0, str(tmp_path))
    try:
        app = importlib.import_module("shop").app
        real = url_map_rules(app)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == "shop" or n.startswith("shop.")]:
            del sys.modules[name]
    assert predicted == real


def test_a_main_block_in_a_module_without_markers(tmp_path):
    """A script whose only effect is its `__main__` block is an entry point (the prefilter's main-guard marker)."""
    write(tmp_path, {
        "app.py": """
            from flask import Flask
            from flask_cors import CORS
            app = Flask(__name__, static_folder=None)
            @app.route("/x")
            def x(): return "x"
            def standalone(app):
                CORS(app, supports_credentials=True)
        """,
        "run.py": """
            from app import app, standalone
            if __name__ == "__main__":
                standalone(app)
                app.run()
        """,
    })
    assert_same(tmp_path)


def test_the_grouped_prefilter_finds_exactly_the_entry_markers():
    """``is_relevant`` searches the markers group by group under a shared substring: a file holding
    any one marker is relevant, and one where every marker is broken in two is not."""
    from cors_lint.engine.source.project import ENTRY_MARKERS, is_relevant

    for marker in ENTRY_MARKERS:
        assert is_relevant(b"x = 1\n" + marker + b"\n"), marker
        for cut in range(1, len(marker)):
            broken = marker[:cut] + b" # " + marker[cut:]
            assert not is_relevant(b"x = 1\n" + broken + b"\n") or any(m in broken for m in ENTRY_MARKERS), \
                (marker, cut)


SCRIPTS = {
    "shop/__init__.py": "",
    "shop/factory.py": """
        from flask import Flask
        from flask_cors import CORS
        def create_app():
            app = Flask(__name__)
            CORS(app, origins="*")
            from shop.views import register
            register(app)
            return app
    """,
    "shop/views.py": """
        from flask import jsonify
        def register(app):
            app.add_url_rule("/api/items", "items", lambda: jsonify([]))
    """,
    "shop/launcher.py": """
        from shop.factory import create_app
        def start():
            create_app().run()
    """,
    "shop/cli/__init__.py": "",
    "shop/cli/__main__.py": """
        from ..launcher import start
        if __name__ == "__main__":
            start()
    """,
    "run.py": """
        from shop import launcher
        if __name__ == "__main__":
            launcher.start()
    """,
    "jobs/__init__.py": "",
    "jobs/helpers.py": """
        import json
        def load(path):
            with open(path) as handle:
                return json.load(handle)
    """,
    "jobs/migrate.py": """
        import sys
        from jobs.helpers import load
        if __name__ == "__main__":
            print(load(sys.argv[1]))
    """,
    "jobs/dynamic.py": """
        import importlib
        if __name__ == "__main__":
            importlib.import_module("shop.factory").create_app().run()
    """,
}


def test_scripts_that_reach_no_app_are_not_run_and_change_nothing(tmp_path):
    """A `__main__` script is run when what it imports (through plain modules, relative imports,
    package `__init__`s) reaches a module that builds or configures an app, or when it imports by
    a computed name; one that cannot reach an app is not run, and the inventory says so. The
    result is the reference analysis's (which runs every file)."""
    write(tmp_path, {name: textwrap.dedent(text) for name, text in SCRIPTS.items()})
    assert_same(tmp_path)
    inventory = analyze([tmp_path])
    assert inventory.scripts_not_run == ("jobs/migrate.py",)
    assert {"jobs/migrate.py", "jobs/helpers.py"} <= inventory.consulted  # a change to them is seen
    assert inventory_json(inventory)["scripts_not_run"] == ["jobs/migrate.py"]


def test_a_module_that_only_imports_flask_changes_nothing_by_itself(tmp_path):
    """A module whose only marker is `from flask import current_app` (an entry point, never a
    script to skip) and a registering module only imported by the factory: the same result as
    the reference analysis, the imported module's registrations included."""
    files = {name: textwrap.dedent(text) for name, text in SCRIPTS.items()}
    files["shop/unused.py"] = "from flask import current_app\n\ndef debug():\n    return current_app.debug\n"
    write(tmp_path, files)
    assert_same(tmp_path)
    document = inventory_json(analyze([tmp_path]))
    assert "/api/items" in {route["path"] for route in document["routes"]}


@pytest.mark.parametrize(("script", "reaches"), [
    ("run.py", True),  # run -> shop/launcher -> shop/factory (builds the app)
    ("shop/cli/__main__.py", True),  # relative: ..launcher
    ("jobs/migrate.py", False),  # jobs/helpers: json only
    ("jobs/dynamic.py", True),  # imports by a computed name: cannot be followed
])
def test_what_a_script_reaches_is_followed_through_its_imports(tmp_path, script, reaches):
    from cors_lint.engine.source.project import discover, read
    from cors_lint.engine.source.scripts import reaches_apps

    write(tmp_path, {name: textwrap.dedent(text) for name, text in SCRIPTS.items()})
    _, _, index, _ = discover([tmp_path])
    by_name = {name: source for source in index for name in source.module_names}
    [source] = [s for s in index if s.rel == script]
    assert reaches_apps(source, by_name.get, read) is reaches


def test_a_package_init_on_the_way_counts():
    """`import a.b` runs `a/__init__.py`: an app built there is reached."""
    from cors_lint.engine.source.project import SourceFile
    from cors_lint.engine.source.scripts import reaches_apps

    files = {"a/__init__.py": b"from flask import Flask\napp = Flask(__name__)\n", "a/b.py": b"X = 1\n",
             "run.py": b"import a.b\nif __name__ == '__main__':\n    print(a.b.X)\n"}
    sources = {rel: SourceFile(rel, rel, rel.endswith("__init__.py")) for rel in files}
    names = {"a": sources["a/__init__.py"], "a.b": sources["a/b.py"]}
    assert reaches_apps(sources["run.py"], names.get, lambda source: files[source.rel])
    files["a/__init__.py"] = b""
    assert not reaches_apps(sources["run.py"], names.get, lambda source: files[source.rel])


def test_the_scripts_of_a_project_scan_each_module_once_and_answer_alike(tmp_path):
    """Scripts share most of their imports (lear's 50 migrations): with ``steps`` shared, each
    module is read once for all of them, and each answer is the one a fresh search gives."""
    from cors_lint.engine.source.project import discover, read
    from cors_lint.engine.source.scripts import reaches_apps

    write(tmp_path, {name: textwrap.dedent(text) for name, text in SCRIPTS.items()})
    _, _, index, _ = discover([tmp_path])
    by_name = {name: source for source in index for name in source.module_names}
    scripts = [s for s in index if s.rel in ("run.py", "shop/cli/__main__.py", "jobs/migrate.py", "jobs/dynamic.py")]
    reads: list[str] = []

    def counted(source):
        reads.append(source.rel)
        return read(source)

    steps: dict = {}
    shared = [reaches_apps(script, by_name.get, counted, steps) for script in scripts]
    assert shared == [reaches_apps(script, by_name.get, read) for script in scripts]
    assert len(scripts) == 4 and reads and len(reads) == len(set(reads))
