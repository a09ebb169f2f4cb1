"""CORS017 manual-cors-header."""

from cors_lint.core.origins import ANY_ORIGIN
from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue


def _routes_reached(ctx: RuleContext, site: dict) -> tuple[str, ...]:
    return tuple(sorted({route["path"] for route in ctx.routes() if isinstance(route["path"], str)
                         for manual in route.get("manual_headers", [])
                         if (manual["file"], manual["line"]) == (site["file"], site["line"])}))


def check(ctx: RuleContext):
    manual = ctx.sites("manual-header")
    credentials_in = {(s["file"], s["target"]) for s in manual
                      if str(s["options"].get("header", "")).lower() == "access-control-allow-credentials"
                      and str(s["options"].get("value", "")).lower() == "true"}
    for site in manual:
        header = str(site["options"].get("header", "")).lower()
        value = site["options"].get("value")
        if header != "access-control-allow-origin":
            continue
        routes = _routes_reached(ctx, site)
        with_credentials = (site["file"], site["target"]) in credentials_in
        where = f" on {', '.join(routes[:3])}" if routes else ""
        if isinstance(value, dict) and value.get("reflects_request_origin"):
            yield site_issue(site, "Access-Control-Allow-Origin copies the request's Origin header, so every "
                             f"origin, e.g. `{ANY_ORIGIN}`, is allowed"
                             f"{' with credentials' if with_credentials else ''}{where}", key=("reflect",),
                             routes=routes, attacker=ANY_ORIGIN,
                             severity="error" if with_credentials else "warning")
        elif value == "*" and with_credentials:
            yield site_issue(site, "Access-Control-Allow-Origin `*` is sent with Access-Control-Allow-Credentials: "
                             f"true{where}; browsers refuse it, and the usual 'fix' is reflecting the origin",
                             key=("wildcard-credentials",), routes=routes)


RULE = Rule(
    id="CORS017",
    name="manual-cors-header",
    severity="error",
    summary="A hand-written Access-Control-Allow-Origin reflects the request origin",
    doc="""
## What it does
Finds hand-written `Access-Control-Allow-Origin` headers (in views, `after_request` hooks,
`Response(headers=...)`, response tuples) whose value is copied from the request's `Origin`,
or that pair `*` with `Access-Control-Allow-Credentials: true`.

## Why is this bad?
Reflecting `Origin` without checking it allows every website; with credentials, every
website can read authenticated responses. A response that already has the header is also
skipped by flask-cors, so the extension's policy no longer applies.

## Example
```python
@app.after_request
def cors(resp):
    resp.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin")
    resp.headers["Access-Control-Allow-Credentials"] = "true"
    return resp
```

## Use instead
```python
CORS(app, origins=["https://app.example.com"], supports_credentials=True)
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask, request
        app = Flask(__name__)
        @app.after_request
        def cors(resp):
            resp.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin")
            resp.headers["Access-Control-Allow-Credentials"] = "true"
            return resp
        @app.route("/me")
        def me(): return "me"
        ''', severity="error",
            message=("copies the request's Origin", "`https://evil.example`", "with credentials", "/me"),
            routes=("/me", "/static/<path:filename>"), attacker_origin="https://evil.example"),
    ),
    valid=('''
        from flask import Flask, request
        app = Flask(__name__)
        ALLOWED = {"https://app.example.com"}
        @app.after_request
        def cors(resp):
            resp.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
            return resp
        ''',),
)
