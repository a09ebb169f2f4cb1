"""CORS021 multiple-cors-calls."""

from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue


def check(ctx: RuleContext):
    for route in ctx.routes():
        app_layers = [layer for layer in route.cors if layer.kind == "extension"
                      and layer.scope == "app"]
        sources = {(layer.source.file, layer.source.line) for layer in app_layers}
        if len(sources) > 1:
            first = app_layers[-1]
            others = ", ".join(f"{f}:{n}" for f, n in sorted(sources))
            yield layer_issue(route, first, f"{len(sources)} CORS(app) calls apply to {{routes}} ({others}): "
                              "flask-cors runs them all, so their origins add up rather than replace each other",
                              key=tuple(sorted(file for file, _ in sources)))


RULE = Rule(
    id="CORS021",
    name="multiple-cors-calls",
    severity="warning",
    summary="Several CORS(app) calls cover the same routes (their policies form a union)",
    doc="""
## What it does
Finds routes covered by more than one app-level `CORS(...)` / `init_app(...)` hook.

## Why is this bad?
Each call registers its own after-request hook; a later one acts whenever the earlier ones
sent no `Access-Control-Allow-Origin`, so the allowed origins are the union of all calls.
The second call usually was meant to replace the first.

## Example
```python
CORS(app, origins="https://app.example.com")
CORS(app)  # added later "for the health check"
```

## Use instead
One `CORS(app, resources={...})` with a resource per route group.
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com")
        CORS(app, origins="https://other.example.com")
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning", message=("2 CORS(app) calls", "(app.py:4, app.py:5)", "/x"),
            routes=("/static/<path:filename>", "/x")),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, resources={"/x": {"origins": "https://app.example.com"}, "/y": {"origins": "https://other.example.com"}})
        @app.route("/x")
        def x(): return "x"
        ''',),
)
