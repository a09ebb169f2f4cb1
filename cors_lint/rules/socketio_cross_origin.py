"""CORS036 socketio-cross-origin."""

from __future__ import annotations

from cors_lint.core.origins import ANY_ORIGIN
from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue
from cors_lint.rules.origin_not_allowed import allowed

OPTION = "cors_allowed_origins"


def check(ctx: RuleContext):
    specs = ctx.settings.get("allowed_origins")
    for site in ctx.sites("socketio"):
        if site.replaced_by is not None:  # a later init_app's server answers instead
            continue
        options = site.options
        value = options.get(OPTION, options.get("**"))  # not given: the request's own origin only
        if value is None:
            continue
        where = f"the Socket.IO endpoint of `{site.target}`"
        from_env = site.env.get(OPTION)
        default = f" (the code's default when {', '.join('$' + v for v in from_env)} is not set)" if from_env else ""
        if isinstance(value, dict) and "unknown" in value:
            yield site_issue(site, f"which origins may open {where} cannot be known statically ({value['unknown']}), "
                             "so it cannot be verified", key=("unknown",), severity="note", option=OPTION)
        elif value == "*" or (isinstance(value, list) and "*" in value):
            credentials = options.get("cors_credentials", True) is not False
            yield site_issue(site, f"every origin, e.g. `{ANY_ORIGIN}`, may open {where} "
                             f"(`{OPTION}={value!r}`){default}: any website can use the socket with the "
                             "user's cookies" + (" and read the polling responses, which echo its origin with "
                                                 "`Access-Control-Allow-Credentials: true`" if credentials else ""),
                             key=("*",), attacker=ANY_ORIGIN, option=OPTION)
        elif value == []:
            yield site_issue(site, f"`{OPTION}=[]` turns off the Origin check of {where}{default}: a WebSocket "
                             f"from any website, e.g. `{ANY_ORIGIN}`, is accepted with the user's cookies (no CORS "
                             "headers are sent, so only the polling responses stay unreadable)", key=("[]",),
                             attacker=ANY_ORIGIN, severity="warning", option=OPTION)
        elif specs:
            listed = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            for origin in [v for v in listed if isinstance(v, str)]:
                if not allowed(origin, specs):
                    yield site_issue(site, f"`{origin}` may open {where}{default}, and is not in the "
                                     f"{ctx.environment} allow-list", key=(origin,), option=OPTION)


APP = '''
from flask import Flask
from flask_socketio import SocketIO
app = Flask(__name__)
socketio = SocketIO(app{options})
'''

RULE = Rule(
    id="CORS036",
    name="socketio-cross-origin",
    severity="error",
    summary="Other websites may open the Flask-SocketIO endpoint with the user's cookies",
    doc="""
## What it does
Checks which origins Flask-SocketIO (python-engineio underneath) accepts on its endpoint
(`/socket.io/`): `cors_allowed_origins="*"` (or a list holding `"*"`) accepts every origin and
echoes it with `Access-Control-Allow-Credentials: true`; `[]` turns the Origin check off;
listed origins are compared with the environment's `allowed_origins`. Without the option only
the page's own origin is accepted, which is right for most apps. A value cors-lint cannot know
is reported as a note.

## Why is this bad?
The endpoint is served with the user's cookies, and browsers do not apply CORS to WebSockets:
a page on any accepted origin can connect as the user, receive what the server emits to them
and send events in their name (cross-site WebSocket hijacking).

## Example
```python
socketio = SocketIO(app, cors_allowed_origins="*")
```

## Use instead
```python
socketio = SocketIO(app)  # the page's own origin only
socketio = SocketIO(app, cors_allowed_origins=["https://app.example.com"])
```
""",
    check=check,
    cwe="CWE-1385",
    invalid=(
        Invalid(APP.format(options=', cors_allowed_origins="*"'), severity="error",
                message=("every origin", "cors_allowed_origins='*'", "Access-Control-Allow-Credentials: true"),
                attacker_origin=ANY_ORIGIN),
        Invalid(APP.format(options=", cors_allowed_origins=[]"), severity="warning",
                message=("turns off the Origin check",), attacker_origin=ANY_ORIGIN),
    ),
    valid=(
        APP.format(options=""),
        APP.format(options=', cors_allowed_origins=["https://app.example.com"]'),
    ),
)
