"""CORS015 prefix-resource-pattern."""

import re

from cors_lint.core import safe_regex
from cors_lint.core.semantics import compile_pattern, probably_regex
from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue
from cors_lint.rules.inventory import Site


def _patterns(value) -> list[str]:
    if isinstance(value, dict):
        return [k for k in value if isinstance(k, str)]
    if isinstance(value, list):
        if all(isinstance(item, list) and len(item) == 2 for item in value):  # dict with compiled keys
            return [item[0] for item in value if isinstance(item[0], str)]
        return [item for item in value if isinstance(item, str)]
    return [value] if isinstance(value, str) else []


def _prefix(pattern: str) -> str | None:
    """``/api`` for ``r"/api/*"`` (a regex ending in ``/*``: "/api followed by any number of /")."""
    if not probably_regex(pattern):
        return None
    match = re.fullmatch(r"(/.*[^./])/\*", pattern)
    if not match:
        return None
    compiled = compile_pattern(pattern, ignore_case=False)
    example = match.group(1) + "-internal"
    return match.group(1) if compiled is not None and safe_regex.match(compiled, example) else None


def _literal_problem(pattern: str) -> str | None:
    if not probably_regex(pattern) and any(c in pattern for c in ".+|{"):
        return f"`{pattern}` has no regex character flask-cors recognises (`* \\ ] ? $ ^ [ ( )`), so it " \
               "is a literal path that only matches itself"
    return None


def _under(prefix: str):
    """What the pattern was meant for: the prefix itself and the paths below it."""
    try:
        return re.compile(f"(?:{prefix})(?:/|$)").match
    except re.error:
        return lambda path: path == prefix or path.startswith(prefix + "/")


def _matched_by_accident(ctx: RuleContext, site: Site, pattern: str, prefix: str) -> tuple[str, ...]:
    """Routes that exist and that this site's resource ``pattern`` applies to (the first match in
    flask-cors's order, as the inventory's layers say) although they are not under ``prefix``."""
    place = site.place
    intended = _under(prefix)
    found = set()
    for route, layer in ctx.layers():
        if not isinstance(route.path, str) or layer.resource != pattern:
            continue
        from_config = layer.config_sources.get("resources")
        if place not in {(layer.source.file, layer.source.line),
                         (from_config.file, from_config.line) if from_config else None}:
            continue
        if not intended(route.path):
            found.add(route.path)
    return tuple(sorted(found))


def check(ctx: RuleContext):
    for site in ctx.sites("extension", "init_app", "config"):
        value = site.options.get("resources", site.options.get("CORS_RESOURCES"))
        for pattern in _patterns(value):
            option = "CORS_RESOURCES" if site.kind == "config" else "resources"  # placed where it is written
            literal = _literal_problem(pattern)
            if literal:
                yield site_issue(site, literal, key=(pattern,), option=option)
                continue
            prefix = _prefix(pattern)
            if prefix is None:
                continue
            meaning = f"`{pattern}` means `{prefix}` followed by any number of `/`"
            accidental = _matched_by_accident(ctx, site, pattern, prefix)
            if accidental:
                yield site_issue(site, f"{meaning}, so it also applies to {{routes}}, not under `{prefix}/`; "
                                       f"write `{prefix}/.*`", key=(pattern,), routes=accidental, option=option)
            else:
                yield site_issue(site, f"{meaning}: no route matches it by accident today, but a future "
                                       f"`{prefix}-internal` or `{prefix}keys` would; write `{prefix}/.*`",
                                 key=(pattern,), severity="note", option=option)


RULE = Rule(
    id="CORS015",
    name="prefix-resource-pattern",
    severity="warning",
    summary="A resource pattern matches more, or less, than it looks like",
    doc="""
## What it does
Finds resource patterns such as `r"/api/*"`, which flask-cors matches with `re.match` as
"`/api` followed by any number of `/`" (so `/apikeys` and `/api-internal` match), and patterns
such as `r"/api/.+"` that contain no character flask-cors treats as regex, so they are
compared as literal paths. A `/api/*` pattern is a warning when a route of the app is matched
by accident (the finding names it), otherwise a note: it is the pattern flask-cors's own README
teaches, and harmless until such a route is added.

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
        CORS(app, resources={r"/api/*": {"origins": "*"}})
        @app.route("/api/x")
        def x(): return "x"
        @app.route("/apikeys")
        def keys(): return "keys"
        ''', severity="warning", message=("`/api/*`", "also applies to /apikeys", "write `/api/.*`"),
            routes=("/apikeys",), fixed='''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, resources={r"/api/.*": {"origins": "*"}})
        @app.route("/api/x")
        def x(): return "x"
        @app.route("/apikeys")
        def keys(): return "keys"
        '''),
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, resources={r"/api/*": {"origins": "https://app.example.com"}})
        @app.route("/api/x")
        def x(): return "x"
        ''', severity="note", message=("`/api/*`", "no route matches it by accident", "write `/api/.*`"),
            fixed='''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, resources={r"/api/.*": {"origins": "https://app.example.com"}})
        @app.route("/api/x")
        def x(): return "x"
        '''),
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
