"""CORS002 permissive-regex-origin."""

from cors_lint.core.origins import accepts_everything, attacker_origins, escaped_literal, is_regex
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of, show


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        origins = origins_of(layer)
        if accepts_everything(origins):
            continue  # CORS001 / CORS010
        credentials = layer.options.get("supports_credentials") is True
        for entry in origins:
            if not is_regex(entry) or escaped_literal(entry):
                continue  # literals, and escaped literals (CORS003 says more)
            found = attacker_origins(entry)
            if not found:
                continue
            with_what = "with credentials" if credentials else "without credentials"
            yield layer_issue(
                route, layer,
                f"`{found[0]}` is accepted {with_what} on {{routes}}: the regex origin `{show(entry)}` is matched "
                "with re.match (anchored at the start only)",
                key=(show(entry), credentials), attacker=found[0], severity="error" if credentials else "warning",
                option="origins",
            )


RULE = Rule(
    id="CORS002",
    name="permissive-regex-origin",
    severity="error",
    summary="A regex origin accepts origins outside the domain it was written for",
    doc="""
## What it does
Evaluates every regex origin the way flask-cors does (`re.match` with IGNORECASE, so only
the start is anchored) against origins an attacker can register, and reports the first one
that gets through: a missing `$` (`https://app.example.com.evil.example`), a missing label
boundary (`https://evilexample.com`), or an unescaped dot (`https://appxexample.com`).
An error with credentials, a warning without.

## Why is this bad?
Strings with any of `* \\ ] ? $ ^ [ ( )` are regexes to flask-cors, and `re.match` accepts
every string that *begins* with a match: `https://.*\\.example\\.com` accepts
`https://app.example.com.evil.example`.

## Example
```python
CORS(app, origins=[r"https://.*\\.example\\.com"], supports_credentials=True)
```

## Use instead
```python
CORS(app, origins=[r"^https://([a-z0-9-]+\\.)*example\\.com$"], supports_credentials=True)
```
""",
    check=check,
    invalid=(
        Invalid(r'''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=[r"https://.*\.example\.com"], supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
        ''', severity="error",
            message=("`https://app.example.com.evil.example`", "with credentials", r"`https://.*\.example\.com`",
                     "/me"),
            routes=("/me", "/static/<path:filename>"), attacker_origin="https://app.example.com.evil.example"),
        Invalid(r'''
        import re
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=re.compile(r"https://.*example\.com$"))
        @app.route("/me")
        def me(): return "me"
        ''', severity="warning",
            message=("`https://evilexample.com`", "without credentials", r"`re.compile('https://.*example\\.com$')`",
                     "/me"),
            routes=("/me", "/static/<path:filename>"), attacker_origin="https://evilexample.com"),
    ),
    valid=(
        r'''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=[r"^https://([a-z0-9-]+\.)*example\.com$", "https://partner.example.org"])
        @app.route("/me")
        def me(): return "me"
        ''',
        r'''
        from flask import Flask
        app = Flask(__name__)
        ALLOWED = [r"https://.*\.example\.com"]  # not passed to flask-cors
        @app.route("/me")
        def me(): return "me"
        ''',
    ),
)
