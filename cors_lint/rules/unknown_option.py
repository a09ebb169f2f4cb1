"""CORS012 unknown-option."""

import difflib

from cors_lint.core.semantics import CONFIG_KEYS, OPTION_NAMES
from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue

_RENAMES = {
    "origin": "origins", "allow_origins": "origins", "allowed_origins": "origins", "headers": "allow_headers",
    "allowed_headers": "allow_headers", "credentials": "supports_credentials",
    "support_credentials": "supports_credentials", "allow_credentials": "supports_credentials",
    "expose": "expose_headers", "exposed_headers": "expose_headers", "max-age": "max_age",
}
_IGNORED_KEYS = {"**", "app"}


def _suggest(name: str, known) -> str:
    if name in _RENAMES:
        return _RENAMES[name]
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.7)
    return close[0] if close else ""


def _option_names(options: dict) -> list[tuple[str, str]]:
    found = [(key, "") for key in options if key not in OPTION_NAMES and key not in _IGNORED_KEYS]
    resources = options.get("resources")
    if isinstance(resources, dict):
        for pattern, per_resource in resources.items():
            if isinstance(per_resource, dict):
                found += [(key, f" in the resource {pattern!r}") for key in per_resource if key not in OPTION_NAMES]
    return found


def check(ctx: RuleContext):
    for site in ctx.sites("extension", "init_app", "decorator"):
        for name, where in _option_names(site.options):
            hint = _suggest(name, OPTION_NAMES)
            fix = f"; did you mean `{hint}`?" if hint else ""
            if hint == "origins" and "origins" not in site.options and not where:
                fix += " Without `origins` the default `*` applies: every origin is accepted"
            yield site_issue(site, f"`{name}`{where} is not a flask-cors option and is ignored{fix}",
                             key=(name, where))
    read = {entry.get("key") for entry in ctx.inventory.config_reads  # the project's own settings
            if isinstance(entry, dict) and isinstance(entry.get("key"), str)}
    for site in ctx.sites("config"):
        for key in site.options:
            if isinstance(key, str) and key.startswith("CORS_") and key not in CONFIG_KEYS and key not in read:
                lowered = key.removeprefix("CORS_").lower()
                hint = _suggest(lowered, OPTION_NAMES)
                fix = f"; did you mean `CORS_{hint.upper()}`?" if hint else ""
                yield site_issue(site, f"`{key}` is not a flask-cors config key and is ignored{fix}", key=(key,),
                                 option=key)


RULE = Rule(
    id="CORS012",
    name="unknown-option",
    severity="warning",
    summary="An option or CORS_* key flask-cors does not know (and silently ignores)",
    doc="""
## What it does
Finds keyword arguments, per-resource keys and `CORS_*` config keys that are not among
flask-cors's 13 options: `origin=`, `headers=`, `support_credentials=`, `CORS_HEADERS`...
A `CORS_*` key that the project's own code reads (`app.config["CORS_ALLOWED_ORIGINS"]`,
`current_app.config.get(...)`, `settings.CORS_X`; not `os.getenv`) is the project's own
setting and is not reported.

## Why is this bad?
flask-cors logs a warning for unknown kwargs at most, and ignores unknown config keys
entirely; the defaults (every origin, every header) apply instead of what was meant.
`CORS_HEADERS` has been dead since flask-cors 2.0 but is in countless tutorials.

## Example
```python
@cross_origin(origin="https://app.example.com")
```

## Use instead
```python
@cross_origin(origins="https://app.example.com")
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        app.config["CORS_HEADERS"] = "Content-Type"
        CORS(app, resources={r"/foo": {"origins": "https://app.example.com"}})
        @app.route("/foo")
        def foo(): return "foo"
        ''', severity="warning",
            message=("`CORS_HEADERS` is not a flask-cors config key", "did you mean `CORS_ALLOW_HEADERS`?"),
            fixed='''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        app.config["CORS_ALLOW_HEADERS"] = "Content-Type"
        CORS(app, resources={r"/foo": {"origins": "https://app.example.com"}})
        @app.route("/foo")
        def foo(): return "foo"
        '''),
        Invalid('''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/foo")
        @cross_origin(origin="https://app.example.com")
        def foo(): return "foo"
        ''', severity="warning",
            message=("`origin` is not a flask-cors option", "did you mean `origins`?", "the default `*` applies"),
            fixed='''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/foo")
        @cross_origin(origins="https://app.example.com")
        def foo(): return "foo"
        '''),
        Invalid('''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/foo")
        @cross_origin(origins="https://app.example.com", headers=["Content-Type", "Authorization"])
        def foo(): return "foo"
        ''', severity="warning", message=("`headers` is not a flask-cors option", "did you mean `allow_headers`?"),
            fixed='''
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        @app.route("/foo")
        @cross_origin(origins="https://app.example.com", allow_headers=["Content-Type", "Authorization"])
        def foo(): return "foo"
        '''),
    ),
    valid=('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        app.config["CORS_ALLOW_HEADERS"] = "Content-Type"
        CORS(app, origins="https://app.example.com")
        @app.route("/foo")
        def foo(): return "foo"
        ''', '''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        app.config["CORS_ALLOWED_ORIGINS"] = ["https://app.example.com"]
        CORS(app, origins=app.config["CORS_ALLOWED_ORIGINS"])
        @app.route("/foo")
        def foo(): return "foo"
        '''),
)
