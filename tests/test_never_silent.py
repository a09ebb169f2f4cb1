"""CORS that applies to routes cors-lint cannot list is judged anyway (issue 12, point 4)."""

from __future__ import annotations

import json

from helpers import inventory_of, run_cli, write

APPBUILDER = """
    from flask import Flask
    from flask_appbuilder import AppBuilder
    from flask_cors import CORS
    app = Flask(__name__, static_folder=None)
    CORS(app, resources={r"/api/*": {"supports_credentials": True}, r"/public/*": {"origins": "*"}})
    appbuilder = AppBuilder(app)
    appbuilder.add_view(SomeView, "Things")
"""


def findings(directory, *options: str, expect: int = 1) -> list[dict]:
    return json.loads(run_cli(str(directory), "--format", "json", "--no-cache", *options,
                              expect_exit=expect).stdout)["findings"]


def test_an_unmodelled_extension_leaves_routes_unlisted_and_their_cors_is_judged(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": APPBUILDER})
    unlisted = [r for r in doc["routes"] if isinstance(r["path"], dict)]
    assert [r["path"] for r in unlisted] == [
        {"unlisted": pattern, "reason": "`flask_appbuilder.AppBuilder` adds routes cors-lint does not model"}
        for pattern in ("/api/*", "/public/*")]
    assert [r["line"] for r in unlisted] == [6, 6]  # where the extension got the app
    [credentials] = [f for f in findings(tmp_path) if f["rule_id"] == "CORS001"]
    assert credentials["routes"] == ["routes matching `/api/*` that cors-lint could not list (`flask_appbuilder."
                                     "AppBuilder` adds routes cors-lint does not model)"]
    assert credentials["line"] == 5 and "cors-lint could not list" in credentials["message"]


def test_cors_on_an_app_made_where_the_engine_cannot_look_is_judged(tmp_path):
    write(tmp_path, {"app.py": """
        import connexion
        from flask_cors import CORS
        application = connexion.FlaskApp(__name__)
        application.add_api("openapi.yaml")
        CORS(application.app, supports_credentials=True)
    """})
    [finding] = [f for f in findings(tmp_path) if f["rule_id"] == "CORS001"]
    assert finding["routes"] == ["routes matching `/*` that cors-lint could not list (CORS is applied to "
                                 "`application.app`, an app cors-lint cannot see)"]


def test_a_blueprint_the_engine_cannot_see_leaves_routes_unlisted(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        from flask_swagger_ui import get_swaggerui_blueprint
        app = Flask(__name__, static_folder=None)
        CORS(app, origins="*", supports_credentials=True)
        app.register_blueprint(get_swaggerui_blueprint("/docs", "/spec.json"))
        @app.route("/me")
        def me(): return "me"
    """})
    assert [r["path"] for r in doc["routes"]] == [
        "/me", {"unlisted": "/*", "reason": "the blueprint `get_swaggerui_blueprint(\"/docs\", \"/spec.json\")` "
                                          "is one cors-lint cannot see"}]


def test_an_app_with_no_route_found_is_still_judged(tmp_path):
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        CORS(app, supports_credentials=True)
    """})
    [finding] = findings(tmp_path)
    assert finding["rule_id"] == "CORS001"
    assert finding["routes"] == ["routes matching `/*` that cors-lint could not list (no route of this app was found)"]


def test_listed_routes_alone_are_not_doubled_by_stand_ins(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        CORS(app, supports_credentials=True, origins=["https://app.example.com"])
        @app.route("/me")
        def me(): return "me"
    """})
    assert [r["path"] for r in doc["routes"]] == ["/me"]


def test_origins_only_from_the_environment_with_credentials_name_the_variable(tmp_path):
    write(tmp_path, {"app.py": """
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        CORS(app, origins=os.environ["ALLOWED_ORIGINS"].split(","), supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
    """})
    [finding] = [f for f in findings(tmp_path) if f["rule_id"] == "CORS032"]
    assert finding["severity"] == "warning" and finding["environment"] == "production"
    assert "$ALLOWED_ORIGINS" in finding["message"] and finding["routes"] == ["/me"]


def test_an_api_only_flask_restx_app_with_credentials_gets_cors001_naming_its_routes(tmp_path):
    """The issue's silent pass: `Flask(static_folder=None)`, `CORS(app, supports_credentials=True)` and
    routes from Flask-RESTX only. The routes come from the Flask-RESTX model; they are the real ones."""
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        from flask_restx import Api, Resource
        app = Flask(__name__, static_folder=None)
        CORS(app, supports_credentials=True)
        api = Api(app, prefix="/api")
        @api.route("/me")
        class Me(Resource):
            def get(self):
                return {"me": 1}
    """})
    [finding] = [f for f in findings(tmp_path) if f["rule_id"] == "CORS001"]
    import importlib.util

    spec = importlib.util.spec_from_file_location("restx_only_app", tmp_path / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    real = sorted(rule.rule for rule in module.app.url_map.iter_rules())
    assert "/api/me" in real and finding["routes"] == real  # every route the running app has, named


def test_blueprint_cors_over_routes_the_engine_cannot_list_is_judged(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask, Blueprint
        from flask_cors import CORS
        from flask_graphql import GraphQLView
        app = Flask(__name__, static_folder=None)
        api = Blueprint("api", __name__, url_prefix="/api")
        CORS(api, supports_credentials=True)
        GraphQLView.install(api)
        app.register_blueprint(api)
        @app.route("/health")
        def health(): return "ok"
    """})
    [stand_in] = [r for r in doc["routes"] if isinstance(r["path"], dict)]
    assert stand_in["blueprint"] == "api"
    reason = "`flask_graphql.GraphQLView.install` adds routes cors-lint does not model"
    assert stand_in["path"] == {"unlisted": "/*", "reason": reason}
    assert stand_in["cors"][0]["options"]["supports_credentials"] is True
    [finding] = [f for f in findings(tmp_path) if f["rule_id"] == "CORS001"]
    assert finding["routes"] == [f"routes matching `/*` that cors-lint could not list ({reason})"]


ENV_HELPER_PROJECT = {
    "svc/__init__.py": "",
    "svc/env.py": """
        import os


        def env_list(key, default=[]):
            value = os.getenv(key, None)
            if value is None:
                return default
            return value.split(";")
    """,
    "svc/config.py": """
        from svc import env

        CORS_ALLOWED_ORIGINS = env.env_list("CORS_ALLOWED_ORIGINS", [])
    """,
    "svc/app.py": """
        from flask import Flask
        from flask_cors import CORS

        from svc import config

        app = Flask(__name__)
        if config.CORS_ALLOWED_ORIGINS:
            CORS(app, resources={r"/*": {"origins": config.CORS_ALLOWED_ORIGINS}}, supports_credentials=True)


        @app.route("/user")
        def user():
            return {}
    """,
}


def test_a_value_from_the_environment_through_a_helper_with_a_default_keeps_its_branch(tmp_path):
    """A project helper returns ``os.getenv(key)`` or an empty default: the value is "unknown, from
    $KEY", so the `if` on it runs the CORS call, under the variable's condition (the default alone
    made the test false and the credentialed CORS vanished)."""
    doc = inventory_of(tmp_path, ENV_HELPER_PROJECT)
    [site] = [s for s in doc["sites"] if s["kind"] == "extension"]
    assert site["options"]["supports_credentials"] is True
    assert "$CORS_ALLOWED_ORIGINS" in site["condition"]
    reported = findings(tmp_path)
    [from_env] = [f for f in reported if f["rule_id"] == "CORS032"]
    assert "$CORS_ALLOWED_ORIGINS" in from_env["message"] and "/user" in from_env["routes"]
    assert "CORS027" not in {f["rule_id"] for f in reported}  # one root cause, one finding


def test_an_option_set_to_a_name_from_an_unmodelled_library_is_unknown_not_reflected(tmp_path):
    """`CORS(app, origins=ORIGINS)` with `ORIGINS` imported from a package that is not in the tree
    (nor modelled): its value cannot be known. It is reported as such (CORS027), not taken for
    an origin to reflect (CORS001) and not a crash of the text inventory."""
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        from company_settings.cors import ORIGINS
        app = Flask(__name__)
        CORS(app, origins=ORIGINS, supports_credentials=True)
    """})
    rules = {f["rule_id"]: f for f in findings(tmp_path, expect=0)}
    assert "CORS001" not in rules and "company_settings.cors.ORIGINS" in rules["CORS027"]["message"], rules
    text = run_cli("inventory", str(tmp_path), expect_exit=0).stdout
    assert "origins: unknown (`company_settings.cors.ORIGINS` is a name from a library" in text, text


def test_a_helper_that_returns_an_empty_list_on_one_path_is_not_taken_for_empty(tmp_path):
    """OctoPrint's `get_implementations`: `if result is None: return []`, else `return
    sorted(result)` of values that cannot be known. The empty list is one path's answer, not
    the function's: the origins stay unknown (CORS027), and are not taken for "no origin"."""
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        from registry_client import fetch

        class Registry:
            def origins(self, kind):
                result = None
                for name in fetch(kind):
                    result = (result or set()) | {name}
                if result is None:
                    return []
                return sorted(result)

        app = Flask(__name__)
        CORS(app, origins=Registry().origins("partners"), supports_credentials=True)
    """})
    rules = {f["rule_id"] for f in findings(tmp_path, expect=0)}
    assert "CORS027" in rules, rules
