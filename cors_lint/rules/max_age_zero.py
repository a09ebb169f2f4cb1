"""CORS023 max-age-zero."""

from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        if layer.options.get("max_age") == 0:
            yield layer_issue(route, layer, "max_age=0 is falsy, so flask-cors omits Access-Control-Max-Age on "
                              "{routes} (browsers then cache preflights for their default); use timedelta(0) or "
                              "\"0\"", key=("max_age",), option="max_age")


RULE = Rule(
    id="CORS023",
    name="max-age-zero",
    severity="note",
    summary="max_age=0 drops the Access-Control-Max-Age header instead of disabling preflight caching",
    doc="""
## What it does
Finds `max_age=0` (or `CORS_MAX_AGE = 0`).

## Why is this bad?
flask-cors omits every falsy header value, so the intent "do not cache preflights" is lost.

## Example
```python
CORS(app, max_age=0)
```

## Use instead
```python
CORS(app, max_age=timedelta(0))
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com", max_age=0)
        @app.route("/x")
        def x(): return "x"
        ''', severity="note", message=("max_age=0", "/x", "timedelta(0)"), routes=("/static/<path:filename>", "/x")),
    ),
    valid=('''
        from datetime import timedelta
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com", max_age=timedelta(0))
        @app.route("/x")
        def x(): return "x"
        ''',),
)
