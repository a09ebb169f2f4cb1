"""Hand-written apps for the observed cases in flask-cors-semantics.md §9, checked against
the installed flask-cors: the inventory must predict every header the real app sends."""

from __future__ import annotations

import textwrap

import flask_cors
import pytest
from oracle import compare_app, load_app, write_project

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json

HEAD = """
import re
from datetime import timedelta
from flask import Flask, Blueprint, abort
from flask.views import MethodView
from flask_cors import CORS, cross_origin
app = Flask(__name__)
"""

CASES = {
    "default_reflects_any_origin": """
        CORS(app)
        @app.route("/x")
        def x(): return "x"
    """,
    "credentials_with_default_origins": """
        CORS(app, supports_credentials=True)
        @app.route("/x")
        def x(): return "x"
    """,
    "send_wildcard": """
        CORS(app, send_wildcard=True)
        @app.route("/x")
        def x(): return "x"
    """,
    "unanchored_regex_origin": r"""
        CORS(app, origins=[r"https://.*\.example\.com"], supports_credentials=True)
        @app.route("/x")
        def x(): return "x"
    """,
    "anchored_and_compiled_origins": r"""
        CORS(app, origins=[r"^https://x\.example\.com$", re.compile(r"https://app\.example\.com$")])
        @app.route("/x")
        def x(): return "x"
    """,
    "comma_string_and_trailing_slash": """
        CORS(app, origins=["https://a.example.com/", " https://b.example.com", "https://a.example.com,https://b.example.com"])
        @app.route("/x")
        def x(): return "x"
    """,
    "localhost_glob": """
        CORS(app, origins="http://localhost:*")
        @app.route("/x")
        def x(): return "x"
    """,
    "list_order_and_no_origin": r"""
        CORS(app, origins=["https://b.example.com", "https://a.example.com", r"https://.*\.c\.com"])
        @app.route("/x")
        def x(): return "x"
    """,
    "resource_specificity": r"""
        CORS(app, resources={r"/api/v1/admin/.*": {"origins": "https://admin.example.com"},
                             r"/api/(v1|v2|v3|v4)/.*": {"origins": "*"}})
        @app.route("/api/v1/admin/users")
        def admin(): return "x"
        @app.route("/api/v2/things")
        def things(): return "x"
    """,
    "compiled_resource_outranks_regex_strings": r"""
        CORS(app, resources={re.compile(r"/.*"): {"origins": "*"},
                             r"/api/v1/admin/.*": {"origins": "https://admin.example.com"}})
        @app.route("/api/v1/admin/users")
        def admin(): return "x"
    """,
    "literal_resource_wins": r"""
        CORS(app, resources={r"/api/.*": {"origins": "https://admin.example.com"}, "/api/public": {"origins": "*"}})
        @app.route("/api/public")
        def public(): return "x"
        @app.route("/api/private")
        def private(): return "x"
    """,
    "prefix_resource_pattern": r"""
        CORS(app, resources=r"/api/*", origins="https://a.example.com")
        @app.route("/apiary")
        def apiary(): return "x"
        @app.route("/api/x")
        def api(): return "x"
        @app.route("/other")
        def other(): return "x"
    """,
    "literal_looking_regex_resource": r"""
        CORS(app, resources={r"/api/.+": {}, "/api": {}})
        @app.route("/api/x")
        def api(): return "x"
        @app.route("/api")
        def exact(): return "x"
    """,
    "config_resources_and_origins": r"""
        app.config["CORS_RESOURCES"] = {r"/api/*": {"origins": "https://api.example.com"}}
        app.config["CORS_ORIGINS"] = "https://cfg.example.com"
        CORS(app)
        @app.route("/api/x")
        def api(): return "x"
        @app.route("/other")
        def other(): return "x"
    """,
    "decorator_overrides_and_rejects": """
        CORS(app, origins="https://a.example.com", max_age=100)
        @app.route("/dec")
        @cross_origin(origins="https://b.example.com")
        def dec(): return "x"
    """,
    "bare_decorator_widens": """
        CORS(app, origins="https://a.example.com", supports_credentials=True)
        @app.route("/dec")
        @cross_origin()
        def dec(): return "x"
    """,
    "decorator_above_route": """
        @cross_origin(origins="https://a.example.com")
        @app.route("/x")
        def x(): return "x"
    """,
    "positional_decorator_argument_ignored": """
        @app.route("/x")
        @cross_origin("https://b.example.com")
        def x(): return "x"
    """,
    "decorator_without_parentheses": """
        CORS(app, origins="https://a.example.com")
        @app.route("/x")
        @cross_origin
        def x(): return "x"
    """,
    "config_precedence_and_late_config": """
        app.config["CORS_ORIGINS"] = "https://config.example.com"
        CORS(app, origins="https://kw.example.com")
        app.config["CORS_SUPPORTS_CREDENTIALS"] = True
        @app.route("/x")
        def x(): return "x"
        @app.route("/d")
        @cross_origin()
        def d(): return "x"
    """,
    "ctor_and_init_app_kwargs": """
        cors = CORS(origins="https://ctor.example.com", max_age=5)
        cors.init_app(app, origins="https://init.example.com")
        @app.route("/x")
        def x(): return "x"
    """,
    "string_booleans_and_dead_keys": """
        app.config["CORS_SUPPORTS_CREDENTIALS"] = "False"
        app.config["CORS_HEADERS"] = "Content-Type"
        app.config["CORS_ORIGIN"] = "https://typo.example.com"
        CORS(app, origin="https://a.example.com", allowed_headers="X")
        @app.route("/x")
        def x(): return "x"
    """,
    "blueprint_falls_through_to_app": """
        bp = Blueprint("bp", __name__, url_prefix="/bp")
        CORS(bp, origins="https://b.example.com")
        @bp.route("/x")
        def x(): return "x"
        app.register_blueprint(bp)
        CORS(app)
        @app.route("/y")
        def y(): return "x"
    """,
    "blueprint_resources_need_the_prefix": r"""
        bp = Blueprint("bp", __name__, url_prefix="/bp")
        CORS(bp, resources={r"/x": {}, r"/bp/y.*": {"origins": "https://a.example.com"}})
        @bp.route("/x")
        def x(): return "x"
        @bp.route("/y")
        def y(): return "x"
        app.register_blueprint(bp)
    """,
    "preflight_headers_methods_and_max_age": r"""
        CORS(app, allow_headers=["Content-Type", r"X-Custom-.*"], methods=["GET", "POST"], max_age=600,
             expose_headers=["X-B", "X-A"])
        @app.route("/x", methods=["GET", "POST", "DELETE"])
        def x(): return "x"
    """,
    "max_age_zero_and_timedelta_zero": """
        CORS(app, resources={"/zero": {"max_age": 0}, "/td": {"max_age": timedelta(0)}},
             allow_headers="Content-Type,Authorization")
        @app.route("/zero")
        def zero(): return "x"
        @app.route("/td")
        def td(): return "x"
    """,
    "private_network": """
        CORS(app, resources={"/on": {"allow_private_network": True}, "/off": {}})
        @app.route("/on")
        def on(): return "x"
        @app.route("/off")
        def off(): return "x"
    """,
    "two_cors_calls_form_a_union": """
        CORS(app, origins="https://first.example.com")
        CORS(app, origins="https://b.example.com")
        @app.route("/x")
        def x(): return "x"
    """,
    "automatic_options_variants": """
        CORS(app, origins="https://a.example.com", resources=r"/ext.*")
        @app.route("/noauto", methods=["POST"])
        @cross_origin(automatic_options=False)
        def noauto(): return "x"
        @app.route("/ext", methods=["POST"])
        @cross_origin(automatic_options=False, origins="https://b.example.com")
        def ext(): return "x"
        @app.route("/auto", methods=["POST"])
        @cross_origin()
        def auto(): return "x"
    """,
    "config_automatic_options_false": """
        app.config["CORS_AUTOMATIC_OPTIONS"] = False
        @app.route("/x", methods=["POST"])
        @cross_origin()
        def x(): return "x"
    """,
    "method_view_decorators": """
        class ItemView(MethodView):
            decorators = [cross_origin(origins="https://a.example.com")]
            def get(self): return "x"
        app.add_url_rule("/items", view_func=ItemView.as_view("items"))
    """,
    "provide_automatic_options_false": """
        CORS(app)
        @app.route("/x", provide_automatic_options=False)
        def x(): return "x"
    """,
    "nested_blueprints_hooks": """
        parent = Blueprint("parent", __name__, url_prefix="/p")
        child = Blueprint("child", __name__, url_prefix="/c")
        CORS(child, origins="https://child.example.com")
        CORS(parent, origins="https://a.example.com", supports_credentials=True)
        @child.route("/leaf")
        def leaf(): return "x"
        @parent.route("/top")
        def top(): return "x"
        parent.register_blueprint(child)
        app.register_blueprint(parent)
    """,
    "intercepted_405_preflight_order": """
        CORS(app, origins="https://first.example.com", max_age=1)
        CORS(app, max_age=2)
        @app.route("/x", provide_automatic_options=False)
        def x(): return "x"
    """,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_observed_case(name, tmp_path):
    source = textwrap.dedent(HEAD) + textwrap.dedent(CASES[name])
    write_project(tmp_path, {"main.py": source})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert document["errors"] == []
    problems = compare_app(load_app(tmp_path), document)
    assert not problems, "\n".join(problems[:5])
