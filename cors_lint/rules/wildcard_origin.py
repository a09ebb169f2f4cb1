"""CORS007 wildcard-origin."""

from cors_lint.core.origins import ANY_ORIGIN, accepts_everything
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        if layer.options.get("supports_credentials") is True:
            continue  # CORS001
        if ctx.requirement(route).get("wildcard") == "allowed":
            continue  # the policy says this route is public
        if accepts_everything(origins_of(layer)):
            yield layer_issue(route, layer, "every origin may read {routes} (origins `*`, without credentials)",
                              key=("*",), attacker=ANY_ORIGIN, option="origins")


RULE = Rule(
    id="CORS007",
    name="wildcard-origin",
    severity="warning",
    summary="Every origin may read the route (no credentials)",
    environments=("production", "staging"),
    doc="""
## What it does
Finds routes that accept every origin without credentials: flask-cors's default when
`origins` is not set anywhere, `"*"`, or an all-accepting regex. By default it applies to
production and staging; public endpoints can be allowed per route in the policy.

## Why is this bad?
Without credentials the browser sends no cookies, but responses are still readable by any
site: anything reachable from the victim's network (intranet services, IP-restricted
APIs) or personalised by other means leaks.

## Example
```python
CORS(app)
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
        CORS(app)
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning", message=("every origin may read", "/x", "without credentials"),
            routes=("/static/<path:filename>", "/x"), attacker_origin="https://evil.example"),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com")
        @app.route("/x")
        def x(): return "x"
        ''',),
)
