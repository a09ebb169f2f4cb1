"""A generator of varied, multi-module Flask projects that use flask-cors.

Each project is written as source text only; the engine reads it statically and the
differential test imports it for real. The forms combined are the ones cors-lint claims
to model: aliases, factories, init_app across modules, blueprints (nested, prefixed in
either place), resources in every shape, config in every form and order, decorators
(bare, misplaced, automatic_options=False, on MethodView), constants imported from other
modules, environment variables with defaults, re.compile and timedelta values, and
hand-written Access-Control-* headers (in views and in blueprint and app after_request hooks).
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
        main = self.module("main")
        if factory:
            main.imports.add("from factory import create_app")
            main.body.append("app = create_app()")
        else:
            main.imports.add("from appmod import app")
        files = {f"{name}.py": module.source() for name, module in self.modules.items()}
        files.setdefault("factory/__init__.py", "") if factory else None
        files["views/__init__.py"] = ""
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


def generate_project(seed: int) -> dict[str, str]:
    return ProjectGenerator(seed).generate()
