"""CORS008 insecure-origin."""

from cors_lint.core.origins import host_of, is_regex, pattern_text
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of, show

_LOCAL = ("localhost", "127.0.0.1", "0.0.0.0", "[::1]", "::1")


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        for entry in origins_of(layer):
            lowered = pattern_text(entry).lstrip("^").lower()
            host = host_of(lowered.replace("\\.", ".").replace("https?://", "http://"))
            if host in _LOCAL or host.strip("[]") in _LOCAL:
                yield layer_issue(route, layer, f"`{show(entry)}` trusts a local development origin on {{routes}}",
                                  key=("local", show(entry)), attacker=None, option="origins")
            elif lowered.startswith("http://") or (is_regex(entry) and lowered.startswith(("https?://", "http(s)?"))):
                yield layer_issue(route, layer, f"`{show(entry)}` trusts plain-http pages, which anyone on the "
                                  f"network path can inject script into (on {{routes}})", key=("http", show(entry)), option="origins")


RULE = Rule(
    id="CORS008",
    name="insecure-origin",
    severity="warning",
    summary="An http:// or localhost origin is trusted",
    environments=("production", "staging"),
    doc="""
## What it does
Finds `http://` origins (or regexes that accept them) and localhost / loopback origins. By
default it applies to production and staging.

## Why is this bad?
A page served over plain http can be modified by anyone on the network path, who then reads
the API with the trust the origin was given. Localhost origins let any local process or
dev server in the user's browser in.

## Example
```python
CORS(app, origins=["https://app.example.com", "http://localhost:3000"])
```

## Use instead
Keep development origins in development configuration only.
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=["https://app.example.com", "http://localhost:3000"])
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning", message=("`http://localhost:3000`", "local development origin", "/x"),
            routes=("/static/<path:filename>", "/x")),
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=["https://app.example.com", "http://app.example.com"])
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning", message=("`http://app.example.com`", "plain-http", "/x"),
            routes=("/static/<path:filename>", "/x")),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=["https://app.example.com", "https://localhost-tools.example.com"])
        @app.route("/x")
        def x(): return "x"
        ''',),
)
