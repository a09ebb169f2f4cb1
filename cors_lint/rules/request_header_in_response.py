"""CORS034 request-header-in-response."""

from __future__ import annotations

from cors_lint.core.route_order import describe_routes
from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue, site_routes

# request-only header (sent by browsers in a preflight) -> the response header that answers it
MEANT = {
    "access-control-request-method": "Access-Control-Allow-Methods",
    "access-control-request-headers": "Access-Control-Allow-Headers",
    "access-control-request-private-network": "Access-Control-Allow-Private-Network",
}


def check(ctx: RuleContext):
    for site in ctx.sites("manual-header"):
        options = site.options
        header = options.get("header")
        if not isinstance(header, str) or header.lower() not in MEANT:
            continue
        value = options.get("value")
        written = f"`{header}: {value}`" if isinstance(value, (str, int)) and not isinstance(value, bool) \
            else f"`{header}`"
        routes = site_routes(ctx, site)
        where = f" on {describe_routes(routes)}" if routes else ""
        meant = MEANT[header.lower()]
        yield site_issue(site, f"{written} is set as a response header{where}, but it is a request header (browsers "
                         f"send it in a preflight): in a response it does nothing; `{meant}` was meant",
                         key=(header.lower(),), routes=routes)


RULE = Rule(
    id="CORS034",
    name="request-header-in-response",
    severity="warning",
    summary="A response carries Access-Control-Request-Method or -Headers, which only requests send",
    doc="""
## What it does
Finds hand-written response headers named `Access-Control-Request-Method`,
`Access-Control-Request-Headers` or `Access-Control-Request-Private-Network`. Headers sent by
a test client or an outgoing request (`client.options(..., headers=...)`, `requests.get(...,
headers=...)`) are requests, and are not reported.

## Why is this bad?
Those are the headers a browser sends in a preflight to ask whether a method or headers may
be used. In a response they mean nothing, and no browser reads them: the preflight still
fails for any method or header that is not simple, and the `Access-Control-Allow-Methods` /
`Access-Control-Allow-Headers` that were meant are never sent.

## Example
```python
@app.after_request
def cors(resp):
    resp.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
    resp.headers["Access-Control-Request-Method"] = "GET, POST, PUT"
    return resp
```

## Use instead
```python
@app.after_request
def cors(resp):
    resp.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
    resp.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT"
    return resp
```
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask
        app = Flask(__name__)
        @app.after_request
        def cors(resp):
            resp.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
            resp.headers["Access-Control-Request-Method"] = "GET, POST, PUT"
            return resp
        @app.route("/x")
        def x(): return "x"
        ''', severity="warning",
            message=("`Access-Control-Request-Method: GET, POST, PUT`", "request header",
                     "`Access-Control-Allow-Methods` was meant", "/x"),
            routes=("/static/<path:filename>", "/x")),
        Invalid('''
        from flask import Flask, jsonify
        app = Flask(__name__)
        @app.route("/api", methods=["GET", "OPTIONS"])
        def api():
            resp = jsonify([])
            resp.headers.add("Access-Control-Request-Headers", "Content-Type, Authorization")
            return resp
        ''', severity="warning",
            message=("`Access-Control-Request-Headers: Content-Type, Authorization`",
                     "`Access-Control-Allow-Headers` was meant", "/api"),
            routes=("/api",)),
    ),
    valid=('''
        from flask import Flask
        app = Flask(__name__)
        @app.after_request
        def cors(resp):
            resp.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
            resp.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT"
            return resp
        ''', '''
        from flask import Flask, request
        app = Flask(__name__)
        @app.after_request
        def cors(resp):
            asked = request.headers.get("Access-Control-Request-Headers", "")
            resp.headers["Access-Control-Allow-Headers"] = asked
            return resp
        ''', '''
        from flask import Flask
        app = Flask(__name__)
        @app.route("/")
        def index(): return "ok"
        def smoke_test():
            client = app.test_client()
            client.get("/", headers={"Access-Control-Request-Method": "POST"})
            headers = {"Origin": "https://app.example.com"}
            headers["Access-Control-Request-Headers"] = "X-Token"
            assert client.options("/", headers=headers).status_code == 200
        ''', '''
        import requests
        from flask import Flask
        app = Flask(__name__)
        @app.route("/probe")
        def probe():
            answer = requests.options("https://api.example.com/x", headers={
                "Origin": "https://app.example.com", "Access-Control-Request-Headers": "X-Token"})
            return str(answer.status_code)
        '''),
)
