"""flask-smorest apps checked against the real library: ``Api(app)`` / ``Api()`` + ``init_app``,
its ``Blueprint`` with ``MethodView`` and function routes, ``register_blueprint`` overriding the
prefix, the OpenAPI blueprint's routes as the config asks for them, and the decorators that keep
the view. The inventory must list every rule exactly as ``app.url_map`` does and predict every
CORS header the running app sends (simple and preflight requests from many origins)."""

from __future__ import annotations

import os
import textwrap

import flask_cors
import pytest
from oracle import compare_apps, write_project
from test_framework_views import Generated

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json

HEAD = """
import os
import marshmallow as ma
from flask import Flask, Blueprint as FlaskBlueprint
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from flask_cors import CORS, cross_origin

class ItemSchema(ma.Schema):
    name = ma.fields.String()
    page = ma.fields.Int()
"""
APP = """
app = Flask(__name__)
app.config.update(API_TITLE="Shop", API_VERSION="1", OPENAPI_VERSION="3.0.2")
"""

CASES = {
    "method_views_functions_and_prefix_override": """
        api = Api(app)
        blp = Blueprint("items", __name__, url_prefix="/items", description="Items")

        @blp.route("/")
        class Items(MethodView):
            def get(self): return {"name": "x"}
            def post(self): return {"name": "x"}

        @blp.route("/<int:item_id>")
        class ItemById(MethodView):
            def get(self, item_id): return {"name": "x"}
            def delete(self, item_id): return "", 204

        @blp.route("/search", methods=["GET", "POST"])
        def search(): return "x"

        api.register_blueprint(blp, url_prefix="/api/v1/items")
        CORS(app, resources={r"/api/*": {"origins": ["https://a.example.com"], "supports_credentials": True}})
    """,
    "api_then_init_app_in_a_factory": """
        api = Api()
        pets = Blueprint("pets", "pets", url_prefix="/pets")

        @pets.route("")
        def pet_list(): return "x"

        def create_app():
            app = Flask(__name__)
            app.config["API_TITLE"] = "Pets"
            app.config["API_VERSION"] = "2"
            app.config["OPENAPI_VERSION"] = "3.1.0"
            app.config["OPENAPI_URL_PREFIX"] = "/doc"
            CORS(app, origins="https://b.example.com")
            api.init_app(app)
            api.register_blueprint(pets)
            return app

        app = create_app()
    """,
    "openapi_routes_as_configured": """
        app.config["OPENAPI_URL_PREFIX"] = "/docs/"
        app.config["OPENAPI_JSON_PATH"] = "spec.json"
        app.config["OPENAPI_REDOC_PATH"] = "redoc"
        app.config["OPENAPI_REDOC_URL"] = "https://cdn.example.com/redoc.js"
        app.config["OPENAPI_SWAGGER_UI_PATH"] = "/swagger"  # no OPENAPI_SWAGGER_UI_URL: no page
        app.config["OPENAPI_RAPIDOC_PATH"] = "rapidoc"
        app.config["OPENAPI_RAPIDOC_URL"] = "https://cdn.example.com/rapidoc.js"
        CORS(app, resources={"/docs/*": {"origins": "*", "send_wildcard": True}, "/api/*": {}})
        api = Api(app)
        blp = Blueprint("api", __name__, url_prefix="/api")

        @blp.get("/ping")
        def ping(): return "pong"

        api.register_blueprint(blp)
    """,
    "openapi_at_the_root_and_without_a_slash": """
        root = Flask("root")
        root.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.2", OPENAPI_URL_PREFIX="/",
                           OPENAPI_SWAGGER_UI_PATH="ui", OPENAPI_SWAGGER_UI_URL="https://cdn.example.com/")
        Api(root)
        app.config.update(OPENAPI_URL_PREFIX="api-docs", OPENAPI_JSON_PATH="/openapi.json")
        CORS(app, supports_credentials=True, origins=["https://a.example.com", "https://x.example.com"])
        Api(app)
    """,
    "config_prefixes_and_late_config": """
        app.config.update(V1_API_TITLE="v1", V1_API_VERSION="1", V1_OPENAPI_VERSION="3.0.2",
                          V1_OPENAPI_URL_PREFIX="/v1/docs", V2_API_TITLE="v2", V2_API_VERSION="2",
                          V2_OPENAPI_VERSION="3.0.2", V2_OPENAPI_URL_PREFIX="/v2/docs", V2_OPENAPI_REDOC_PATH="r",
                          V2_OPENAPI_REDOC_URL="https://cdn.example.com/r.js", LATE_API_TITLE="late",
                          LATE_API_VERSION="3", LATE_OPENAPI_VERSION="3.0.2")
        v1 = Api(app, config_prefix="v1")
        v2 = Api(app, config_prefix=" V2_ ")
        late = Api(app, config_prefix="LATE")  # its config comes after init_app: no OpenAPI routes
        app.config.update(LATE_OPENAPI_URL_PREFIX="/late")
        blp1 = Blueprint("one", __name__, url_prefix="/v1")
        blp2 = Blueprint("two", __name__, url_prefix="/v2")

        @blp1.route("/things")
        @blp2.route("/things")
        def things(): return "x"

        v1.register_blueprint(blp1)
        v2.register_blueprint(blp2)
        CORS(app, resources=r"/v2/*", origins="https://child.example.com")
    """,
    "automatic_options_as_init_app_and_registration_see_it": """
        app.config.update(OPENAPI_URL_PREFIX="/docs", PROVIDE_AUTOMATIC_OPTIONS=False)
        api = Api(app)  # its OpenAPI rules: no automatic OPTIONS
        app.config["PROVIDE_AUTOMATIC_OPTIONS"] = True
        blp = Blueprint("b", __name__, url_prefix="/b")

        @blp.route("/x")
        def x(): return "x"

        api.register_blueprint(blp)
        CORS(app, origins="https://a.example.com")
    """,
    "config_from_an_object": """
        class Config:
            API_TITLE = "Shop"
            API_VERSION = "1"
            OPENAPI_VERSION = "3.0.2"
            OPENAPI_URL_PREFIX = "/openapi"
            OPENAPI_SWAGGER_UI_PATH = "/swagger-ui"
            OPENAPI_SWAGGER_UI_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist/"

        class ProdConfig(Config):
            OPENAPI_JSON_PATH = "v1.json"

        app.config.from_object(ProdConfig)
        CORS(app, origins=os.environ.get("SMOREST_TEST_UNSET_ORIGIN", "https://env.example.com"))
        api = Api(app)
    """,
    "cors_on_the_smorest_blueprint_and_decorators": """
        api = Api(app)
        blp = Blueprint("orders", __name__, url_prefix="/orders")
        CORS(blp, origins="https://b.example.com", supports_credentials=True)
        other = Blueprint("other", __name__)

        @blp.route("/")
        class Orders(MethodView):
            decorators = [cross_origin(origins="https://child.example.com")]
            def get(self): return "x"
            def options(self): return "x"

        @blp.route("/open", methods=["GET", "OPTIONS"])
        @cross_origin(origins="https://a.example.com", max_age=10)
        def open_orders(): return "x"

        @blp.route("/manual", methods=["POST"])
        @cross_origin(automatic_options=False, origins="https://x.example.com")
        def manual(): return "x"

        @other.route("/other")
        def other_view(): return "x"

        api.register_blueprint(blp)
        api.register_blueprint(other, url_prefix="/elsewhere")
        CORS(app, origins="https://first.example.com")
    """,
    "duplicate_endpoints_are_renamed": """
        api = Api(app)
        blp = Blueprint("dup", __name__, url_prefix="/dup")

        def listing(): return "x"

        class Thing(MethodView):
            def get(self): return "x"
            def put(self): return "x"

        blp.add_url_rule("/a", view_func=listing)
        blp.add_url_rule("/b", view_func=listing)
        blp.add_url_rule("/thing", view_func=Thing)
        blp.add_url_rule("/thing2", view_func=Thing)
        blp.add_url_rule("/named", "custom", listing)
        blp.route("/c", endpoint="custom")(listing)
        blp.add_url_rule("/as-view", view_func=Thing.as_view("thing_view"))
        api.register_blueprint(blp)
        CORS(app)
    """,
    "route_decorator_reused_after_its_endpoint_was_popped": """
        api = Api(app)
        blp = Blueprint("reuse", __name__)
        decorator = blp.route("/same", endpoint="first")

        @decorator
        def first_view(): return "x"

        @decorator  # flask-smorest popped the endpoint the first time: this rule's endpoint is second_view
        def second_view(): return "x"

        blp.add_url_rule("/other", view_func=first_view)  # endpoint first_view
        api.register_blueprint(blp, url_prefix="/reuse")
        CORS(app, origins="https://a.example.com")
    """,
    "verbs_and_decorators_that_keep_the_view": """
        api = Api(app)
        blp = Blueprint("shop", __name__, url_prefix="/shop")

        @blp.get("/query")
        @blp.arguments(ItemSchema, location="query")
        @blp.response(200, ItemSchema)
        @blp.doc(summary="search")
        def query(args): return {"name": "x"}

        @blp.route("/paged")
        @blp.etag
        @blp.response(200, ItemSchema(many=True))
        @blp.paginate()
        def paged(pagination_parameters): return [{"name": "a"}]

        @blp.route("/cls")
        class Cls(MethodView):
            @blp.etag
            @blp.response(200, ItemSchema)
            def get(self): return {"name": "x"}
            @blp.alt_response(404, description="missing")
            @blp.response(201, ItemSchema)
            def put(self): return {"name": "x"}

        @blp.post("/create")
        @blp.response(201)
        @cross_origin(origins="https://b.example.com")
        def create(): return "x"

        api.register_blueprint(blp)
        CORS(app, origins=["https://a.example.com", "https://b.example.com"], expose_headers=["ETag"])
    """,
    "nested_smorest_blueprints_and_a_project_subclass": """
        class ApiBlueprint(Blueprint):
            pass

        class ShopApi(Api):
            pass

        app.config["OPENAPI_URL_PREFIX"] = "/spec"
        api = ShopApi(app)
        parent = ApiBlueprint("parent", __name__, url_prefix="/parent")
        child = Blueprint("child", __name__, url_prefix="/child")
        CORS(child, origins="https://child.example.com")

        @child.route("/leaf")
        class Leaf(MethodView):
            def patch(self): return "x"

        @parent.route("/top")
        def top(): return "x"

        parent.register_blueprint(child)
        api.register_blueprint(parent)
        api.register_blueprint(parent, name="again", url_prefix="/again")
    """,
    "methods_option_and_dropped_provide_automatic_options": """
        api = Api(app)
        blp = Blueprint("opts", __name__, url_prefix="/opts")

        @blp.route("/only-get", methods=["GET"])
        class OnlyGet(MethodView):
            def get(self): return "x"
            def post(self): return "x"

        @blp.route("/auto", provide_automatic_options=False)
        def auto(): return "x"

        def by_rule(): return "x"
        blp.add_url_rule("/by-rule", "by_rule", by_rule, False)

        api.register_blueprint(blp)
        CORS(app, origins="https://a.example.com", max_age=5)
    """,
}
# projects of several modules: the Api in an extensions module, resources in a package
PROJECTS = {
    "extensions_and_resources_package": {
        "ext.py": """
            from flask_smorest import Api
            api = Api()
        """,
        "resources/__init__.py": "",
        "resources/items.py": """
            from flask.views import MethodView
            from flask_smorest import Blueprint
            blp = Blueprint("items", __name__, url_prefix="/items", description="Items")

            @blp.route("/")
            class Items(MethodView):
                def get(self): return []
                def post(self): return {}

            @blp.get("/<int:item_id>")
            def item(item_id): return {}
        """,
        "resources/orders.py": """
            from flask_smorest import Blueprint
            orders = Blueprint("orders", "orders")

            @orders.delete('/orders/<int:order_id>')
            def drop(order_id): return "", 204
        """,
        "main.py": """
            from flask import Flask
            from flask_cors import CORS
            from ext import api

            class Config:
                API_TITLE = "Shop"
                API_VERSION = "v1"
                OPENAPI_VERSION = "3.0.3"
                OPENAPI_URL_PREFIX = "/api/docs"

            def create_app():
                app = Flask(__name__)
                app.config.from_object(Config)
                api.init_app(app)
                from resources.items import blp
                from resources.orders import orders
                api.register_blueprint(blp, url_prefix="/api/items")
                api.register_blueprint(orders, url_prefix="/api")
                CORS(app, resources={r"/api/*": {"origins": ["https://a.example.com"]}}, supports_credentials=True)
                return app

            app = create_app()
        """,
    },
}


def _source(body: str) -> str:
    body = textwrap.dedent(body)
    return textwrap.dedent(HEAD) + ("" if "app = create_app()" in body else textwrap.dedent(APP)) + body


@pytest.mark.parametrize("name", sorted(CASES) + sorted(PROJECTS))
def test_smorest_case(name, tmp_path, monkeypatch):
    monkeypatch.delenv("SMOREST_TEST_UNSET_ORIGIN", raising=False)
    if name in PROJECTS:
        write_project(tmp_path, {path: textwrap.dedent(text) for path, text in PROJECTS[name].items()})
    else:
        write_project(tmp_path, {"main.py": _source(CASES[name])})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert document["errors"] == []
    assert inventory_json(analyze([tmp_path], flask_cors.__version__, demand_driven=False)) == document
    problems = compare_apps(tmp_path, document)
    assert not problems, "\n".join(problems[:5])


def test_openapi_routes_that_depend_on_what_cannot_be_seen_are_listed_under_a_condition(tmp_path, monkeypatch):
    """Config loaded from a file, or a prefix read from an unset variable: the OpenAPI routes may
    exist; they are listed with an unknown path and the condition, never left out or guessed."""
    monkeypatch.delenv("SMOREST_TEST_DOCS_PREFIX", raising=False)
    write_project(tmp_path, {"main.py": _source("""
        app.config.from_pyfile("settings.cfg", silent=True)
        api = Api(app)
        env_app = Flask("env_app")
        env_app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.2",
                              OPENAPI_URL_PREFIX=os.environ.get("SMOREST_TEST_DOCS_PREFIX"))
        Api(env_app)
        blp = Blueprint("b", __name__, url_prefix="/b")

        @blp.route("/x")
        def x(): return "x"

        api.register_blueprint(blp)
        CORS(app)
    """)})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    docs = [r for r in document["routes"] if str(r["endpoint"]).startswith("api-docs.")]
    assert sorted(r["endpoint"] for r in docs) == [
        "api-docs.openapi_json", "api-docs.openapi_json", "api-docs.openapi_rapidoc", "api-docs.openapi_redoc",
        "api-docs.openapi_swagger_ui"]
    for doc in docs:
        assert "unknown" in doc["path"], doc
        assert "OPENAPI_URL_PREFIX" in doc["condition"]
        assert "from_pyfile" in doc["condition"] or "$SMOREST_TEST_DOCS_PREFIX" in doc["condition"]
    listed = {**document, "routes": [r for r in document["routes"] if "condition" not in r]}
    assert compare_apps(tmp_path, listed) == []  # the rest is exact (the real apps have no OpenAPI routes)


# ---------------------------------------------------------------------------- generated projects
GENERATED = int(os.environ.get("CORS_LINT_FRAMEWORK_CASES", "40"))
DOC_CONFIGS = [
    {}, {"OPENAPI_URL_PREFIX": "'/'"}, {"OPENAPI_URL_PREFIX": "'/docs'", "OPENAPI_JSON_PATH": "'spec.json'"},
    {"OPENAPI_URL_PREFIX": "'api-docs'", "OPENAPI_SWAGGER_UI_PATH": "'/ui'",
     "OPENAPI_SWAGGER_UI_URL": "'https://cdn.example.com/'", "OPENAPI_REDOC_PATH": "'redoc'"},
    {"OPENAPI_URL_PREFIX": "'/api/docs/'", "OPENAPI_RAPIDOC_PATH": "'rapidoc'",
     "OPENAPI_RAPIDOC_URL": "'https://cdn.example.com/r.js'", "OPENAPI_REDOC_PATH": "'/redoc'",
     "OPENAPI_REDOC_URL": "'https://cdn.example.com/redoc.js'"},
]


def generated_smorest_project(seed: int) -> str:
    """A flask-smorest app: blueprints with function and MethodView routes, prefixes overridden or
    not, nested blueprints, the OpenAPI routes, and CORS every way."""
    gen = Generated(seed)
    rng = gen.rng
    config = {"API_TITLE": "'t'", "API_VERSION": "'1'", "OPENAPI_VERSION": "'3.0.2'", **rng.choice(DOC_CONFIGS)}
    gen.lines += ["app = Flask(__name__)",
                  f"app.config.update({', '.join(f'{k}={v}' for k, v in config.items())})"]
    if rng.random() < 0.5:
        gen.lines.append("api = Api(app)")
    else:
        gen.lines += ["api = Api()", "api.init_app(app)"]
    blueprints = []
    for _ in range(rng.randint(1, 3)):
        name = gen.name("blp")
        prefix = rng.choice(["/api/" + name, None, "/" + name])
        override = rng.choice([None, None, "/api/over/" + name])
        gen.lines.append(f"{name} = Blueprint({name!r}, __name__, url_prefix={prefix!r})")
        if rng.random() < 0.3:
            gen.cors(name)
        blueprints.append((name, override or prefix))
        for _ in range(rng.randint(1, 4)):
            rule = f"/{gen.name('r')}" + rng.choice(["", "", "/<int:item_id>"])
            form = rng.choice(["route", "verb", "class", "class", "add_url_rule"])
            if form in ("route", "verb"):
                verb = rng.choice(["get", "post", "put", "delete", "patch"])
                methods = rng.choice(["", ", methods=['GET', 'POST']"])
                decorators = [f"@{name}.route({rule!r}{methods})" if form == "route" else f"@{name}.{verb}({rule!r})"]
                if rng.random() < 0.3:
                    decorators.append(gen.cross_origin())
                if rng.random() < 0.3:
                    decorators.append(f"@{name}.doc(summary='s')")
                if rng.random() < 0.3:
                    decorators.append(f"@{name}.response(200, ItemSchema)")
                gen.lines += [*decorators, f"def {gen.name('view')}(**kwargs): return {{'name': 'x'}}"]
            else:
                cls = gen.view_class("MethodView")
                if form == "class":
                    gen.lines.insert(len(gen.lines) - _class_length(gen.lines, cls),
                                     f"@{name}.route({rule!r}{gen.rule_methods(cls)})")
                else:
                    gen.lines.append(f"{name}.add_url_rule({rule!r}, view_func={cls}{gen.rule_methods(cls)})")
    if len(blueprints) > 1 and rng.random() < 0.3:
        child, _ = blueprints.pop()
        gen.lines.append(f"{blueprints[0][0]}.register_blueprint({child})")
    prefixes = sorted({p for _, p in blueprints if p} | {"/api"})
    for name, prefix in blueprints:
        gen.lines.append(f"api.register_blueprint({name}" + (f", url_prefix={prefix!r})" if prefix else ")"))
    if rng.random() < 0.75:
        gen.cors("app", prefixes)
    return gen.source(HEAD)


def _class_length(lines: list[str], cls: str) -> int:
    """How many lines the class just written takes (to put a decorator above it)."""
    start = max(i for i, line in enumerate(lines) if line.startswith(f"class {cls}("))
    return len(lines) - start


@pytest.mark.parametrize("seed", range(GENERATED))
def test_generated_smorest_project(seed, tmp_path, monkeypatch):
    monkeypatch.delenv("FRAMEWORK_TEST_ORIGIN", raising=False)
    source = generated_smorest_project(seed)
    write_project(tmp_path, {"main.py": source})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert document["errors"] == []
    problems = compare_apps(tmp_path, document)
    assert not problems, "\n".join(problems[:5]) + "\n\n" + source
