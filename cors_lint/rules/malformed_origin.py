"""CORS006 malformed-origin."""

from cors_lint.core.origins import is_regex
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue


def _problem(entry: str) -> str | None:
    if "," in entry:
        return "contains a comma: flask-cors never splits strings, so no single value can equal it"
    if entry != entry.strip():
        return "has surrounding whitespace, so no request origin can equal it"
    if "://" in entry and entry.split("://", 1)[1].rstrip("/").count("/") > 0:
        return "has a path: origins are scheme://host[:port], so it never matches"
    if entry.endswith("/") and "://" in entry:
        return "ends with `/`: browsers send origins without one, so it never matches"
    return None


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        for option in ("origins", "allow_headers"):
            values = layer.options.get(option)
            if not isinstance(values, list):
                continue
            for entry in values:
                if not isinstance(entry, str) or is_regex(entry):
                    continue
                problem = _problem(entry) if option == "origins" else (
                    "contains a comma: flask-cors never splits strings" if "," in entry else None)
                if problem:
                    env = layer.env.get(option)
                    source = f" (read from ${env[0]})" if env else ""
                    yield layer_issue(route, layer, f"{option} value `{entry}`{source} {problem} (on {{routes}})",
                                      key=(option, entry))


RULE = Rule(
    id="CORS006",
    name="malformed-origin",
    severity="warning",
    summary="An origin or header that can never match (comma-joined, padded, or with a path)",
    doc="""
## What it does
Finds `origins` or `allow_headers` strings that flask-cors compares as a whole but that no
request can ever send: `"https://a.com,https://b.com"`, `" https://b.com"`,
`"https://a.com/"`, `"Content-Type,Authorization"`. The usual source is an environment
variable read without `.split(",")`.

## Why is this bad?
The allow-list silently matches nothing (and with no `Origin` header flask-cors sends the
whole comma string as `Access-Control-Allow-Origin`, an invalid value). Teams then "fix" it
with `*`.

## Example
```python
CORS(app, origins=os.environ.get("ORIGINS", "https://a.example.com,https://b.example.com"))
```

## Use instead
```python
CORS(app, origins=[o.strip() for o in os.environ.get("ORIGINS", "...").split(",")])
```
""",
    check=check,
    invalid=(
        Invalid('''
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=os.environ.get("ORIGINS", "https://a.example.com,https://b.example.com"))
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning",
            message=("origins value `https://a.example.com,https://b.example.com`", "$ORIGINS", "contains a comma",
                     "/x"),
            routes=("/static/<path:filename>", "/x"), fixed='''
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=os.environ.get("ORIGINS", "https://a.example.com,https://b.example.com").split(","))
        @app.route("/x")
        def x(): return "x"
        '''),
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=["https://a.example.com/"])
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning", message=("origins value `https://a.example.com/`", "ends with `/`", "/x"),
            routes=("/static/<path:filename>", "/x"), fixed='''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=["https://a.example.com"])
        @app.route("/x")
        def x(): return "x"
        '''),
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://a.example.com", allow_headers="Content-Type,Authorization")
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning",
            message=("allow_headers value `Content-Type,Authorization`", "contains a comma", "/x"),
            routes=("/static/<path:filename>", "/x"), fixed='''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://a.example.com", allow_headers=["Content-Type", "Authorization"])
        @app.route("/x")
        def x(): return "x"
        '''),
    ),
    valid=('''
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=os.environ.get("ORIGINS", "https://a.example.com,https://b.example.com").split(","))
        @app.route("/x")
        def x(): return "x"
        ''',),
)
