"""Shapes met in real projects (issue 17) that used to leave a CORS risk without a word.

Each project is described in our own words (fetched code is never committed): the test builds the
smallest app that has the shape, and checks what cors-lint reports for it.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from helpers import run_cli, write


def served_rules(module: str, package: str, *roots: Path) -> set:
    """The rules the real app ``module.app`` serves, imported with ``roots`` on sys.path (tests
    only: the linter never imports the code it checks)."""
    from oracle import url_map_rules

    sys.path[:0] = [str(root) for root in roots]
    try:
        return url_map_rules(importlib.import_module(module).app)
    finally:
        for root in roots:
            sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]


REFLECTING_HOOK = """
    from typing import Optional
    from flask import Flask, request

    app = Flask(__name__)


    @app.after_request
    def cors(response):
        {assignment}
        if origin:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
        return response


    @app.route("/api/user")
    def user():
        return {{}}
"""


@pytest.mark.parametrize("assignment", [
    'origin: Optional[str] = request.headers.get("Origin")',  # CKAN's annotated assignment
    'if not (origin := request.headers.get("Origin")): return response',  # a walrus
], ids=["annotated", "walrus"])
def test_an_origin_reflected_through_an_annotated_or_walrus_assignment_is_found(tmp_path, assignment):
    write(tmp_path, {"app.py": REFLECTING_HOOK.format(assignment=assignment)})
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "CORS017"]
    assert finding["line"] == 11 and "/api/user" in finding["routes"]


def test_an_app_reached_along_several_ways_lists_each_route_once(tmp_path):
    """LibreTranslate's shape: the factory runs from `__main__` with a prefix option that may or
    may not be given; each route is listed once, under what its ways share, said once."""
    from helpers import inventory_of

    doc = inventory_of(tmp_path, {"main.py": """
        import argparse
        from flask import Flask
        from flask_cors import CORS


        def create_app(args):
            app = Flask(__name__)
            CORS(app)

            @app.route("/translate", methods=["POST"])
            def translate():
                return {}
            return app


        if __name__ == "__main__":
            args = argparse.ArgumentParser().parse_args()
            if args.debug:
                create_app(args).run(debug=True)
            else:
                create_app(args).run()
    """})
    routes = [r for r in doc["routes"] if r["path"] == "/translate"]
    assert len(routes) == 1, routes
    assert routes[0]["condition"] == 'the module runs as a script (`__name__ == "__main__"`)'


def test_conditions_are_said_once_and_alternatives_share_their_common_clauses():
    from cors_lint.core.conditions import conjoin, shared

    assert conjoin("A and B", "A and B") == "A and B"
    assert conjoin("A", "A and B") == "A and B"
    assert conjoin("A and B", "C", None) == "A and B and C"
    assert conjoin("AB", "A") == "AB and A"  # a clause is whole words, not a prefix of text
    assert shared(["A and B", "A and not (B)", "A"]) == "A"
    assert shared(["A", "N and A", "N and A"]) == "A"  # a clause in common anywhere, not only leading
    assert shared(["A and B", None]) is None
    assert shared(["A", "B"]) is False


HOOK_AND_ROUTE = """

    @app.after_request
    def cors(response):
        add_cors(response.headers)
        return response


    @app.route("/api/me")
    def me():
        return {{}}
"""

HEADERS_HELPER = """
    from flask import Flask, request

    app = Flask(__name__)


    def set_allow_origin(headers, origin):
        if origin in ("https://app.example",):
            headers.set("Access-Control-Allow-Origin", origin)
            headers.set("Access-Control-Allow-Credentials", "true")
        else:
            headers.set("Access-Control-Allow-Origin", "*")
        {extra}

    def add_cors(headers):
        origin = request.headers.get("Origin")
        if origin:
            set_allow_origin(headers, origin)
        return headers

""" + HOOK_AND_ROUTE


def test_headers_written_by_a_helper_that_receives_them_reach_the_routes(tmp_path):
    """udata's shape: a hook passes `response.headers` to a helper, which passes them on to
    another that calls `headers.set(...)`. The sites are found and reach every route; `*` and
    credentials on opposite sides of one test are no finding (no response gets both)."""
    from helpers import inventory_of

    doc = inventory_of(tmp_path, {"app.py": HEADERS_HELPER.format(extra="")})
    written = {(s["line"], s["options"]["header"]) for s in doc["sites"] if s["kind"] == "manual-header"}
    assert written == {(8, "Access-Control-Allow-Origin"), (9, "Access-Control-Allow-Credentials"),
                       (11, "Access-Control-Allow-Origin")}
    [me] = [r for r in doc["routes"] if r["path"] == "/api/me"]
    assert {(m["line"], m["via"]) for m in me["manual_headers"]} == {
        (8, "after_request, through add_cors()"), (9, "after_request, through add_cors()"),
        (11, "after_request, through add_cors()")}
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    findings = json.loads(result.stdout)["findings"]
    assert [f for f in findings if f["rule_id"] == "CORS017"] == []
    # the allowed origin is copied (the helper receives it from `add_cors`) and nothing sends `Vary: Origin`
    assert [(f["rule_id"], f["line"]) for f in findings] == [("CORS033", 8)]


def test_a_wildcard_with_credentials_written_by_hand_is_a_broken_response_not_an_exposure(tmp_path):
    write(tmp_path, {"app.py": HEADERS_HELPER.format(
        extra='headers.set("Access-Control-Allow-Credentials", "true")')})
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "CORS017"]
    assert finding["severity"] == "warning" and "broken, not exposed" in finding["message"]
    assert finding["line"] == 11 and "/api/me" in finding["routes"]


def served_headers(module: str, root: Path, path: str, origin: str) -> dict[str, list[str]]:
    """The response headers the real app ``module.app`` sends for a request from ``origin``."""
    sys.path.insert(0, str(root))
    try:
        app = importlib.import_module(module).app
        response = app.test_client().get(path, headers={"Origin": origin})
        return {name: response.headers.getlist(name) for name in set(response.headers.keys())}
    finally:
        sys.path.remove(str(root))
        sys.modules.pop(module, None)


ORIGIN_THROUGH_A_PARAMETER = """
    from flask import Flask, request

    app = Flask(__name__)
    ALLOWED = {{"https://app.example"}}


    def add_vary(headers, name):
        values = headers.getlist("Vary")
        if name not in values:
            values.append(name)
        headers.set("Vary", ", ".join(values))


    def set_allow_origin(headers, origin):
        headers.set("Access-Control-Allow-Origin", origin)
        headers.set("Access-Control-Allow-Credentials", "true")


    def add_cors(headers):
        origin = request.headers.get("Origin")
        {vary}
        if {test}:
            set_allow_origin(headers, origin)
        return headers

""" + HOOK_AND_ROUTE


@pytest.mark.parametrize("test, reflected", [("origin", True), ("origin in ALLOWED", False)])
def test_an_origin_passed_to_a_helper_is_what_the_helper_writes(tmp_path, test, reflected):
    """udata's shape without its allowlist: the origin is read in one function and written by the
    helper it is passed to. A check made by the caller before the call restricts it all the same."""
    write(tmp_path, {"shape_param.py": ORIGIN_THROUGH_A_PARAMETER.format(vary='add_vary(headers, "Origin")',
                                                                          test=test)})
    served = served_headers("shape_param", tmp_path, "/api/me", "https://evil.example")
    assert (served.get("Access-Control-Allow-Origin") == ["https://evil.example"]) is reflected
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1 if reflected else 0)
    findings = json.loads(result.stdout)["findings"]
    reflecting = [f for f in findings if f["rule_id"] == "CORS017"]
    if reflected:
        [finding] = reflecting
        assert finding["severity"] == "error" and finding["line"] == 15 and "with credentials" in finding["message"]
        assert "/api/me" in finding["routes"]
    else:
        assert reflecting == []
    assert [f for f in findings if f["rule_id"] == "CORS033"] == []  # the caller's helper adds `Vary: Origin`


def test_an_origin_passed_to_a_helper_without_vary_is_reported_without_vary(tmp_path):
    write(tmp_path, {"shape_novary.py": ORIGIN_THROUGH_A_PARAMETER.format(vary="", test="origin in ALLOWED")})
    assert "Vary" not in served_headers("shape_novary", tmp_path, "/api/me", "https://app.example")
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["rule_id"] == "CORS033" and "`origin in ALLOWED`" in finding["message"]


def test_headers_on_either_side_of_a_test_of_the_origin_are_never_sent_together(tmp_path):
    """`if origin in allowed(): <origin> + credentials` / `else: *`: no response has `*` with
    credentials, so no finding says it does (the test of the origin is a condition of both writes)."""
    write(tmp_path, {"shape_sides.py": """
        from flask import Flask, current_app, request

        app = Flask(__name__)


        def allowed():
            return set(current_app.config.get("TRUSTED") or [])


        @app.after_request
        def cors(response):
            origin = request.headers.get("Origin")
            if origin in allowed():
                response.headers.set("Access-Control-Allow-Origin", origin)
                response.headers.set("Access-Control-Allow-Credentials", "true")
            else:
                response.headers.set("Access-Control-Allow-Origin", "*")
            return response


        @app.route("/api/me")
        def me():
            return {}
        """})
    served = served_headers("shape_sides", tmp_path, "/api/me", "https://evil.example")
    assert served["Access-Control-Allow-Origin"] == ["*"] and "Access-Control-Allow-Credentials" not in served
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    findings = json.loads(result.stdout)["findings"]
    assert not [f for f in findings if "`*` is sent with Access-Control-Allow-Credentials" in f["message"]]
    assert [f["rule_id"] for f in findings] == ["CORS017", "CORS033"]  # the allowlist to review; no Vary


WILDCARD_INTERSECTION = """
    import os
    from flask import Flask, request

    app = Flask(__name__)
    ALLOWED = {allowed}


    @app.after_request
    def cors(response):
        origin = request.headers.get("Origin")
        if origin and set(["*", origin]) & ALLOWED:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
        return response


    @app.route("/api/me")
    def me():
        return {{}}
"""


@pytest.mark.parametrize("allowed, module, reflected", [
    ('{"https://app.example"}', "shape_set_listed", False),
    ('{"*"}', "shape_set_star", True),
    ('set(os.environ.get("ALLOWED_ORIGINS", "").split(","))', "shape_set_env", False),
])
def test_an_intersection_with_a_star_beside_the_origin_lets_every_origin_through_a_star(tmp_path, allowed, module,
                                                                                       reflected):
    """redash's shape: `set(["*", origin]) & ALLOWED` holds for every origin when ALLOWED holds `*`."""
    write(tmp_path, {f"{module}.py": WILDCARD_INTERSECTION.format(allowed=allowed)})
    served = served_headers(module, tmp_path, "/api/me", "https://evil.example")
    assert (served.get("Access-Control-Allow-Origin") == ["https://evil.example"]) is reflected
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1 if reflected else 0)
    findings = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "CORS017"]
    if reflected:
        [finding] = findings
        assert finding["severity"] == "warning" and "every origin" in finding["message"]
    elif "environ" in allowed:
        [finding] = findings
        assert finding["severity"] == "note" and "$ALLOWED_ORIGINS" in finding["message"]
        assert "an entry `*` in it lets every origin through" in finding["message"]
    else:
        assert findings == []


def test_a_route_behind_an_api_prefix_that_cannot_be_known_keeps_its_known_end(tmp_path):
    """udata's shape: an Api subclass replaces `__init__`, so the prefix is unknown; each route
    still shows the part of its rule that is known."""
    from helpers import inventory_of

    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Blueprint, Flask
        from flask_restx import Api, Resource

        bp = Blueprint("api", __name__, url_prefix="/api/1")


        class ProjectApi(Api):
            def __init__(self, app=None, **kwargs):
                kwargs["decorators"] = [print] + (kwargs.pop("decorators", []) or [])
                super().__init__(app, **kwargs)


        api = ProjectApi(bp, version="1.0")
        ns = api.namespace("datasets", path="/datasets")


        @ns.route("/<id>/")
        class Dataset(Resource):
            def delete(self, id):
                return {}


        app = Flask(__name__)
        app.register_blueprint(bp)
        """})
    suffixes = {route["path"].get("suffix") for route in doc["routes"] if isinstance(route["path"], dict)}
    assert "/datasets/<id>/" in suffixes


def test_routes_registered_through_a_method_of_an_api_subclass_are_listed(tmp_path):
    """redash's shape: `class ApiExt(Api)` adds `add_org_resource`, which prefixes each URL with
    a helper that returns `/<org_slug>` + url or url on a setting cannot be known; every route is
    listed, with the end of its path that is known."""
    from helpers import inventory_of

    doc = inventory_of(tmp_path, {"app.py": """
        import os
        from flask import Flask
        from flask_restful import Api, Resource

        MULTI_ORG = os.environ.get("MULTI_ORG")


        def org_scoped_rule(rule):
            if MULTI_ORG:
                return "/<org_slug>{}".format(rule)
            return rule


        class ApiExt(Api):
            def add_org_resource(self, resource, *urls, **kwargs):
                urls = [org_scoped_rule(url) for url in urls]
                return self.add_resource(resource, *urls, **kwargs)


        class Alerts(Resource):
            def get(self):
                return []


        class Export(Resource):
            def get(self):
                return []


        app = Flask(__name__)
        api = ApiExt(app)
        api.add_org_resource(Alerts, "/api/alerts", endpoint="alerts")
        api.add_org_resource(Export, "/api/export", endpoint="export")
    """})
    suffixes = sorted(r["path"]["suffix"] for r in doc["routes"] if isinstance(r["path"], dict))
    assert suffixes == ["/api/alerts", "/api/export"]
    text = run_cli("inventory", str(tmp_path), expect_exit=0).stdout
    assert "<prefix unknown>/api/alerts" in text and "<unknown path>" not in text


def test_cors_set_up_in_a_handler_a_plugin_method_defines_is_judged(tmp_path):
    """beets' shape: a plugin class whose `commands()` (called by the host program, never by
    the project) defines the command's handler, which enables credentialed CORS on the app."""
    write(tmp_path, {"web.py": """
        from flask import Flask

        app = Flask(__name__)


        @app.route("/item/<int:item_id>", methods=["DELETE"])
        def delete_item(item_id):
            return ""


        class WebPlugin:
            def commands(self):
                def func(lib, opts, args):
                    from flask_cors import CORS

                    CORS(app, supports_credentials=True)
                    app.run()

                return [func]
    """})
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "CORS001"]
    assert finding["line"] == 16 and "/item/<int:item_id>" in finding["routes"]
    assert "func()" in finding["condition"]


def test_a_default_config_class_named_like_development_does_not_hide_production(tmp_path):
    """amundsen's shape: the config class comes from `os.getenv(VAR) or "...LocalConfig"`; the
    preset's `*Local*` pattern must not file the app under development (a deployment sets the
    variable), so wildcard CORS behind a flag is judged as production."""
    write(tmp_path, {"svc/__init__.py": """
        import os
        from flask import Flask
        from flask_cors import CORS

        CORS_ENABLED = os.environ.get("CORS_ENABLED", False)


        def create_app(config_module_class="svc.config.LocalConfig"):
            app = Flask(__name__)
            if CORS_ENABLED:
                CORS(app)
            config_module_class = os.getenv("SVC_CONFIG_MODULE_CLASS") or config_module_class
            app.config.from_object(config_module_class)

            @app.route("/table/<key>", methods=["PUT"])
            def put_table(key):
                return ""
            return app
    """, "svc/config.py": """
        class Config:
            DEBUG = False


        class LocalConfig(Config):
            DEBUG = True
    """})
    document = json.loads(run_cli("inventory", str(tmp_path), "--format", "json", expect_exit=0).stdout)
    [app] = document["apps"]
    assert app["config_chosen_by"] == {"LocalConfig": ["SVC_CONFIG_MODULE_CLASS"]}
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    [wildcard] = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "CORS007"]
    assert wildcard["environment"] == "production" and "/table/<key>" in wildcard["routes"]
    # `os.environ.get("CORS_ENABLED", False)` is the variable's string when set: "false" turns CORS on
    assert wildcard["condition"] == '$CORS_ENABLED is set (to any non-empty value: "false" and "0" included)'


def test_the_web_app_built_through_a_wrapping_factory_is_analysed(tmp_path):
    """lemur's shape: `factory.create_app(blueprints=None)` is called by the worker module with no
    blueprints; the web app is `pkg.create_app()`, which nothing in the tree calls and which
    builds its app through the inner factory with the web blueprints: their routes are listed."""
    from helpers import inventory_of

    doc = inventory_of(tmp_path, {
        "pkg/__init__.py": """
            from pkg import factory
            from pkg.certificates import mod as certificates_bp


            def create_app(config_path=None):
                return factory.create_app(app_name=__name__, blueprints=(certificates_bp,))
        """,
        "pkg/factory.py": """
            from flask import Flask
            from flask_cors import CORS


            def create_app(app_name=None, blueprints=None):
                app = Flask(app_name or __name__)
                for blueprint in blueprints or ():
                    app.register_blueprint(blueprint, url_prefix="/api/1")

                @app.route("/healthcheck")
                def health():
                    return "ok"
                CORS(app, resources=r"/api/*", supports_credentials=True)
                return app
        """,
        "pkg/certificates.py": """
            from flask import Blueprint

            mod = Blueprint("certificates", __name__)


            @mod.route("/certificates/<int:certificate_id>/export", methods=["POST"])
            def export(certificate_id):
                return ""
        """,
        "pkg/worker.py": """
            from pkg.factory import create_app

            flask_app = create_app()
        """,
    })
    paths = {r["path"] for r in doc["routes"]}
    assert "/api/1/certificates/<int:certificate_id>/export" in paths and "/healthcheck" in paths


def test_a_long_route_list_names_the_sensitive_routes_first():
    """changedetection.io's shape: `and 95 more` hid `/backups/download` and the API."""
    from cors_lint.core.route_order import describe_routes

    routes = tuple(sorted([f"/static/{i}" for i in range(40)] + [f"/diff/{i}" for i in range(50)]
                          + ["/backups/download", "/api/v1/token", "/settings"]))
    text = describe_routes(routes)
    assert text.startswith("/api/v1/token, /backups/download, /settings and 90 more")
    assert "--format json" in text


def test_a_helper_returning_the_environment_or_the_settings_value_keeps_the_settings_value(tmp_path):
    """alerta's shape: `get_config(key, config=config)` returns `$KEY` split on commas when it is
    set, else the value the settings module gave: the settings' regex origin is still judged
    (with `$KEY` as where a deployment may override it)."""
    write(tmp_path, {
        "settings.py": """
            CORS_ORIGINS = ["http://localhost", r"https?://\\w*\\.?local\\.example\\.io:?\\d*/?.*"]
        """,
        "app.py": """
            import os
            from flask import Flask
            from flask_cors import CORS


            def get_config(key, default=None, type=None, **kwargs):
                if key in os.environ:
                    rv = os.environ[key]
                    if type == list:
                        return rv.split(",")
                    return rv
                try:
                    rv = kwargs["config"].get(key, default)
                except KeyError:
                    rv = default
                return rv


            app = Flask(__name__)
            app.config.from_object("settings")
            app.config["CORS_ORIGINS"] = get_config("CORS_ORIGINS", default=[], type=list, config=app.config)
            CORS(app, supports_credentials=True)


            @app.route("/auth/login", methods=["POST"])
            def login():
                return ""
        """,
    })
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    [regex] = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "CORS002"]
    assert regex["severity"] == "error" and "/auth/login" in regex["routes"]


def test_a_package_below_a_folder_that_is_no_identifier_is_importable(tmp_path):
    """sbc-auth's shape: `auth-api/__init__.py` (a folder no import can name) above
    `auth-api/src/auth_api/`; the app imports `auth_api.resources`: its blueprints are found."""
    from helpers import inventory_of

    doc = inventory_of(tmp_path, {
        "auth-api/__init__.py": "",
        "auth-api/src/__init__.py": "",
        "auth-api/src/auth_api/__init__.py": """
            from flask import Flask
            from flask_cors import CORS

            from auth_api.resources import endpoints


            def create_app():
                app = Flask(__name__)
                CORS(app, resources="*")
                endpoints.init_app(app)
                return app
        """,
        "auth-api/src/auth_api/resources/__init__.py": "from .endpoints import endpoints\n",
        "auth-api/src/auth_api/resources/endpoints.py": """
            from auth_api.resources.orgs import bp as orgs_bp


            class Endpoints:
                def init_app(self, app):
                    app.register_blueprint(orgs_bp)


            endpoints = Endpoints()
        """,
        "auth-api/src/auth_api/resources/orgs.py": """
            from flask import Blueprint

            bp = Blueprint("ORGS", __name__, url_prefix="/api/v1/orgs")


            @bp.route("/<int:org_id>/members", methods=["DELETE"])
            def remove_member(org_id):
                return ""
        """,
    })
    assert "/api/v1/orgs/<int:org_id>/members" in [r["path"] for r in doc["routes"]]


def test_a_method_registering_a_blueprint_imported_lazily_registers_it(tmp_path):
    """lear's shape: `from .admin import bp_admin` (a package with no effects of its own, so
    loaded lazily), used by a method of a class defined at module level."""
    from helpers import inventory_of

    doc = inventory_of(tmp_path, {
        "api/__init__.py": """
            from flask import Flask
            from api.resources import v2_endpoint


            def create_app():
                app = Flask(__name__)
                v2_endpoint.init_app(app)
                return app
        """,
        "api/resources/__init__.py": """
            from .admin import bp_admin as admin_bp


            class V2Endpoint:
                def init_app(self, app):
                    app.register_blueprint(admin_bp)


            v2_endpoint = V2Endpoint()
        """,
        "api/resources/admin/__init__.py": """
            from .bp import bp_admin
            from .reviews import get_review
        """,
        "api/resources/admin/bp.py": """
            from flask import Blueprint

            bp_admin = Blueprint("ADMIN", __name__, url_prefix="/api/v2/admin")
        """,
        "api/resources/admin/reviews.py": """
            from .bp import bp_admin


            @bp_admin.route("/reviews/<int:review_id>", methods=["PUT"])
            def get_review(review_id):
                return ""
        """,
    })
    assert "/api/v2/admin/reviews/<int:review_id>" in [r["path"] for r in doc["routes"]]


def test_an_app_subclass_that_registers_its_blueprints_in_init_is_listed(tmp_path):
    """knowledge-repo's shape: `class KnowledgeFlask(Flask)` registers its blueprints on `self`
    in its own `__init__`; the app is built by a method that imports the module itself."""
    from helpers import inventory_of

    doc = inventory_of(tmp_path, {
        "kr/__init__.py": "",
        "kr/app.py": """
            from flask import Flask
            from kr.routes import posts


            class KnowledgeFlask(Flask):
                def __init__(self, repo, db_uri=None, **kwargs):
                    Flask.__init__(self, __name__, static_folder="static")
                    self.repo = repo
                    self.register_blueprint(posts.blueprint)
        """,
        "kr/routes/__init__.py": "",
        "kr/routes/posts.py": """
            from flask import Blueprint

            blueprint = Blueprint("posts", __name__)


            @blueprint.route("/post/<path:path>", methods=["DELETE"])
            def delete_post(path):
                return ""
        """,
        "kr/repository.py": """
            class KnowledgeRepository:
                def get_app(self, *args, **kwargs):
                    from . import app
                    return app.KnowledgeFlask(self, *args, **kwargs)
        """,
    })
    assert "/post/<path:path>" in [r["path"] for r in doc["routes"]]


def test_a_method_that_takes_an_app_and_registers_blueprints_runs_with_each_app(tmp_path):
    """FreeTakServer's shape: a service class's `register_blueprints(self, app)`, called only from
    its `start()` that a launcher runs: the blueprints' routes are the app's."""
    from helpers import inventory_of

    doc = inventory_of(tmp_path, {
        "service.py": """
            from flask import Flask
            from blueprints import sync

            app = Flask(__name__)


            class Service:
                def start(self, ip, port, factory):
                    self.register_blueprints(app)
                    app.run(ip, port)

                def register_blueprints(self, app):
                    app.register_blueprint(sync.page)
        """,
        "blueprints/__init__.py": "",
        "blueprints/sync.py": """
            from flask import Blueprint

            page = Blueprint("sync", __name__)


            @page.route("/Marti/sync/upload", methods=["POST"])
            def upload():
                return ""
        """,
    })
    assert "/Marti/sync/upload" in [r["path"] for r in doc["routes"]]


def test_a_module_constant_of_headers_returned_by_a_view_is_a_site_at_its_line(tmp_path):
    """sbc-auth's shape: `RESPONSE_HEADERS = {..., "Access-Control-Allow-Origin": "*"}` at module
    level, returned by a view: the site is where the header is written (it was at line 0)."""
    from helpers import inventory_of

    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask

        app = Flask(__name__)

        RESPONSE_HEADERS = {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"}


        @app.route("/error")
        def error():
            return {"message": "no"}, 403, RESPONSE_HEADERS
    """})
    [site] = [s for s in doc["sites"] if s["kind"] == "manual-header"]
    assert (site["line"], site["options"]["header"]) == (5, "Access-Control-Allow-Origin")
    assert [m["line"] for r in doc["routes"] if r["path"] == "/error" for m in r["manual_headers"]] == [5]


DISCOVERED_VIEWS = {
    "portal/__init__.py": """
        import importlib
        import importlib.util
        import inspect
        import os
        import pkgutil
        import sys

        from flask import Blueprint, Flask
        from flask_cors import CORS

        def is_blueprint(member):
            return isinstance(member, Blueprint) and getattr(member, "auto_register", True)

        def register_views(app):
            path = os.path.join(os.path.dirname(__file__), "views")
            for finder, name, _ in pkgutil.iter_modules([path], "portal.views."):
                spec = finder.find_spec(name)
                if spec is not None:
                    module = importlib.util.module_from_spec(spec)
                    sys.modules[name] = module
                    if spec.loader is not None:
                        spec.loader.exec_module(module)
                        for blueprint in inspect.getmembers(module, is_blueprint):
                            app.register_blueprint(blueprint[1])

        def register_plugins(app):
            package = importlib.import_module("portal.plugins")
            for _, name, _ in pkgutil.walk_packages(package.__path__, "portal.plugins."):
                module = importlib.import_module(name)
                if hasattr(module, "bp"):
                    app.register_blueprint(module.bp)

        def create_app():
            app = Flask(__name__, static_folder=None)
            CORS(app, resources={r"/api/*": {"origins": "https://a.example.com"}})
            register_views(app)
            register_plugins(app)
            return app

        app = create_app()
    """,
    "portal/views/__init__.py": "",
    "portal/views/api.py": """
        from flask import Blueprint
        api = Blueprint("api", __name__, url_prefix="/api")
        helper = Blueprint("helper", __name__)  # registered elsewhere, not by the loop
        helper.auto_register = False

        @api.route("/items", methods=["GET", "POST"])
        def items(): return "x"

        @helper.route("/helped")
        def helped(): return "x"
    """,
    "portal/views/admin.py": """
        import logging
        from flask import Blueprint
        log = logging.getLogger(__name__)
        admin = Blueprint("admin", __name__, url_prefix="/admin")
        LIMIT = 3

        @admin.route("/users/<int:user_id>", methods=["DELETE"])
        def delete_user(user_id): return "x"
    """,
    "portal/views/not-a-module.py": "x = 1\n",
    "portal/plugins/__init__.py": "",
    "portal/plugins/export/__init__.py": """
        from flask import Blueprint
        bp = Blueprint("export", __name__, url_prefix="/export")

        @bp.route("/all")
        def everything(): return "x"
    """,
    "portal/plugins/export/formats.py": """
        from flask import Blueprint
        bp = Blueprint("formats", __name__, url_prefix="/formats")

        @bp.route("/csv")
        def csv(): return "x"
    """,
}


def test_blueprints_found_by_folder_listing_are_the_ones_flask_serves(tmp_path):
    """Blueprints a project registers by listing a folder (`pkgutil.iter_modules` of a path built
    from `__file__`, `find_spec` / `module_from_spec` / `exec_module`, `inspect.getmembers` with an
    `isinstance(member, Blueprint)` predicate; `pkgutil.walk_packages(package.__path__)` with
    `import_module`) are listed exactly as the running app's url_map lists them."""

    from oracle import inventory_rules

    from cors_lint.engine.analysis import analyze
    from cors_lint.engine.inventory import inventory_json

    write(tmp_path, DISCOVERED_VIEWS)
    document = inventory_json(analyze([tmp_path]))
    [app_id] = [app["id"] for app in document["apps"]]
    predicted = inventory_rules(r for r in document["routes"] if r["app"] == app_id)
    assert all(isinstance(r["path"], str) for r in document["routes"])  # nothing it could not list
    real = served_rules("portal", "portal", tmp_path)
    assert predicted == real
    assert ("/admin/users/<int:user_id>", "admin.delete_user", ("DELETE", "OPTIONS")) in real
    [items] = [r for r in document["routes"] if r["path"] == "/api/items"]
    assert items["cors"][0]["options"]["origins"] == ["https://a.example.com"]


def test_a_configurator_runs_with_the_app_its_own_module_builds(tmp_path):
    """FreeTakServer's http and https services: each module builds its app and has an uncalled
    `register_blueprints(self, app)` registering its own blueprints, named alike in both services.
    Each runs with its own module's app (run with the other service's app too, Flask would refuse
    the second blueprint of one name there, and the first service's routes would stand for both);
    a configurator in a module without an app still runs with every app."""
    from helpers import inventory_of

    service = """
        from flask import Flask
        from {pkg}.blueprints import sync

        app = Flask(__name__, static_folder=None)


        class Service:
            def start(self):
                self.register_blueprints(app)

            def register_blueprints(self, app):
                app.register_blueprint(sync.page)
    """
    blueprint = """
        from flask import Blueprint

        page = Blueprint("sync", __name__)


        @page.route("/{pkg}/upload", methods=["POST"])
        def upload():
            return ""
    """
    files = {"plugins.py": """
        from flask import Blueprint

        extra = Blueprint("extra", __name__)


        @extra.route("/extra")
        def extra_view():
            return ""


        def install(app):
            app.register_blueprint(extra)
    """}
    for pkg in ("http_service", "https_service"):
        files.update({f"{pkg}/__init__.py": "", f"{pkg}/main.py": service.replace("{pkg}", pkg),
                      f"{pkg}/blueprints/__init__.py": "", f"{pkg}/blueprints/sync.py": blueprint.replace("{pkg}", pkg)})
    doc = inventory_of(tmp_path, files)
    routes = sorted((r["app"], r["path"]) for r in doc["routes"])
    assert routes == [("http_service/main.py:4", "/extra"), ("http_service/main.py:4", "/http_service/upload"),
                      ("https_service/main.py:4", "/extra"), ("https_service/main.py:4", "/https_service/upload")]


REGISTRATORS = {
    "printer/__init__.py": """
        import functools

        from flask import Blueprint, Flask
        from flask_cors import CORS

        from printer.api import api

        app = Flask(__name__)
        CORS(app, origins=["https://printer.example.com"])


        def register_plugin_blueprint(name, blueprint, url_prefix):
            app.register_blueprint(blueprint, url_prefix=url_prefix, name_prefix="plugin")


        plugin = Blueprint("backup", __name__)


        @plugin.route("/backup/<filename>", methods=["DELETE"])
        def delete_backup(filename):
            return ""


        registrators = [functools.partial(app.register_blueprint, api, url_prefix="/api")]
        registrators.append(functools.partial(register_plugin_blueprint, "backup", plugin, "/plugin/backup"))
        for registrator in registrators:
            registrator()
    """,
    "printer/api.py": """
        from flask import Blueprint

        api = Blueprint("api", __name__)


        @api.route("/login", methods=["POST"])
        def login():
            return ""
    """,
}


def test_blueprints_registered_through_partial_objects_in_a_list_are_the_ones_flask_serves(tmp_path):
    """OctoPrint's server: `functools.partial(app.register_blueprint, api, url_prefix="/api")` and
    partials of a project function, appended to a list, called in a loop. The routes are listed
    exactly as the running app's url_map lists them."""

    from oracle import inventory_rules

    from cors_lint.engine.analysis import analyze
    from cors_lint.engine.inventory import inventory_json

    write(tmp_path, REGISTRATORS)
    document = inventory_json(analyze([tmp_path]))
    predicted = inventory_rules(document["routes"])
    real = served_rules("printer", "printer", tmp_path)
    assert predicted == real
    assert {"/api/login", "/plugin/backup/backup/<filename>"} <= {rule[0] for rule in real}


def test_an_origin_appended_to_the_list_cors_reads_is_judged(tmp_path):
    """`origins.append("*")` (and `.extend`, `.insert`) change the list `CORS(...)` reads, as in
    Python; an element that cannot be known is added as unknown, never left out."""
    write(tmp_path, {"app.py": """
        import os
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        origins = ["https://a.example.com"]
        origins.append("*")
        origins.extend(["https://b.example.com"])
        CORS(app, supports_credentials=True, origins=origins)

        partner = Flask("partner")
        partner_origins = ["https://a.example.com"]
        partner_origins.extend(os.environ["EXTRA_ORIGINS"].split(","))
        CORS(partner, origins=partner_origins)


        @app.route("/account")
        def account():
            return ""
    """})
    result = run_cli("check", str(tmp_path), "--format", "json", expect_exit=1)
    findings = json.loads(result.stdout)["findings"]
    assert any(f["rule_id"] == "CORS001" and f["line"] == 6 for f in findings), findings
    unknown = [f for f in findings if f["rule_id"] == "CORS027"]
    assert unknown and ".extend()" in unknown[0]["message"], findings


NAMESPACE_MONOREPO = {
    "src/shop-core/pyproject.toml": "[project]\nname = 'shop-core'\n",
    "src/shop-core/shop/_core/__init__.py": "",
    "src/shop-core/shop/_core/api.py": """
        from flask import Blueprint

        bp = Blueprint("orders", __name__, url_prefix="/v1.0")


        @bp.route("/orders/<int:order_id>", methods=["DELETE"])
        def delete_order(order_id):
            return ""
    """,
    "src/shop-web/pyproject.toml": "[project]\nname = 'shop-web'\n",
    "src/shop-web/shop/_web/__init__.py": "",
    "src/shop-web/shop/_web/app.py": """
        from flask import Flask
        from flask_cors import CORS

        from shop._core.api import bp

        app = Flask(__name__)
        CORS(app, origins=["https://shop.example.com"])
        app.register_blueprint(bp)
    """,
}


def test_modules_of_a_namespace_package_split_over_source_roots_are_imported(tmp_path):
    """promptflow's monorepo: `src/promptflow-devkit/promptflow/_sdk/...` and
    `src/promptflow-core/promptflow/...`, each folder with its own pyproject.toml, `promptflow`
    a namespace package (no `__init__.py`). `from promptflow._sdk... import` reaches the module
    (the routes are the running app's, with both source roots on sys.path as installs put them)."""

    from oracle import inventory_rules

    from cors_lint.engine.analysis import analyze
    from cors_lint.engine.inventory import inventory_json

    write(tmp_path, NAMESPACE_MONOREPO)
    document = inventory_json(analyze([tmp_path]))
    predicted = inventory_rules(document["routes"])
    roots = [tmp_path / "src" / "shop-core", tmp_path / "src" / "shop-web"]
    real = served_rules("shop._web.app", "shop", *roots)
    assert predicted == real
    assert "/v1.0/orders/<int:order_id>" in {rule[0] for rule in real}


def test_a_folder_without_init_inside_a_package_is_part_of_it(tmp_path):
    """sbc-auth's `auth_queue/resources/worker.py` and udata's `core/avatars/api.py`: a folder
    without `__init__.py` inside a package is a namespace portion of it (`auth_queue.resources`),
    and two such folders' `api.py` are two modules, not one name claimed twice."""

    from oracle import inventory_rules

    from cors_lint.engine.analysis import analyze
    from cors_lint.engine.inventory import inventory_json

    write(tmp_path, {
        "svc/__init__.py": """
            from flask import Flask
            from flask_cors import CORS
            from svc.resources.worker import bp as worker
            from svc.avatars.api import bp as avatars
            from svc.access.api import bp as access

            app = Flask(__name__)
            CORS(app, origins=["https://svc.example.com"])
            for blueprint in (worker, avatars, access):
                app.register_blueprint(blueprint)
        """,
        "svc/resources/worker.py": """
            from flask import Blueprint
            bp = Blueprint("worker", __name__, url_prefix="/worker")
            @bp.route("/", methods=["POST"])
            def work():
                return ""
        """,
        "svc/avatars/api.py": """
            from flask import Blueprint
            bp = Blueprint("avatars", __name__)
            @bp.route("/avatars/<identifier>/<int:size>/")
            def avatar(identifier, size):
                return ""
        """,
        "svc/access/api.py": """
            from flask import Blueprint
            bp = Blueprint("access", __name__)
            @bp.route("/access-types")
            def types():
                return ""
        """,
    })
    document = inventory_json(analyze([tmp_path]))
    predicted = inventory_rules(document["routes"])
    real = served_rules("svc", "svc", tmp_path)
    assert predicted == real
    assert {"/worker/", "/avatars/<identifier>/<int:size>/", "/access-types"} <= {rule[0] for rule in real}


@pytest.mark.parametrize("entry, line", [('{"origins": "*", "max_age": 600}', 1), ('{"max_age": 600}', 6)])
def test_an_option_written_in_a_resources_mapping_elsewhere_is_reported_where_it_is_written(tmp_path, entry, line):
    """pybossa's shape: `CORS_RESOURCES = {r"/api/*": {"origins": "*"}}` in the settings module,
    read back into `init_app(app, resources=...)`: the finding is at the settings line, the CORS
    setup related. An option the entry does not set is flask-cors's default, decided at the call."""
    write(tmp_path, {"settings.py": f'CORS_RESOURCES = {{r"/api/*": {entry}}}\n', "app.py": """
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        app.config.from_object("settings")
        CORS(app, resources=app.config.get("CORS_RESOURCES"))


        @app.route("/api/items")
        def items():
            return {}
        """})
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "CORS007"]
    assert (finding["file"], finding["line"]) == (("settings.py", 1) if line == 1 else ("app.py", line))
    if line == 1:
        assert ("app.py", 6) in {(r["file"], r["line"]) for r in finding["related"]}


ALERTA_SHAPE = {"settings.py": """
    CORS_ORIGINS = [
        "https://app.example.com",
        r"https://.*\\.example\\.com",
    ]
    CORS_SUPPORTS_CREDENTIALS = True
    """, "app.py": """
    import os

    from flask import Config, Flask
    from flask_cors import CORS


    def get_config(key, default=None, config=None):
        if key in os.environ:
            return os.environ[key].split(",")
        return config.get(key, default)


    def user_config():
        config = Config("/")
        config.from_object("settings")
        config["CORS_ORIGINS"] = {value}
        return config


    app = Flask(__name__)
    app.config.update(user_config())
    CORS(app)


    @app.route("/api/me")
    def me():
        return {}
    """}


@pytest.mark.parametrize("value, place", [
    ('get_config("CORS_ORIGINS", default=[], config=config)', ("settings.py", 1)),
    ('[r"https://.*\\.example\\.com"]', ("app.py", 16)),
])
def test_a_key_a_config_helper_gives_back_is_reported_where_the_settings_write_it(tmp_path, value, place):
    """alerta's shape: a `flask.Config` loads the settings module, sets each key again through a
    helper that returns the environment's value or the loaded one, and is merged into app.config.
    The regex finding is placed at the settings line (a key set to a new value: at that line);
    the merge is related, and stays its anchor."""
    write(tmp_path, {name: text.replace("{value}", value) if name == "app.py" else text
                     for name, text in ALERTA_SHAPE.items()})
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "CORS002"]
    assert (finding["file"], finding["line"]) == place
    assert ("app.py", 21) in {(r["file"], r["line"]) for r in finding["related"]}  # the merge


def test_the_cors_setups_reading_a_value_are_related_once_per_file(tmp_path):
    """A value read by many `@cross_origin()` decorators: the finding at its settings line names
    one decorator per file, with how many more there are."""
    write(tmp_path, {"settings.py": 'CORS_ORIGINS = [r"https://.*\\.example\\.com"]\n', "app.py": """
        from flask import Flask
        from flask_cors import cross_origin

        app = Flask(__name__)
        app.config.from_object("settings")


        @app.route("/a")
        @cross_origin()
        def a():
            return {}


        @app.route("/b")
        @cross_origin()
        def b():
            return {}


        @app.route("/c")
        @cross_origin()
        def c():
            return {}
        """})
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "CORS002"]
    assert (finding["file"], finding["line"]) == ("settings.py", 1)
    setups = [r for r in finding["related"] if "CORS setup" in r["message"]]
    assert [(r["file"], r["line"], r["message"]) for r in setups] == [
        ("app.py", 9, "the CORS setup that applies this value is here (and 2 more in this file)")]


def test_a_header_written_by_hand_names_the_app_whose_routes_get_it(tmp_path):
    """Two apps share route labels (`/static/<path:filename>`): a hook of one of them writes the
    header, and its finding names that app only."""
    hook = """
        from flask import Flask, request

        {name} = Flask(__name__)


        @{name}.after_request
        def cors(response):
            response.headers["Access-Control-Allow-Origin"] = {value}
            return response
        """
    write(tmp_path, {"web.py": hook.format(name="web", value='request.headers.get("Origin")'),
                     "worker.py": hook.format(name="worker", value='"https://app.example"')})
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "CORS017"]
    assert finding["apps"] == ["web.py:3"]


def test_a_route_whose_rule_a_variable_gives_is_unknown_from_that_variable(tmp_path):
    """zou's shape: `SENTRY_DEBUG_URL = os.getenv("SENTRY_DEBUG_URL", False)`, then under `if
    SENTRY_DEBUG_URL:` a route on that URL: its rule is the variable's value, not `False`. The
    inventory, hand-written headers through helpers and after CORS(app) included, is valid."""
    import jsonschema
    from helpers import inventory_of

    from cors_lint.schemas import load as load_schema

    doc = inventory_of(tmp_path, {"app.py": """
        import os
        from flask import Flask, request
        from flask_cors import CORS

        DEBUG_URL = os.getenv("DEBUG_URL", False)
        app = Flask(__name__)


        def add_cors(headers):
            headers.add("Access-Control-Allow-Origin", request.headers.get("Origin"))


        @app.after_request
        def cors(response):
            add_cors(response.headers)
            return response


        CORS(app)
        if DEBUG_URL:
            @app.route(DEBUG_URL)
            def trigger_error():
                return 1 / 0
        """})
    [route] = [r for r in doc["routes"] if r["endpoint"] == "trigger_error"]
    assert route["path"] == {"unknown": "the route rule comes from $DEBUG_URL"}
    assert {m["via"] for m in route["manual_headers"]} == {"after_request, through add_cors(), after CORS(app)'s hook"}
    jsonschema.Draft202012Validator(load_schema("inventory.schema.json")).validate(doc)


def test_a_request_proxy_of_the_project_reads_the_request_and_a_check_kept_in_a_variable_guards(tmp_path):
    """CKAN's shape: `request = CKANRequest(_get_request)`, a project subclass of werkzeug's
    `LocalProxy[Request]` built on `def _get_request(): return flask.request`, and the origin
    copied under `elif whitelisted:` where `whitelisted = request.headers.get("Origin") in ...`."""
    write(tmp_path, {"shape_proxy/__init__.py": "", "shape_proxy/common.py": """
        import flask
        from flask import Request
        from werkzeug.local import LocalProxy


        def _get_request():
            return flask.request


        class ProjectRequest(LocalProxy[Request]):
            pass


        request = ProjectRequest(_get_request)
        """, "shape_proxy/app.py": """
        from flask import Flask
        from shape_proxy.common import request

        app = Flask(__name__)
        WHITELIST = {allowed}


        @app.after_request
        def cors(response):
            if request.headers.get("Origin"):
                whitelisted = request.headers.get("Origin") in WHITELIST
                if whitelisted:
                    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin")
                    response.headers["Vary"] = "Origin"
            return response


        @app.route("/api/me")
        def me():
            return {{}}
        """.replace("{allowed}", '["https://app.example"]').replace("{{}}", "{}")})
    served = served_headers("shape_proxy.app", tmp_path, "/api/me", "https://app.example")
    assert served["Access-Control-Allow-Origin"] == ["https://app.example"]
    assert "Access-Control-Allow-Origin" not in served_headers("shape_proxy.app", tmp_path, "/api/me",
                                                               "https://evil.example")
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=0)
    assert json.loads(result.stdout)["findings"] == []  # the copy is guarded by a known list
    from helpers import inventory_of

    [site] = [s for s in inventory_of(tmp_path, {})["sites"] if s["kind"] == "manual-header"
              and s["options"]["header"] == "Access-Control-Allow-Origin"]
    assert site["options"]["value"] == {"reflects_request_origin": True}
    assert [(g["kind"], g["values"]) for g in site["guards"]] == [("membership", ["https://app.example"])]


def test_a_header_written_only_when_a_setting_off_by_default_is_on_says_so(tmp_path):
    """OctoPrint's shape: the origin is copied only `if ... and allowCrossOrigin`, a setting whose
    default in the code is off (a config file may turn it on). The finding keeps that condition,
    naming the setting as the code reads it, instead of reading as unconditional."""
    write(tmp_path, {"shape_setting.py": """
        from flask import Flask, request

        app = Flask(__name__)
        DEFAULTS = {"api": {"allowCrossOrigin": False}}


        def setting(path):
            value = DEFAULTS
            for part in path:
                value = value[part]
            return value


        @app.after_request
        def cors(response):
            allowCrossOrigin = setting(["api", "allowCrossOrigin"])
            if "Origin" in request.headers and allowCrossOrigin:
                response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]
            return response


        @app.route("/api/me")
        def me():
            return {}
        """})
    assert "Access-Control-Allow-Origin" not in served_headers("shape_setting", tmp_path, "/api/me",
                                                               "https://evil.example")
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "CORS017"]
    assert 'allowCrossOrigin = setting(["api", "allowCrossOrigin"]) (false with the values in the code)' \
        in finding["condition"]
