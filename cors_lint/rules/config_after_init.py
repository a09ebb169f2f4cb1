"""CORS011 config-after-init."""

from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue


def check(ctx: RuleContext):
    for site in ctx.sites("config"):
        after = site.after_cors_init
        keys = sorted(site.options)
        if after and keys:
            yield site_issue(site, f"{', '.join(keys)} set after CORS(app) at {after.file}:{after.line} "
                             "read app.config: the extension never sees it (only @cross_origin views do)",
                             key=tuple(keys))


RULE = Rule(
    id="CORS011",
    name="config-after-init",
    severity="warning",
    summary="CORS_* config set after CORS(app) has already read it",
    doc="""
## What it does
Finds `app.config["CORS_*"] = ...` (and `update`, `from_mapping`, `from_object`) executed
after `CORS(app)` / `init_app(app)` for the same app, in statement order across modules.

## Why is this bad?
The extension snapshots `app.config` inside `init_app`; later changes do nothing for it,
while `@cross_origin` views read config live. The app then runs two different policies.

## Example
```python
CORS(app)
app.config["CORS_ORIGINS"] = ["https://app.example.com"]
```

## Use instead
```python
app.config["CORS_ORIGINS"] = ["https://app.example.com"]
CORS(app)
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com")
        app.config.update(CORS_SUPPORTS_CREDENTIALS=True)
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning", message=("CORS_SUPPORTS_CREDENTIALS set after CORS(app) at app.py:4",), fixed='''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        app.config.update(CORS_SUPPORTS_CREDENTIALS=True)
        CORS(app, origins="https://app.example.com")
        @app.route("/x")
        def x(): return "x"
        '''),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        app.config.update(CORS_ORIGINS="https://app.example.com")
        CORS(app)
        app.config["SECRET_KEY"] = "x"
        @app.route("/x")
        def x(): return "x"
        ''',),
)
