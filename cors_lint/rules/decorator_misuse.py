"""CORS010 decorator-misuse."""

from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue

_PROBLEMS = (
    ("without parentheses", "error", "`@cross_origin` without parentheses replaces the view: every request to "
     "`{target}` fails with 500"),
    ("above the route decorator", "warning", "`@cross_origin` is above the route decorator, so `{target}` is "
     "registered without it: the decorator has no effect"),
    ("positional arguments", "warning", "cross_origin() ignores positional arguments: `{target}` uses the default "
     "origins `*`, not the one passed positionally"),
    ("of a View class", "note", "`{target}` sets decorators=[cross_origin(...)]: Flask answers preflight requests "
     "itself, so they get no CORS headers from it"),
)


def check(ctx: RuleContext):
    for site in ctx.sites("decorator"):
        for fragment, severity, message in _PROBLEMS:
            if any(fragment in note for note in site.notes):
                yield site_issue(site, message.format(target=site.target), key=(fragment,), severity=severity)


RULE = Rule(
    id="CORS010",
    name="decorator-misuse",
    severity="warning",
    summary="@cross_origin used in a way that changes what it does",
    doc="""
## What it does
Finds `@cross_origin` placed above `@app.route` (no effect), used without parentheses (every
request fails with 500), given positional arguments (ignored), or used in a View class's
`decorators` list (preflights get no headers).

## Why is this bad?
Each of these silently produces a CORS policy different from the one written.

## Example
```python
@cross_origin(origins="https://app.example.com")
@app.route("/x")
def x(): ...
```

## Use instead
```python
@app.route("/x")
@cross_origin(origins="https://app.example.com")
def x(): ...
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @cross_origin(origins="https://app.example.com")
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning", message=("above the route decorator", "`x`", "no effect"), fixed='''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/x")
        @cross_origin(origins="https://app.example.com")
        def x(): return "x"
        '''),
        Invalid('''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/x")
        @cross_origin
        def x(): return "x"
        ''', severity="error", message=("without parentheses", "`x`", "fails with 500")),
        Invalid('''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/x")
        @cross_origin("https://app.example.com")
        def x(): return "x"
        ''', severity="warning", message=("ignores positional arguments", "`x`", "default origins `*`"), fixed='''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/x")
        @cross_origin(origins="https://app.example.com")
        def x(): return "x"
        '''),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/x")
        @cross_origin(origins="https://app.example.com")
        def x(): return "x"
        ''',),
)
