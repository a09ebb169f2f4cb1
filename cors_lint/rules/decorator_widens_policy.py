"""CORS009 decorator-widens-policy."""

from cors_lint.core.origins import accepted_attacker, accepts_any
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of
from cors_lint.rules.inventory import Place


def _extension_origins(ctx: RuleContext) -> dict[str, list[tuple[Place, list]]]:
    """Per app, the app-wide CORS layers' (source, origins), each distinct one once, in route order."""
    found: dict[str, list[tuple[Place, list]]] = {}
    seen: set[tuple[str, Place, str]] = set()
    for route in ctx.routes():
        for layer in route.cors + (route.cors_on_http_error or ()):
            if layer.kind == "extension" and layer.scope == "app":
                origins = origins_of(layer)
                distinct = (route.app, layer.source, repr(origins))
                if distinct not in seen:
                    seen.add(distinct)
                    found.setdefault(route.app, []).append((layer.source, origins))
    return found


def check(ctx: RuleContext):
    extension_origins = _extension_origins(ctx)  # once: each decorator compares with its app's
    for route, layer in ctx.layers():
        if layer.kind != "decorator":
            continue
        attacker = accepted_attacker(origins_of(layer))
        if attacker is None:
            continue
        restricted = [(source, origins) for source, origins in extension_origins.get(route.app, [])
                      if not accepts_any(origins, attacker)]
        if restricted:
            source = restricted[0][0]
            yield layer_issue(route, layer,
                              f"`{attacker}` is accepted on {{routes}}: @cross_origin ignores the options of "
                              f"CORS(app) at {source.file}:{source.line}, which would reject it",
                              key=(attacker,), attacker=attacker)


RULE = Rule(
    id="CORS009",
    name="decorator-widens-policy",
    severity="error",
    summary="A @cross_origin view accepts origins the app-wide CORS policy rejects",
    doc="""
## What it does
Finds `@cross_origin(...)` views that accept an origin the app's `CORS(app, ...)` would
refuse; typically a bare `@cross_origin()` added "to make it work".

## Why is this bad?
The decorator never inherits from `CORS(app)`: it starts from flask-cors's defaults (every
origin) plus `app.config`, and it answers alone for its view. A restricted app with one bare
decorator has an open endpoint.

## Example
```python
CORS(app, origins=["https://app.example.com"], supports_credentials=True)

@app.route("/export")
@cross_origin()
def export(): ...
```

## Use instead
```python
@app.route("/export")
@cross_origin(origins=["https://app.example.com"], supports_credentials=True)
def export(): ...
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import CORS, cross_origin
        app = Flask(__name__)
        CORS(app, origins=["https://app.example.com"], supports_credentials=True)
        @app.route("/export")
        @cross_origin()
        def export(): return "x"
        ''', severity="error", message=("`https://evil.example`", "/export", "CORS(app) at app.py:4"),
            routes=("/export",), attacker_origin="https://evil.example"),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import CORS, cross_origin
        app = Flask(__name__)
        CORS(app, origins=["https://app.example.com"])
        @app.route("/export")
        @cross_origin(origins=["https://app.example.com"])
        def export(): return "x"
        ''',),
)
