"""CORS015 prefix-resource-pattern."""

import re

from cors_lint.core import safe_regex
from cors_lint.core.semantics import compile_pattern, probably_regex
from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue


def _patterns(value) -> list[str]:
    if isinstance(value, dict):
        return [k for k in value if isinstance(k, str)]
    if isinstance(value, list):
        if all(isinstance(item, list) and len(item) == 2 for item in value):  # dict with compiled keys
            return [item[0] for item in value if isinstance(item[0], str)]
        return [item for item in value if isinstance(item, str)]
    return [value] if isinstance(value, str) else []


def _problem(pattern: str) -> tuple[str, str] | None:
    if probably_regex(pattern):
        match = re.fullmatch(r"(/.*[^./])/\*", pattern)
        if match:
            example = match.group(1) + "-internal"
            compiled = compile_pattern(pattern, ignore_case=False)
            if compiled is not None and safe_regex.match(compiled, example):
                return example, f"`{pattern}` means `{match.group(1)}` followed by any number of `/`, so it " \
                                f"also matches `{example}`; write `{match.group(1)}/.*`"
        return None
    if any(c in pattern for c in ".+|{"):
        return pattern, f"`{pattern}` has no regex character flask-cors recognises (`* \\ ] ? $ ^ [ ( )`), so it " \
                        "is a literal path that only matches itself"
    return None


def check(ctx: RuleContext):
    for site in ctx.sites("extension", "init_app", "config"):
        value = site["options"].get("resources", site["options"].get("CORS_RESOURCES"))
        for pattern in _patterns(value):
            problem = _problem(pattern)
            if problem:
                yield site_issue(site, problem[1], key=(pattern,))


RULE = Rule(
    id="CORS015",
    name="prefix-resource-pattern",
    severity="warning",
    summary="A resource pattern matches more, or less, than it looks like",
    doc="""
## What it does
Finds resource patterns such as `r"/api/*"`, which flask-cors matches with `re.match` as
"`/api` followed by any number of `/`" (so `/apiary` and `/api-internal` match), and patterns
such as `r"/api/.+"` that contain no character flask-cors treats as regex, so they are
compared as literal paths.

## Why is this bad?
The CORS policy meant for `/api/...` applies to unrelated routes, or never applies at all.

## Example
```python
CORS(app, resources={r"/api/*": {"origins": "*"}})
```

## Use instead
```python
CORS(app, resources={r"/api/.*": {"origins": "*"}})
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, resources={r"/api/*": {"origins": "https://app.example.com"}})
        @app.route("/api/x")
        def x(): return "x"
        ''', severity="warning", message=("`/api/*`", "also matches `/api-internal`", "write `/api/.*`")),
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, resources={r"/v2/.+": {"origins": "https://app.example.com"}})
        @app.route("/v2/x")
        def x(): return "x"
        ''', severity="warning", message=("`/v2/.+`", "literal path")),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, resources={r"/api/.*": {"origins": "https://app.example.com"}, r"/*": {}})
        @app.route("/api/x")
        def x(): return "x"
        ''',),
)
