"""CORS001 credentials-with-any-origin."""

import re
from typing import Any

from cors_lint.core.origins import ANY_ORIGIN, accepts_everything
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of

_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d+)?$")
SHOWN = 3  # origins named in the message


def check(ctx: RuleContext):
    decide = None  # the same for every finding: worked out at the first
    for route, layer in ctx.layers():
        options = layer.options
        if options.get("supports_credentials") is True and accepts_everything(origins_of(layer)):
            decide = decide or what_to_decide(ctx)
            # the advice before the routes: a condition the finding holds under follows them in text
            yield layer_issue(route, layer, f"any origin, e.g. `{ANY_ORIGIN}`, can read authenticated "
                              f"responses ({decide}): credentials are allowed and the request's Origin is reflected "
                              "on {routes}", key=("any-origin",), attacker=ANY_ORIGIN, option="origins")


def what_to_decide(ctx: RuleContext) -> str:
    """No edit is safe (which sites may read a user's data is the owner's call): what to decide,
    with the origins the policy allows here, else those the project already names."""
    allowed = [spec["exact"] for spec in ctx.settings.get("allowed_origins") or () if "exact" in spec]
    if allowed:
        source, origins = "the policy allows", allowed
    else:
        source, origins = "the project names", sorted(_named_origins(ctx))
    hint = ""
    if origins:
        listed = ", ".join(f"`{origin}`" for origin in origins[:SHOWN])
        hint = f"; {source} {listed}{', ...' if len(origins) > SHOWN else ''}"
    return f"decide which origins may read with credentials and list them in `origins`{hint}"


def _named_origins(ctx: RuleContext) -> set[str]:
    """Every origin written as a literal in the project's CORS setup: options of every site
    (config, decorators, Socket.IO, hand-written headers) and the origins of every layer."""
    found: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, str):
            if _ORIGIN.match(value):
                found.add(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)
        elif isinstance(value, dict) and "regex" not in value:
            for item in value.values():
                collect(item)

    for site in ctx.sites():
        collect(dict(site.options))
    for _, layer in ctx.layers():
        collect(origins_of(layer))
    return found


RULE = Rule(
    id="CORS001",
    name="credentials-with-any-origin",
    severity="error",
    summary="Credentials allowed for every origin (flask-cors reflects the request's Origin)",
    doc="""
## What it does
Finds routes where `supports_credentials` is true and the origins are effectively any: the
default (`origins` set nowhere), `"*"`, `".*"`, a list containing `"*"`, or a regex that
accepts everything. Config keys (`CORS_SUPPORTS_CREDENTIALS`) and string booleans count.

## Why is this bad?
flask-cors does not refuse this combination: it echoes whatever `Origin` the browser sends
and adds `Access-Control-Allow-Credentials: true`, so any website a user visits can read
their authenticated responses.

## Example
```python
CORS(app, supports_credentials=True)
```

## Use instead
```python
CORS(app, origins=["https://app.example.com"], supports_credentials=True)
```
""",
    check=check,
    invalid=(
        Invalid("""
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
        """, severity="error", message=("`https://evil.example`", "credentials are allowed", "/me"),
            routes=("/me", "/static/<path:filename>"), attacker_origin="https://evil.example"),
        Invalid("""
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        app.config["CORS_SUPPORTS_CREDENTIALS"] = "False"
        @app.route("/me")
        @cross_origin(origins=["https://app.example.com", "*"])
        def me(): return "me"
        """, severity="error", message=("`https://evil.example`", "credentials are allowed", "/me"), routes=("/me",),
            attacker_origin="https://evil.example"),
    ),
    valid=(
        """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=["https://app.example.com"], supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
        """,
        """
        from flask import Flask
        from cors import CORS
        app = Flask(__name__)
        CORS(app, supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
        """,
    ),
)
