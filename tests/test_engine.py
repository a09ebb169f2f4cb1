"""The engine on small sources: what is recognised, resolved, and left unknown."""

from __future__ import annotations

import pytest
from helpers import inventory_of, route, sites, write

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json


# ---------------------------------------------------------------------------- recognition
def test_aliases_and_module_imports_are_recognised(tmp_path):
    doc = inventory_of(tmp_path, {
        "a.py": """
            from flask import Flask
            from flask_cors import CORS as C
            app = Flask(__name__)
            C(app, origins="https://a.example.com")
            @app.route("/a")
            def a(): return "a"
        """,
        "b.py": """
            import flask
            import flask_cors as fc
            app = flask.Flask(__name__)
            fc.CORS(app, origins="https://b.example.com")
            @app.route("/b")
            def b(): return "b"
        """,
        "c.py": """
            from flask import Flask
            from flask.ext.cors import CORS
            app = Flask(__name__)
            CORS(app, origins="https://c.example.com")
            @app.route("/c")
            def c(): return "c"
        """,
    })
    for path, origin in (("/a", "a"), ("/b", "b"), ("/c", "c")):
        layers = route(doc, path)["cors"]
        assert [layer["options"]["origins"] for layer in layers] == [[f"https://{origin}.example.com"]]
    assert len(sites(doc, "extension")) == 3
    [legacy] = [s for s in sites(doc, "extension") if s["file"] == "c.py"]
    assert any("flask.ext.cors" in note for note in legacy["notes"])


def test_look_alikes_are_not_flask_cors(tmp_path):
    doc = inventory_of(tmp_path, {
        "cors.py": """
            def CORS(app, **kwargs):
                return app
        """,
        "vendor/flask_cors/__init__.py": """
            def CORS(app=None, **kwargs):
                pass
        """,
        "app.py": """
            from flask import Flask
            from flask_socketio import SocketIO
            from cors import CORS
            from vendor.flask_cors import CORS as VendoredCORS
            app = Flask(__name__)
            CORS(app, origins="*")
            VendoredCORS(app, origins="*")
            socketio = SocketIO(app, cors_allowed_origins="*")
            def shadow():
                CORS = lambda app: None
                CORS(app)
            @app.route("/x")
            def x(): return "x"
        """,
    })
    # Flask-SocketIO's cors_allowed_origins is its own endpoint's (a socketio site), not flask-cors
    assert [(site["kind"], site["line"]) for site in sites(doc)] == [("socketio", 8)]
    assert route(doc, "/x")["cors"] == []


def test_locally_shadowed_name_is_not_flask_cors(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS = None
        def configure(app):
            CORS(app)
        @app.route("/x")
        def x(): return "x"
    """})
    assert sites(doc, "extension") == []


def test_init_app_across_modules_inside_a_factory(tmp_path):
    doc = inventory_of(tmp_path, {
        "shop/__init__.py": """
            from flask import Flask
            from shop.extensions import cors
            from shop.api import api

            def create_app():
                app = Flask(__name__)
                cors.init_app(app, origins=["https://shop.example.com"])
                app.register_blueprint(api, url_prefix="/api")
                return app
        """,
        "shop/extensions.py": """
            from flask_cors import CORS
            cors = CORS(supports_credentials=True, max_age=600)
        """,
        "shop/api.py": """
            from flask import Blueprint
            api = Blueprint("api", __name__)
            @api.get("/me")
            def me(): return "me"
        """,
    })
    me = route(doc, "/api/me")
    assert me["endpoint"] == "api.me"
    assert me["methods"] == ["GET", "HEAD", "OPTIONS"]
    [layer] = me["cors"]
    assert layer["source"] == {"file": "shop/__init__.py", "line": 7, "column": 4, "kind": "extension"}
    assert layer["options"]["origins"] == ["https://shop.example.com"]
    assert layer["options"]["supports_credentials"] is True
    assert layer["options"]["max_age"] == 600
    assert {s["kind"] for s in sites(doc)} == {"extension", "init_app"}


# ---------------------------------------------------------------------------- order and config
def test_config_after_init_is_ignored_by_the_extension_but_seen_by_the_decorator(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS, cross_origin
        app = Flask(__name__)
        app.config["CORS_SUPPORTS_CREDENTIALS"] = True
        CORS(app)
        app.config["CORS_ORIGINS"] = "https://late.example.com"
        @app.route("/ext")
        def ext(): return "x"
        @app.route("/dec")
        @cross_origin()
        def dec(): return "x"
    """})
    assert route(doc, "/ext")["cors"][0]["options"]["origins"] == ["*"]
    assert route(doc, "/ext")["cors"][0]["options"]["supports_credentials"] is True
    decorator = route(doc, "/dec")["cors"]
    assert [layer["source"]["kind"] for layer in decorator] == ["decorator"]
    assert decorator[0]["options"]["origins"] == ["https://late.example.com"]


def test_config_from_object_with_inheritance_and_string_import(tmp_path):
    doc = inventory_of(tmp_path, {
        "config.py": """
            class Base:
                CORS_ORIGINS = ["https://base.example.com"]
                CORS_SUPPORTS_CREDENTIALS = "False"
            class Production(Base):
                CORS_MAX_AGE = 60
        """,
        "app.py": """
            from flask import Flask
            from flask_cors import CORS
            import config
            app = Flask(__name__)
            app.config.from_object("config.Production")
            app.config.update(CORS_EXPOSE_HEADERS=["X-B", "X-A"])
            app.config.from_mapping({"CORS_ALLOW_HEADERS": "Content-Type"}, CORS_VARY_HEADER=False)
            CORS(app)
            @app.route("/x")
            def x(): return "x"
        """,
    })
    options = route(doc, "/x")["cors"][0]["options"]
    assert options["origins"] == ["https://base.example.com"]
    assert options["supports_credentials"] is True  # the string "False" is truthy
    assert options["max_age"] == 60
    assert options["expose_headers"] == ["X-B", "X-A"]
    assert options["allow_headers"] == ["Content-Type"]
    assert options["vary_header"] is False


def test_blueprint_cors_ignores_app_config(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask, Blueprint
        from flask_cors import CORS
        bp = Blueprint("bp", __name__, url_prefix="/bp")
        CORS(bp, resources={r"/bp/.*": {}})
        @bp.route("/x")
        def x(): return "x"
        app = Flask(__name__)
        app.config["CORS_ORIGINS"] = "https://config.example.com"
        app.register_blueprint(bp)
    """})
    [layer] = route(doc, "/bp/x")["cors"]
    assert layer["scope"] == "bp"
    assert layer["options"]["origins"] == ["*"]


# ---------------------------------------------------------------------------- values
def test_values_from_other_modules_env_defaults_regexes_and_timedeltas(tmp_path):
    doc = inventory_of(tmp_path, {
        "settings.py": """
            import os
            import re
            from datetime import timedelta
            ORIGINS = os.environ.get("APP_ORIGINS", "https://a.example.com,https://b.example.com").split(",")
            PATTERN = re.compile(r"https://.*\\.example\\.com", re.I)
            AGE = timedelta(minutes=10)
        """,
        "app.py": """
            from flask import Flask
            from flask_cors import CORS
            import settings
            from settings import PATTERN, AGE
            app = Flask(__name__)
            CORS(app, resources={r"/api/.*": {"origins": settings.ORIGINS}, r"/re/.*": {"origins": PATTERN}},
                 max_age=AGE)
            @app.route("/api/x")
            def x(): return "x"
            @app.route("/re/y")
            def y(): return "y"
        """,
    })
    api = route(doc, "/api/x")["cors"][0]
    assert api["options"]["origins"] == ["https://a.example.com", "https://b.example.com"]
    assert api["env"] == {"origins": ["APP_ORIGINS"]}
    assert api["options"]["max_age"] == "600"
    assert api["resource"] == "/api/.*"
    regex = route(doc, "/re/y")["cors"][0]
    assert regex["options"]["origins"] == [{"regex": r"https://.*\.example\.com", "flags": ["IGNORECASE"]}]
    init = sites(doc, "extension")[0]
    assert init["env"] == {"resources": ["APP_ORIGINS"]}


def test_what_cannot_be_known_is_an_explicit_unknown(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        import os
        from flask import Flask
        from flask_cors import CORS
        from somewhere import get_origins
        app = Flask(__name__)
        CORS(app, origins=get_origins(), supports_credentials=os.environ["CREDS"])
        @app.route("/x")
        def x(): return "x"
    """})
    options = route(doc, "/x")["cors"][0]
    assert set(options["options"]["origins"]) == {"unknown"}
    assert "somewhere.get_origins" in options["options"]["origins"]["unknown"]
    assert "CREDS" in options["options"]["supports_credentials"]["unknown"]
    assert options["env"] == {"supports_credentials": ["CREDS"]}
    assert any(reason.startswith("origins:") for reason in options["unknown"])


ENV_BRANCHES = """
    import os
    from flask import Flask
    from flask_cors import CORS
    app = Flask(__name__)
    if os.getenv("APP_ENV", "production") == "production":
        CORS(app, origins="https://prod.example.com")
    else:
        CORS(app, origins="*")
    if os.environ.get("ENABLE_CORS"):
        CORS(app, supports_credentials=True, resources=r"/me")
    if not os.environ.get("STRICT"):
        CORS(app, origins="https://lax.example.com", resources=r"/lax")
    @app.route("/x")
    def x(): return "x"
    @app.route("/me")
    def me(): return "me"
    @app.route("/lax")
    def lax(): return "lax"
"""


def test_a_flag_from_the_environment_is_followed_both_ways_and_named(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": ENV_BRANCHES})
    by_origin = {tuple(layer["options"]["origins"]): layer["condition"] for layer in route(doc, "/x")["cors"]}
    assert by_origin == {
        ("https://prod.example.com",):
            '`os.getenv("APP_ENV", "production") == "production"` is true ($APP_ENV from the environment)',
        ("*",): '`os.getenv("APP_ENV", "production") == "production"` is false ($APP_ENV from the environment)',
    }
    assert [layer["condition"] for layer in route(doc, "/me")["cors"] if layer["options"]["supports_credentials"]] \
        == ["$ENABLE_CORS is set"]
    assert [layer["condition"] for layer in route(doc, "/lax")["cors"]
            if layer["options"]["origins"] == ["https://lax.example.com"]] == ["$STRICT is not set"]


def test_a_flag_the_environment_pins_takes_one_branch(tmp_path):
    from cors_lint.core.values import Assumptions

    write(tmp_path, {"app.py": ENV_BRANCHES})
    pinned = Assumptions(env=(("APP_ENV", "staging"), ("ENABLE_CORS", "1")), unset=("STRICT",))
    doc = inventory_json(analyze([tmp_path], assumptions=pinned))
    [layer] = [layer for layer in route(doc, "/x")["cors"]]
    assert layer["options"]["origins"] == ["*"] and "APP_ENV" in layer["condition"]
    assert [layer.get("condition") for layer in route(doc, "/me")["cors"]
            if layer["options"]["supports_credentials"]] == [
        '`os.environ.get("ENABLE_CORS")` is True with $ENABLE_CORS as the environment assumes']
    assert any(layer["options"]["origins"] == ["https://lax.example.com"] for layer in route(doc, "/lax")["cors"])


def test_unknown_condition_marks_both_branches(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask, Blueprint
        from flask_cors import CORS, cross_origin
        app = Flask(__name__, static_folder=None)
        if app.debug:
            CORS(app, origins="https://debug.example.com")
            @app.route("/debug")
            def debug(): return "d"
        else:
            CORS(app, origins="https://prod.example.com")
            @app.route("/prod")
            def prod(): return "p"
        api = Blueprint("api", __name__)
        if app.config["STAGING"]:
            CORS(api, origins="https://staging.example.com")
            @api.route("/staging")
            @cross_origin(origins="https://staging-view.example.com")
            def staging(): return "s"
        elif app.config["QA"]:
            CORS(api, origins="https://qa.example.com")
            @api.route("/qa")
            def qa(): return "q"
        else:
            CORS(api, origins="https://live.example.com")
            @api.route("/live")
            @cross_origin(origins="https://live-view.example.com")
            def live(): return "l"
        @api.route("/shared")
        def shared(): return "x"
        app.register_blueprint(api, url_prefix="/api")
        @app.route("/always")
        @cross_origin(origins="https://always.example.com")
        def always(): return "a"
    """})
    debug, prod = "app.debug", "not (app.debug)"
    staging, qa = 'app.config["STAGING"]', 'not (app.config["STAGING"]) and app.config["QA"]'
    live = 'not (app.config["STAGING"]) and not (app.config["QA"])'
    condition_of = {  # origin -> the condition of the branch that configures it (None: unconditional)
        "https://debug.example.com": debug, "https://prod.example.com": prod,
        "https://staging.example.com": staging, "https://staging-view.example.com": staging,
        "https://qa.example.com": qa,
        "https://live.example.com": live, "https://live-view.example.com": live,
        "https://always.example.com": None,
    }
    # sites: every CORS() / cross_origin() call, in both branches, marked with its branch's condition
    decorators = {"https://staging-view.example.com", "https://live-view.example.com", "https://always.example.com"}
    assert sorted((s["options"]["origins"], s["kind"], s.get("condition")) for s in sites(doc)) == sorted(
        (origin, "decorator" if origin in decorators else "extension", condition)
        for origin, condition in condition_of.items())
    # routes: those declared in a branch carry its condition, those after the if carry none
    assert {r["path"]: r.get("condition") for r in doc["routes"]} == {
        "/debug": debug, "/prod": prod, "/api/staging": staging, "/api/qa": qa, "/api/live": live,
        "/api/shared": None, "/always": None}
    # hooks: each CORS() hook reaches the routes as a layer that keeps the condition it was registered under
    for r in doc["routes"]:
        layers = {layer["options"]["origins"][0]: layer.get("condition") for layer in r["cors"]}
        assert all(condition == condition_of[origin] for origin, condition in layers.items()), (r["path"], layers)
    app_hooks = {"https://debug.example.com", "https://prod.example.com"}
    blueprint_hooks = app_hooks | {"https://staging.example.com", "https://qa.example.com", "https://live.example.com"}
    assert {layer["options"]["origins"][0] for layer in route(doc, "/debug")["cors"]} == app_hooks
    assert {layer["options"]["origins"][0] for layer in route(doc, "/api/shared")["cors"]} == blueprint_hooks
    [view] = route(doc, "/api/live")["cors"]  # the decorator is terminal: the extension hooks do not run
    assert (view["source"]["kind"], view["condition"]) == ("decorator", live)
    [always] = route(doc, "/always")["cors"]
    assert always["options"]["origins"] == ["https://always.example.com"] and "condition" not in always


# ---------------------------------------------------------------------------- routes
def test_routes_blueprints_nested_prefixes_and_endpoints(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask, Blueprint
        from flask.views import MethodView
        app = Flask(__name__, static_folder=None)
        parent = Blueprint("parent", __name__, url_prefix="/p/")
        child = Blueprint("child", __name__, url_prefix="/c")
        @child.post("/leaf/<int:id>")
        def leaf(id): return "x"
        class ItemView(MethodView):
            def get(self): return "x"
            def delete(self): return "x"
        child.add_url_rule("/items", view_func=ItemView.as_view("items"))
        parent.register_blueprint(child)
        app.register_blueprint(parent, url_prefix="/v1", name="api")
        def index(): return "x"
        app.add_url_rule("/", "home", index, methods=["GET", "PUT"])
    """})
    found = {(r["path"], r["endpoint"], tuple(r["methods"])) for r in doc["routes"]}
    assert found == {
        ("/v1/c/leaf/<int:id>", "api.child.leaf", ("OPTIONS", "POST")),
        ("/v1/c/items", "api.child.items", ("DELETE", "GET", "HEAD", "OPTIONS")),
        ("/", "home", ("GET", "HEAD", "OPTIONS", "PUT")),
    }


def test_misplaced_and_parenthesis_less_decorators(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS, cross_origin
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com")
        @cross_origin(origins="*")
        @app.route("/above")
        def above(): return "x"
        @app.route("/bare")
        @cross_origin
        def bare(): return "x"
    """})
    assert [layer["source"]["kind"] for layer in route(doc, "/above")["cors"]] == ["extension"]
    decorator_sites = sites(doc, "decorator")
    assert any("no effect" in note for s in decorator_sites for note in s.get("notes", []))
    bare = route(doc, "/bare")
    assert bare["endpoint"] == "decorator"
    assert "500" in bare["error"]


def test_decorator_with_automatic_options_false_leaves_preflight_to_the_extension(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS, cross_origin
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com")
        @app.route("/x", methods=["POST"])
        @cross_origin(automatic_options=False, origins="https://dec.example.com")
        def x(): return "x"
    """})
    decorator, extension = route(doc, "/x")["cors"]
    assert decorator["terminal"] is True and decorator["preflight"] is False
    assert extension["options"]["origins"] == ["https://app.example.com"]


# ---------------------------------------------------------------------------- manual headers
def test_hand_written_headers_and_reflected_origins(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask, Response, make_response, request
        app = Flask(__name__)
        @app.after_request
        def add_cors(resp):
            origin = request.headers.get("Origin")
            resp.headers["Access-Control-Allow-Origin"] = origin
            resp.headers.add("Access-Control-Allow-Credentials", "true")
            return resp
        @app.route("/r")
        def r():
            return Response("x", headers={"Access-Control-Allow-Origin": "*"})
        @app.route("/t")
        def t():
            return "x", 200, {"Access-Control-Allow-Origin": request.origin}
        @app.route("/m")
        def m():
            return make_response("x", 200, [("Access-Control-Expose-Headers", "X-A")])
    """})
    manual = sites(doc, "manual-header")
    found = {(s["target"], s["options"]["header"], str(s["options"]["value"])) for s in manual}
    assert found == {
        ("add_cors", "Access-Control-Allow-Origin", "{'reflects_request_origin': True}"),
        ("add_cors", "Access-Control-Allow-Credentials", "true"),
        ("r", "Access-Control-Allow-Origin", "*"),
        ("t", "Access-Control-Allow-Origin", "{'reflects_request_origin': True}"),
        ("m", "Access-Control-Expose-Headers", "X-A"),
    }
    assert any("add_cors" in note for note in route(doc, "/r")["notes"])


def test_vary_and_cache_control_written_in_the_same_function_are_noted_on_its_sites(tmp_path):
    """other_headers (CORS033): each form of writing Vary / Cache-Control, in the function of the site only."""
    import json
    from pathlib import Path

    import jsonschema

    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask, Response, request
        app = Flask(__name__)
        VARY = "Origin"
        @app.after_request
        def hook(resp):
            resp.headers["Access-Control-Allow-Origin"] = request.origin
            resp.headers.add("Vary", "Accept-Encoding")
            resp.vary.update(["Accept", "Origin"])
            resp.cache_control.public = True
            resp.cache_control.max_age = 60
            return resp
        @app.route("/v")
        def view():
            return Response("x", headers={"Access-Control-Allow-Origin": request.origin, "Vary": VARY,
                                          "Cache-Control": "no-store"})
        def outer():
            def inner(resp):
                resp.headers["Access-Control-Allow-Origin"] = request.origin
                return resp
            resp = Response("x")
            resp.headers["Vary"] = "Origin"
            return inner
    """})
    noted = {s["target"]: s.get("other_headers") for s in sites(doc, "manual-header")}
    assert noted == {
        "hook": [{"header": "Vary", "value": "Accept-Encoding", "line": 7},
                 {"header": "Vary", "value": ["Accept", "Origin"], "line": 8},
                 {"header": "Cache-Control", "value": "public", "line": 9},
                 {"header": "Cache-Control", "value": "max-age=60", "line": 10}],
        "view": [{"header": "Vary", "value": "Origin", "line": 14},
                 {"header": "Cache-Control", "value": "no-store", "line": 15}],
        "inner": None,  # the Vary is outer's, written on another response
    }
    schema = json.loads((Path(__file__).parent.parent / "schemas" / "inventory.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(doc)


def test_headers_sent_with_a_request_are_not_response_headers(tmp_path):
    """A test client's or an HTTP library's headers= is a request's (CORS034 would call it a response header)."""
    doc = inventory_of(tmp_path, {"app.py": """
        import requests
        from flask import Flask, Response
        app = Flask(__name__)
        @app.route("/x")
        def x():
            requests.options("https://api.example.com", headers={"Access-Control-Request-Method": "PUT"})
            headers = {"Origin": "https://app.example.com"}
            headers["Access-Control-Request-Headers"] = "X-Token"
            headers.update({"Access-Control-Request-Method": "PUT"})
            requests.options("https://api.example.com", headers=headers)
            answer = {}
            answer["Access-Control-Request-Method"] = "GET"
            return Response("x", headers=answer)
        def test_preflight():
            client = app.test_client()
            client.get("/x", headers={"Access-Control-Request-Method": "POST"})
            with app.test_request_context("/x", headers={"Access-Control-Request-Headers": "X-Token"}):
                pass
    """})
    found = [(s["target"], s["line"], s["options"]["header"]) for s in sites(doc, "manual-header")]
    assert found == [("x", 12, "Access-Control-Request-Method")]  # written into the dict the response is built with


# ---------------------------------------------------------------------------- robustness
@pytest.mark.parametrize("demand_driven", [True, False])
def test_broken_files_are_reported_and_the_rest_is_analysed(tmp_path, demand_driven):
    head = "from flask import request\n" if demand_driven else ""  # by default only files that can matter are parsed
    (tmp_path / "latin1.py").write_bytes((head + "x = 'caf\xe9'\n").encode("latin-1"))
    (tmp_path / "empty.py").write_text("")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    doc = inventory_of(tmp_path, {
        "broken.py": head + "def (:\n",
        "app.py": """
            from flask import Flask
            from flask_cors import CORS
            app = Flask(__name__)
            CORS(app)
            @app.route("/x")
            def x(): return "x"
        """,
    }, demand_driven)
    errors = {e["file"]: e["kind"] for e in doc["errors"]}
    expected = {"broken.py": "syntax", "latin1.py": "encoding"}
    assert errors == expected  # an empty module is valid Python
    assert route(doc, "/x")["cors"][0]["options"]["origins"] == ["*"]


def test_scanned_code_is_never_executed(tmp_path):
    marker = tmp_path / "executed"
    doc = inventory_of(tmp_path, {"app.py": f"""
        import os, sys
        from flask import Flask
        from flask_cors import CORS
        open({str(marker)!r}, "w").write("ran")
        os.system("touch {marker}")
        app = Flask(__name__)
        CORS(app)
        sys.exit(3)
    """})
    assert not marker.exists()
    # the static route, and the app's CORS judged for the routes it may have: analysis went on past sys.exit()
    assert [r["path"] for r in doc["routes"]] == [
        "/static/<path:filename>", {"unlisted": "/*", "reason": "no route of this app was found"}]


def test_output_is_deterministic(tmp_path):
    import json

    from cors_lint.engine.analysis import analyze
    from cors_lint.engine.inventory import inventory_json

    inventory_of(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins={"https://b.example.com", "https://a.example.com", "https://c.example.com"})
        @app.route("/x")
        def x(): return "x"
    """})
    first = json.dumps(inventory_json(analyze([tmp_path])))
    second = json.dumps(inventory_json(analyze([tmp_path])))
    assert first == second
    assert '["https://a.example.com", "https://b.example.com", "https://c.example.com"]' in first


def test_a_single_file_still_resolves_the_modules_it_imports(tmp_path):
    from helpers import write

    from cors_lint.engine.analysis import analyze
    from cors_lint.engine.inventory import inventory_json

    write(tmp_path, {
        "settings.py": "ORIGINS = ['https://a.example.com']\n",
        "views.py": """
            from flask import Blueprint
            bp = Blueprint("views", __name__, url_prefix="/v")
            @bp.get("/x")
            def x(): return "x"
        """,
        "app.py": """
            from flask import Flask
            from flask_cors import CORS
            from settings import ORIGINS
            from views import bp
            app = Flask(__name__)
            CORS(app, origins=ORIGINS)
            app.register_blueprint(bp)
        """,
        "unrelated_broken.py": "def (:\n",
    })
    doc = inventory_json(analyze([tmp_path / "app.py"]))
    assert route(doc, "/v/x")["cors"][0]["options"]["origins"] == ["https://a.example.com"]
    assert doc["errors"] == []  # only the named file and what it imports are analysed


def test_apps_built_in_test_case_set_up_methods_are_analysed(tmp_path):
    doc = inventory_of(tmp_path, {"tests/test_api.py": """
        import unittest
        from flask import Flask
        from flask_cors import cross_origin

        class ApiTest(unittest.TestCase):
            def setUp(self):
                self.app = Flask(__name__)

                @self.app.route("/x")
                @cross_origin(origins="https://a.example.com")
                def x(): return "x"

            def test_x(self):
                self.assertTrue(self.app)
    """}, include_tests=True)
    [layer] = route(doc, "/x")["cors"]
    assert layer["options"]["origins"] == ["https://a.example.com"]
    assert doc["apps"][0]["id"] == "tests/test_api.py:7"


def test_type_checking_blocks_do_not_run(tmp_path):
    doc = inventory_of(tmp_path, {"app.py": """
        import typing
        from typing import TYPE_CHECKING
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        if TYPE_CHECKING:
            CORS(app, origins="https://typing.example.com")
        if typing.TYPE_CHECKING:
            pass
        else:
            CORS(app, origins="https://runtime.example.com")
        @app.route("/x")
        def x(): return "x"
    """})
    assert [layer["options"]["origins"] for layer in route(doc, "/x")["cors"]] == [["https://runtime.example.com"]]


TEST_APP = """
    from flask import Flask
    from flask_cors import CORS

    def make():
        app = Flask(__name__)
        CORS(app, supports_credentials=True)

        @app.route("/fixture")
        def fixture(): return "x"
        return app

    app = make()
"""


def test_test_code_is_not_an_entry_point_by_default(tmp_path):
    """The apps tests build serve no traffic: tests are not run unless asked, and the inventory
    says how many were left out; `--include-tests` (or [tool.cors-lint] include-tests) runs them."""
    files = {"app.py": """
        from flask import Flask
        app = Flask(__name__)

        @app.route("/served")
        def served(): return "x"
    """, "tests/test_api.py": TEST_APP, "pkg/conftest.py": TEST_APP, "pkg/views_test.py": TEST_APP,
        "test_top.py": TEST_APP}
    doc = inventory_of(tmp_path, files)
    assert [r["path"] for r in doc["routes"] if r["endpoint"] != "static"] == ["/served"]
    assert doc["tests_not_run"] == ["pkg/conftest.py", "pkg/views_test.py", "test_top.py", "tests/test_api.py"]
    assert doc["sites"] == []
    full = inventory_of(tmp_path, {}, include_tests=True)
    assert sorted(r["file"] for r in full["routes"] if r["path"] == "/fixture") == [
        "pkg/conftest.py", "pkg/views_test.py", "test_top.py", "tests/test_api.py"]
    assert "tests_not_run" not in full


def test_test_code_the_project_imports_is_analysed(tmp_path):
    """Skipping test entry points never hides code the app runs: a module under a `testing`-like
    path that the app imports is run when imported, as any other module."""
    doc = inventory_of(tmp_path, {"app.py": """
        from flask import Flask
        from tests.helpers import attach
        app = Flask(__name__)
        attach(app)
    """, "tests/__init__.py": "", "tests/helpers.py": """
        from flask_cors import CORS

        def attach(app):
            CORS(app, supports_credentials=True)
    """})
    [site] = sites(doc, "extension")
    assert site["file"] == "tests/helpers.py"


def test_a_test_file_or_tests_directory_named_on_the_command_line_is_analysed(tmp_path):
    """The rule applies below what the user names: `cors-lint check tests/test_api.py`, or a
    project kept in a directory called `tests`, is analysed."""
    write(tmp_path, {"tests/test_api.py": TEST_APP, "tests/test_other.py": TEST_APP, "tests/proj/server.py": TEST_APP,
                     "src/app.py": "import flask"})
    named_file = inventory_json(analyze([tmp_path / "src", tmp_path / "tests" / "test_api.py"]))
    assert [r["file"] for r in named_file["routes"] if r["path"] == "/fixture"] == ["tests/test_api.py"]
    named_dir = inventory_json(analyze([tmp_path / "src", tmp_path / "tests" / "proj"]))
    assert [r["file"] for r in named_dir["routes"] if r["path"] == "/fixture"] == ["tests/proj/server.py"]
    assert "tests_not_run" not in named_dir
    whole = inventory_json(analyze([tmp_path]))
    assert [r["file"] for r in whole["routes"] if r["path"] == "/fixture"] == []
    assert whole["tests_not_run"] == ["tests/proj/server.py", "tests/test_api.py", "tests/test_other.py"]


@pytest.mark.parametrize("literal", ["'abc'", '"a\'b"', '"""a"b"""', "'''x'''", "''", '""', '""""""', "r'\\d+'",
                                     "'a\\nb'", "u'caf'", "'\"\"\"'", "f'{x}'"])
def test_a_string_literal_is_read_as_python_reads_it(literal):
    """String literals without prefix or escape are read between their quotes (a fast path):
    the value is the one libcst (and Python) gives."""
    import libcst as cst

    from cors_lint.engine.interpreter.expressions import ExpressionEvaluator

    node = cst.parse_expression(literal)
    if isinstance(node, cst.SimpleString):
        assert ExpressionEvaluator._eval_SimpleString(None, node, None) == node.evaluated_value
