"""A generator of varied, multi-module Flask projects that use flask-cors.

Each project is written as source text only; the engine reads it statically and the
differential test imports it for real. The forms combined are the ones cors-lint claims
to model: aliases, factories, init_app across modules, blueprints (nested, prefixed in
either place), resources in every shape, config in every form and order, decorators
(bare, misplaced, automatic_options=False, on MethodView), constants imported from other
modules, environment variables with defaults, re.compile and timedelta values, and
hand-written Access-Control-* headers (in views and in blueprint and app after_request hooks).

A share of the projects (``FRAMEWORK_SHARE``) also use API frameworks, mixed into the same app
with the forms above: a Flask-RESTful ``Api`` and a Flask-RESTX ``Api`` with namespaces (on the
app, made in a module and ``init_app``-ed, on one of the project's blueprints, or made by a
module that imports the app), flask-smorest blueprints with MethodView and function routes
registered through its ``Api``, an ``APIFlask`` app in place of ``Flask`` (with an
``APIBlueprint``), pluggable views (``View`` / ``MethodView`` chains with ``decorators``), plugin
blueprints reached through ``importlib.import_module`` over a list, and a
``if __name__ == "__main__":`` block. These parts are drawn after everything else, so a seed's
project without them is what it was before they existed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

ORIGIN_EXPRS = [
    ("'*'", ()),
    ("'https://a.example.com'", ()),
    ("['https://a.example.com', 'https://b.example.com']", ()),
    (r"r'https://.*\.example\.com'", ()),
    (r"[r'^https://x\.example\.com$', 'https://b.example.com']", ()),
    (r"re.compile(r'https://app\.example\.com')", ("import re",)),
    ("settings.ORIGINS_LIST", ("import settings",)),
    ("ORIGIN_ONE", ("from settings import ORIGIN_ONE",)),
    ("os.environ.get('GEN_ORIGIN', 'https://env.example.com')", ("import os",)),
    ("os.getenv('GEN_LIST', 'https://a.example.com,https://env.example.com').split(',')", ("import os",)),
    ("{'https://b.example.com', 'https://a.example.com'}", ()),
    ("('https://a.example.com', 'null')", ()),
    ("'https://a.example.com,https://b.example.com'", ()),
    (r"'http://localhost:*'", ()),
    ("os.environ.get('GEN_UNSET')", ("import os",)),
]
CREDENTIALS = ["True", "False", "'False'", "1"]
METHODS = ["['GET', 'POST']", "'GET, POST'", "('put', 'get')"]
ALLOW_HEADERS = ["'Content-Type'", r"['Content-Type', r'X-Custom-.*']", "'*'"]
EXPOSE = ["'X-A'", "['X-B', 'X-A']"]
MAX_AGE = ["600", "timedelta(minutes=5)", "0", "'100'", "timedelta(0)"]
RESOURCES = [
    "r'/api/*'",
    "[r'/api/*', r'/v2/*']",
    "{r'/api/*': {'origins': 'https://res.example.com'}, r'/*': {}}",
    "{r'/api/items/.*': {'supports_credentials': True}, r'/api/.*': {'origins': '*'}, '/health': {}}",
    "{re.compile(r'/.*'): {'max_age': 5}, r'/api/v1/admin/.*': {'origins': 'https://admin.example.com'}}",
    "'/health'",
    "re.compile(r'/api/.*')",
]
CONFIG_KEYS = {
    "CORS_ORIGINS": ORIGIN_EXPRS,
    "CORS_SUPPORTS_CREDENTIALS": CREDENTIALS,
    "CORS_METHODS": METHODS,
    "CORS_ALLOW_HEADERS": ALLOW_HEADERS,
    "CORS_EXPOSE_HEADERS": EXPOSE,
    "CORS_MAX_AGE": MAX_AGE,
    "CORS_VARY_HEADER": ["False"],
    "CORS_ALWAYS_SEND": ["False"],
    "CORS_ALLOW_PRIVATE_NETWORK": ["True"],
    "CORS_HEADERS": ["'Content-Type'"],
    "CORS_RESOURCES": RESOURCES,
    "CORS_AUTOMATIC_OPTIONS": ["False"],
}


# API frameworks (see ProjectGenerator.frameworks)
FRAMEWORK_SHARE = 0.3
FRAMEWORKS = ("restful", "restx", "smorest", "views", "plugins", "apiflask")  # the order parts are drawn in
VERBS = ["get", "post", "put", "delete", "patch"]
REST_URLS = ["/items", "/items/<int:item_id>", "/things/<string:name>", "/nested/deep", "/", "/status"]
REST_PREFIXES = ["", "/api", "/api/rest", "/v2"]
APIFLASK_ARGUMENTS = ["", "", ", docs_ui='redoc'", ", spec_path=None", ", docs_path=None, spec_path='/spec'",
                      ", openapi_blueprint_url_prefix='/meta'", ", enable_openapi=False",
                      ", docs_oauth2_redirect_path=None", ", 'T', '2', '/o.json', '/d'", ", title='Shop', version='2'"]
# Flask-RESTX iterates method_decorators as a list: a dict by method makes every request of the
# resource fail (its keys are called). Left out until the engine models that: it applies the dict
# by method, as Flask-RESTful does (engine gap).
RESTX_BY_METHOD = False
SMOREST_DOCS = ["", ", OPENAPI_URL_PREFIX='/'", ", OPENAPI_URL_PREFIX='/api/docs', OPENAPI_JSON_PATH='spec.json'",
                (", OPENAPI_URL_PREFIX='sm-docs', OPENAPI_REDOC_PATH='redoc', "
                 "OPENAPI_REDOC_URL='https://cdn.example.com/redoc.js'")]


@dataclass
class Parts:
    """Where the framework parts of a project go: lines for the app's setup (``early``: right after
    the app is made; ``late``: at the end of its setup), lines at the top of the app's module, and
    lines at the end of ``main.py``; the project's blueprints that have no Api yet."""

    factory: bool
    blueprints: list[tuple[str, str]]  # (module name, blueprint variable)
    early: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    top: list[str] = field(default_factory=list)
    main: list[str] = field(default_factory=list)


@dataclass
class Module:
    imports: set[str] = field(default_factory=set)
    body: list[str] = field(default_factory=list)

    def source(self) -> str:
        return "\n".join(sorted(self.imports)) + "\n\n" + "\n".join(self.body) + "\n"


class ProjectGenerator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.modules: dict[str, Module] = {}
        self.style = self.rng.choice(["plain", "alias", "module", "module_alias", "star"])
        self.used_bare_decorator = False
        self.view_counter = 0
        self.method_views: set[str] = set()  # pluggable MethodView classes (bases for others)
        self.blueprint_prefixes: dict[str, str | None] = {}  # the url_prefix each blueprint is made with

    # ------------------------------------------------------------ helpers
    def module(self, name: str) -> Module:
        return self.modules.setdefault(name, Module())

    def cors_name(self, module: Module) -> str:
        if self.style == "plain":
            module.imports.add("from flask_cors import CORS, cross_origin")
            return "CORS"
        if self.style == "alias":
            module.imports.add("from flask_cors import CORS as Cors, cross_origin as xo")
            return "Cors"
        if self.style == "star":
            module.imports.add("from flask_cors import *")
            return "CORS"
        if self.style == "module":
            module.imports.add("import flask_cors")
            return "flask_cors.CORS"
        module.imports.add("import flask_cors as fc")
        return "fc.CORS"

    def cross_origin_name(self, module: Module) -> str:
        return {"plain": "cross_origin", "alias": "xo", "module": "flask_cors.cross_origin",
                "module_alias": "fc.cross_origin", "star": "cross_origin"}[self.style] if self.cors_name(module) else ""

    def origin_expr(self, module: Module) -> str:
        expr, imports = self.rng.choice(ORIGIN_EXPRS)
        module.imports.update(imports)
        return expr

    def value_for(self, key: str, module: Module) -> str:
        choices = CONFIG_KEYS[key]
        choice = self.rng.choice(choices)
        while isinstance(choice, tuple) and module is self.modules.get("settings") and any(
                "settings" in i for i in choice[1]):
            choice = self.rng.choice(choices)
        if isinstance(choice, tuple):
            expr, imports = choice
            module.imports.update(imports)
            return expr
        if "timedelta" in choice:
            module.imports.add("from datetime import timedelta")
        if "re.compile" in choice:
            module.imports.add("import re")
        return choice

    def options(self, module: Module, allow_resources: bool, count: int | None = None) -> list[str]:
        keys = ["CORS_ORIGINS", "CORS_SUPPORTS_CREDENTIALS", "CORS_METHODS", "CORS_ALLOW_HEADERS",
                "CORS_EXPOSE_HEADERS", "CORS_MAX_AGE", "CORS_VARY_HEADER", "CORS_ALWAYS_SEND",
                "CORS_ALLOW_PRIVATE_NETWORK"]
        if allow_resources:
            keys.append("CORS_RESOURCES")
        chosen = self.rng.sample(keys, count if count is not None else self.rng.randint(0, 4))
        parts = []
        for key in chosen:
            option = key.removeprefix("CORS_").lower()
            parts.append(f"{option}={self.value_for(key, module)}")
        if self.rng.random() < 0.1:
            parts.append("origin='https://typo.example.com'")
        return parts

    # ------------------------------------------------------------ project
    def generate(self) -> dict[str, str]:
        settings = self.module("settings")
        settings.imports.add("import os")
        settings.body += [
            "ORIGINS_LIST = ['https://a.example.com', 'https://settings.example.com']",
            "ORIGIN_ONE = 'https://one.example.com'",
            "",
            "class BaseConfig:",
        ]
        base_keys = self.rng.sample(sorted(CONFIG_KEYS), self.rng.randint(0, 2))
        settings.body += [f"    {k} = {self.value_for(k, settings)}" for k in base_keys] or ["    DEBUG = False"]
        settings.body += ["", "class AppConfig(BaseConfig):"]
        app_keys = self.rng.sample(sorted(CONFIG_KEYS), self.rng.randint(0, 2))
        settings.body += [f"    {k} = {self.value_for(k, settings)}" for k in app_keys] or ["    TESTING = False"]
        settings.body += ["", "class DevConfig(AppConfig):", "    CORS_ORIGINS = '*'", "",
                          "CONFIGS = {'prod': AppConfig, 'dev': DevConfig}", ""]

        blueprints = self.blueprints()
        factory = self.rng.random() < 0.5
        app_module = self.module("factory/__init__" if factory else "appmod")
        self.app_body(app_module, blueprints, factory)
        self.manual_headers(app_module, factory)
        main_tail = self.frameworks(app_module, factory, blueprints)
        main = self.module("main")
        if factory:
            main.imports.add("from factory import create_app")
            main.body.append("app = create_app()")
        else:
            main.imports.add("from appmod import app")
        main.body += main_tail
        files = {f"{name}.py": module.source() for name, module in self.modules.items()}
        files.setdefault("factory/__init__.py", "") if factory else None
        files["views/__init__.py"] = ""
        for package in {name.split("/")[0] for name in self.modules if name.startswith(("apis/", "plugins/"))}:
            files[f"{package}/__init__.py"] = ""
        return files

    # ------------------------------------------------------------ hand-written headers
    # Drawn after everything else, so the rest of each project is what it was without them.
    MANUAL_VIEWS = [
        ["resp = make_response('ok')", "resp.headers['Access-Control-Allow-Origin'] = '*'", "return resp"],
        ["return 'ok', 200, {'Access-Control-Expose-Headers': 'X-Legacy'}"],
        ["return Response('ok', headers={'Access-Control-Allow-Origin': request.headers.get('Origin', '*')})"],
        ["resp = make_response('ok')", "resp.headers.add('Access-Control-Allow-Credentials', 'true')", "return resp"],
        ["resp = make_response('ok')", "resp.headers[ACAO] = request.origin or 'null'", "return resp"],
        ["return make_response('ok', 200, [('Access-Control-Max-Age', '60')])"],
    ]
    MANUAL_HOOKS = [
        "response.headers['Access-Control-Allow-Origin'] = request.headers.get('Origin', '*')",
        "response.headers['Access-Control-Allow-Origin'] = 'https://legacy.example.com'",
        "response.headers['Access-Control-Allow-Credentials'] = 'true'",
        "response.headers['Access-Control-Expose-Headers'] = 'X-Legacy'",
        "response.headers.set('Access-Control-Max-Age', '42')",
        "response.headers.add(ACAO, '*')",
    ]

    def manual_headers(self, app_module: Module, factory: bool) -> None:
        indent = "    " if factory else ""
        tail = [app_module.body.pop()] if factory else []  # "return app"
        if self.rng.random() < 0.3:
            module = self.module("views/legacy")
            module.imports.add("from flask import Blueprint, Response, make_response, request")
            module.body += ["ACAO = 'Access-Control-Allow-Origin'",
                            "legacy = Blueprint('legacy', __name__, url_prefix='/legacy')"]
            if self.rng.random() < 0.4:
                args = ", ".join(["legacy", *self.options(module, True, self.rng.randint(1, 2))])
                module.body.append(f"{self.cors_name(module)}({args})")
            if self.rng.random() < 0.5:
                module.body += ["@legacy.after_request", "def legacy_headers(response):",
                                f"    {self.rng.choice(self.MANUAL_HOOKS)}", "    return response"]
            for _ in range(self.rng.randint(1, 3)):
                self.view_counter += 1
                name = f"legacy_view_{self.view_counter}"
                module.body.append(f"@legacy.route('/{name}', methods=['GET', 'POST'])")
                if self.rng.random() < 0.25:
                    co = self.cross_origin_name(module)
                    module.body.append(f"@{co}(origins='https://b.example.com')")
                module.body.append(f"def {name}():")
                module.body += [f"    {line}" for line in self.rng.choice(self.MANUAL_VIEWS)]
            app_module.imports.add("from views.legacy import legacy")
            app_module.body.append(f"{indent}app.register_blueprint(legacy)")
        if self.rng.random() < 0.12:
            app_module.imports.add("from flask import request")
            # a module constant: a header name held in a local variable is not recognised (yet)
            app_module.body.insert(0, "ACAO = 'Access-Control-Allow-Origin'")
            hook = [f"{indent}@app.after_request",
                    f"{indent}def app_headers(response):",
                    f"{indent}    {self.rng.choice(self.MANUAL_HOOKS)}", f"{indent}    return response"]
            if self.rng.random() < 0.5:  # registered before CORS(app): it runs after flask-cors's hooks
                at = next(i for i, line in enumerate(app_module.body) if "app = Flask(" in line) + 1
                app_module.body[at:at] = hook
            else:
                app_module.body += hook
        app_module.body += tail

    def config_statements(self, module: Module, indent: str) -> list[str]:
        lines = []
        for _ in range(self.rng.randint(0, 3)):
            form = self.rng.choice(["setitem", "update", "from_mapping", "from_object", "from_object_str"])
            key = self.rng.choice(sorted(CONFIG_KEYS))
            value = self.value_for(key, module)
            if form == "setitem":
                lines.append(f"{indent}app.config[{key!r}] = {value}")
            elif form == "update":
                lines.append(f"{indent}app.config.update({key}={value})")
            elif form == "from_mapping":
                lines.append(f"{indent}app.config.from_mapping({{{key!r}: {value}}})")
            elif form == "from_object":
                module.imports.add("import settings")
                lines.append(f"{indent}app.config.from_object(settings.AppConfig)")
            else:
                lines.append(f"{indent}app.config.from_object('settings.AppConfig')")
        return lines

    def app_body(self, module: Module, blueprints: list[tuple[str, str, str]], factory: bool) -> None:
        module.imports.add("from flask import Flask")
        indent = "    " if factory else ""
        lines = ["def create_app(mode='prod'):"] if factory else []
        static = self.rng.choice(["", "", ", static_folder=None", ", static_url_path='/assets'",
                                  ", static_folder='public/files'"])
        lines.append(f"{indent}app = Flask(__name__{static})")
        lines += self.config_statements(module, indent)
        if self.rng.random() < 0.2:
            module.imports.update({"import os", "import settings"})
            lines.append(f"{indent}app.config.from_object(settings.CONFIGS[os.getenv('GEN_CONF', 'prod')])")
        extension = self.rng.choice(["none", "cors", "cors", "init_app", "twice", "init_app_cross_module",
                                     "helper", "env_branch"])
        if extension == "cors":
            args = ", ".join(["app", *self.options(module, True)])
            lines.append(f"{indent}{self.cors_name(module)}({args})")
        elif extension == "twice":
            cors = self.cors_name(module)
            lines.append(f"{indent}{cors}(app, origins='https://first.example.com', resources=r'/api/*')")
            lines.append(f"{indent}{cors}({', '.join(['app', *self.options(module, True, 2)])})")
        elif extension == "init_app":
            cors = self.cors_name(module)
            ctor = ", ".join(self.options(module, True, self.rng.randint(0, 2)))
            lines.append(f"{indent}cors = {cors}({ctor})")
            init = ", ".join(["app", *self.options(module, True, self.rng.randint(0, 2))])
            lines.append(f"{indent}cors.init_app({init})")
        elif extension == "init_app_cross_module":
            ext = self.module("extensions")
            ctor = ", ".join(self.options(ext, True, self.rng.randint(0, 2)))
            ext.body.append(f"cors = {self.cors_name(ext)}({ctor})")
            module.imports.add("from extensions import cors")
            init = ", ".join(["app", *self.options(module, True, self.rng.randint(0, 2))])
            lines.append(f"{indent}cors.init_app({init})")
        elif extension == "helper":
            helpers = self.module("cors_setup")
            args = ", ".join(["target", *self.options(helpers, True, self.rng.randint(0, 3))])
            helpers.body += ["def setup_cors(target, **extra):", f"    {self.cors_name(helpers)}({args}, **extra)",
                             "    return target", ""]
            module.imports.add("from cors_setup import setup_cors")
            extra = self.rng.choice(["", "max_age=30", "send_wildcard=False"])
            if extra and extra.split("=")[0] + "=" in args:
                extra = ""
            lines.append(f"{indent}app = setup_cors(app{', ' + extra if extra else ''})")
        elif extension == "env_branch":
            module.imports.add("import os")
            cors = self.cors_name(module)
            lines.append(f"{indent}if os.environ.get('GEN_MODE', 'production') == 'production':")
            lines.append(f"{indent}    {cors}({', '.join(['app', *self.options(module, True, 2)])})")
            lines.append(f"{indent}else:")
            lines.append(f"{indent}    {cors}(app, origins='*', supports_credentials=True)")
        lines += self.config_statements(module, indent)
        loop = len(blueprints) > 1 and self.rng.random() < 0.4
        for bp_module, bp_name, register_prefix in blueprints:
            module.imports.add(f"from views.{bp_module} import {bp_name}")
            prefix = f", url_prefix={register_prefix!r}" if register_prefix else ""
            if self.rng.random() < 0.15:
                prefix += f", name='renamed_{bp_name}'"
            if not loop:
                lines.append(f"{indent}app.register_blueprint({bp_name}{prefix})")
        if loop:
            names = ", ".join(bp for _, bp, _ in blueprints)
            lines.append(f"{indent}for blueprint in ({names}):")
            lines.append(f"{indent}    app.register_blueprint(blueprint)")
        lines += self.app_routes(module, indent)
        if self.rng.random() < 0.3:
            routes = self.module("routes")
            routes.body.append("def register_routes(app):")
            routes.body += self.view(routes, "app", "/registered/<name>", "    ", "registered")
            module.imports.add("from routes import register_routes")
            lines.append(f"{indent}register_routes(app)")
        lines += self.config_statements(module, indent)
        if factory:
            lines.append(f"{indent}return app")
        module.body += lines

    def app_routes(self, module: Module, indent: str) -> list[str]:
        lines = []
        for index in range(self.rng.randint(1, 3)):
            rule = self.rng.choice(["/health", "/api/status", "/apiary", "/api/v1/admin/users", "/v2/things/<path:rest>"])
            if rule in "".join(lines):
                continue
            lines += self.view(module, "app", rule, indent, f"app_view_{index}")
        return lines

    def view(self, module: Module, owner: str, rule: str, indent: str, name: str) -> list[str]:
        self.view_counter += 1
        name = f"{name}_{self.view_counter}"
        form = self.rng.choice(["route", "route", "verb", "add_url_rule", "methodview"])
        decorator = self.rng.choice(["none", "none", "cross_origin", "bare", "misplaced", "no_auto", "noparens"])
        if decorator == "noparens" and (self.used_bare_decorator or form in ("add_url_rule", "methodview")):
            decorator = "none"
        if decorator == "noparens":
            self.used_bare_decorator = True
        aborts = self.rng.random() < 0.12 and form != "methodview" and decorator != "noparens"
        if aborts:
            name += "_aborts"  # the oracle expects an HTTP error response from these views
        co = None
        if decorator != "none":
            co = self.cross_origin_name(module)
        co_call = None
        if decorator == "cross_origin":
            co_call = f"{co}({', '.join(self.options(module, False, self.rng.randint(1, 3)))})"
        elif decorator in ("bare", "misplaced"):
            co_call = f"{co}()"
        elif decorator == "no_auto":
            co_call = f"{co}(automatic_options=False, origins='https://a.example.com')"
        elif decorator == "noparens":
            co_call = co
        methods = self.rng.choice([None, "['GET', 'POST']", "['POST']", "['GET', 'OPTIONS']"])
        pao = ", provide_automatic_options=False" if self.rng.random() < 0.08 else ""
        method_arg = f", methods={methods}" if methods else ""
        lines = []
        if form == "methodview":
            module.imports.add("from flask.views import MethodView")
            lines.append(f"{indent}class {name.title().replace('_', '')}(MethodView):")
            if co_call and decorator != "noparens":
                lines.append(f"{indent}    decorators = [{co_call}]")
            lines.append(f"{indent}    def get(self, **kwargs):")
            lines.append(f"{indent}        return 'ok'")
            if self.rng.random() < 0.5:
                lines.append(f"{indent}    def post(self, **kwargs):")
                lines.append(f"{indent}        return 'ok'")
            lines.append(f"{indent}{owner}.add_url_rule({rule!r}, view_func={name.title().replace('_', '')}"
                         f".as_view({name!r}){pao})")
            return lines
        decorators = []
        if form == "route":
            endpoint = f", endpoint='ep_{name}'" if self.rng.random() < 0.15 else ""
            decorators.append(f"@{owner}.route({rule!r}{method_arg}{pao}{endpoint})")
            if self.rng.random() < 0.15 and not rule.endswith(">"):
                decorators.append(f"@{owner}.route({(rule.rstrip('/') + '/alias')!r}{method_arg})")
        elif form == "verb":
            verb = self.rng.choice(["get", "post", "put", "delete", "patch"])
            decorators.append(f"@{owner}.{verb}({rule!r})")
        if co_call:
            if decorator == "misplaced":
                decorators.insert(0, f"@{co_call}")
            else:
                decorators.append(f"@{co_call}")
        if form == "add_url_rule" and decorator == "misplaced":
            decorators = decorators[1:]
        if self.rng.random() < 0.2 and form != "add_url_rule":
            module.imports.add("import functools")
            if not any("def logged(" in line for line in module.body):
                module.body[:0] = ["def logged(view):", "    @functools.wraps(view)",
                                   "    def wrapper(*args, **kwargs):", "        return view(*args, **kwargs)",
                                   "    return wrapper", ""]
            decorators.insert(len(decorators) - (1 if co_call and decorator != "misplaced" else 0), "@logged")
        lines += [indent + d for d in decorators]
        if aborts:
            module.imports.add("from flask import abort")
            lines.append(f"{indent}def {name}(**kwargs):")
            lines.append(f"{indent}    abort(403)")
            if form == "add_url_rule":
                lines.append(f"{indent}{owner}.add_url_rule({rule!r}, {name!r}, {name}{method_arg}{pao})")
            return lines
        lines.append(f"{indent}def {name}(**kwargs):")
        lines.append(f"{indent}    return 'ok'")
        if form == "add_url_rule":
            lines.append(f"{indent}{owner}.add_url_rule({rule!r}, {name!r}, {name}{method_arg}{pao})")
        return lines

    def blueprints(self) -> list[tuple[str, str, str]]:
        registered = []
        for index in range(self.rng.randint(0, 2)):
            module_name = f"views/bp{index}"
            module = self.module(module_name)
            module.imports.add("from flask import Blueprint")
            bp = f"bp{index}"
            own_prefix = self.rng.choice([None, "/api", f"/api/bp{index}", "/v2/"])
            prefix_arg = f", url_prefix={own_prefix!r}" if own_prefix else ""
            module.body.append(f"{bp} = Blueprint('bp{index}', __name__{prefix_arg})")
            self.blueprint_prefixes[bp] = own_prefix
            if self.rng.random() < 0.35:
                args = ", ".join([bp, *self.options(module, True, self.rng.randint(1, 2))])
                module.body.append(f"{self.cors_name(module)}({args})")
            for route_index in range(self.rng.randint(1, 3)):
                rule = self.rng.choice(["/items/<int:item_id>", "/items", "/", "/admin", "/v1/admin/x", ""])
                if rule == "" and not own_prefix:
                    rule = "/root"
                module.body += self.view(module, bp, rule, "", f"bp{index}_view_{route_index}")
            if self.rng.random() < 0.3:
                child = f"child{index}"
                module.body.append(f"{child} = Blueprint('child{index}', __name__, url_prefix='/child')")
                module.body += self.view(module, child, "/leaf", "", f"child{index}_leaf")
                if self.rng.random() < 0.5:
                    module.body.append(f"{self.cors_name(module)}({child}, origins='https://child.example.com')")
                module.body.append(f"{bp}.register_blueprint({child})")
            register_prefix = self.rng.choice([None, None, "/mounted"])
            registered.append((f"bp{index}", bp, register_prefix))
        return registered


    # ------------------------------------------------------------ API frameworks
    # Drawn after everything else (hand-written headers included): a project that gets none of
    # them is the project its seed gave before they existed, one that does is that project with
    # these parts added (for APIFlask, its app made by APIFlask).
    def frameworks(self, app_module: Module, factory: bool, blueprints: list[tuple[str, str, str]]) -> list[str]:
        """Mix framework parts into the project; returns the lines for the end of ``main.py``."""
        rng = self.rng
        if rng.random() >= FRAMEWORK_SHARE:
            return []
        # Flask-RESTful / RESTX join a blueprint's prefix and their rules by concatenation: under
        # '/v2/' they make '//' rules, whose requests werkzeug redirects (merge_slashes), which the
        # oracle cannot compare (see test_framework_restful.SLASHES): no Api on those blueprints
        parts = Parts(factory, [(f"views/{module}", bp) for module, bp, _ in blueprints
                                if not (self.blueprint_prefixes[bp] or "").endswith("/")])
        kinds = set(rng.sample(FRAMEWORKS, rng.choice([1, 1, 2, 2, 3])))
        for kind in FRAMEWORKS:
            if kind in kinds:
                getattr(self, f"add_{kind}")(parts, app_module)
        if rng.random() < 0.3:
            parts.main += ["", "if __name__ == '__main__':", "    app.run(debug=True)"]
        indent = "    " if factory else ""
        tail = [app_module.body.pop()] if factory else []  # "return app"
        at = next(i for i, line in enumerate(app_module.body) if "app = Flask(" in line) + 1
        app_module.body[at:at] = [indent + line for line in parts.early]
        app_module.body += [indent + line for line in parts.late] + tail
        app_module.body[:0] = parts.top
        if "apiflask" in kinds:
            self.make_apiflask(app_module)
        return parts.main

    def cross_origin_call(self, module: Module, extra: str = "") -> str:
        options = self.options(module, False, self.rng.randint(1, 3))
        return f"{self.cross_origin_name(module)}({', '.join(options)}{extra})"

    def in_app_setup(self, parts: Parts, app_module: Module, lines: list[str], imports: set[str]) -> None:
        """Lines for the app's setup: right after the app is made, or at the end of its setup."""
        app_module.imports.update(imports)
        (parts.early if self.rng.random() < 0.35 else parts.late).extend(lines)

    def module_importing_app(self, parts: Parts, name: str) -> Module:
        """A module that registers on the app it imports: imported at the end of ``main.py``, or
        (no factory) at the bottom of the app's module, the classic circular layout."""
        module = self.module(name)
        home = "main" if parts.factory or self.rng.random() < 0.5 else "appmod"
        module.imports.add(f"from {home} import app")
        (parts.main if home == "main" else parts.late).append(f"import {name.replace('/', '.')}  # noqa: E402")
        return module

    def api_home(self, parts: Parts, app_module: Module, stem: str) -> tuple[str, Module | None, str]:
        """Where an Api is made: ``("inline", None, "app")`` in the app's setup, ``("module",
        module, "")`` in the module of its resources, ``init_app``-ed by the app, ``("blueprint",
        module, bp)`` on a blueprint of the project, ``("late", module, "app")`` in a module that
        imports the app."""
        where = self.rng.choice(["inline", "module", "blueprint", "late"])
        if where == "blueprint" and parts.blueprints:
            module_name, bp = parts.blueprints.pop(self.rng.randrange(len(parts.blueprints)))
            return where, self.module(module_name), bp
        if where == "module":
            return where, self.module(f"apis/{stem}"), ""
        if where == "late":
            return where, self.module_importing_app(parts, f"apis/{stem}_late"), "app"
        return "inline", None, "app"

    def resource(self, module: Module, base: str, wrapped: bool, by_method: bool = True
                 ) -> tuple[str, list[str], bool]:
        """A Resource class (Flask-RESTful / Flask-RESTX): its name, lines, and whether it aborts.
        ``wrapped``: the Api or namespace already wraps it in a cross_origin; ``by_method``:
        ``method_decorators`` may be a dict by method (Flask-RESTful only)."""
        rng = self.rng
        self.view_counter += 1
        name = f"Res{self.view_counter}"
        lines = [f"class {name}({base}):"]
        if rng.random() < 0.25:
            lines.append(f"    decorators = [{self.cross_origin_call(module)}]")
            wrapped = True
        if rng.random() < 0.2:
            # a cross_origin on the bound method makes every request fail unless
            # automatic_options=False; under another cross_origin that failure is what the layers
            # cannot describe (left out, as in restgen.py)
            auto = ", automatic_options=False" if wrapped or rng.random() < 0.5 else ""
            call = f"{self.cross_origin_name(module)}(origins='https://x.example.com'{auto})"
            lines.append(f"    method_decorators = [{call}]" if rng.random() < 0.7 or not by_method
                         else f"    method_decorators = {{'get': [{call}]}}")
        if rng.random() < 0.1:
            lines.append("    provide_automatic_options = False")
        aborts = rng.random() < 0.15
        if aborts:
            module.imports.add("from flask import abort")
        answer = "abort(403)" if aborts else "return {'ok': True}"
        for verb in rng.sample(VERBS, rng.randint(1, 3)):
            lines += [f"    def {verb}(self, **kwargs):", f"        {answer}"]
        return name, lines, aborts

    def added_later(self, resources: Module, base: str, wrapped: bool, api: str, app_module: Module,
                    package: str = "apis.restful") -> list[str]:
        """Maybe a resource added by the app's setup once the Api is initialised (Flask-RESTful
        drops it, Flask-RESTX registers it at once) or its blueprint registered."""
        if self.rng.random() >= 0.3:
            return []
        name, lines, aborts = self.resource(resources, base, wrapped, package == "apis.restful" or RESTX_BY_METHOD)
        resources.body += lines
        app_module.imports.add(f"from {package} import {name}")
        return [f"{api}.add_resource({name}, {self.resource_urls([], name, aborts)})"]

    def resource_urls(self, pool: list[str], name: str, aborts: bool) -> str:
        """One or two urls from the Api's pool (then urls of its own), and maybe an endpoint."""
        rng = self.rng
        urls = [pool.pop(rng.randrange(len(pool))) if pool else f"/{name.lower()}" for _ in range(rng.randint(1, 2))]
        urls = list(dict.fromkeys(urls))
        endpoint = ""
        if aborts:
            endpoint = f", endpoint='{name.lower()}_aborts'"  # the oracle expects an HTTP error
        elif rng.random() < 0.2:
            endpoint = f", endpoint='{name.lower()}_named'"
        return ", ".join(repr(url) for url in urls) + endpoint

    def add_restful(self, parts: Parts, app_module: Module) -> None:
        """A Flask-RESTful Api: resources with verbs, ``decorators``, ``method_decorators``."""
        rng = self.rng
        resources = self.module("apis/restful")
        base = rng.choice(["Resource", "flask_restful.Resource"])
        resources.imports.add("from flask_restful import Resource" if base == "Resource" else "import flask_restful")
        where, home, target = self.api_home(parts, app_module, "restful")
        module = home or app_module
        module.imports.add("from flask_restful import Api as RestfulApi")
        args = [target] if target else []
        prefix = rng.choice(REST_PREFIXES)
        if prefix:
            args.append(f"prefix={prefix!r}")
        if rng.random() < 0.1:
            args.append("catch_all_404s=True")
        wrapped = rng.random() < 0.25
        if wrapped:
            args.append(f"decorators=[{self.cross_origin_call(module)}]")
        api = "rest_api"
        create = [f"{api} = RestfulApi({', '.join(args)})"]
        pool = list(REST_URLS)
        registrations, names = [], []
        for _ in range(rng.randint(1, 3)):
            name, lines, aborts = self.resource(resources, base, wrapped)
            urls = self.resource_urls(pool, name, aborts)
            if where == "module" and rng.random() < 0.5:  # @api.resource(...) above the class
                resources.body += [f"@{api}.resource({urls})", *lines]
                continue
            resources.body += lines
            registrations.append(f"{api}.add_resource({name}, {urls})")
            names.append(name)
        imports = {f"from apis.restful import {', '.join(names)}"} if names else set()
        if where == "module":  # made before its classes, for @api.resource
            resources.body[:0] = create
            create = []
        self.place_api(parts, app_module, where, home, api, imports, create + registrations,
                       lambda: self.added_later(resources, base, wrapped, api, app_module, "apis.restful"))

    def add_restx(self, parts: Parts, app_module: Module) -> None:
        """A Flask-RESTX Api with namespaces (``@ns.route`` with several urls, ``add_resource``,
        ``add_namespace(path=)``, ``api.namespace``), and the routes it adds itself."""
        rng = self.rng
        spaces = self.module("apis/restx")
        spaces.imports.add("from flask_restx import Namespace, Resource")
        where, home, target = self.api_home(parts, app_module, "restx")
        module = spaces if where == "module" else home or app_module
        module.imports.add("from flask_restx import Api as RestxApi")
        args = [target] if target else []
        prefix = rng.choice(REST_PREFIXES)
        if prefix:
            args.append(f"prefix={prefix!r}")
        args += rng.sample([rng.choice(["doc=False", "doc='/docs'"])], rng.randint(0, 1))
        wrapped = rng.random() < 0.2
        if wrapped:
            args.append(f"decorators=[{self.cross_origin_call(module)}]")
        api = "restx_api"
        setup = [f"{api} = RestxApi({', '.join(args)})"]
        for _ in range(rng.randint(1, 2)):
            self.view_counter += 1
            ns = f"ns{self.view_counter}"
            path = rng.choice([None, f"/{ns}", "/other/"])
            ns_args = f"{ns!r}, path={path!r}"
            ns_wrapped = wrapped
            if rng.random() < 0.2:
                ns_args += f", decorators=[{self.cross_origin_call(spaces)}]"
                ns_wrapped = True
            spaces.body.append(f"{ns} = Namespace({ns_args})")
            pool = list(REST_URLS)
            for _ in range(rng.randint(1, 2)):
                name, lines, aborts = self.resource(spaces, "Resource", ns_wrapped, RESTX_BY_METHOD)
                urls = self.resource_urls(pool, name, aborts)
                if rng.random() < 0.6:
                    spaces.body += [f"@{ns}.route({urls})", *lines]
                else:
                    spaces.body += [*lines, f"{ns}.add_resource({name}, {urls})"]
            override = rng.choice(["", "", f", path='/mounted{self.view_counter}'"])
            setup.append(f"{api}.add_namespace({ns}{override})")
            if where != "module":
                module.imports.add(f"from apis.restx import {ns}")
        if rng.random() < 0.3:  # a resource on the Api itself (its default namespace)
            name, lines, aborts = self.resource(spaces, "Resource", wrapped, RESTX_BY_METHOD)
            spaces.body += lines
            setup.append(f"{api}.add_resource({name}, {self.resource_urls(['/direct'], name, aborts)})")
            if where != "module":
                module.imports.add(f"from apis.restx import {name}")
        if rng.random() < 0.3:  # a namespace the Api makes itself
            self.view_counter += 1
            ns = f"made{self.view_counter}"
            name, lines, aborts = self.resource(spaces, "Resource", wrapped, RESTX_BY_METHOD)
            spaces.body += lines
            path = rng.choice(["", f", path='/{ns}'"])
            setup += [f"{ns} = {api}.namespace({ns!r}{path})",
                      f"{ns}.add_resource({name}, {self.resource_urls(list(REST_URLS), name, aborts)})"]
            if where != "module":
                module.imports.add(f"from apis.restx import {name}")
        self.place_api(parts, app_module, where, home, api, set(), setup,
                       lambda: self.added_later(spaces, "Resource", wrapped, api, app_module, "apis.restx"))

    def place_api(self, parts: Parts, app_module: Module, where: str, home: Module | None, api: str,
                  imports: set[str], setup: list[str], added_later) -> None:
        """Put the lines that make an Api and register on it where ``api_home`` chose; an Api
        made in a module is ``init_app``-ed by the app. ``added_later()``: lines for the app's
        setup that add a resource once that Api is initialised or its blueprint registered."""
        if where == "module":
            home.body += setup
            app_module.imports.add(f"from {home_name(self, home)} import {api}")
            self.in_app_setup(parts, app_module, [f"{api}.init_app(app)", *added_later()], set())
        elif where == "inline":
            self.in_app_setup(parts, app_module, setup, imports)
        else:
            home.imports.update(imports)
            home.body += setup
            later = added_later() if where == "blueprint" else []
            if later:
                app_module.imports.add(f"from {home_name(self, home)} import {api}")
                self.in_app_setup(parts, app_module, later, set())

    def view_class(self, module: Module, base: str, plain: bool = False) -> tuple[str, list[str], list[str]]:
        """A pluggable view class: its name, lines and the methods it answers. ``plain``: a
        ``View`` with ``methods`` and ``dispatch_request``; else a ``MethodView`` (or a subclass)."""
        rng = self.rng
        self.view_counter += 1
        name = f"View{self.view_counter}"
        lines = [f"class {name}({base}):"]
        if rng.random() < 0.35:
            lines.append(f"    decorators = [{self.cross_origin_call(module)}]")
        if rng.random() < 0.1:
            lines.append("    provide_automatic_options = False")
        if plain:
            methods = rng.sample(["GET", "POST", "PUT"], rng.randint(1, 2))
            lines += [f"    methods = {methods!r}", "    def dispatch_request(self, **kwargs):", "        return 'ok'"]
            return name, lines, methods
        verbs = rng.sample(VERBS, rng.randint(1, 3))
        for verb in verbs:
            lines += [f"    def {verb}(self, **kwargs):", "        return {'ok': True}"]
        return name, lines, [verb.upper() for verb in verbs]

    def add_smorest(self, parts: Parts, app_module: Module) -> None:
        """flask-smorest: its Api (made with the app or ``init_app``-ed) registering its Blueprints
        (MethodView and function routes, maybe a blueprint CORS), the prefix maybe overridden."""
        rng = self.rng
        module = self.module("apis/smorest")
        module.imports.update({"from flask_smorest import Blueprint", "from flask.views import MethodView"})
        registrations = []
        for _ in range(rng.randint(1, 2)):
            self.view_counter += 1
            blp = f"blp{self.view_counter}"
            prefix = rng.choice([f"/api/{blp}", f"/{blp}", None])
            module.body.append(f"{blp} = Blueprint('sm_{blp}', __name__, url_prefix={prefix!r})")
            if rng.random() < 0.3:
                args = ", ".join([blp, *self.options(module, True, rng.randint(1, 2))])
                module.body.append(f"{self.cors_name(module)}({args})")
            for _ in range(rng.randint(1, 3)):
                rule = f"/r{self.view_counter}" + rng.choice(["", "", "/<int:item_id>"])
                form = rng.choice(["class", "route", "verb"])
                if form == "class":
                    _, lines, _ = self.view_class(module, "MethodView")
                    module.body += [f"@{blp}.route({rule!r})", *lines]
                    continue
                self.view_counter += 1
                name = f"sm_view_{self.view_counter}" + ("_aborts" if rng.random() < 0.1 else "")
                methods = rng.choice(["", ", methods=['GET', 'POST']"])
                decorators = [f"@{blp}.route({rule!r}{methods})" if form == "route"
                              else f"@{blp}.{rng.choice(VERBS)}({rule!r})"]
                if rng.random() < 0.3:
                    decorators.append(f"@{self.cross_origin_call(module)}")
                body = "abort(403)" if name.endswith("_aborts") else "return {'ok': True}"
                if name.endswith("_aborts"):
                    module.imports.add("from flask import abort")
                module.body += [*decorators, f"def {name}(**kwargs):", f"    {body}"]
            override = rng.choice(["", "", f", url_prefix='/api/over/{blp}'"])
            registrations.append(f"smorest_api.register_blueprint({blp}{override})")
            app_module.imports.add(f"from apis.smorest import {blp}")
        docs = rng.choice(SMOREST_DOCS)
        config = f"app.config.update(API_TITLE='Shop', API_VERSION='1', OPENAPI_VERSION='3.0.2'{docs})"
        if rng.random() < 0.5:
            ext = self.module("apis/smorest_ext")
            ext.imports.add("from flask_smorest import Api as SmorestApi")
            ext.body.append("smorest_api = SmorestApi()")
            app_module.imports.add("from apis.smorest_ext import smorest_api")
            lines = [config, "smorest_api.init_app(app)"]
        else:
            app_module.imports.add("from flask_smorest import Api as SmorestApi")
            lines = [config, "smorest_api = SmorestApi(app)"]
        self.in_app_setup(parts, app_module, lines + registrations, set())

    def add_views(self, parts: Parts, app_module: Module) -> None:
        """Pluggable views: ``View`` with ``methods``, ``MethodView`` and subclasses of it, class
        ``decorators``, registered with ``as_view`` on the app or on a blueprint of the project."""
        rng = self.rng
        module = self.module("views/pluggable")
        module.imports.add("from flask.views import MethodView, View")
        classes: list[tuple[str, list[str]]] = []
        for _ in range(rng.randint(1, 3)):
            plain = rng.random() < 0.3
            base = "View" if plain else rng.choice(["MethodView"] + [c for c, _ in classes if c in self.method_views])
            name, lines, methods = self.view_class(module, base, plain)
            if not plain:
                self.method_views.add(name)
                methods = sorted(set(methods) | set(dict(classes).get(base, [])))
            module.body += lines
            classes.append((name, methods))
        for name, methods in classes:
            rule = f"/views/{name.lower()}" + rng.choice(["", "/<int:item_id>"])
            restrict = f", methods={sorted(rng.sample(methods, 1))!r}" if rng.random() < 0.2 else ""
            pao = ", provide_automatic_options=False" if rng.random() < 0.1 else ""
            arguments = f"{rule!r}, view_func={name}.as_view('pv_{name.lower()}'){restrict}{pao}"
            if parts.blueprints and rng.random() < 0.4:
                module_name, bp = rng.choice(parts.blueprints)
                bp_module = self.module(module_name)
                bp_module.imports.add(f"from views.pluggable import {name}")
                bp_module.body.append(f"{bp}.add_url_rule({arguments})")
            else:
                self.in_app_setup(parts, app_module, [f"app.add_url_rule({arguments})"],
                                  {f"from views.pluggable import {name}"})

    def add_plugins(self, parts: Parts, app_module: Module) -> None:
        """Plugin blueprints reached by ``importlib.import_module`` over a list of module names."""
        rng = self.rng
        names = []
        for _ in range(rng.randint(1, 2)):
            self.view_counter += 1
            name = f"plugin{self.view_counter}"
            module = self.module(f"plugins/{name}")
            module.imports.add("from flask import Blueprint")
            module.body.append(f"bp = Blueprint({name!r}, __name__, url_prefix={rng.choice(['/plugins', '/api'])!r})")
            if rng.random() < 0.3:
                module.body.append(f"{self.cors_name(module)}(bp, {', '.join(self.options(module, True, 1))})")
            module.body += self.view(module, "bp", f"/{name}", "", name)
            names.append(f"plugins.{name}")
        app_module.imports.add("import importlib")
        if rng.random() < 0.5:
            parts.top.append(f"PLUGINS = {names!r}")
            listed = "PLUGINS"
        else:
            listed = repr(tuple(names))
        self.in_app_setup(parts, app_module, [f"for plugin in {listed}:",
                                              "    app.register_blueprint(importlib.import_module(plugin).bp)"], set())

    def add_apiflask(self, parts: Parts, app_module: Module) -> None:
        """An APIBlueprint (verb shortcuts, a view class routed with ``route``); the app itself is
        made by APIFlask once every other part is placed (``make_apiflask``)."""
        rng = self.rng
        if rng.random() < 0.5:
            return
        module = self.module("apis/apiflask_bp")
        module.imports.add("from apiflask import APIBlueprint")
        prefix = rng.choice(["/api/abp", "/abp", None])
        module.body.append(f"abp = APIBlueprint('abp', __name__, url_prefix={prefix!r})")
        if rng.random() < 0.3:
            module.body.append(f"{self.cors_name(module)}(abp, {', '.join(self.options(module, True, 1))})")
        for _ in range(rng.randint(1, 3)):
            self.view_counter += 1
            rule = f"/a{self.view_counter}" + rng.choice(["", "/<int:item_id>"])
            if rng.random() < 0.3:
                module.imports.add("from apiflask.views import MethodView")
                _, lines, _ = self.view_class(module, "MethodView")
                module.body += [f"@abp.route({rule!r})", *lines]
                continue
            decorators = [f"@abp.{rng.choice(VERBS)}({rule!r})"]
            if rng.random() < 0.3:
                decorators.append("@abp.doc(summary='s')")
            if rng.random() < 0.3:
                decorators.append(f"@{self.cross_origin_call(module)}")
            module.body += [*decorators, f"def abp_view_{self.view_counter}(**kwargs):", "    return {'ok': True}"]
        self.in_app_setup(parts, app_module, ["app.register_blueprint(abp)"], {"from apis.apiflask_bp import abp"})

    def make_apiflask(self, app_module: Module) -> None:
        at = next(i for i, line in enumerate(app_module.body) if "app = Flask(" in line)
        arguments = self.rng.choice(APIFLASK_ARGUMENTS)
        app_module.body[at] = app_module.body[at].replace("Flask(__name__", f"APIFlask(__name__{arguments}")
        app_module.imports.add("from apiflask import APIFlask")
        if self.rng.random() < 0.15:  # the OpenAPI views' own decorators
            indent = app_module.body[at][:len(app_module.body[at]) - len(app_module.body[at].lstrip())]
            key = self.rng.choice(["SPEC_DECORATORS", "DOCS_DECORATORS"])
            app_module.body.insert(at + 1, f"{indent}app.config[{key!r}] = [{self.cross_origin_call(app_module)}]")


def home_name(generator: ProjectGenerator, module: Module) -> str:
    """The dotted name of one of the generator's modules."""
    return next(name for name, candidate in generator.modules.items() if candidate is module).replace("/", ".")


def generate_project(seed: int) -> dict[str, str]:
    return ProjectGenerator(seed).generate()
