"""CORS018 string-boolean-option."""

from cors_lint.core.semantics import BOOLEAN_OPTIONS, CONFIG_KEYS
from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue

_FALSY_LOOKING = {"false", "0", "no", "off", "n", "f", "none", "null", "disabled"}


def check(ctx: RuleContext):
    for site in ctx.sites("extension", "init_app", "decorator", "config"):
        for key, value in site.options.items():
            option = CONFIG_KEYS.get(key, key)
            if option in BOOLEAN_OPTIONS and isinstance(value, str):
                falsy = value.strip().lower() in _FALSY_LOOKING
                env = site.env.get(key)
                source = f" (from ${env[0]})" if env else ""
                meaning = "true, although it reads as false" if falsy else "true"
                yield site_issue(site, f"`{key}` is the string {value!r}{source}; flask-cors only tests truthiness, "
                                 f"so it means {meaning}", key=(key, value),
                                 severity="error" if falsy and option == "supports_credentials" else None)


RULE = Rule(
    id="CORS018",
    name="string-boolean-option",
    severity="warning",
    summary="A boolean option given as a string (\"False\" is true)",
    doc="""
## What it does
Finds boolean options (`supports_credentials`, `send_wildcard`, `vary_header`,
`always_send`, `automatic_options`, `allow_private_network`, `intercept_exceptions`) set to a
string, typically from an environment variable read without conversion.

## Why is this bad?
flask-cors uses Python truthiness: `"False"`, `"0"` and `"no"` are all true, so
`CORS_SUPPORTS_CREDENTIALS=os.environ.get("CREDS", "False")` enables credentials.

## Example
```python
app.config["CORS_SUPPORTS_CREDENTIALS"] = os.environ.get("CORS_CREDENTIALS", "False")
```

## Use instead
```python
app.config["CORS_SUPPORTS_CREDENTIALS"] = os.environ.get("CORS_CREDENTIALS", "false").lower() == "true"
```
""",
    check=check,
    invalid=(
        Invalid('''
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        app.config["CORS_SUPPORTS_CREDENTIALS"] = os.environ.get("CORS_CREDENTIALS", "False")
        CORS(app, origins="https://app.example.com")
        @app.route("/x")
        def x(): return "x"
        ''', severity="error", message=("`CORS_SUPPORTS_CREDENTIALS`", "'False'", "$CORS_CREDENTIALS", "means true"),
            fixed='''
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        app.config["CORS_SUPPORTS_CREDENTIALS"] = os.environ.get("CORS_CREDENTIALS", "False").lower() in ("true", "yes", "on", "1")
        CORS(app, origins="https://app.example.com")
        @app.route("/x")
        def x(): return "x"
        '''),
    ),
    valid=('''
        import os
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        app.config["CORS_SUPPORTS_CREDENTIALS"] = os.environ.get("CORS_CREDENTIALS", "false").lower() == "true"
        CORS(app, origins="https://app.example.com")
        @app.route("/x")
        def x(): return "x"
        ''',),
)
