"""Random Flask-RESTful / Flask-RESTX apps for the framework tests: an Api on the app or on a
blueprint (built with it or initialised later), its prefix and decorators, namespaces, resources
with class ``decorators`` / ``method_decorators`` / ``provide_automatic_options``, resources that
abort, added before or after ``init_app`` and before or after the blueprint is registered,
Flask routes next to them, and flask-cors on the app and the blueprint before or after all that.
Every app imports cleanly under the real libraries (no endpoint clashes, no ``//`` joins).

One combination is left out: a ``cross_origin`` in ``method_decorators`` that makes every request
fail (it is applied to the bound method) on a resource that another ``cross_origin`` wraps.
Its preflights are answered by the outer decorator while its other requests get the error
path's headers, which the inventory's layer list cannot say: the route notes it instead
(see ``test_framework_restful``)."""

from __future__ import annotations

import random

ORIGINS = ['"https://a.example.com"', '["https://a.example.com", "https://b.example.com"]', '"*"',
           'r"https://.*\\.example\\.com"', '["https://b.example.com", "null"]', '"https://child.example.com"']
VERBS = ["get", "post", "put", "delete", "patch"]
URLS = ["/items", "/items/<int:item_id>", "/things/<string:name>", "/nested/deep", "/"]


def cors_options(rng: random.Random, decorator: bool = False) -> str:
    options = [f"origins={rng.choice(ORIGINS)}"]
    if rng.random() < 0.4:
        options.append("supports_credentials=True")
    if rng.random() < 0.5:
        options.append(f'expose_headers=["X-{rng.randint(1, 99)}"]')
    if rng.random() < 0.3:
        options.append(f"max_age={rng.choice([0, 60, 600])}")
    if rng.random() < 0.2:
        options.append('methods=["GET", "POST"]')
    if decorator and rng.random() < 0.3:
        options.append("automatic_options=False")
    if not decorator and rng.random() < 0.25:
        options.append(f'resources={{r"{rng.choice(["/api/*", "/p/*", "/bp/*", "/items*"])}": {{}}}}')
    if not decorator and rng.random() < 0.2:
        options.append("intercept_exceptions=False")
    return ", ".join(options)


def generate(seed: int, library: str) -> str:
    rng = random.Random(seed)
    restx = library == "flask_restx"
    lines = ["import os", "from flask import Flask, Blueprint, abort",
             f"from {library} import Api, Resource" + (", Namespace" if restx else ""),
             "from flask_cors import CORS, cross_origin", "app = Flask(__name__)"]
    if rng.random() < 0.2:
        lines.append("app.config['CORS_SUPPORTS_CREDENTIALS'] = True")
    on_blueprint = rng.random() < 0.5
    deferred = rng.random() < 0.4
    prefix = rng.choice(["", "/api", "/p"])
    api_args = [f'prefix="{prefix}"'] if prefix else []
    outer_decorators = rng.random() < 0.3
    if outer_decorators:
        api_args.append(f"decorators=[cross_origin({cors_options(rng, True)})]")
    if restx and rng.random() < 0.5:
        api_args.append(f"doc={rng.choice(['False', repr('/docs'), repr('/')])}")
    if rng.random() < 0.4:
        lines.append(f"CORS(app, {cors_options(rng)})")
    if on_blueprint:
        bp_prefix = rng.choice(["None", '"/bp"', '"/v1"'])
        lines.append(f'bp = Blueprint("bp", __name__, url_prefix={bp_prefix})')
        if rng.random() < 0.5:
            lines.append(f"CORS(bp, {cors_options(rng)})")
        if rng.random() < 0.3:
            lines += ['@bp.route("/flask-before")', "def flask_before(): return 'x'"]
    target = "bp" if on_blueprint else "app"
    if deferred:
        lines.append(f"api = Api({', '.join(api_args)})")
    else:
        lines.append(f"api = Api({', '.join([target] + api_args)})")
    namespaces = ["api"]
    if restx:
        for index in range(rng.randint(0, 2)):
            path = rng.choice(["None", '"/ns"', '"/other/"'])
            decorators = ""
            if rng.random() < 0.2:
                decorators = f", decorators=[cross_origin({cors_options(rng, True)})]"
                outer_decorators = True
            if rng.random() < 0.5:
                lines.append(f'ns{index} = api.namespace("n{index}", path={path}{decorators})')
            else:
                lines.append(f'ns{index} = Namespace("n{index}", path={path}{decorators})')
                override = rng.choice(["", ', path="/mounted"'])
                lines.append(f"api.add_namespace(ns{index}{override})")
            namespaces.append(f"ns{index}")
    registered = False
    initialised = not deferred
    used_endpoints: set[str] = set()
    for index in range(rng.randint(1, 4)):
        moment = rng.random()
        if deferred and not initialised and moment < 0.4:
            lines.append(f"api.init_app({target})")
            initialised = True
        if on_blueprint and initialised and not registered and moment > 0.85:
            lines.append(_register(rng))
            registered = True
        name = f"Res{index}"
        verbs = rng.sample(VERBS, rng.randint(1, 3))
        aborts = rng.random() < 0.2
        answer = "abort(403)" if aborts else "return {}"
        body = [f"    def {verb}(self, **kwargs): {answer}" for verb in verbs]
        class_decorators = rng.random() < 0.25
        if class_decorators:
            body.insert(0, f"    decorators = [cross_origin({cors_options(rng, True)})]")
        if rng.random() < 0.2:
            wrapped = outer_decorators or class_decorators
            automatic = ", automatic_options=False" if wrapped else rng.choice(["", ", automatic_options=False"])
            body.insert(0, f'    method_decorators = [cross_origin(origins="https://x.example.com"{automatic})]')
        if rng.random() < 0.15:
            body.insert(0, "    provide_automatic_options = False")
        urls = ", ".join(f'"{url}"' for url in rng.sample(URLS, rng.randint(1, 2)))
        endpoint = ""
        if aborts or rng.random() < 0.2:
            endpoint = f"r{index}_aborts" if aborts else f"r{index}_named"
            used_endpoints.add(endpoint)
        owner = rng.choice(namespaces)
        endpoint_arg = f', endpoint="{endpoint}"' if endpoint else ""
        if rng.random() < 0.5:
            decorator = "route" if restx else "resource"
            lines.append(f"@{owner}.{decorator}({urls}{endpoint_arg})")
            lines.append(f"class {name}(Resource):")
            lines += body
        else:
            lines.append(f"class {name}(Resource):")
            lines += body
            lines.append(f"{owner}.add_resource({name}, {urls}{endpoint_arg})")
    if on_blueprint and not registered and rng.random() < 0.3:
        lines += ['@bp.route("/flask-after")', "def flask_after(): return 'x'"]
    if deferred and not initialised:
        lines.append(f"api.init_app({target})")
    if on_blueprint and not registered:
        lines.append(_register(rng))
    if rng.random() < 0.5:
        lines.append(f"CORS(app, {cors_options(rng)})")
    if rng.random() < 0.3:
        lines += ['@app.route("/plain")', "def plain_aborts(): abort(403)"]
    return "\n".join(lines) + "\n"


def _register(rng: random.Random) -> str:
    override = rng.choice(["", ', url_prefix="/reg"'])
    return f"app.register_blueprint(bp{override})"
