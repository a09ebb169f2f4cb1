"""CORS004 null-origin-allowed."""

from cors_lint.core.origins import accepts, accepts_everything
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        origins = origins_of(layer)
        if accepts_everything(origins):
            continue  # reported as any-origin
        if any(accepts(entry, "null") for entry in origins):
            credentials = layer.options.get("supports_credentials") is True
            yield layer_issue(route, layer, "the `null` origin (sandboxed iframes, `data:` and `file:` pages, which "
                              "any site can create) is accepted on {routes}", key=("null",), attacker="null",
                              severity="error" if credentials else "warning", option="origins")


RULE = Rule(
    id="CORS004",
    name="null-origin-allowed",
    severity="warning",
    summary="The `null` origin is trusted",
    doc="""
## What it does
Finds routes whose origins accept the literal origin `null`.

## Why is this bad?
Browsers send `Origin: null` from sandboxed iframes, `data:` URLs and some redirects. Any
attacker can produce such a request, so trusting `null` is trusting everyone.

## Example
```python
CORS(app, origins=["https://app.example.com", "null"])
```

## Use instead
```python
CORS(app, origins=["https://app.example.com"])
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=("https://app.example.com", "null"))
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning", message=("the `null` origin", "/x"), routes=("/static/<path:filename>", "/x"),
            attacker_origin="null"),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=["https://app.example.com", "https://null.example.com"])
        @app.route("/x")
        def x(): return "x"
        ''',),
)
