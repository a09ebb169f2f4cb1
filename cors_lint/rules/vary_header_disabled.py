"""CORS016 vary-header-disabled."""

from cors_lint.core.origins import is_regex, is_wildcard
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        options = layer.options
        origins = origins_of(layer)
        reflects = len(origins) > 1 or any(is_regex(o) and not is_wildcard(o) for o in origins) or (
            any(is_wildcard(o) for o in origins) and not options.get("send_wildcard"))
        if options.get("vary_header") is False and reflects:
            yield layer_issue(route, layer, "vary_header=False while Access-Control-Allow-Origin echoes the request "
                              "origin on {routes}: shared caches may serve one origin's answer to another",
                              key=("vary",), option="vary_header")


RULE = Rule(
    id="CORS016",
    name="vary-header-disabled",
    severity="warning",
    summary="vary_header=False while the allowed origin depends on the request",
    doc="""
## What it does
Finds `vary_header=False` (or `CORS_VARY_HEADER`) on routes whose
`Access-Control-Allow-Origin` is the request's own origin (several origins, a regex, or `*`
reflected).

## Why is this bad?
Without `Vary: Origin`, a CDN or proxy may cache the response for one origin and serve it,
with that origin's CORS headers, to others: cache poisoning of the CORS decision.

## Example
```python
CORS(app, origins=["https://a.example.com", "https://b.example.com"], vary_header=False)
```

## Use instead
Leave `vary_header` at its default (True).
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=["https://a.example.com", "https://b.example.com"], vary_header=False)
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning", message=("vary_header=False", "/x"), routes=("/static/<path:filename>", "/x")),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://a.example.com", vary_header=False)
        @app.route("/x")
        def x(): return "x"
        ''',),
)
