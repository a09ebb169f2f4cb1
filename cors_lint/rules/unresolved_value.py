"""CORS027 unresolved-value."""

from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue

_MATTERS = ("origins", "supports_credentials", "allow_private_network")


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        for option in _MATTERS:
            value = layer.options.get(option)
            if isinstance(value, dict) and "unknown" in value:
                yield layer_issue(route, layer, f"`{option}` cannot be known statically ({value['unknown']}), so "
                                  "the CORS policy of {routes} cannot be verified", key=(option, value["unknown"]),
                                  option=option)
        resource = layer.resource
        if isinstance(resource, dict) and "unknown" in resource:
            yield layer_issue(route, layer, f"which resource applies cannot be known ({resource['unknown']}), so "
                              "the CORS policy of {routes} cannot be verified", key=("resource", resource["unknown"]))


RULE = Rule(
    id="CORS027",
    name="unresolved-value",
    severity="note",
    summary="A CORS option that decides who gets in cannot be resolved statically",
    doc="""
## What it does
Reports routes whose `origins`, `supports_credentials` or `allow_private_network`, or whose
matching resource, depend on something cors-lint cannot evaluate without running the code
(a function call, a file read at start-up, an environment variable without a default).

## Why is this bad?
Nothing is known to be wrong, but nothing is verified either: the other rules stay silent
about these routes. Raise the severity in the policy to require statically checkable CORS.

## Example
```python
CORS(app, origins=load_origins_from_vault())
```

## Use instead
```python
CORS(app, origins=os.environ.get("ORIGINS", "https://app.example.com").split(","))
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        from secrets_client import load_origins
        app = Flask(__name__)
        CORS(app, origins=load_origins(), supports_credentials=True)
        @app.route("/x")
        def x(): return "x"
        ''', severity="note", message=("`origins`", "secrets_client.load_origins()", "/x"),
            routes=("/static/<path:filename>", "/x")),
    ),
    valid=('''
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=os.environ.get("ORIGINS", "https://app.example.com").split(","))
        @app.route("/x")
        def x(): return "x"
        ''',),
)
