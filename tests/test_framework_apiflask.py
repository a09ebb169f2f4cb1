"""APIFlask apps checked against the real library: ``APIFlask`` (a Flask subclass with its own
constructor arguments and OpenAPI routes), ``APIBlueprint``, the verb shortcuts, the decorators
that keep the view (``input``, ``output``, ``doc``, ``auth_required``), view classes given to
``route`` / ``add_url_rule`` directly or through ``as_view``. The inventory must list every rule
exactly as ``app.url_map`` does and predict every CORS header the running app sends (simple and
preflight requests from many origins)."""

from __future__ import annotations

import os
import textwrap

import flask_cors
import pytest
from oracle import compare_app, compare_apps, load_app, write_project
from test_framework_views import Generated

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json

HEAD = """
import os
from apiflask import APIFlask, APIBlueprint, Schema, HTTPTokenAuth
from apiflask.fields import String
from apiflask.views import MethodView
from flask.views import View
from flask_cors import CORS, cross_origin

class PetIn(Schema):
    name = String()

class PetOut(Schema):
    name = String()
"""

CASES = {
    "defaults_with_verbs_and_kept_views": """
        app = APIFlask(__name__)
        CORS(app, origins=["https://a.example.com"], supports_credentials=True)

        @app.get("/pets")
        @app.output(PetOut(many=True))
        @app.doc(summary="List pets")
        def pets(): return [{"name": "x"}]

        @app.post("/pets")
        @app.input(PetIn, location="query")
        @app.output(PetOut, status_code=201)
        def create_pet(query_data): return {"name": "x"}

        @app.put("/pets/<int:pet_id>")
        def update_pet(pet_id): return {"name": "x"}

        @app.patch("/pets/<int:pet_id>/name")
        def rename_pet(pet_id): return {"name": "x"}

        @app.delete("/pets/<int:pet_id>")
        def delete_pet(pet_id): return "", 204
    """,
    "docs_options_and_prefix": """
        app = APIFlask(__name__, title="Shop", version="2", docs_ui="redoc", openapi_blueprint_url_prefix="/api-docs",
                       spec_path="/spec")
        CORS(app, resources={"/api-docs/*": {"origins": "*", "send_wildcard": True}, "/api/*": {}})

        @app.route("/api/ping", methods=["GET", "POST"])
        def ping(): return "pong"
    """,
    "positional_constructor_arguments": """
        app = APIFlask(__name__, "Title", "1.0", "/spec.json", "/documentation", None)
        CORS(app, origins="https://b.example.com")

        @app.get("/x")
        def x(): return "x"
    """,
    "openapi_off_in_several_ways": """
        app = APIFlask(__name__, spec_path=None, docs_path=None, static_folder=None)
        quiet = APIFlask("quiet", enable_openapi=False, json_errors=False)
        docs_only = APIFlask("docs_only", spec_path="", docs_oauth2_redirect_path=None)
        CORS(app)
        CORS(quiet, origins="https://a.example.com")
        CORS(docs_only, origins="https://x.example.com", supports_credentials=True)

        @app.get("/a")
        def a(): return "a"

        @quiet.get("/q")
        def q(): return "q"
    """,
    "api_blueprints_with_cors": """
        app = APIFlask(__name__)
        bp = APIBlueprint("pets", __name__, "Pets", True, None, None, None, "/bp")
        admin = APIBlueprint("admin", __name__, url_prefix="/admin", tag={"name": "Admin"}, enable_openapi=False)
        CORS(bp, origins="https://b.example.com", supports_credentials=True)
        CORS(app, origins="https://a.example.com", resources=r"/admin/*")

        @bp.get("/")
        @bp.output(PetOut(many=True))
        def pet_list(): return []

        @bp.post("/")
        @bp.input(PetIn, location="query")
        def pet_create(query_data): return {"name": "x"}

        @bp.route("/cls")
        class PetClass(MethodView):
            def get(self): return {}
            def put(self): return {}

        @admin.delete("/users/<int:user_id>")
        @cross_origin(origins="https://admin.example.com")
        def drop_user(user_id): return "", 204

        app.register_blueprint(bp)
        app.register_blueprint(admin)
        app.register_blueprint(bp, name="again", url_prefix="/again")
    """,
    "view_classes_every_way": """
        app = APIFlask(__name__, docs_ui="elements")
        CORS(app, origins="https://x.example.com")

        @app.route("/pets")
        class Pets(MethodView):
            def get(self): return {}
            def delete(self): return {}

        @app.route("/named", endpoint="named_pets")
        class Named(MethodView):
            def post(self): return {}

        class Direct(MethodView):
            decorators = [cross_origin(origins="https://a.example.com")]
            def get(self): return {}
            def options(self): return {}

        class Plain(View):
            methods = ["POST"]
            def dispatch_request(self): return "x"

        app.add_url_rule("/direct", view_func=Direct)
        app.add_url_rule("/direct-named", "direct_named", Direct)
        app.add_url_rule("/plain", view_func=Plain.as_view("plain"))
        app.add_url_rule("/as-view", view_func=Pets.as_view("as_view_pets"))
    """,
    "auth_required_and_cross_origin": """
        app = APIFlask(__name__)
        auth = HTTPTokenAuth()
        CORS(app, origins="https://first.example.com")

        @auth.verify_token
        def verify(token): return token == "secret"

        @app.get("/private")
        @app.auth_required(auth)
        def private(): return "x"

        @app.get("/public")
        @cross_origin(origins=["https://a.example.com", "https://b.example.com"], max_age=30)
        def public(): return "x"

        @app.post("/manual")
        @cross_origin(automatic_options=False)
        def manual(): return "x"

        @app.spec_processor
        def tweak(spec): return spec

        @app.error_processor
        def errors(error): return {"message": error.message}, error.status_code
    """,
    "project_subclass_and_factory": """
        class ShopApp(APIFlask):
            pass

        class ShopBlueprint(APIBlueprint):
            pass

        def create_app():
            app = ShopApp(__name__, docs_path="/ui", openapi_blueprint_url_prefix="/meta")
            bp = ShopBlueprint("shop", __name__, url_prefix="/shop")

            @bp.get("/items")
            def items(): return []

            app.register_blueprint(bp)
            CORS(app, supports_credentials=True, origins=["https://app.example.com"])
            return app

        app = create_app()
    """,
    "openapi_views_decorated_from_the_config": """
        import functools

        def logged(f):
            @functools.wraps(f)
            def wrapper(*args, **kwargs): return f(*args, **kwargs)
            return wrapper

        app = APIFlask(__name__)
        app.config["SPEC_DECORATORS"] = [cross_origin(origins="https://a.example.com", supports_credentials=True)]
        CORS(app, origins="https://b.example.com")
        app.config["DOCS_DECORATORS"] = [logged, cross_origin(origins=["https://x.example.com"], max_age=60),
                                         cross_origin(origins="https://a.example.com")]
    """,
    "automatic_options_off_after_the_constructor": """
        app = APIFlask(__name__)
        app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False  # the OpenAPI and static rules are already there
        CORS(app, origins="https://a.example.com")

        @app.get("/late")
        def late(): return "x"
    """,
    "docs_path_from_the_environment": """
        app = APIFlask(__name__, docs_path=os.environ.get("APIFLASK_TEST_DOCS", "/docs-env"))
        CORS(app, origins=os.getenv("APIFLASK_TEST_ORIGIN", "https://env.example.com"))

        @app.get("/x")
        def x(): return "x"
    """,
}
# projects of several modules: routes registered where the app is imported (no Flask import there)
PROJECTS = {
    "split_across_modules": {
        "main.py": """
            from apiflask import APIFlask
            from flask_cors import CORS
            app = APIFlask(__name__, docs_path="/api/docs")
            CORS(app, resources={r"/api/*": {"origins": "https://a.example.com", "supports_credentials": True}})
            import views  # noqa: E402,F401
            from shop import bp  # noqa: E402
            app.register_blueprint(bp, url_prefix="/api/shop")
        """,
        "views.py": """
            from main import app

            @app.get("/api/v")
            def v(): return "v"

            @app.delete('/api/w/<int:n>')
            def w(n): return "", 204
        """,
        "shop.py": """
            from apiflask import APIBlueprint
            from apiflask.views import MethodView
            bp = APIBlueprint("shop", __name__, url_prefix="/shop")

            @bp.route("/items")
            class Items(MethodView):
                def get(self): return []
                def post(self): return {}

            @bp.put("/items/<int:item_id>")
            def put_item(item_id): return {}
        """,
    },
}


@pytest.mark.parametrize("name", sorted(CASES) + sorted(PROJECTS))
def test_apiflask_case(name, tmp_path, monkeypatch):
    for var in ("APIFLASK_TEST_DOCS", "APIFLASK_TEST_ORIGIN"):
        monkeypatch.delenv(var, raising=False)
    if name in PROJECTS:
        write_project(tmp_path, {path: textwrap.dedent(text) for path, text in PROJECTS[name].items()})
    else:
        write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent(CASES[name])})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert document["errors"] == []
    assert inventory_json(analyze([tmp_path], flask_cors.__version__, demand_driven=False)) == document
    problems = compare_apps(tmp_path, document)
    assert not problems, "\n".join(problems[:5])


def test_what_cannot_be_known_is_said_and_what_raises_is_not_listed(tmp_path, monkeypatch):
    monkeypatch.delenv("APIFLASK_TEST_DOCS", raising=False)
    monkeypatch.delenv("APIFLASK_TEST_SETTINGS", raising=False)
    write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent("""
        import json
        app = APIFlask(__name__, docs_path=os.environ.get("APIFLASK_TEST_DOCS"),
                       **json.loads(os.environ.get("APIFLASK_TEST_SETTINGS", "{}")))
        CORS(app)

        @app.get("/x")
        def x(): return "x"
    """)})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    conditional = {r["endpoint"]: r for r in document["routes"] if "condition" in r}
    assert sorted(conditional) == ["openapi.docs", "openapi.spec", "openapi.swagger_ui_oauth_redirect"]
    assert "$APIFLASK_TEST_DOCS" in conditional["openapi.docs"]["condition"]
    assert "unpacked from `json.loads(" in conditional["openapi.spec"]["condition"]
    assert sorted(r["path"] for r in document["routes"] if "condition" not in r) == ["/static/<path:filename>", "/x"]
    assert all("unknown" in r["path"] for r in conditional.values())

    write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent("""
        class OwnInit(APIFlask):
            def __init__(self, name):
                super().__init__(name, docs_path=None)

        own = OwnInit("own")
        app = APIFlask(__name__)

        @app.get("/cls")
        class Refused(MethodView):  # APIFlask raises RuntimeError: shortcuts refuse view classes
            def get(self): return "x"
    """)})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert "/cls" not in [r["path"] for r in document["routes"]]
    own_id = next(a["id"] for a in document["apps"] if a["name"] == "own")
    own = [r for r in document["routes"] if r["app"] == own_id and r["endpoint"].startswith("openapi.")]
    assert len(own) == 3 and all("OwnInit.__init__ chooses the arguments" in r["condition"] for r in own)
    with pytest.raises(RuntimeError, match="shortcuts cannot be used"):
        load_app(tmp_path)


# ---------------------------------------------------------------------------- generated projects
GENERATED = int(os.environ.get("CORS_LINT_FRAMEWORK_CASES", "40"))
APP_ARGUMENTS = ["", "", ", docs_ui='redoc'", ", spec_path=None", ", docs_path=None, spec_path='/spec'",
                 ", openapi_blueprint_url_prefix='/meta'", ", enable_openapi=False", ", docs_oauth2_redirect_path=None",
                 ", 'T', '2', '/o.json', '/d'", ", static_folder=None, docs_ui='elements'"]


def generated_apiflask_project(seed: int) -> str:
    """An APIFlask app: verb shortcuts and routes on functions and view classes, APIBlueprints,
    the OpenAPI routes as the constructor sets them, and CORS every way."""
    gen = Generated(seed)
    rng = gen.rng
    gen.lines.append(f"app = APIFlask(__name__{rng.choice(APP_ARGUMENTS)})")
    if rng.random() < 0.15:
        gen.lines.append(f"app.config['SPEC_DECORATORS'] = [{gen.cross_origin().lstrip('@')}]")
    owners = [("app", None)]
    for _ in range(rng.randint(0, 2)):
        name = gen.name("bp")
        prefix = rng.choice(["/api/" + name, None])
        gen.lines.append(f"{name} = APIBlueprint({name!r}, __name__, url_prefix={prefix!r})")
        if rng.random() < 0.3:
            gen.cors(name)
        owners.append((name, prefix))
    for _ in range(rng.randint(2, 6)):
        owner, _prefix = rng.choice(owners)
        rule = f"/{gen.name('r')}" + rng.choice(["", "", "/<int:item_id>"])
        form = rng.choice(["verb", "verb", "route", "class", "add_url_rule", "as_view"])
        if form in ("verb", "route"):
            verb = rng.choice(["get", "post", "put", "delete", "patch"])
            decorators = [f"@{owner}.{verb}({rule!r})" if form == "verb" else
                          f"@{owner}.route({rule!r}{rng.choice(['', ', methods=[' + repr('GET') + ', ' + repr('PUT') + ']'])})"]
            if rng.random() < 0.3:
                decorators.append(gen.cross_origin())
            if rng.random() < 0.3:
                decorators.append(f"@{owner}.output(PetOut)")
            if rng.random() < 0.3:
                decorators.append(f"@{owner}.doc(summary='s')")
            gen.lines += [*decorators, f"def {gen.name('view')}(**kwargs): return {{'name': 'x'}}"]
        else:
            cls = gen.view_class("MethodView")
            if form == "class":
                at = max(i for i, line in enumerate(gen.lines) if line.startswith(f"class {cls}("))
                gen.lines.insert(at, f"@{owner}.route({rule!r}{gen.rule_methods(cls)})")
            elif form == "add_url_rule":
                gen.lines.append(f"{owner}.add_url_rule({rule!r}, view_func={cls}{gen.rule_methods(cls)})")
            else:
                gen.lines.append(f"{owner}.add_url_rule({rule!r}, view_func={cls}.as_view({gen.name('ep')!r})"
                                 f"{gen.rule_methods(cls)})")
    for name, _prefix in owners[1:]:
        gen.lines.append(f"app.register_blueprint({name})")
    if rng.random() < 0.75:
        gen.cors("app", sorted({p for _, p in owners if p} | {"/api", "/docs"}))
    return gen.source(HEAD)


@pytest.mark.parametrize("seed", range(GENERATED))
def test_generated_apiflask_project(seed, tmp_path, monkeypatch):
    monkeypatch.delenv("FRAMEWORK_TEST_ORIGIN", raising=False)
    source = generated_apiflask_project(seed)
    write_project(tmp_path, {"main.py": source})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert document["errors"] == []
    problems = compare_apps(tmp_path, document)
    assert not problems, "\n".join(problems[:5]) + "\n\n" + source


def test_an_app_factory_nothing_calls_runs_as_an_entry_point(tmp_path):
    """``flask --app main:create_app``: the factory builds an APIFlask app (an application class)."""
    write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent("""
        def create_app(config=None):
            app = APIFlask(__name__, docs_ui="rapidoc")
            bp = APIBlueprint("items", __name__, url_prefix="/items")

            @bp.get("/<int:item_id>")
            @bp.output(PetOut)
            def item(item_id): return {"name": "x"}

            app.register_blueprint(bp)
            CORS(app, resources={"/items/*": {"origins": "https://a.example.com"}})
            return app
    """)})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert sorted(r["path"] for r in document["routes"]) == [
        "/docs", "/items/<int:item_id>", "/openapi.json", "/static/<path:filename>"]
    assert compare_app(load_app(tmp_path, attribute="create_app")(), document) == []
