"""Flask-RESTX (``Api`` on an app or a blueprint, ``init_app``, namespaces, ``@ns.route`` /
``@api.route`` with several urls, the routes it adds by itself: ``swagger.json``, the doc page,
the API root, its static files), checked against the real flask-restx, Flask and flask-cors: the
inventory lists every rule exactly as ``app.url_map`` does (path, endpoint, methods), and
predicts every CORS header the running app sends to simple and preflight requests from many
origins. Flask-RESTPlus is modelled as the same library under its old name (it cannot be
installed with Flask 3): its inventory is checked against its Flask-RESTX twin."""

from __future__ import annotations

import os
import textwrap

import flask_cors
import jsonschema
import pytest
from cors_lint.schemas import load
from oracle import compare_app, inventory_rules, load_app, write_project
from restgen import generate

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json

HEAD = """
import os
from flask import Flask, Blueprint, abort
from flask_restx import Api, Namespace, Resource
import flask_restx
from flask_cors import CORS, cross_origin
app = Flask(__name__)

class Todo(Resource):
    def get(self, todo_id=0): return {"todo": todo_id}
    def put(self, todo_id=0): return {"todo": todo_id}

class TodoList(Resource):
    def get(self): return []
    def post(self): return {}, 201
"""

CASES = {
    "api_on_app_adds_specs_doc_root_and_static": """
        CORS(app, origins=["https://a.example.com"], supports_credentials=True)
        api = Api(app)
        ns = api.namespace("todos", description="todo operations")
        ns.add_resource(TodoList, "/")
        ns.add_resource(Todo, "/<int:todo_id>", "/item/<int:todo_id>")
    """,
    "prefix_doc_path_and_swagger_filename": """
        CORS(app, resources={r"/api/*": {"origins": "https://b.example.com"}}, max_age=60)
        api = Api(app, prefix="/api/v1", doc="/docs", default_swagger_filename="openapi.json")
        @api.route("/hello", "/hi")
        class HelloWorld(Resource):
            def get(self): return {"hello": "world"}
        ns = api.namespace("cats", path="/kitties")
        @ns.route("/<int:cat_id>")
        class CatResource(Resource):
            def get(self, cat_id): return {}
            def delete(self, cat_id): return "", 204
    """,
    "doc_false_keeps_specs_root_and_static": """
        CORS(app, origins="https://a.example.com")
        api = Api(app, doc=False, title="no doc")
        @api.route("/ping")
        class Ping(Resource):
            def get(self): return "pong"
    """,
    "namespaces_added_with_paths_and_twice": """
        CORS(app, origins=["https://a.example.com", "https://b.example.com"], expose_headers="X-Total")
        dogs = Namespace("dogs", description="dogs")
        @dogs.route("/")
        class DogList(Resource):
            def get(self): return []
        @dogs.route("/<string:name>")
        class HTTPDogAPI(Resource):
            def get(self, name): return {}
        birds = Namespace("birds", path="/avian/")
        birds.add_resource(TodoList, "/flock")
        api = Api(app, prefix="/v2")
        api.add_namespace(dogs, path="/canines")
        api.add_namespace(birds)
        api.add_namespace(dogs)  # again: every resource once more, with a new endpoint
    """,
    "init_app_later_without_specs": """
        CORS(app, origins="https://a.example.com", supports_credentials=True)
        api = Api(prefix="/p", doc="/doc/")
        api.add_resource(TodoList, "/before")
        api.init_app(app, add_specs=False)
        api.add_resource(Todo, "/after")  # Api.app is set: registered at once
    """,
    "api_on_blueprint": """
        bp = Blueprint("api", __name__, url_prefix="/api")
        api = Api(bp, prefix="/v1", doc="/docs")
        ns = api.namespace("things")
        @ns.route("/")
        class Things(Resource):
            def get(self): return []
        CORS(bp, origins="https://b.example.com", expose_headers="X-Bp")
        CORS(app, origins=["https://a.example.com", "https://b.example.com"], expose_headers="X-App")
        @bp.route("/flask")
        def flask_view(): return "x"  # added through the Api's patched setup state
        app.register_blueprint(bp)
        api.add_resource(Todo, "/late")  # after registration: the registration prefix and the url
    """,
    "init_app_on_blueprint_registered_elsewhere": """
        CORS(app, origins="https://a.example.com", max_age=5)
        bp = Blueprint("bp", __name__, url_prefix="/ignored")
        api = Api(prefix="/p")
        api.add_resource(TodoList, "/first")  # registered at registration: the prefix is dropped
        api.init_app(bp)
        api.add_resource(Todo, "/second")
        app.register_blueprint(bp, url_prefix="/bp")
    """,
    "nested_and_renamed_blueprints": """
        parent = Blueprint("parent", __name__, url_prefix="/par")
        child = Blueprint("child", __name__, url_prefix="/child")
        other = Blueprint("orig", __name__)
        CORS(child, origins="https://child.example.com")
        CORS(other, origins="https://b.example.com")
        CORS(app, origins="https://a.example.com")
        Api(child, prefix="/c", doc=False).add_resource(TodoList, "/list")
        Api(other, prefix="/o").add_resource(Todo, "/item")
        parent.register_blueprint(child)
        app.register_blueprint(parent)
        app.register_blueprint(other, name="renamed", url_prefix="/x")
    """,
    "namespace_and_api_decorators": """
        CORS(app, origins="https://a.example.com", expose_headers="X-App")
        api = Api(app, decorators=[cross_origin(origins=["https://b.example.com"], supports_credentials=True)])
        ns = Namespace("inner", decorators=[cross_origin(origins="https://x.example.com")])
        @ns.route("/x")
        class Inner(Resource):
            def get(self): return {}
        @api.route("/outer")
        class Outer(Resource):
            def get(self): return {}
        api.add_namespace(ns)
    """,
    "resource_class_and_method_decorators": """
        CORS(app, origins="https://a.example.com", supports_credentials=True, expose_headers="X-App")
        api = Api(app)
        @api.route("/decorated")
        class Decorated(Resource):
            decorators = [cross_origin(origins=["https://b.example.com"], max_age=60)]
            def get(self): return {}
        @api.route("/method")
        class Method(Resource):
            method_decorators = [cross_origin(origins="https://b.example.com", automatic_options=False)]
            def get(self): return {}
        @api.route("/broken")
        class Broken(Resource):
            method_decorators = [cross_origin(origins="https://b.example.com")]
            def get(self): return {}
    """,
    "errors_are_answered_by_the_api": """
        CORS(app, origins="https://a.example.com", expose_headers="X-First")
        api = Api(app)
        CORS(app, origins="https://a.example.com", expose_headers="X-Second")
        @api.route("/forbidden", endpoint="forbidden_aborts")
        class Forbidden(Resource):
            def get(self): abort(403)
        @api.route("/noauto")
        class NoAutomaticOptions(Resource):
            provide_automatic_options = False
            def get(self): return {}
        @app.route("/plain")
        def plain_aborts(): abort(403)
    """,
    "errors_on_a_blueprint_api": """
        bp = Blueprint("bp", __name__)
        api = Api(bp, doc=False)
        @api.route("/forbidden", endpoint="forbidden_aborts")
        class Forbidden(Resource):
            def get(self): abort(403)
        CORS(bp, origins="https://a.example.com", expose_headers="X-Bp")
        CORS(app, origins="https://a.example.com", expose_headers="X-Before")
        app.register_blueprint(bp, url_prefix="/b")
        CORS(app, origins="https://a.example.com", expose_headers="X-After")
    """,
    "project_subclasses": """
        class MyApi(Api):
            @property
            def specs_url(self):
                return "/swagger.json"
        class BaseResource(flask_restx.Resource):
            decorators = [cross_origin(origins="https://b.example.com")]
        CORS(app, origins="https://a.example.com")
        api = MyApi(app, doc="/documentation")
        ns = api.namespace("base", path="/")
        @ns.route("/items")
        class Items(BaseResource):
            def get(self): return []
            def patch(self): return {}
    """,
    "two_apis_and_endpoint_suffixes": """
        CORS(app, resources={r"/one/*": {"origins": "https://a.example.com"}, r"/two/*": {"origins": "*"}},
             expose_headers="X-First")
        one = Api(app, prefix="/one", doc=False)
        CORS(app, origins="https://b.example.com", expose_headers="X-Second")
        bp = Blueprint("two", __name__, url_prefix="/two")
        two = Api(bp)
        class Forbidden(Resource):
            def get(self): abort(403)
        one.add_resource(Forbidden, "/f", endpoint="one_aborts")
        one.add_resource(Forbidden, "/g")
        one.add_resource(Forbidden, "/h")
        two.add_resource(Forbidden, "/f", endpoint="two_aborts")
        app.register_blueprint(bp)
    """,
    "methods_and_automatic_options_from_add_resource": """
        CORS(app, origins="https://a.example.com", supports_credentials=True)
        api = Api(app)
        api.add_resource(Todo, "/only-get", methods=["GET"])
        api.add_resource(TodoList, "/no-options", endpoint="noopts", provide_automatic_options=False)
    """,
}


def run_case(tmp_path, source: str, head: str = HEAD):
    write_project(tmp_path, {"main.py": textwrap.dedent(head) + textwrap.dedent(source)})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert document["errors"] == []
    return document


@pytest.mark.parametrize("name", sorted(CASES))
def test_restx_app(name, tmp_path):
    document = run_case(tmp_path, CASES[name])
    app = load_app(tmp_path)
    assert len(document["routes"]) == len(list(app.url_map.iter_rules())) > 1
    problems = compare_app(app, document)
    assert not problems, "\n".join(problems[:5])


FACTORY = {
    "project/__init__.py": """
        from flask import Flask
        from flask_cors import CORS
        from project.extensions import api
        from project.namespaces import cats, dogs
        def create_app():
            app = Flask(__name__)
            CORS(app, resources={r"/api/*": {"origins": ["https://a.example.com"]}}, supports_credentials=True)
            api.add_namespace(cats)
            api.add_namespace(dogs, path="/hounds")
            api.init_app(app)
            register_local(app)
            return app
        def register_local(app):
            from flask import Blueprint
            from flask_restx import Api, Resource
            bp = Blueprint("local", __name__, url_prefix="/local")
            local = Api(bp, doc=False)
            @local.route("/here")
            class Here(Resource):
                def get(self): return {}
            app.register_blueprint(bp)
    """,
    "project/extensions.py": """
        from flask_restx import Api
        api = Api(title="Pets", prefix="/api", doc="/api/docs")
    """,
    "project/namespaces.py": """
        from flask_restx import Namespace, Resource
        cats = Namespace("cats", path="")
        dogs = Namespace("dogs", description="Dogs")
        @cats.route("/cats", "/felines")
        class CatList(Resource):
            def get(self): return []
            def post(self): return {}
        @dogs.route("/<int:dog_id>")
        class Dog(Resource):
            def get(self, dog_id): return {}
    """,
}


def test_restx_app_factory_across_modules(tmp_path):
    """Namespaces declared in their own module, added to an Api made elsewhere before
    ``init_app``; a resource class declared (and routed) inside a function."""
    files = {name: textwrap.dedent(text) for name, text in FACTORY.items()}
    files["main.py"] = "from project import create_app\napp = create_app()\n"
    write_project(tmp_path, files)
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert document["errors"] == []
    app = load_app(tmp_path)
    assert {r["path"] for r in document["routes"]} >= {"/api/cats/cats", "/api/cats/felines", "/api/hounds/<int:dog_id>",
                                                       "/local/here"}
    problems = compare_app(app, document)
    assert not problems, "\n".join(problems[:5])


def test_the_routes_restx_adds_by_itself(tmp_path):
    document = run_case(tmp_path, CASES["api_on_app_adds_specs_doc_root_and_static"])
    assert {(path, endpoint) for path, endpoint, _ in inventory_rules(document["routes"])} == {
        ("/static/<path:filename>", "static"), ("/swagger.json", "specs"), ("/", "doc"), ("/", "root"),
        ("/swaggerui/<path:filename>", "restx_doc.static"), ("/todos/", "todos_todo_list"),
        ("/todos/<int:todo_id>", "todos_todo"), ("/todos/item/<int:todo_id>", "todos_todo")}
    root = next(r for r in document["routes"] if r["endpoint"] == "root")
    assert any("404" in note for note in root["notes"])


RESTPLUS_HEAD = HEAD.replace("flask_restx", "flask_restplus")


@pytest.mark.parametrize("name", ["api_on_app_adds_specs_doc_root_and_static", "namespaces_added_with_paths_and_twice",
                                  "prefix_doc_path_and_swagger_filename", "init_app_later_without_specs"])
def test_restplus_is_restx_under_its_old_name(name, tmp_path):
    """On an app, Flask-RESTPlus 0.13 registers what Flask-RESTX does (its doc blueprint is
    ``restplus_doc``, and ``swagger.json`` keeps its name)."""
    restx = run_case(tmp_path / "restx", CASES[name])
    restplus = run_case(tmp_path / "restplus", CASES[name].replace("flask_restx", "flask_restplus"), RESTPLUS_HEAD)
    expected = sorted((path.replace("openapi.json", "swagger.json"), endpoint.replace("restx_doc", "restplus_doc"),
                       methods) for path, endpoint, methods in inventory_rules(restx["routes"]))
    assert inventory_rules(restplus["routes"]) == expected
    for route in restplus["routes"]:
        twin = next(r for r in restx["routes"] if r["endpoint"] == route["endpoint"].replace("restplus", "restx")
                    and r["path"] == route["path"].replace("swagger.json", "openapi.json") or r["path"] == route["path"]
                    and r["endpoint"] == route["endpoint"].replace("restplus", "restx"))
        assert [layer["options"] for layer in route["cors"]] == [layer["options"] for layer in twin["cors"]]


def test_restplus_on_a_blueprint_registers_its_own_routes_at_registration(tmp_path):
    """Flask-RESTPlus registers ``swagger.json``, the doc page and the root of an Api on a blueprint
    when the blueprint is registered, through the setup state it patched: the registration prefix
    and the path, without the Api's prefix (flask_restplus/api.py, ``_init_app``)."""
    source = """
        bp = Blueprint("api", __name__, url_prefix="/api")
        api = Api(bp, prefix="/v1", doc="/docs")
        api.add_resource(TodoList, "/todos")
        app.register_blueprint(bp)
    """
    document = run_case(tmp_path, source.replace("flask_restx", "flask_restplus"), RESTPLUS_HEAD)
    assert {(path, endpoint) for path, endpoint, _ in inventory_rules(document["routes"])} == {
        ("/static/<path:filename>", "static"), ("/api/swagger.json", "api.specs"), ("/api/docs", "api.doc"),
        ("/api/v1", "api.root"), ("/swaggerui/<path:filename>", "restplus_doc.static"),
        ("/api/v1/todos", "api.todo_list")}


def test_unknown_namespace_paths_are_explicit(tmp_path):
    source = """
        CORS(app)
        api = Api(app)
        ns = Namespace("dyn", path=os.environ["NS_PATH"])
        ns.add_resource(TodoList, "/x")
        api.add_namespace(ns)
    """
    document = run_case(tmp_path, source)
    route = next(r for r in document["routes"] if r["endpoint"] == "dyn_todo_list")
    assert "unknown" in route["path"]


def test_demand_driven_analysis_equals_the_full_one(tmp_path):
    for index, name in enumerate(sorted(CASES)):
        root = tmp_path / str(index)
        write_project(root, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent(CASES[name])})
        fast = inventory_json(analyze([root], flask_cors.__version__))
        full = inventory_json(analyze([root], flask_cors.__version__, demand_driven=False))
        assert fast["routes"] == full["routes"], name
    files = {name: textwrap.dedent(text) for name, text in FACTORY.items()}
    files["main.py"] = "from project import create_app\napp = create_app()\n"
    write_project(tmp_path / "factory", files)
    fast = inventory_json(analyze([tmp_path / "factory"], flask_cors.__version__))
    full = inventory_json(analyze([tmp_path / "factory"], flask_cors.__version__, demand_driven=False))
    assert fast["routes"] == full["routes"]


GENERATED = int(os.environ.get("CORS_LINT_REST_CASES", "20"))
SCHEMA = jsonschema.Draft202012Validator(load("inventory.schema.json"))


@pytest.mark.parametrize("seed", range(GENERATED))
def test_generated_restx_project(seed, tmp_path):
    source = generate(seed, "flask_restx")
    write_project(tmp_path, {"main.py": source})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    SCHEMA.validate(document)
    assert document["errors"] == []
    problems = compare_app(load_app(tmp_path), document)
    assert not problems, "\n".join(problems[:3]) + "\n\n" + source
