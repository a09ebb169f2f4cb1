"""CORS013 private-network-access."""

from cors_lint.core.origins import ANY_ORIGIN, accepts_everything
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of


def check(ctx: RuleContext):
    version = ctx.inventory.flask_cors
    for route, layer in ctx.layers():
        if layer.options.get("allow_private_network") is not True:
            continue
        cause = "allow_private_network=True"
        if version.get("version", "").startswith("4.0.") and not version.get("source", "").startswith("default"):
            cause = f"flask-cors {version['version']} ({version['source']}) answers it by default, CVE-2024-6221"
        wide = accepts_everything(origins_of(layer))
        yield layer_issue(route, layer, f"public websites may reach {{routes}} on private networks ({cause})",
                          key=(cause,), severity="error" if wide else "warning",
                          attacker=ANY_ORIGIN if wide else None, option="allow_private_network")


RULE = Rule(
    id="CORS013",
    name="private-network-access",
    severity="warning",
    summary="Access-Control-Allow-Private-Network: true is sent",
    doc="""
## What it does
Finds routes that answer Private Network Access preflights with `true`: `allow_private_network=True`
(or `CORS_ALLOW_PRIVATE_NETWORK`), or a pin of flask-cors 4.0.0-4.0.2, which does it by default.
An error when every origin is accepted too.

## Why is this bad?
Private Network Access is the browser's protection for services on intranets and
localhost. Allowing it lets public pages drive requests into the private network.

## Example
```python
CORS(app, allow_private_network=True)
```

## Use instead
Leave `allow_private_network` at its default (False since 5.0.0) and pin `flask-cors>=6.0.1`.
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com", allow_private_network=True)
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning", message=("allow_private_network=True", "/x"),
            routes=("/static/<path:filename>", "/x")),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com", allow_private_network=False)
        @app.route("/x")
        def x(): return "x"
        ''',),
)
