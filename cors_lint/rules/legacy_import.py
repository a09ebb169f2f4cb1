"""CORS022 legacy-import."""

from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue


def check(ctx: RuleContext):
    for site in ctx.sites("extension", "init_app", "decorator"):
        if any("flask.ext.cors" in note for note in site.notes):
            yield site_issue(site, "flask.ext.cors was removed in Flask 1.0: this import fails, so this CORS "
                             "setup never runs; import from flask_cors", key=("flask.ext",))


RULE = Rule(
    id="CORS022",
    name="legacy-import",
    severity="warning",
    summary="flask-cors imported through the removed flask.ext namespace",
    doc="""
## What it does
Finds `from flask.ext.cors import ...`.

## Why is this bad?
The `flask.ext` shim was removed in Flask 1.0: the import raises `ModuleNotFoundError`, so
the module fails to load (or a `try`/`except` silently skips the CORS setup).

## Example
```python
from flask.ext.cors import CORS
```

## Use instead
```python
from flask_cors import CORS
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask.ext.cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com")
        ''', severity="warning", message=("flask.ext.cors", "import from flask_cors"), fixed='''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com")
        '''),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com")
        ''',),
)
