"""CORS032 origins-from-environment."""

from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue


def _empty_or_unknown(origins) -> str | None:
    """Why the code holds no allow-list of its own: the value is unknown, or empty."""
    if isinstance(origins, dict) and "unknown" in origins:
        return "no fallback in the code"
    if origins in ("", [], [""]):
        return "an empty fallback in the code"
    return None


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        variables = layer.env.get("origins")
        if layer.options.get("supports_credentials") is not True or not variables:
            continue
        why = _empty_or_unknown(layer.options.get("origins"))
        if why is None:
            continue
        names = ", ".join(f"${name}" for name in sorted(variables))
        yield layer_issue(route, layer, f"the origins allowed with credentials on {{routes}} come only from {names} "
                          f"({why}): the allow-list lives outside the code and cannot be reviewed here",
                          key=("env-only-origins", *sorted(variables)), option="origins")


RULE = Rule(
    id="CORS032",
    name="origins-from-environment",
    severity="warning",
    summary="Credentialed CORS whose allowed origins come only from an environment variable",
    environments=("production",),
    doc="""
## What it does
Finds credentialed CORS (`supports_credentials=True`) whose `origins` are read from an
environment variable with no literal fallback in the code, or an empty one, and names the
variable.

## Why is this bad?
Which websites may read authenticated responses is then decided by whoever sets the variable
in each deployment, and a reviewer of the code cannot see it: a `*`, a typo that widens a
regex or an attacker's domain in that variable is invisible to code review and to this linter.

## Example
```python
CORS(app, origins=os.environ["ALLOWED_ORIGINS"].split(","), supports_credentials=True)
```

## Use instead
```python
CORS(app, origins=["https://app.example.com"], supports_credentials=True)
```
or keep the variable but state the allowed values in the code and check it against them.
""",
    check=check,
    invalid=(
        Invalid("""
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        CORS(app, origins=os.environ["ALLOWED_ORIGINS"].split(","), supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
        """, severity="warning", message=("$ALLOWED_ORIGINS", "no fallback in the code", "/me"), routes=("/me",)),
        Invalid("""
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        app.config["CORS_ORIGINS"] = os.getenv("CORS_ORIGINS", "")
        CORS(app, supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
        """, severity="warning", message=("$CORS_ORIGINS", "an empty fallback"), routes=("/me",)),
    ),
    valid=(
        """
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=os.getenv("ALLOWED_ORIGINS", "https://app.example.com"), supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
        """,
        """
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=os.environ["ALLOWED_ORIGINS"].split(","))
        @app.route("/me")
        def me(): return "me"
        """,
    ),
)
