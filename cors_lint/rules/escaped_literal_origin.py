"""CORS003 escaped-literal-origin."""

from cors_lint.core.origins import EVIL, escaped_literal
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of, show


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        for entry in origins_of(layer):
            literal = escaped_literal(entry)
            if literal:
                yield layer_issue(route, layer,
                                  f"`{show(entry)}` is a regex because of its backslashes, so it also accepts "
                                  f"`{literal}.{EVIL}` on {{routes}}; write the literal `{literal}`",
                                  key=(entry,), attacker=f"{literal}.{EVIL}", option="origins")


RULE = Rule(
    id="CORS003",
    name="escaped-literal-origin",
    severity="warning",
    summary="An origin escaped like a regex turns a literal into a prefix match",
    doc="""
## What it does
Finds origins such as `r"https://example\\.com"` whose only regex syntax is escaped dots.

## Why is this bad?
The backslash makes flask-cors treat the string as a regex matched with `re.match`, so the
origin now also accepts `https://example.com.evil.example` and `https://example.com:8443`.
The plain string `"https://example.com"` would have been an exact, case-insensitive match.

## Example
```python
CORS(app, origins=[r"https://example\\.com"])
```

## Use instead
```python
CORS(app, origins=["https://example.com"])
```
""",
    check=check,
    invalid=(
        Invalid(r'''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=[r"https://example\.com"])
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning",
            message=(r"`https://example\.com`", "`https://example.com.evil.example`",
                     "write the literal `https://example.com`", "/x"),
            routes=("/static/<path:filename>", "/x"), attacker_origin="https://example.com.evil.example"),
    ),
    valid=(
        r'''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=["https://example.com", r"^https://example\.org$"])
        @app.route("/x")
        def x(): return "x"
        ''',
    ),
)
