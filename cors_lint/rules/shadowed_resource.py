"""CORS026 shadowed-resource."""

from cors_lint.core.semantics import match_path, parse_resources, probably_regex
from cors_lint.core.url_rules import sample_path
from cors_lint.core.values import Regex, regex_flags
from cors_lint.core.versions import DEFAULT, FlaskCorsVersion, parse_version
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue


def _pattern(value):
    """A resource key from the inventory's JSON back to a pattern (compiled keys are objects)."""
    if isinstance(value, dict) and "regex" in value:
        return Regex(value["regex"], regex_flags(value.get("flags", [])))
    return value


def _resources(site_options: dict):
    value = site_options.get("resources")
    if isinstance(value, dict):
        return {key: opts for key, opts in value.items()}
    if isinstance(value, list) and value and all(isinstance(i, list) and len(i) == 2 for i in value):
        patterns = [_pattern(key) for key, _ in value]
        if any(isinstance(pattern, (dict, list)) for pattern in patterns):
            return None  # a pattern that cannot be known ({"unknown": ...}): the order they are tried in neither
        return {pattern: opts for pattern, (_, opts) in zip(patterns, value)}
    return None


def _specificity(pattern) -> tuple[int, int, int]:
    """flask-cors 6.0.1's own idea of specific: literal over regex, more slashes, longer."""
    text = pattern.pattern if isinstance(pattern, Regex) else str(pattern)
    literal = not isinstance(pattern, Regex) and not probably_regex(text)
    return (int(literal), text.count("/"), len(text))


def _show(pattern) -> str:
    return f"re.compile({pattern.pattern!r})" if isinstance(pattern, Regex) else f"{pattern!r}"


def check(ctx: RuleContext):
    pinned = ctx.inventory.flask_cors
    version = FlaskCorsVersion(parse_version(pinned["version"]), pinned["source"]) if pinned else DEFAULT
    sites = {(s.file, s.line): s for s in ctx.sites("extension", "init_app")}
    for route, layer in ctx.layers():
        site = sites.get((layer.source.file, layer.source.line))
        if layer.kind != "extension" or site is None or not isinstance(route.path, str):
            continue
        resources = _resources(site.options)
        if not resources:
            continue
        ordered = parse_resources(resources, version)
        if not isinstance(ordered, list):
            continue
        path = sample_path(route.path)
        matching = [pattern for pattern, _ in ordered if match_path(path, pattern, version) is True]
        if len(matching) < 2:
            continue
        applied = matching[0]
        shadowed = next((p for p in matching[1:] if _specificity(p) > _specificity(applied)
                         and resources.get(p) != resources.get(applied)), None)
        if shadowed is not None:
            yield layer_issue(route, layer, f"on {{routes}} flask-cors {version.text} applies the resource "
                              f"{_show(applied)} (tried first) and never the more specific {_show(shadowed)}, "
                              "which also matches with different options", key=(_show(applied), _show(shadowed)))


RULE = Rule(
    id="CORS026",
    name="shadowed-resource",
    severity="warning",
    summary="A more specific resource never applies because flask-cors tries another one first",
    doc="""
## What it does
For every route, lists the `resources=` patterns that match it in the order the modelled
flask-cors version tries them, and reports when a second matching pattern with different
options never gets a chance (the first match wins, even when it rejects the origin).

## Why is this bad?
The order is not the order written: up to 5.0.1 the longest pattern wins (CVE-2024-6839),
6.0.0 tries the fewest slashes first, and from 6.0.1 literals come first, then any compiled
`re.compile(...)`, then regex strings. A restrictive `/api/v1/admin/.*` policy is easily
shadowed by a permissive `re.compile("/.*")`.

## Example
```python
CORS(app, resources={re.compile(r"/.*"): {"origins": "*"},
                     r"/api/v1/admin/.*": {"origins": "https://admin.example.com"}})
```

## Use instead
```python
CORS(app, resources={r"/api/v1/admin/.*": {"origins": "https://admin.example.com"},
                     r"/.*": {"origins": "*"}})
```
""",
    check=check,
    invalid=(
        Invalid('''
        import re
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, resources={re.compile(r"/.*"): {"origins": "*"},
                             r"/api/v1/admin/.*": {"origins": "https://admin.example.com"}})
        @app.route("/api/v1/admin/users")
        def users(): return "x"
        ''', severity="warning",
            message=("the resource re.compile('/.*') (tried first)", "'/api/v1/admin/.*'", "/api/v1/admin/users"),
            routes=("/api/v1/admin/users",)),
        Invalid({"requirements.txt": "flask-cors==5.0.1\n", "app.py": '''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, resources={r"/api/v1/admin/.*": {"origins": "https://admin.example.com"},
                             r"/api/(v1|v2|v3|v4)/.*": {"origins": "*"}})
        @app.route("/api/v1/admin/users")
        def users(): return "x"
        '''}, severity="warning",
            message=("flask-cors 5.0.1", "'/api/(v1|v2|v3|v4)/.*' (tried first)", "'/api/v1/admin/.*'",
                     "/api/v1/admin/users"),
            routes=("/api/v1/admin/users",)),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, resources={r"/api/v1/admin/.*": {"origins": "https://admin.example.com"},
                             r"/api/(v1|v2|v3|v4)/.*": {"origins": "*"}})
        @app.route("/api/v1/admin/users")
        def users(): return "x"
        ''',),
)
