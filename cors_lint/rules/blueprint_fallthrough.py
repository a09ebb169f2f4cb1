"""CORS014 blueprint-fallthrough."""

from cors_lint.core.origins import accepted_attacker, accepts_any, is_regex
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of


def _leaks(blueprint_origins: list, app_origins: list) -> str | None:
    attacker = accepted_attacker(app_origins)
    if attacker and not accepts_any(blueprint_origins, attacker):
        return attacker
    for entry in app_origins:
        if isinstance(entry, str) and not is_regex(entry) and not accepts_any(blueprint_origins, entry):
            return entry
    return None


def check(ctx: RuleContext):
    for route in ctx.routes():
        layers = route.cors
        for index, layer in enumerate(layers):
            if layer.kind != "extension" or (layer.scope or "app") == "app":
                continue
            for later in layers[index + 1:]:
                if later.scope != "app":
                    continue
                leaked = _leaks(origins_of(layer), origins_of(later))
                if leaked:
                    source = later.source
                    yield layer_issue(route, layer, f"`{leaked}` is rejected by this blueprint's CORS but falls "
                                      f"through to the app-wide CORS at {source.file}:{source.line}, which "
                                      "accepts it, on {routes}", key=(leaked, source.file),
                                      attacker=leaked)
                    break


RULE = Rule(
    id="CORS014",
    name="blueprint-fallthrough",
    severity="error",
    summary="Blueprint CORS rejects an origin that the app-wide CORS then accepts",
    doc="""
## What it does
Finds blueprint routes where `CORS(bp, ...)` rejects an origin and a later app-level
`CORS(app, ...)` hook accepts it.

## Why is this bad?
Flask runs blueprint after-request hooks first; when the blueprint's hook sends no
`Access-Control-Allow-Origin`, flask-cors's app hook runs too and applies its own, usually
broader, policy. The blueprint restriction protects nothing.

## Example
```python
CORS(admin_bp, origins="https://admin.example.com")
CORS(app)
```

## Use instead
Exclude the blueprint from the app-wide resources (`resources={r"/api/.*": {...}}`), or give
both the same origins.
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask, Blueprint
        from flask_cors import CORS
        admin = Blueprint("admin", __name__, url_prefix="/admin")
        CORS(admin, origins="https://admin.example.com")
        @admin.route("/users")
        def users(): return "x"
        app = Flask(__name__)
        app.register_blueprint(admin)
        CORS(app)
        ''', severity="error", message=("`https://evil.example`", "app-wide CORS at app.py:9", "/admin/users"),
            routes=("/admin/users",), attacker_origin="https://evil.example"),
    ),
    valid=('''
        from flask import Flask, Blueprint
        from flask_cors import CORS
        admin = Blueprint("admin", __name__, url_prefix="/admin")
        CORS(admin, origins="https://admin.example.com")
        @admin.route("/users")
        def users(): return "x"
        app = Flask(__name__)
        app.register_blueprint(admin)
        CORS(app, resources={r"/api/.*": {"origins": "https://app.example.com"}})
        ''',),
)
