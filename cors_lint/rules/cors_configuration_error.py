"""CORS020 cors-configuration-error."""

from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        problem = layer.error or layer.note
        if problem:
            where = "the app fails to start" if layer.kind == "extension" and layer.error else \
                "requests to {routes} fail"
            yield layer_issue(route, layer, f"flask-cors cannot use these options ({problem}): {where}",
                              key=(problem,), severity="error" if layer.error else "warning")


RULE = Rule(
    id="CORS020",
    name="cors-configuration-error",
    severity="error",
    summary="Options flask-cors rejects: start-up failure or 500s",
    doc="""
## What it does
Finds options flask-cors raises on: `supports_credentials=True` with `send_wildcard=True` and
origins `*` (ValueError), and regex strings that do not compile (a start-up ValueError from
6.0.4, 500s or silent no-matches in older releases).

## Why is this bad?
An extension raises while the app is created; a decorator raises on every request to its
view, which then answers 500.

## Example
```python
CORS(app, supports_credentials=True, send_wildcard=True)
```

## Use instead
```python
CORS(app, origins=["https://app.example.com"], supports_credentials=True)
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/x")
        @cross_origin(supports_credentials=True, send_wildcard=True)
        def x(): return "x"
        ''', severity="error",
            message=("supports_credentials with the origin '*' and send_wildcard=True", "requests to /x fail"),
            routes=("/x",)),
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, allow_headers=["X-(Custom"])
        @app.route("/x")
        def x(): return "x"
        ''', severity="error",
            message=("invalid regular expression in allow_headers: 'X-(Custom'", "the app fails to start"),
            routes=("/static/<path:filename>", "/x")),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/x")
        @cross_origin(origins="https://app.example.com", supports_credentials=True)
        def x(): return "x"
        ''',),
)
