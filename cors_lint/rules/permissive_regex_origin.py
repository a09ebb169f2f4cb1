"""CORS002 permissive-regex-origin."""

from dataclasses import replace

from cors_lint.core.origins import accepts_everything, attacker_origins, escaped_literal, is_regex
from cors_lint.core.route_order import ALL_IN_JSON, SHOWN, describe_routes
from cors_lint.rules.base import Invalid, Rule, RuleContext, layer_issue, origins_of, show


def check(ctx: RuleContext):
    """One finding per regex where it is written: the routes it lets the attacker origin read with
    credentials and those it lets it read without (one CORS call may serve both, through its
    resources), an error when any carries credentials."""
    merged: dict[tuple, tuple] = {}  # where, the regex -> (an issue there, with credentials, without)
    for route, layer in ctx.layers():
        origins = origins_of(layer)
        if accepts_everything(origins):
            continue  # CORS001 / CORS010
        credentials = layer.options.get("supports_credentials") is True
        for entry in origins:
            if not is_regex(entry) or escaped_literal(entry):
                continue  # literals, and escaped literals (CORS003 says more)
            found = attacker_origins(entry)
            if not found:
                continue
            issue = layer_issue(route, layer, "", key=(show(entry),), attacker=found[0], option="origins")
            place = (issue.file, issue.line, issue.column, show(entry), issue.condition, issue.anchor)
            kept, with_credentials, without = merged.setdefault(place, (issue, set(), set()))
            (with_credentials if credentials else without).add(route.label)
    for (*_, entry, _, _), (issue, with_credentials, without) in merged.items():
        if with_credentials and without:
            lists = tuple(sorted(with_credentials)), tuple(sorted(without))
            how = (f"with credentials on {describe_routes(lists[0], note=False)} and without on "
                   f"{describe_routes(lists[1], note=False)}"
                   + (ALL_IN_JSON if max(map(len, lists)) > SHOWN else ""))
        else:
            how = f"{'with' if with_credentials else 'without'} credentials on {{routes}}"
        yield replace(issue, message=f"`{issue.attacker_origin}` is accepted {how}: the regex origin `{entry}` is "
                                     "matched with re.match (anchored at the start only)",
                      routes=tuple(sorted(with_credentials | without)),
                      severity="error" if with_credentials else "warning")


RULE = Rule(
    id="CORS002",
    name="permissive-regex-origin",
    severity="error",
    summary="A regex origin accepts origins outside the domain it was written for",
    doc="""
## What it does
Evaluates every regex origin the way flask-cors does (`re.match` with IGNORECASE, so only
the start is anchored) against origins an attacker can register, and reports the first one
that gets through: a missing `$` (`https://app.example.com.evil.example`), a missing label
boundary (`https://evilexample.com`), or an unescaped dot (`https://appxexample.com`).
An error with credentials, a warning without.

## Why is this bad?
Strings with any of `* \\ ] ? $ ^ [ ( )` are regexes to flask-cors, and `re.match` accepts
every string that *begins* with a match: `https://.*\\.example\\.com` accepts
`https://app.example.com.evil.example`.

## Example
```python
CORS(app, origins=[r"https://.*\\.example\\.com"], supports_credentials=True)
```

## Use instead
```python
CORS(app, origins=[r"^https://([a-z0-9-]+\\.)*example\\.com$"], supports_credentials=True)
```
""",
    check=check,
    invalid=(
        Invalid(r'''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=[r"https://.*\.example\.com"], supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
        ''', severity="error",
            message=("`https://app.example.com.evil.example`", "with credentials", r"`https://.*\.example\.com`",
                     "/me"),
            routes=("/me", "/static/<path:filename>"), attacker_origin="https://app.example.com.evil.example",
            fixed=r'''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=[r"^https://([a-z0-9-]+\.)+example\.com$"], supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
        '''),
        Invalid(r'''
        import re
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=re.compile(r"https://.*example\.com$"))
        @app.route("/me")
        def me(): return "me"
        ''', severity="warning",
            message=("`https://evilexample.com`", "without credentials", r"`re.compile('https://.*example\\.com$')`",
                     "/me"),
            routes=("/me", "/static/<path:filename>"), attacker_origin="https://evilexample.com"),
        # one CORS call, one regex, routes with and without credentials: one finding, an error, naming both
        Invalid(r'''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        CORS(app, origins=[r"https://.*\.example\.com"],
             resources={r"/api/*": {"supports_credentials": True}, r"/public/*": {}})
        @app.route("/api/me")
        def me(): return "me"
        @app.route("/public/logo")
        def logo(): return "logo"
        ''', severity="error",
            message=("`https://app.example.com.evil.example`", "with credentials on /api/me and without on /public/logo",
                     r"`https://.*\.example\.com`"),
            routes=("/api/me", "/public/logo"), attacker_origin="https://app.example.com.evil.example"),
    ),
    valid=(
        r'''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=[r"^https://([a-z0-9-]+\.)*example\.com$", "https://partner.example.org"])
        @app.route("/me")
        def me(): return "me"
        ''',
        r'''
        from flask import Flask
        app = Flask(__name__)
        ALLOWED = [r"https://.*\.example\.com"]  # not passed to flask-cors
        @app.route("/me")
        def me(): return "me"
        ''',
    ),
)
