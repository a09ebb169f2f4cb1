"""What may run is analysed (issue 12, points 2 and 3): `__main__` blocks, console scripts,
functions that configure an app but that nothing calls, CLI handlers, modules imported by
name, copied blueprints, and both sides of a flag read from the environment.

Where a form can be run for real (a configurator called with the app), the routes the
inventory lists are compared with the real app's url_map."""

from __future__ import annotations

import importlib
import json
import sys

from helpers import inventory_of, route, run_cli, write
from oracle import inventory_rules, url_map_rules

from cors_lint.core.values import Assumptions
from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json


def paths(document) -> list:
    return sorted(r["path"] for r in document["routes"] if isinstance(r["path"], str))


def test_main_guard_runs_with_its_condition(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        @app.route("/always")
        def always(): return "a"
        if __name__ == "__main__":
            CORS(app, supports_credentials=True)
            @app.route("/dev")
            def dev(): return "d"
            app.run()
        else:
            @app.route("/imported")
            def imported(): return "i"
    """})
    assert paths(doc) == ["/always", "/dev", "/imported"]
    assert route(doc, "/dev")["condition"] == 'the module runs as a script (`__name__ == "__main__"`)'
    assert "condition" not in route(doc, "/imported") and "condition" not in route(doc, "/always")
    [layer] = route(doc, "/always")["cors"]
    assert layer["options"]["supports_credentials"] is True and "__main__" in layer["condition"]


def test_console_scripts_from_pyproject_and_setup_cfg_run(tmp_path):
    files = {
        "pyproject.toml": """
            [project]
            name = "svc"
            [project.scripts]
            svc-serve = "svc.cli:main"
        """,
        "setup.cfg": """
            [options.entry_points]
            console_scripts =
                svc-admin = svc.admin:run
        """,
        "svc/__init__.py": "",
        "svc/web.py": """
            from flask import Flask, Blueprint
            api = Blueprint("api", __name__, url_prefix="/api")
            admin = Blueprint("admin", __name__, url_prefix="/admin")
            @api.route("/items")
            def items(): return "i"
            @admin.route("/users")
            def users(): return "u"
            def make_app():
                return Flask("svc", static_folder=None)
        """,
        "svc/cli.py": """
            from flask_cors import CORS
            from svc.web import api, make_app
            def main():
                app = make_app()
                app.register_blueprint(api)
                CORS(app, origins="https://app.example.com")
                app.run()
        """,
        "svc/admin.py": """
            from svc.web import admin, make_app
            def run():
                app = make_app()
                app.register_blueprint(admin)
                app.run()
        """,
    }
    doc = inventory_of(tmp_path, files)
    assert paths(doc) == ["/admin/users", "/api/items"]
    assert route(doc, "/api/items")["condition"] == "the command `svc-serve` (pyproject.toml) runs"
    assert route(doc, "/admin/users")["condition"] == "the command `svc-admin` (setup.cfg) runs"
    assert route(doc, "/api/items")["cors"][0]["options"]["origins"] == ["https://app.example.com"]


def test_an_uncalled_configurator_is_applied_to_the_app_as_it_would_be_for_real(tmp_path):
    files = {"plug.py": """
        from flask import Flask, Blueprint
        from flask_cors import CORS
        core = Blueprint("core", __name__)
        @core.route("/core/ping")
        def ping(): return "p"
        app = Flask(__name__, static_folder=None)
        @app.route("/")
        def index(): return "i"
        def standalone(app):
            app.register_blueprint(core)
            CORS(app, supports_credentials=True)
    """}
    doc = inventory_of(tmp_path, files)
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("plug")
        module.standalone(module.app)  # what a plugin loader would do
        assert inventory_rules(doc["routes"]) == url_map_rules(module.app)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("plug", None)
    [layer] = route(doc, "/core/ping")["cors"]
    assert layer["condition"] == "`standalone(app)` is called with this app (nothing in the project calls it)"


def test_a_cli_handler_wired_through_argparse_runs(tmp_path):
    doc = inventory_of(tmp_path, {"server.py": """
        import argparse
        from flask import Flask
        from flask_cors import CORS
        def make_app():
            app = Flask(__name__, static_folder=None)
            @app.route("/predict", methods=["POST"])
            def predict(): return "p"
            return app
        def serve(args):
            app = make_app()
            CORS(app, supports_credentials=True)
            app.run(port=args.port)
        parser = argparse.ArgumentParser()
        parser.set_defaults(func=serve)
    """})
    # make_app() runs twice: as a factory nothing calls (no CORS), and from serve() (with CORS)
    variants = sorted(([layer.get("condition") for layer in r["cors"]] for r in doc["routes"] if r["path"] == "/predict"),
                      key=len)
    assert variants == [[], ["`serve()` runs (nothing in the project calls it)"]]


def test_test_modules_are_not_run_as_entries(tmp_path):
    doc = inventory_of(tmp_path, {
        "app.py": """
            from flask import Flask
            app = Flask(__name__, static_folder=None)
            @app.route("/x")
            def x(): return "x"
        """,
        "tests/test_app.py": """
            from flask_cors import CORS
            from app import app
            def helper_that_adds_cors():
                CORS(app)
        """,
    })
    assert [layer for r in doc["routes"] for layer in r["cors"]] == []


def test_modules_imported_by_name_and_copied_blueprints_are_followed(tmp_path):
    files = {
        "shop/__init__.py": """
            import copy
            from importlib import import_module
            from flask import Flask
            from flask_cors import CORS
            from shop.tiles import TILES
            class Config:
                ENABLED_MODULES = ("auth", "cart")
            def create_app():
                app = Flask(__name__, static_folder=None)
                app.config.from_object(Config)
                for name in app.config["ENABLED_MODULES"]:
                    import_module(f".modules.{name}", package=__name__).init_app(app)
                tiles = copy.deepcopy(TILES)
                CORS(tiles, origins="*")
                app.register_blueprint(tiles)
                return app
        """,
        "shop/tiles.py": """
            from flask import Blueprint
            TILES = Blueprint("tiles", __name__)
            @TILES.route("/tiles/<int:z>")
            def tile(z): return ""
        """,
        "shop/modules/__init__.py": "",
        "shop/modules/auth.py": """
            from flask import Blueprint
            bp = Blueprint("auth", __name__, url_prefix="/auth")
            @bp.route("/login")
            def login(): return "l"
            def init_app(app):
                app.register_blueprint(bp)
        """,
        "shop/modules/cart.py": """
            from flask import Blueprint
            bp = Blueprint("cart", __name__, url_prefix="/cart")
            @bp.route("/")
            def cart(): return "c"
            def init_app(app):
                app.register_blueprint(bp)
        """,
    }
    doc = inventory_of(tmp_path, files)
    sys.path.insert(0, str(tmp_path))
    try:
        app = importlib.import_module("shop").create_app()
        assert inventory_rules(doc["routes"]) == url_map_rules(app)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == "shop" or n.startswith("shop.")]:
            sys.modules.pop(name)
    assert route(doc, "/tiles/<int:z>")["cors"][0]["options"]["origins"] == ["*"]
    assert route(doc, "/auth/login")["cors"] == []  # the copy got the CORS, not the original


def test_a_required_config_guard_does_not_cut_off_the_factory(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        def create_app():
            app = Flask(__name__, static_folder=None)
            app.config.from_prefixed_env(prefix="MYAPP")
            for option in ["SECRET_KEY", "DB_URI"]:
                if not app.config.get(option):
                    raise ValueError(f"{option} must be specified")
            CORS(app, supports_credentials=True)
            @app.route("/ready")
            def ready(): return "ok"
            return app
    """})
    assert route(doc, "/ready")["cors"][0]["options"]["supports_credentials"] is True


def test_attributes_the_engine_cannot_see_are_conditions_not_truths(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        from deployment import settings
        app = Flask(__name__, static_folder=None)
        if settings.STRICT_CORS:
            CORS(app, origins="https://app.example.com")
        else:
            CORS(app, origins="*", supports_credentials=True)
        if app.testing:
            CORS(app, resources=r"/test/*")
        @app.route("/x")
        def x(): return "x"
    """})
    conditions = sorted(layer.get("condition") for layer in route(doc, "/x")["cors"])
    assert conditions == ["not (settings.STRICT_CORS)", "settings.STRICT_CORS"]


def test_the_enable_cors_flag_is_judged_with_its_condition_in_every_format(tmp_path):
    write(tmp_path, {"app.py": """
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        if os.environ.get("ENABLE_CORS"):
            CORS(app, supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
    """})
    text = run_cli(str(tmp_path), "--no-cache", expect_exit=1).stdout
    assert "CORS001" in text and "on /me (only if $ENABLE_CORS is set)" in text
    [finding] = [f for f in json.loads(run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1).stdout)
                 ["findings"] if f["rule_id"] == "CORS001"]
    assert finding["condition"] == "$ENABLE_CORS is set" and finding["routes"] == ["/me"]
    sarif = json.loads(run_cli(str(tmp_path), "--format", "sarif", "--no-cache", expect_exit=1).stdout)
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CORS001"]
    assert result["properties"]["condition"] == "$ENABLE_CORS is set"
    assert result["message"]["text"].endswith("(only if $ENABLE_CORS is set)")
    review = run_cli("report", str(tmp_path), "--format", "markdown", expect_exit=0).stdout
    assert "Only if $ENABLE_CORS is set." in review


def test_a_policy_that_pins_the_flag_unset_takes_the_other_branch(tmp_path):
    write(tmp_path, {"app.py": """
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        if os.environ.get("ENABLE_CORS"):
            CORS(app, supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
    """, "cors-policy.yaml": """
        version: 1
        extends: [recommended]
        environments:
          default: production
          production:
            env: {ENABLE_CORS: null}
    """})
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", "--env", "production", expect_exit=0)
    assert json.loads(result.stdout)["findings"] == []
    staging = run_cli(str(tmp_path), "--format", "json", "--no-cache", "--env", "staging", expect_exit=1)
    assert [f["condition"] for f in json.loads(staging.stdout)["findings"]] == ["$ENABLE_CORS is set"]
    pinned = inventory_json(analyze([tmp_path], assumptions=Assumptions(env=(("ENABLE_CORS", "1"),))))
    [layer] = route(pinned, "/me")["cors"]
    assert layer["options"]["supports_credentials"] is True and "as the environment assumes" in layer["condition"]


def test_a_loop_in_a_function_run_as_an_entry_keeps_every_item(tmp_path):
    """The whole body of a command runs under its condition: rebinding a loop variable there is not a
    branch (it used to turn every item after the first into an unknown)."""
    doc = inventory_of(tmp_path, {
        "pyproject.toml": '[project]\nname = "svc"\n[project.scripts]\nsvc-serve = "svc.cli:main"\n',
        "svc/__init__.py": "",
        "svc/cli.py": """
            from flask import Flask
            def view(): return "x"
            def main():
                app = Flask("svc", static_folder=None)
                for rule in ["/c", "/d", "/e"]:
                    app.add_url_rule(rule, rule, view)
                app.run()
        """,
    })
    assert paths(doc) == ["/c", "/d", "/e"]


def test_the_static_route_of_an_app_made_under_a_condition_carries_it(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask
        if __name__ == "__main__":
            app = Flask(__name__)
            @app.route("/x")
            def x(): return "x"
    """})
    conditions = {r["path"]: r.get("condition") for r in doc["routes"]}
    assert conditions == {"/static/<path:filename>": 'the module runs as a script (`__name__ == "__main__"`)',
                          "/x": 'the module runs as a script (`__name__ == "__main__"`)'}
