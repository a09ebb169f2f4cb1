"""CORS035 duplicate-allow-origin."""

from __future__ import annotations

from cors_lint.core.route_order import describe_routes
from cors_lint.core.semantics import AFTER_CORS_HOOK
from cors_lint.rules.base import Invalid, Rule, RuleContext, is_listed, route_label, site_issue

_ACAO = "access-control-allow-origin"


def check(ctx: RuleContext):
    """A view that writes Access-Control-Allow-Origin itself under ``@cross_origin``: the decorator
    adds its own value to the response the view returned (flask-cors ``headers.add``), so a
    request from an origin the decorator allows gets two values. Likewise an ``after_request``
    hook that runs after ``CORS(app)``'s and adds the header instead of setting it."""
    sites = {(s["file"], s["line"]): s for s in ctx.sites("manual-header")
             if str(s["options"].get("header", "")).lower() == _ACAO}
    yield from _view_and_decorator(ctx, sites)
    yield from _hook_after_extension(ctx, sites)


def _view_and_decorator(ctx: RuleContext, sites: dict[tuple[str, int], dict]):
    routes_of: dict[tuple[str, int], set[str]] = {}
    decorators_of: dict[tuple[str, int], set[str]] = {}
    for route in ctx.routes():
        if not is_listed(route):
            continue
        decorators = [layer["source"] for layer in route.get("cors", [])
                      if layer["source"].get("kind") == "decorator" and layer.get("terminal")]
        if not decorators:
            continue
        for manual in route.get("manual_headers", []):
            place = (manual.get("file"), manual.get("line"))
            if place in sites and str(manual.get("via", "")).startswith("view"):
                routes_of.setdefault(place, set()).add(route_label(route))
                decorators_of.setdefault(place, set()).update(f"{d['file']}:{d['line']}" for d in decorators)
    for place, labels in sorted(routes_of.items()):
        routes = tuple(sorted(labels))
        where = ", ".join(sorted(decorators_of[place]))
        yield site_issue(sites[place], "Access-Control-Allow-Origin is written by hand in the view and again by "
                         f"`@cross_origin` ({where}), which adds its own value to the view's response: a request "
                         "from an origin the decorator allows gets two values, and browsers refuse the response "
                         f"(broken, not exposed) on {describe_routes(routes)}; keep one of the two",
                         key=("two-values",), routes=routes)


def _hook_after_extension(ctx: RuleContext, sites: dict[tuple[str, int], dict]):
    """``response.headers.add("Access-Control-Allow-Origin", ...)`` in an after_request hook
    that Flask runs after flask-cors's (registered before ``CORS(app)``): flask-cors added its own
    value already, so the response carries both for the origins flask-cors allows. (Assigned or
    ``set``, the hook's value replaces flask-cors's; run before it, flask-cors skips the response.)"""
    routes_of: dict[tuple[str, int], set[str]] = {}
    setups_of: dict[tuple[str, int], set[str]] = {}
    for route in ctx.routes():
        extensions = [layer["source"] for layer in route.get("cors", []) if layer["source"].get("kind") != "decorator"]
        if not is_listed(route) or not extensions:
            continue
        for manual in route.get("manual_headers", []):
            place = (manual.get("file"), manual.get("line"))
            site = sites.get(place)
            if site is None or not str(manual.get("via", "")).endswith(AFTER_CORS_HOOK) or \
                    not any(note in (".headers.add()", ".headers.extend()") for note in site.get("notes", [])):
                continue
            routes_of.setdefault(place, set()).add(route_label(route))
            setups_of.setdefault(place, set()).update(f"{e['file']}:{e['line']}" for e in extensions)
    for place, labels in sorted(routes_of.items()):
        routes = tuple(sorted(labels))
        where = ", ".join(sorted(setups_of[place]))
        yield site_issue(sites[place], "Access-Control-Allow-Origin is added by hand in an after_request hook that "
                         f"Flask runs after the one of `CORS(app)` ({where}), which has added its own value: a "
                         "request from an origin flask-cors allows gets two values, and browsers refuse the "
                         f"response (broken, not exposed) on {describe_routes(routes)}; set the header instead of "
                         "adding it, or keep one of the two", key=("two-values", "hook"), routes=routes)


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
