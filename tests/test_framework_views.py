"""Flask's pluggable views (``View`` / ``MethodView``, project subclasses and mixins, ``as_view``,
class ``methods`` / ``decorators`` / ``provide_automatic_options`` / ``init_every_request``,
views on blueprints), checked against the real Flask and flask-cors: the inventory lists every
rule exactly as ``app.url_map`` does, and predicts every CORS header the running app sends to
simple and preflight requests from many origins."""

from __future__ import annotations

import os
import random
import textwrap

import flask_cors
import pytest
from oracle import compare_app, load_app, write_project

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json

HEAD = """
import abc
from flask import Flask, Blueprint
from flask.views import MethodView, View
import flask.views
from flask_cors import CORS, cross_origin
"""
APP = "app = Flask(__name__)\n"

CASES = {
    "method_view_methods_from_handlers": """
        CORS(app, origins=["https://a.example.com"], supports_credentials=True)
        class Items(MethodView):
            def get(self): return "x"
            def post(self): return "x"
            def delete(self): return "x"
        app.add_url_rule("/items", view_func=Items.as_view("items"))
    """,
    "plain_view_answers_get_only": """
        CORS(app, resources={r"/v/*": {"origins": "https://b.example.com"}})
        class Plain(View):
            def get(self): return "x"
            def post(self): return "x"
            def dispatch_request(self): return "x"
        app.add_url_rule("/v/plain", view_func=Plain.as_view("plain"))
    """,
    "plain_view_with_methods": """
        CORS(app)
        class Form(View):
            methods = ["get", "POST"]
            def dispatch_request(self): return "x"
        app.add_url_rule("/form", view_func=Form.as_view("form"))
    """,
    "inheritance_chain_adds_handlers": """
        CORS(app, origins="https://a.example.com")
        class Base(MethodView):
            def get(self): return "x"
        class Middle(Base):
            def put(self): return "x"
        class Leaf(Middle):
            def patch(self): return "x"
        app.add_url_rule("/base", view_func=Base.as_view("base"))
        app.add_url_rule("/middle", view_func=Middle.as_view("middle"))
        app.add_url_rule("/leaf", view_func=Leaf.as_view("leaf"))
    """,
    "explicit_methods_then_subclass_unions": """
        CORS(app, supports_credentials=True, origins=["https://a.example.com", "https://b.example.com"])
        class Limited(MethodView):
            methods = ["GET", "PATCH"]  # PATCH has no handler: it answers 500, but it is a method of the rule
            def get(self): return "x"
            def delete(self): return "x"
        class Wider(Limited):
            def put(self): return "x"
        app.add_url_rule("/limited", view_func=Limited.as_view("limited"))
        app.add_url_rule("/wider", view_func=Wider.as_view("wider"))
    """,
    "mixin_handlers_count": """
        CORS(app)
        class PatchMixin:
            def patch(self): return "x"
        class WithMixin(PatchMixin, MethodView):
            def get(self): return "x"
        class ObjectMixin(object):
            def post(self): return "x"
        class Both(ObjectMixin, WithMixin):
            pass
        app.add_url_rule("/mixin", view_func=WithMixin.as_view("mixin"))
        app.add_url_rule("/both", view_func=Both.as_view("both"))
    """,
    "method_view_via_module_attribute": """
        CORS(app, origins="https://x.example.com")
        class ByModule(flask.views.MethodView):
            def post(self): return "x"
        app.add_url_rule("/bymodule", view_func=ByModule.as_view("bymodule"))
    """,
    "methods_none_means_get": """
        CORS(app)
        class NoneMethods(MethodView):
            methods = None
            def post(self): return "x"
            def get(self): return "x"
        app.add_url_rule("/none", view_func=NoneMethods.as_view("none"))
    """,
    "init_every_request_false_and_class_args": """
        CORS(app, origins="https://a.example.com")
        class Shared(MethodView):
            init_every_request = False
            def __init__(self, greeting, punct="!"):
                self.greeting = greeting + punct
            def get(self): return self.greeting
        app.add_url_rule("/shared", view_func=Shared.as_view("shared", "hi", punct="?"))
    """,
    "class_provide_automatic_options_false": """
        CORS(app, origins="https://b.example.com")
        class NoAuto(MethodView):
            provide_automatic_options = False
            def get(self): return "x"
        class InheritsNoAuto(NoAuto):
            def post(self): return "x"
        app.add_url_rule("/noauto", view_func=NoAuto.as_view("noauto"))
        app.add_url_rule("/inherits", view_func=InheritsNoAuto.as_view("inherits"))
    """,
    "rule_provide_automatic_options_overrides_class": """
        CORS(app)
        class Auto(MethodView):
            provide_automatic_options = True
            def get(self): return "x"
        app.add_url_rule("/auto", view_func=Auto.as_view("auto"), provide_automatic_options=False)
    """,
    "class_decorators_cross_origin": """
        CORS(app, origins="https://a.example.com")
        class Decorated(MethodView):
            decorators = [cross_origin(origins=["https://b.example.com"], supports_credentials=True)]
            def get(self): return "x"
            def post(self): return "x"
        app.add_url_rule("/decorated", view_func=Decorated.as_view("decorated"))
    """,
    "class_decorators_inherited_from_project_base": """
        CORS(app, resources={"/api/*": {"origins": "https://admin.example.com"}})
        class ApiView(MethodView):
            decorators = [cross_origin(origins="https://a.example.com", max_age=60)]
        class Orders(ApiView):
            def get(self): return "x"
        class Refunds(ApiView):
            decorators = []
            def post(self): return "x"
        app.add_url_rule("/api/orders", view_func=Orders.as_view("orders"))
        app.add_url_rule("/api/refunds", view_func=Refunds.as_view("refunds"))
    """,
    "class_decorators_with_options_handler": """
        CORS(app, origins="https://first.example.com")
        class WithOptions(MethodView):
            decorators = [cross_origin(origins="https://a.example.com")]
            def get(self): return "x"
            def options(self): return "x"
        class OptionsInMethods(View):
            methods = ["GET", "OPTIONS"]
            decorators = [cross_origin(origins="https://b.example.com", automatic_options=False)]
            def dispatch_request(self): return "x"
        app.add_url_rule("/withoptions", view_func=WithOptions.as_view("withoptions"))
        app.add_url_rule("/inmethods", view_func=OptionsInMethods.as_view("inmethods"))
    """,
    "class_decorators_automatic_options_false_no_handler": """
        CORS(app, origins="https://a.example.com", supports_credentials=True)
        class NoHandler(MethodView):
            provide_automatic_options = False
            decorators = [cross_origin(automatic_options=False, origins="https://b.example.com")]
            def get(self): return "x"
        app.add_url_rule("/nohandler", view_func=NoHandler.as_view("nohandler"))
    """,
    "views_on_blueprints": """
        bp = Blueprint("bp", __name__, url_prefix="/bp")
        CORS(bp, origins="https://b.example.com", supports_credentials=True)
        class BpView(MethodView):
            def get(self): return "x"
            def put(self): return "x"
        class BpDecorated(MethodView):
            decorators = [cross_origin(origins="https://child.example.com")]
            def get(self): return "x"
        bp.add_url_rule("/items", view_func=BpView.as_view("items"))
        bp.add_url_rule("/decorated", view_func=BpDecorated.as_view("decorated"), methods=["GET", "OPTIONS"])
        app.register_blueprint(bp)
        app.register_blueprint(bp, name="again", url_prefix="/again")
        CORS(app, origins="https://a.example.com")
    """,
    "rule_methods_override_class_methods": """
        CORS(app)
        class Many(MethodView):
            def get(self): return "x"
            def post(self): return "x"
            def put(self): return "x"
        app.add_url_rule("/only-post", view_func=Many.as_view("only_post"), methods=["POST"])
        app.add_url_rule("/many", view_func=Many.as_view("many"))
    """,
    "abstract_base_and_handler_assigned": """
        CORS(app, origins="https://a.example.com")
        def shared_get(self): return "x"
        class Abstract(MethodView, abc.ABC):
            get = shared_get
        class Concrete(Abstract):
            head = shared_get
        app.add_url_rule("/concrete", view_func=Concrete.as_view("concrete"))
    """,
    "mro_is_c3_not_depth_or_breadth_first": """
        CORS(app, origins="https://first.example.com")
        class Left(MethodView):
            decorators = [cross_origin(origins="https://a.example.com")]
        class Right(MethodView):
            decorators = [cross_origin(origins="https://b.example.com")]
            provide_automatic_options = False
        class LeftChild(Left):
            pass
        class Diamond(LeftChild, Right):  # C3: Diamond, LeftChild, Left, Right, MethodView
            def get(self): return "x"
        class Base(MethodView):
            provide_automatic_options = False
        class Via(Base):
            pass
        class Other(Base):
            provide_automatic_options = True
        class Merge(Via, Other):  # C3: Merge, Via, Other, Base: Other's True wins
            def get(self): return "x"
        app.add_url_rule("/diamond", view_func=Diamond.as_view("diamond"))
        app.add_url_rule("/merge", view_func=Merge.as_view("merge"))
    """,
    "several_cross_origins_preflight_goes_to_the_outer_one": """
        CORS(app, origins="https://first.example.com")
        class Two(MethodView):
            decorators = [cross_origin(origins="https://a.example.com"), cross_origin(origins="https://b.example.com")]
            def get(self): return "x"
            def options(self): return "x"
        class OuterManual(MethodView):
            decorators = [cross_origin(origins="https://a.example.com", max_age=3),
                          cross_origin(origins="https://b.example.com", automatic_options=False)]
            provide_automatic_options = False
            def get(self): return "x"
        class Three(View):
            methods = ["GET", "OPTIONS"]
            decorators = [cross_origin(origins="https://a.example.com"),
                          cross_origin(origins="https://b.example.com", automatic_options=False),
                          cross_origin(origins="https://x.example.com", supports_credentials=True)]
            def dispatch_request(self): return "x"
        app.add_url_rule("/two", view_func=Two.as_view("two"))
        app.add_url_rule("/outer-manual", view_func=OuterManual.as_view("outer_manual"))
        app.add_url_rule("/three", view_func=Three.as_view("three"))

        @app.route("/stacked")
        @cross_origin(origins="https://b.example.com", send_wildcard=False, vary_header=False)
        @cross_origin(origins="https://a.example.com")
        def stacked(): return "x"

        @app.route("/stacked-manual", methods=["POST"])
        @cross_origin(origins="https://b.example.com", automatic_options=False)
        @cross_origin(origins="https://a.example.com")
        def stacked_manual(): return "x"
    """,
    "methods_changed_after_class_creation": """
        CORS(app)
        class Later(MethodView):
            def get(self): return "x"
        Later.methods = {"GET", "PATCH"}
        app.add_url_rule("/later", view_func=Later.as_view("later"))
    """,
    "config_automatic_options_read_as_each_rule_is_added": """
        early = Blueprint("early", __name__, url_prefix="/early", static_folder="assets")
        late = Blueprint("late", __name__, url_prefix="/late")
        child = Blueprint("child", __name__, url_prefix="/child")
        class Manual(MethodView):
            def get(self): return "x"
        for bp in (early, late, child):
            bp.add_url_rule("/manual", view_func=Manual.as_view("manual"))
        late.register_blueprint(child)
        app.add_url_rule("/before", view_func=Manual.as_view("before"))
        app.register_blueprint(early)
        app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False  # the static rule and those above keep OPTIONS
        CORS(app, origins="https://a.example.com")
        app.add_url_rule("/after", view_func=Manual.as_view("after"))
        app.register_blueprint(late)
        app.config["PROVIDE_AUTOMATIC_OPTIONS"] = True
        app.add_url_rule("/again", view_func=Manual.as_view("again"))
    """,
}
# projects of several modules: view classes and their bases in other modules, a blueprint module
PROJECTS = {
    "views_and_bases_in_other_modules": {
        "base.py": """
            from flask.views import MethodView
            from flask_cors import cross_origin

            class JsonView(MethodView):
                decorators = [cross_origin(origins=["https://a.example.com"], supports_credentials=True)]

            class ReadOnly:
                def get(self, **kwargs): return "x"
        """,
        "views.py": """
            from base import JsonView, ReadOnly

            class Items(ReadOnly, JsonView):
                def post(self): return "x"

            class Users(JsonView):
                methods = ["GET"]
                def get(self): return "x"
        """,
        "routes.py": """
            from main import app, bp
            from views import Items, Users
            app.add_url_rule("/items", view_func=Items.as_view("items"))
            bp.add_url_rule("/users", view_func=Users.as_view("users"))
        """,
        "main.py": """
            from flask import Flask, Blueprint
            from flask_cors import CORS
            app = Flask(__name__)
            bp = Blueprint("admin", __name__, url_prefix="/admin")
            CORS(app, origins="https://b.example.com")
            import routes  # noqa: E402,F401
            app.register_blueprint(bp)
        """,
    },
}


@pytest.mark.parametrize("name", sorted(CASES) + sorted(PROJECTS))
def test_view_case(name, tmp_path):
    if name in PROJECTS:
        write_project(tmp_path, {path: textwrap.dedent(text) for path, text in PROJECTS[name].items()})
    else:
        body = textwrap.dedent(CASES[name])
        source = textwrap.dedent(HEAD) + ("" if body.lstrip().startswith("app = ") else APP) + body
        write_project(tmp_path, {"main.py": source})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert document["errors"] == []
    assert inventory_json(analyze([tmp_path], flask_cors.__version__, demand_driven=False)) == document
    problems = compare_app(load_app(tmp_path), document)
    assert not problems, "\n".join(problems[:5])


def test_a_view_class_with_a_base_cors_lint_cannot_see_has_unknown_methods(tmp_path):
    write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + APP + textwrap.dedent("""
        from somelib import LibraryMixin
        class Mixed(LibraryMixin, MethodView):
            def get(self): return "x"
        class Child(Mixed):
            def post(self): return "x"
        class Known(abc.ABC, MethodView):
            def get(self): return "x"
        app.add_url_rule("/mixed", view_func=Mixed.as_view("mixed"))
        app.add_url_rule("/child", view_func=Child.as_view("child"))
        app.add_url_rule("/known", view_func=Known.as_view("known"))
    """)})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    by_path = {r["path"]: r for r in document["routes"]}
    for path in ("/mixed", "/child"):
        assert by_path[path]["methods"] == []
        assert any("somelib.LibraryMixin, which cors-lint does not model" in note for note in by_path[path]["notes"])
    assert by_path["/known"]["methods"] == ["GET", "HEAD", "OPTIONS"]


# ---------------------------------------------------------------------------- generated projects
# Seeded random projects that combine the forms above with CORS configured every way (app-wide with
# resources, on blueprints, decorators on functions and in view classes, credentials, automatic
# options): the same comparison with the real Flask. CORS_LINT_FRAMEWORK_CASES sets how many.
GENERATED = int(os.environ.get("CORS_LINT_FRAMEWORK_CASES", "40"))
GENERATED_HEAD = """
import os
import re
from datetime import timedelta
from flask_cors import CORS, cross_origin
"""
ORIGIN_CHOICES = ["'*'", "'https://a.example.com'", "['https://a.example.com', 'https://b.example.com']",
                  r"[r'https://.*\.example\.com']", "'https://x.example.com,https://b.example.com'",
                  "os.environ.get('FRAMEWORK_TEST_ORIGIN', 'https://env.example.com')",
                  r"re.compile(r'https://app\.example\.com')", "['https://child.example.com', 'null']"]


def cors_options(rng: random.Random, prefixes: list[str] = (), decorator: bool = False) -> list[str]:
    """Keyword arguments for CORS(...) / cross_origin(...), drawn at random."""
    options = []
    origins = rng.choice(ORIGIN_CHOICES)
    if rng.random() < 0.8:
        options.append(f"origins={origins}")
    credentials = rng.random() < 0.4
    if credentials:
        options.append("supports_credentials=True")
    elif rng.random() < 0.15:
        options.append("send_wildcard=True")
    if rng.random() < 0.25:
        options.append(f"max_age={rng.choice(['0', '600', 'timedelta(minutes=5)'])}")
    if rng.random() < 0.2:
        options.append("allow_headers=" + rng.choice(["'Content-Type'", "['X-Custom-.*', 'Content-Type']"]))
    if rng.random() < 0.2:
        options.append("expose_headers=" + rng.choice(["'X-A'", "['X-B', 'X-A']"]))
    if rng.random() < 0.15:
        options.append("methods=" + rng.choice(["['GET', 'POST']", "'GET, PUT'"]))
    for flag in ("vary_header=False", "always_send=False", "allow_private_network=True"):
        if rng.random() < 0.08:
            options.append(flag)
    if decorator and rng.random() < 0.25:
        options.append("automatic_options=False")
    if prefixes and rng.random() < 0.5:
        chosen = rng.sample(list(prefixes), rng.randint(1, min(2, len(prefixes))))
        inner = rng.choice(["{}", "{'origins': 'https://res.example.com'}", "{'origins': '*', 'max_age': 5}"]
                           + ([] if "send_wildcard=True" in options else ["{'supports_credentials': True}"]))
        resources = ", ".join(f"r'{prefix}/*': {inner}" for prefix in chosen)
        options.append(rng.choice([f"resources={{{resources}}}", f"resources=r'{chosen[0]}/*'"]))
    return options


class Generated:
    """Lines of one generated module, and unique names and rules."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.lines: list[str] = []
        self.counter = 0
        self.handlers: dict[str, set[str]] = {"Mixin": {"PATCH"}}  # what each class answers (inherited too)

    def name(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    def cors(self, target: str, prefixes: list[str] = ()) -> None:
        self.lines.append(f"CORS({', '.join([target, *cors_options(self.rng, prefixes)])})")

    def cross_origin(self) -> str:
        return f"@cross_origin({', '.join(cors_options(self.rng, decorator=True))})"

    def rule_methods(self, cls: str) -> str:
        """Maybe a ``methods=`` for a rule of this class: methods it has a handler for (a rule's
        method without one answers 500, which the layers do not describe)."""
        answered = sorted(self.handlers.get(cls, ()))
        if not answered or self.rng.random() < 0.6:
            return ""
        return f", methods={self.rng.sample(answered, self.rng.randint(1, len(answered)))!r}"

    def view_class(self, base: str, extra: list[str] = ()) -> str:
        """A view class: handlers, maybe class decorators, methods, provide_automatic_options."""
        rng = self.rng
        name = self.name("View")
        handlers = rng.sample(["get", "post", "put", "patch", "delete"], rng.randint(1, 3))
        if rng.random() < 0.15:
            handlers.append("options")
        answered = {h.upper() for h in handlers}
        for base_name in base.split(", "):
            answered |= self.handlers.get(base_name, set())
        self.handlers[name] = answered if "dispatch_request" not in "".join(extra) else {"GET", "POST"}
        self.lines.append(f"class {name}({base}):")
        self.lines += [f"    {line}" for line in extra]
        if rng.random() < 0.3:
            decorators = [self.cross_origin().lstrip("@") for _ in range(rng.choice([1, 1, 1, 2]))]
            self.lines.append(f"    decorators = [{', '.join(decorators)}]")
        if rng.random() < 0.1:
            self.lines.append("    provide_automatic_options = False")
        if rng.random() < 0.1:
            self.lines.append(f"    methods = {sorted(h.upper() for h in handlers[:1])!r}")
        for handler in handlers:
            self.lines.append(f"    def {handler}(self, **kwargs): return {{'name': {handler!r}}}")
        return name

    def source(self, head: str) -> str:
        return textwrap.dedent(GENERATED_HEAD) + textwrap.dedent(head) + "\n".join(self.lines) + "\n"


def generated_views_project(seed: int) -> str:
    """A Flask app with view classes (inheritance chains, mixins, blueprints) and CORS every way."""
    gen = Generated(seed)
    rng = gen.rng
    gen.lines += ["app = Flask(__name__)", "class Mixin:", "    def patch(self, **kwargs): return 'mixin'"]
    blueprints = [(gen.name("bp"), rng.choice(["/api", "/v1", None])) for _ in range(rng.randint(0, 2))]
    for name, prefix in blueprints:
        gen.lines.append(f"{name} = Blueprint({name!r}, __name__, url_prefix={prefix!r})")
        if rng.random() < 0.4:
            gen.cors(name)
    prefixes = sorted({p for _, p in blueprints if p} | {"/api"})
    if rng.random() < 0.7:
        gen.cors("app", prefixes)
    classes: list[str] = []
    for _ in range(rng.randint(2, 5)):
        base = rng.choice(["MethodView", "MethodView", "View", "Mixin, MethodView"] + classes)
        extra = ["def dispatch_request(self, **kwargs): return 'x'", "methods = ['GET', 'POST']"] \
            if base == "View" else []
        classes.append(gen.view_class(base, extra))
    for cls in classes:
        owner, prefix = rng.choice([("app", None), *blueprints]) if blueprints else ("app", None)
        rule = f"/{gen.name('r')}" + rng.choice(["", "/<int:item_id>"])
        methods = gen.rule_methods(cls)
        pao = rng.choice(["", "", "", ", provide_automatic_options=False"])
        gen.lines.append(f"{owner}.add_url_rule({rule!r}, view_func={cls}.as_view({gen.name('ep')!r}){methods}{pao})")
    for name, _prefix in blueprints:
        gen.lines.append(f"app.register_blueprint({name})")
    return gen.source(HEAD)


@pytest.mark.parametrize("seed", range(GENERATED))
def test_generated_views_project(seed, tmp_path, monkeypatch):
    monkeypatch.delenv("FRAMEWORK_TEST_ORIGIN", raising=False)
    source = generated_views_project(seed)
    write_project(tmp_path, {"main.py": source})
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert document["errors"] == []
    problems = compare_app(load_app(tmp_path), document)
    assert not problems, "\n".join(problems[:5]) + "\n\n" + source
