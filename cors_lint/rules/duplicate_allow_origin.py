"""CORS035 duplicate-allow-origin."""

from __future__ import annotations

from cors_lint.core.route_order import describe_routes
from cors_lint.core.semantics import AFTER_CORS_HOOK
from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue
from cors_lint.rules.inventory import ManualHeader, Place, Route, Site

_ACAO = "access-control-allow-origin"


def check(ctx: RuleContext):
    """A view that writes Access-Control-Allow-Origin itself under ``@cross_origin``: the decorator
    adds its own value to the response the view returned (flask-cors ``headers.add``), so a
    request from an origin the decorator allows gets two values. Likewise an ``after_request``
    hook that runs after ``CORS(app)``'s and adds the header instead of setting it."""
    sites = {s.place: s for s in ctx.sites("manual-header") if s.header == _ACAO}
    yield from _view_and_decorator(ctx, sites)
    yield from _hook_after_extension(ctx, sites)


def _view_and_decorator(ctx: RuleContext, sites: dict[tuple[str, int], Site]):
    def decorators(route: Route) -> list[Place]:
        return [layer.source for layer in route.cors if layer.kind == "decorator" and layer.terminal]

    def in_view(manual: ManualHeader, site: Site) -> bool:
        return manual.via.startswith("view")

    for place, (routes, where) in _second_values(ctx, sites, decorators, in_view):
        yield site_issue(sites[place], "Access-Control-Allow-Origin is written by hand in the view and again by "
                         f"`@cross_origin` ({where}), which adds its own value to the view's response: a request "
                         "from an origin the decorator allows gets two values, and browsers refuse the response "
                         f"(broken, not exposed) on {describe_routes(routes)}; keep one of the two",
                         key=("two-values",), routes=routes)


def _hook_after_extension(ctx: RuleContext, sites: dict[tuple[str, int], Site]):
    """``response.headers.add("Access-Control-Allow-Origin", ...)`` in an after_request hook
    that Flask runs after flask-cors's (registered before ``CORS(app)``): flask-cors added its own
    value already, so the response carries both for the origins flask-cors allows. (Assigned or
    ``set``, the hook's value replaces flask-cors's; run before it, flask-cors skips the response.)"""
    def extensions(route: Route) -> list[Place]:
        return [layer.source for layer in route.cors if layer.kind != "decorator"]

    def added_after(manual: ManualHeader, site: Site) -> bool:
        return manual.via.endswith(AFTER_CORS_HOOK) and \
            any(note in (".headers.add()", ".headers.extend()") for note in site.notes)

    for place, (routes, where) in _second_values(ctx, sites, extensions, added_after):
        yield site_issue(sites[place], "Access-Control-Allow-Origin is added by hand in an after_request hook that "
                         f"Flask runs after the one of `CORS(app)` ({where}), which has added its own value: a "
                         "request from an origin flask-cors allows gets two values, and browsers refuse the "
                         f"response (broken, not exposed) on {describe_routes(routes)}; set the header instead of "
                         "adding it, or keep one of the two", key=("two-values", "hook"), routes=routes)


def _second_values(ctx: RuleContext, sites: dict[tuple[str, int], Site], setups_of, doubles
                   ) -> list[tuple[tuple[str, int], tuple[tuple[str, ...], str]]]:
    """The hand-written sites that give a second value, in place order, each with its routes and
    the flask-cors setups that add the other: ``setups_of(route)`` the setups adding a value to
    the route's responses, ``doubles(manual, site)`` whether the route's hand-written header adds
    to theirs."""
    found: dict[tuple[str, int], tuple[set[str], set[str]]] = {}
    for route in ctx.routes():
        setups = setups_of(route) if route.listed else []
        if not setups:
            continue
        for manual in route.manual_headers:
            place = manual.place
            if place in sites and doubles(manual, sites[place]):
                labels, where = found.setdefault(place, (set(), set()))
                labels.add(route.label)
                where.update(f"{setup.file}:{setup.line}" for setup in setups)
    return [(place, (tuple(sorted(labels)), ", ".join(sorted(where))))
            for place, (labels, where) in sorted(found.items())]


RULE = Rule(
    id="CORS035",
    name="duplicate-allow-origin",
    severity="warning",
    summary="A response gets two Access-Control-Allow-Origin values (a hand-written one and flask-cors's)",
    doc="""
## What it does
Finds views that write `Access-Control-Allow-Origin` themselves (directly or through a helper
they call) and are also decorated with `@cross_origin`, and `after_request` hooks that add the
header (`headers.add`) after the hook of `CORS(app)` has run (Flask runs the hooks of a scope
in reverse order of registration: a hook registered before `CORS(app)` runs after it).

## Why is this bad?
`@cross_origin` does not look at the headers the view already set: it adds its own
`Access-Control-Allow-Origin` to the response with `headers.add`. A request from an origin the
decorator allows then gets two values (`*, https://app.example.com`), and browsers reject a
CORS response whose `Access-Control-Allow-Origin` holds more than one value: the call fails
in the browser for exactly the origins that were meant to be allowed. (With `CORS(app)` instead
of the decorator, flask-cors skips a response that already has the header: the hand-written
value wins silently.)

## Example
```python
@app.route("/data")
@cross_origin(origins="https://app.example.com")
def data():
    response = jsonify(items=[])
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
```

## Use instead
```python
@app.route("/data")
@cross_origin(origins="https://app.example.com")
def data():
    return jsonify(items=[])
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask, jsonify
        from flask_cors import cross_origin
        app = Flask(__name__, static_folder=None)
        @app.route("/data")
        @cross_origin(origins="https://app.example.com")
        def data():
            response = jsonify(items=[])
            response.headers["Access-Control-Allow-Origin"] = "*"
            return response
        ''', severity="warning", message=("two values", "/data", "browsers refuse"), routes=("/data",)),
        Invalid('''
        from flask import Flask, jsonify
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        @app.after_request
        def add_origin(response):
            response.headers.add("Access-Control-Allow-Origin", "https://app.example.com")
            return response
        CORS(app)
        @app.route("/data")
        def data():
            return jsonify(items=[])
        ''', severity="warning", message=("two values", "after_request", "/data"),
                routes=("/data",)),
    ),
    valid=('''
        from flask import Flask, jsonify
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        CORS(app)
        @app.after_request
        def add_origin(response):
            response.headers.add("Access-Control-Allow-Origin", "https://app.example.com")
            return response
        @app.route("/data")
        def data():
            return jsonify(items=[])
        ''', '''
        from flask import Flask, jsonify
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        @app.after_request
        def add_origin(response):
            response.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
            return response
        CORS(app)
        @app.route("/data")
        def data():
            return jsonify(items=[])
        ''', '''
        from flask import Flask, jsonify
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        CORS(app, origins="https://app.example.com")
        @app.route("/data")
        def data():
            response = jsonify(items=[])
            response.headers["Access-Control-Allow-Origin"] = "*"
            return response
        ''', '''
        from flask import Flask, jsonify
        from flask_cors import cross_origin
        app = Flask(__name__, static_folder=None)
        @app.route("/data")
        @cross_origin(origins="https://app.example.com")
        def data():
            return jsonify(items=[])
        '''),
)
