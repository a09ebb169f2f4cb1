"""Flask-RESTful (``Api`` on an app or a blueprint, ``init_app``, ``add_resource``,
``@api.resource``, ``Resource.decorators`` / ``method_decorators``, ``Api(decorators=...)``,
project subclasses), checked against the real flask-restful, Flask and flask-cors: the inventory
lists every rule exactly as ``app.url_map`` does (path, endpoint, methods), and predicts every
CORS header the running app sends to simple and preflight requests from many origins."""

from __future__ import annotations

import os
import textwrap

import flask_cors
import jsonschema
import pytest
from cors_lint.schemas import load
from oracle import compare_app, inventory_rules, load_app, url_map_rules, write_project
from restgen import generate

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json

HEAD = """
import os
from flask import Flask, Blueprint, abort
from flask_restful import Api, Resource
import flask_restful
from flask_cors import CORS, cross_origin
app = Flask(__name__)

class Todo(Resource):
    def get(self, todo_id=0): return {"todo": todo_id}
    def put(self, todo_id=0): return {"todo": todo_id}
    def delete(self, todo_id=0): return "", 204

class TodoList(Resource):
    def get(self): return []
    def post(self): return {}, 201
"""

CASES = {
    "blueprint_registered_through_the_api_attribute": """
        CORS(app, origins=["https://a.example.com"], supports_credentials=True)
        resources = Api(Blueprint("base", __name__), prefix="/api")
        resources.add_resource(TodoList, "/todos")
        app.register_blueprint(resources.blueprint)
    """,
    "api_on_app_prefix_and_several_urls": """
        CORS(app, origins=["https://a.example.com"], supports_credentials=True)
        api = Api(app, prefix="/v1")
        api.add_resource(TodoList, "/todos", "/tasks")
        api.add_resource(Todo, "/todos/<int:todo_id>", endpoint="one_todo")
    """,
    "resource_decorator_and_endpoints": """
        CORS(app, resources={r"/api/*": {"origins": "https://b.example.com"}}, max_age=600)
        api = Api(app)
        @api.resource("/api/hello", "/api/hi", endpoint="greeting")
        class Hello(Resource):
            def get(self): return {"hello": "world"}
            def patch(self): return {}
        @api.resource("/open")
        class Open(Resource):
            def get(self): return {}
    """,
    "init_app_registers_earlier_resources_only": """
        CORS(app, origins="https://a.example.com")
        api = Api(prefix="/p")
        api.add_resource(TodoList, "/before")
        api.init_app(app)
        api.add_resource(Todo, "/after")  # Api.app is not set by init_app: never registered
        @app.route("/plain")
        def plain(): return "x"
    """,
    "api_on_blueprint_with_blueprint_and_app_cors": """
        bp = Blueprint("api", __name__, url_prefix="/api")
        api = Api(bp, prefix="/v2")
        api.add_resource(TodoList, "/todos")
        CORS(bp, origins=["https://b.example.com"], expose_headers=["X-Bp"])
        CORS(app, origins=["https://a.example.com", "https://b.example.com"], expose_headers=["X-App"])
        app.register_blueprint(bp)
        api.add_resource(Todo, "/todos/<int:todo_id>")  # after registration: the prefix only
    """,
    "blueprint_registered_with_prefix_and_url_part_order": """
        CORS(app, origins=r"https://.*\\.example\\.com", supports_credentials=True)
        bp = Blueprint("bp", __name__, url_prefix="/ignored")
        api = Api(bp, prefix="/a", url_part_order="eab")
        api.add_resource(TodoList, "/e")
        app.register_blueprint(bp, url_prefix="/b")
    """,
    "init_app_on_blueprint": """
        CORS(app, origins="https://a.example.com", max_age=5)
        bp = Blueprint("bp", __name__, url_prefix="/bp")
        api = Api(prefix="/dropped")
        api.add_resource(TodoList, "/first")
        api.init_app(bp)
        api.add_resource(Todo, "/second")  # still waiting: registered with the blueprint
        app.register_blueprint(bp)
        api.add_resource(Todo, "/third", endpoint="third")  # too late: never registered
    """,
    "nested_and_renamed_blueprints_use_the_blueprints_own_name": """
        parent = Blueprint("parent", __name__, url_prefix="/par")
        child = Blueprint("child", __name__, url_prefix="/child")
        renamed = Blueprint("orig", __name__)
        CORS(child, origins="https://child.example.com")
        CORS(renamed, origins="https://b.example.com")
        CORS(app, origins="https://a.example.com")
        @child.route("/before")
        def before_api(): return "x"
        Api(child, prefix="/c").add_resource(TodoList, "/list")
        @child.route("/flask")
        def flask_view(): return "x"  # recorded after the Api: added through its patched setup state
        Api(renamed, prefix="/r").add_resource(Todo, "/item")
        parent.register_blueprint(child)
        app.register_blueprint(parent)
        app.register_blueprint(renamed, name="other", url_prefix="/x")
    """,
    "resource_class_decorators": """
        CORS(app, origins="https://a.example.com", supports_credentials=True)
        api = Api(app)
        class Decorated(Resource):
            decorators = [cross_origin(origins=["https://b.example.com"], max_age=60)]
            def get(self): return {}
            def post(self): return {}
        class NoAuto(Resource):
            decorators = [cross_origin(origins="https://x.example.com", automatic_options=False)]
            def get(self): return {}
        api.add_resource(Decorated, "/decorated")
        api.add_resource(NoAuto, "/noauto")
    """,
    "api_decorators_cross_origin": """
        CORS(app, origins="https://a.example.com", expose_headers="X-App")
        api = Api(app, decorators=[cross_origin(origins=["https://b.example.com"], supports_credentials=True)])
        class Inner(Resource):
            decorators = [cross_origin(origins="https://x.example.com")]
            def get(self): return {}
        api.add_resource(TodoList, "/list")
        api.add_resource(Inner, "/inner")
    """,
    "api_decorator_without_automatic_options_needs_options": """
        app.config["CORS_AUTOMATIC_OPTIONS"] = False
        CORS(app, origins="https://a.example.com", expose_headers="X-App", max_age=3)
        api = Api(app, decorators=[cross_origin(origins="https://b.example.com")])
        class WithOptions(Resource):
            def get(self): return {}
            def options(self): return {}
        api.add_resource(TodoList, "/fails")
        api.add_resource(WithOptions, "/options")
    """,
    "method_decorators_cross_origin_breaks_requests": """
        CORS(app, origins="https://a.example.com", expose_headers="X-First")
        api = Api(app)
        CORS(app, origins="https://a.example.com", expose_headers="X-Second")
        class Broken(Resource):
            method_decorators = [cross_origin(origins="https://b.example.com")]
            def get(self): return {"a": 1}
        class Works(Resource):
            method_decorators = [cross_origin(origins="https://b.example.com", automatic_options=False)]
            def get(self): return {"a": 1}
            def post(self): return {"a": 1}
        def passthrough(f):
            import functools
            @functools.wraps(f)
            def wrapper(*args, **kwargs): return f(*args, **kwargs)
            return wrapper
        class AfterWrapper(Resource):
            method_decorators = [passthrough, cross_origin(origins="https://b.example.com")]
            def get(self): return {"a": 1}
        api.add_resource(Broken, "/broken")
        api.add_resource(Works, "/works")
        api.add_resource(AfterWrapper, "/after-wrapper")
    """,
    "method_decorators_by_method": """
        CORS(app, origins="https://a.example.com")
        api = Api(app)
        class PerMethod(Resource):
            method_decorators = {"get": [cross_origin(origins="https://b.example.com", automatic_options=False)]}
            def get(self): return {}
        class OtherMethod(Resource):
            method_decorators = {"post": [cross_origin(origins="https://b.example.com", automatic_options=False)]}
            def get(self): return {}
        api.add_resource(PerMethod, "/per-method")
        api.add_resource(OtherMethod, "/other-method")
    """,
    "errors_are_answered_by_the_api": """
        CORS(app, origins="https://a.example.com", expose_headers="X-First")
        api = Api(app)
        CORS(app, origins="https://a.example.com", expose_headers="X-Second")
        class Forbidden(Resource):
            def get(self): abort(403)
        class NoAutomaticOptions(Resource):
            provide_automatic_options = False
            def get(self): return {}
        api.add_resource(Forbidden, "/forbidden", endpoint="forbidden_aborts")
        api.add_resource(NoAutomaticOptions, "/noauto")
        @app.route("/plain")
        def plain_aborts(): abort(403)
    """,
    "errors_on_a_blueprint_api": """
        bp = Blueprint("bp", __name__)
        api = Api(bp)
        class Forbidden(Resource):
            def get(self): abort(403)
        api.add_resource(Forbidden, "/forbidden", endpoint="forbidden_aborts")
        CORS(bp, origins="https://a.example.com", expose_headers="X-Bp")
        CORS(app, origins="https://a.example.com", expose_headers="X-Before")
        app.register_blueprint(bp)
        CORS(app, origins="https://a.example.com", expose_headers="X-After")
    """,
    "project_subclasses": """
        class MyApi(Api):
            def handle_error(self, e):
                return super().handle_error(e)
        class BaseResource(Resource):
            decorators = [cross_origin(origins="https://b.example.com", supports_credentials=True)]
        class Items(BaseResource):
            def get(self): return []
        class Plain(flask_restful.Resource):
            def get(self): return []
            def put(self): return {}
        CORS(app, origins="https://a.example.com")
        api = MyApi(app, prefix="/sub")
        api.add_resource(Items, "/items")
        api.add_resource(Plain, "/plain")
    """,
    "methods_and_automatic_options_from_add_resource": """
        CORS(app, origins="https://a.example.com", supports_credentials=True)
        api = Api(app)
        api.add_resource(Todo, "/only-get", methods=["GET"])
        api.add_resource(TodoList, "/no-options", endpoint="noopts", provide_automatic_options=False)
    """,
    "decorators_without_flask_cors_extension": """
        api = Api(app, decorators=[cross_origin(origins="https://a.example.com", supports_credentials=True)])
        class Decorated(Resource):
            decorators = [cross_origin(origins="https://b.example.com")]
            def get(self): return {}
        class Quiet(Resource):
            method_decorators = [cross_origin(origins="https://b.example.com", automatic_options=False)]
            def get(self): return {}
        api.add_resource(TodoList, "/list")
        api.add_resource(Decorated, "/decorated")
        plain = Api(app, prefix="/plain")
        plain.add_resource(Quiet, "/quiet")
        plain.add_resource(Todo, "/todo")
    """,
    "two_apis_on_one_app": """
        CORS(app, resources={r"/one/*": {"origins": "https://a.example.com"}, r"/two/*": {"origins": "*"}},
             expose_headers="X-First")
        one = Api(app, prefix="/one")
        CORS(app, origins="https://b.example.com", expose_headers="X-Second")
        two = Api(app, prefix="/two")
        class Forbidden(Resource):
            def get(self): abort(403)
        one.add_resource(Forbidden, "/f", endpoint="one_aborts")
        two.add_resource(Forbidden, "/f", endpoint="two_aborts")
        one.add_resource(TodoList, "/list")
    """,
}


# Rules joined with "//" (Flask-RESTful concatenates): requests to them are redirected by
# werkzeug's merge_slashes, so only the url_map is compared.
SLASHES = """
    parent = Blueprint("parent", __name__, url_prefix="/par/")
    child = Blueprint("child", __name__, url_prefix="/child/")
    Api(child, prefix="/c/").add_resource(TodoList, "/list")
    parent.register_blueprint(child)
    app.register_blueprint(parent)
    bp = Blueprint("bp", __name__, url_prefix="/bp/")
    api = Api(bp)
    api.add_resource(Todo, "/one")
    @bp.route("/flask")
    def flask_view(): return "x"
    app.register_blueprint(bp, url_prefix="/x/")
    api.add_resource(TodoList, "/two")
"""


def test_rules_joined_with_double_slashes(tmp_path):
    document, app = run_case(tmp_path, SLASHES)
    assert inventory_rules(document["routes"]) == url_map_rules(app)
    assert ("/par/child//c//list", "child.todolist", ("GET", "HEAD", "OPTIONS", "POST")) in inventory_rules(document["routes"])


def run_case(tmp_path, source: str, files: dict[str, str] | None = None):
    write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent(source), **(files or {})})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert document["errors"] == []
    return document, load_app(tmp_path)


@pytest.mark.parametrize("name", sorted(CASES))
def test_restful_app(name, tmp_path):
    document, app = run_case(tmp_path, CASES[name])
    assert len(document["routes"]) == len(list(app.url_map.iter_rules())) > 1
    problems = compare_app(app, document)
    assert not problems, "\n".join(problems[:5])


FACTORY = {
    "project/__init__.py": """
        from flask import Flask
        from flask_cors import CORS
        def create_app():
            app = Flask(__name__)
            CORS(app, resources={r"/api/*": {"origins": ["https://a.example.com"]}}, supports_credentials=True)
            from project.resources import api
            api.init_app(app)
            return app
    """,
    "project/resources.py": """
        from flask_restful import Api, Resource
        from project.views import Items, Item
        api = Api(prefix="/api")
        api.add_resource(Items, "/items")
        api.add_resource(Item, "/items/<int:item_id>")
    """,
    "project/views.py": """
        import flask_restful as restful
        class Items(restful.Resource):
            def get(self): return []
            def post(self): return {}
        class Item(restful.Resource):
            def get(self, item_id): return {}
            def delete(self, item_id): return "", 204
    """,
}


def test_restful_app_factory_across_modules(tmp_path):
    files = {name: textwrap.dedent(text) for name, text in FACTORY.items()}
    files["main.py"] = "from project import create_app\napp = create_app()\n"
    write_project(tmp_path, files)
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert document["errors"] == []
    app = load_app(tmp_path)
    assert {r["path"] for r in document["routes"]} >= {"/api/items", "/api/items/<int:item_id>"}
    problems = compare_app(app, document)
    assert not problems, "\n".join(problems[:5])


def test_a_resource_that_cannot_be_known_is_an_explicit_unknown(tmp_path):
    source = """
        CORS(app)
        api = Api(app)
        api.add_resource(load_resource(), "/dynamic", endpoint="dynamic")
        api.add_resource(TodoList, os.environ["TODO_URL"])
    """
    write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent(source)})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    dynamic = next(r for r in document["routes"] if r["endpoint"] == "dynamic")
    assert dynamic["path"] == "/dynamic" and dynamic["methods"] == []
    assert any("cannot be known" in note for note in dynamic["notes"])
    todo_list = next(r for r in document["routes"] if r["endpoint"] == "todolist")
    assert "unknown" in todo_list["path"]


def test_an_api_subclass_that_replaces_init_has_unknown_rules(tmp_path):
    source = """
        class VersionedApi(Api):
            def __init__(self, app):
                super().__init__(app, prefix="/v3")
        CORS(app)
        VersionedApi(app).add_resource(TodoList, "/list")
    """
    write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent(source)})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    todo_list = next(r for r in document["routes"] if r["endpoint"] == "todolist")
    assert "VersionedApi.__init__" in todo_list["path"]["unknown"]


SPLIT = {
    "extensions.py": """
        from flask_restful import Api
        api = Api(prefix="/api")
    """,
    "resources.py": """
        from flask_restful import Resource
        class Items(Resource):
            def get(self): return []
    """,
    # no Flask import, no route decorator: only the Api's own registration methods
    "routes.py": """
        from extensions import api
        import resources
        api.add_resource(resources.Items, "/items")
    """,
    "main.py": """
        from flask import Flask
        from flask_cors import CORS
        from extensions import api
        import routes
        app = Flask(__name__)
        CORS(app, origins="https://a.example.com")
        api.init_app(app)
    """,
}


def test_registrations_in_modules_without_flask_markers(tmp_path):
    """A module whose only effect is ``api.add_resource(...)`` is run when imported (the prefilter
    knows the Api's registration methods), so the demand-driven analysis equals the full one."""
    write_project(tmp_path, {name: textwrap.dedent(text) for name, text in SPLIT.items()})
    fast = inventory_json(analyze([tmp_path], flask_cors.__version__))
    full = inventory_json(analyze([tmp_path], flask_cors.__version__, demand_driven=False))
    assert fast["routes"] == full["routes"]
    assert "/api/items" in {r["path"] for r in fast["routes"]}
    assert not compare_app(load_app(tmp_path), fast)


def test_demand_driven_analysis_equals_the_full_one(tmp_path):
    for index, name in enumerate(sorted(CASES)):
        root = tmp_path / str(index)
        write_project(root, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent(CASES[name])})
        fast = inventory_json(analyze([root], flask_cors.__version__))
        full = inventory_json(analyze([root], flask_cors.__version__, demand_driven=False))
        assert fast["routes"] == full["routes"], name


def test_routes_keep_the_condition_they_are_registered_under(tmp_path):
    source = """
        api = Api(app)
        if app.debug:
            api.add_resource(TodoList, "/debug-only")
        def register(api):
            @api.resource("/inner")
            class Inner(Resource):
                def get(self): return {}
        if app.debug:
            register(api)
    """
    write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent(source)})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    by_path = {r["path"]: r for r in document["routes"]}
    assert by_path["/debug-only"]["condition"] == "app.debug"
    assert by_path["/inner"]["condition"] == "app.debug"  # a class routed inside a function


GENERATED = int(os.environ.get("CORS_LINT_REST_CASES", "20"))
SCHEMA = jsonschema.Draft202012Validator(load("inventory.schema.json"))


def listed(document):
    """The routes the inventory lists (not the stand-ins for routes it could not list: an app
    whose resources were all dropped, as flask-restful drops those added after ``init_app``,
    has no route, and its CORS is still judged on a stand-in)."""
    return {**document, "routes": [r for r in document["routes"]
                                   if not (isinstance(r["path"], dict) and "unlisted" in r["path"])]}


@pytest.mark.parametrize("seed", range(GENERATED))
def test_generated_restful_project(seed, tmp_path):
    source = generate(seed, "flask_restful")
    write_project(tmp_path, {"main.py": source})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    SCHEMA.validate(document)
    document = listed(document)
    assert document["errors"] == []
    problems = compare_app(load_app(tmp_path), document)
    assert not problems, "\n".join(problems[:3]) + "\n\n" + source


def test_preflights_the_layers_cannot_show_are_noted(tmp_path):
    """Every GET fails (cross_origin in method_decorators) while preflights are answered by the
    Api's cross_origin: one list of layers cannot say both, so the route says so."""
    source = """
        CORS(app, origins="https://a.example.com")
        api = Api(app, decorators=[cross_origin(origins="https://b.example.com")])
        class Broken(Resource):
            method_decorators = [cross_origin()]
            def get(self): return {}
        api.add_resource(Broken, "/broken")
    """
    document, app = run_case(tmp_path, source)
    route = next(r for r in document["routes"] if r["path"] == "/broken")
    lines = (textwrap.dedent(HEAD) + textwrap.dedent(source)).splitlines()
    line = next(number for number, text in enumerate(lines, 1) if text.startswith("api = Api(app, decorators="))
    assert f"preflight requests are answered by the cross_origin at main.py:{line}" in route["notes"]
    assert "AttributeError" in route["error"]
    response = app.test_client().get("/broken", headers={"Origin": "https://a.example.com"})
    assert response.status_code == 500 and response.headers["Access-Control-Allow-Origin"] == "https://a.example.com"
