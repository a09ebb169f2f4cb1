"""CORS005 glob-style-origin."""

import re

from cors_lint.core.origins import attacker_origins, compiled, is_regex
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of

_GLOB = re.compile(r"(^|//|\.)\*[.:]|:\*$|^\*\.|\*$")


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        for entry in origins_of(layer):
            if not isinstance(entry, str) or entry == "*" or not _GLOB.search(entry) or ".*" in entry:
                continue
            if compiled(entry) is None:
                effect = ("it is not a valid regex: flask-cors 6.0.4+ refuses to start, 6.0.0-6.0.3 never match "
                          "it, older versions answer 500")
                attacker = None
            else:
                found = attacker_origins(entry) if is_regex(entry) else []
                attacker = found[0] if found else None
                effect = "flask-cors reads it as a regex" + (f" that accepts `{attacker}`" if attacker else "")
            yield layer_issue(route, layer, f"`{entry}` looks like a glob, but {effect} (on {{routes}})",
                              key=(entry,), attacker=attacker, option="origins")


RULE = Rule(
    id="CORS005",
    name="glob-style-origin",
    severity="error",
    summary="A glob such as `*.example.com` or `http://localhost:*` used as an origin",
    doc="""
## What it does
Finds origins written as shell globs: `*.example.com`, `https://*.example.com`,
`http://localhost:*`.

## Why is this bad?
flask-cors has no globs. `*` makes the string a regex: `*.example.com` does not compile
(500s before 6.0, silently never matches in 6.0.0-6.0.3, a start-up error from 6.0.4), and
`http://localhost:*` means "localhost followed by any number of colons", which accepts
`http://localhost.evil.example`.

## Example
```python
CORS(app, origins=["https://*.example.com", "http://localhost:*"])
```

## Use instead
```python
CORS(app, origins=[r"^https://([a-z0-9-]+\\.)*example\\.com$", r"^http://localhost(:\\d+)?$"])
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=["http://localhost:*"])
        @app.route("/x")
        def x(): return "x"
        ''', severity="error", message=("`http://localhost:*`", "`http://localhost.evil.example`", "/x"),
            routes=("/static/<path:filename>", "/x"), attacker_origin="http://localhost.evil.example"),
        Invalid('''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/x")
        @cross_origin(origins="https://*.example.com")
        def x(): return "x"
        ''', severity="error", message=("`https://*.example.com`", "`https://example.com.evil.example`", "/x"),
            routes=("/x",), attacker_origin="https://example.com.evil.example", fixed=r'''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/x")
        @cross_origin(origins=r"^https://([a-z0-9-]+\.)+example\.com$")
        def x(): return "x"
        '''),
    ),
    valid=(r'''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=[r"^https://([a-z0-9-]+\.)*example\.com$", r"^http://localhost(:\d+)?$"])
        @app.route("/x")
        def x(): return "x"
        ''',),
)
