"""CORS031 slow-regex."""

from cors_lint.core import safe_regex
from cors_lint.core.origins import compiled, is_regex, pattern_text
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of


def check(ctx: RuleContext):
    for route, layer in ctx.layers():
        headers = layer.options.get("allow_headers")
        entries = [(entry, "origins") for entry in origins_of(layer)]
        entries += [(entry, "allow_headers") for entry in (headers if isinstance(headers, list) else [])]
        for entry, option in entries:  # (allow_headers may be {"unknown": ...})
            if not is_regex(entry):
                continue
            pattern = compiled(entry)
            text = pattern_text(entry)
            if (pattern is None and safe_regex.too_long(text)) or (pattern is not None and safe_regex.is_slow(pattern)):
                yield layer_issue(route, layer, f"the regex `{text[:80]}` backtracks catastrophically or is too long: "
                                  "flask-cors runs it against the request's Origin or headers on every request to "
                                  "{routes} (a ReDoS), and cors-lint cannot analyse it", key=(text,), option=option)


RULE = Rule(
    id="CORS031",
    name="slow-regex",
    severity="error",
    summary="A regex origin or header pattern with catastrophic backtracking (ReDoS), left unanalysed",
    cwe="CWE-1333",
    doc="""
## What it does
Probes every regex origin and header pattern, under a time limit, with inputs that make
nested or overlapping quantifiers backtrack exponentially (`^(a+)+$`, `(\\w+\\.?)+x`), and
refuses patterns longer than 2,000 characters.

## Why is this bad?
flask-cors matches these patterns against the `Origin` and `Access-Control-Request-Headers`
values of every request, which an attacker chooses: one request can occupy a worker for
seconds or more. cors-lint also cannot tell which origins such a pattern accepts.

## Example
```python
CORS(app, origins=[r"^https://([a-z0-9-]+)+\\.example\\.com$"])
```

## Use instead
```python
CORS(app, origins=[r"^https://[a-z0-9-]+\\.example\\.com$"])
```
""",
    check=check,
    invalid=(
        Invalid(r'''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=[r"^https://([a-z0-9-]+)+\.example\.com$"])
        @app.route("/x")
        def x(): return "x"
        ''', severity="error", message=(r"`^https://([a-z0-9-]+)+\.example\.com$`", "ReDoS", "/x"),
            routes=("/static/<path:filename>", "/x")),
    ),
    valid=(r'''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=[r"^https://[a-z0-9-]+\.example\.com$"])
        @app.route("/x")
        def x(): return "x"
        ''',),
)
