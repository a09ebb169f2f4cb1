"""CORS033 reflected-origin-without-vary."""

from __future__ import annotations

import re
from typing import Any

from cors_lint.core.route_order import describe_routes
from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue, site_routes
from cors_lint.rules.inventory import Site


def _tokens(value: Any) -> list[str] | None:
    """The comma-separated entries of a header value (a list for ``resp.vary.update([...])``),
    lower-cased; None when the value is not known."""
    if isinstance(value, str):
        return [token.strip().lower() for token in value.split(",") if token.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [token for item in value for token in _tokens(item) or []]
    return None


def _written(site: Site, header: str) -> list[dict]:
    found = site.other_headers
    return [entry for entry in found if isinstance(entry, dict) and entry.get("header") == header] \
        if isinstance(found, list) else []


def _varies(site: Site) -> tuple[bool, list[dict]]:
    """Does the function write a ``Vary`` that names Origin (or ``*``, or a value cors-lint cannot
    read: not reported), and the Vary writes it has."""
    vary = _written(site, "Vary")
    for entry in vary:
        tokens = _tokens(entry.get("value"))
        if tokens is None or "origin" in tokens or "*" in tokens:
            return True, vary
    return False, vary


def _cacheable(site: Site) -> dict | None:
    """A ``Cache-Control`` written in the same function that lets caches keep the response
    (``public``, or a positive ``max-age`` / ``s-maxage``, without ``no-store``)."""
    for entry in _written(site, "Cache-Control"):
        tokens = _tokens(entry.get("value"))
        if not tokens or "no-store" in tokens:
            continue
        ages = [m.group(1) for token in tokens for m in [re.fullmatch(r"s?-?max-?age\s*=\s*\"?(\d+)\"?", token)]
                if m is not None]
        if "public" in tokens or any(age.strip("0") for age in ages):  # a positive age (digits: never int() them)
            return entry
    return None


def _line(entry: dict) -> str:
    line = entry.get("line")
    return f" (line {line})" if isinstance(line, int) and line > 0 else ""


def check(ctx: RuleContext):
    for site in ctx.sites("manual-header"):
        options = site.options
        value = options.get("value")
        if site.header != "access-control-allow-origin" or \
                not (isinstance(value, dict) and value.get("reflects_request_origin")):
            continue
        varies, vary = _varies(site)
        if varies:
            continue
        routes = site_routes(ctx, site)
        where = f" on {describe_routes(routes)}" if routes else ""
        guards = site.guards
        when = " when " + " and ".join(f"`{g.code}`" for g in guards) + " holds" if guards else ""
        other = ", ".join(f"`Vary: {entry.get('value')}`{_line(entry)}" for entry in vary)
        missing = f"its {other} does not name Origin" if vary else "the response gets no `Vary: Origin`"
        cached = _cacheable(site)
        stored = f", while `Cache-Control: {cached.get('value')}`{_line(cached)} lets caches store it" if cached else ""
        yield site_issue(site, f"Access-Control-Allow-Origin{where} copies the request's Origin{when}, but {missing}"
                         f"{stored}: a shared cache (a CDN, a proxy) or the browser may serve the response made for "
                         "one origin to another", key=("no-vary",), routes=routes, severity="error" if cached else None)


RULE = Rule(
    id="CORS033",
    name="reflected-origin-without-vary",
    severity="warning",
    summary="A hand-written Access-Control-Allow-Origin copies the request's Origin without `Vary: Origin`",
    doc="""
## What it does
Finds hand-written `Access-Control-Allow-Origin` headers whose value is the request's `Origin`
(copied as is, or only when an allow-list check passes) in a function that writes no `Vary`
header naming `Origin` (`resp.headers["Vary"] = "Origin"`, `resp.headers.add("Vary",
"Origin")`, `headers={"Vary": "Origin"}`, `resp.vary.add("Origin")`). It is the hand-written
twin of CORS016 (`vary_header=False`). When the same function also writes a `Cache-Control`
that lets caches keep the response (`public`, a positive `max-age` or `s-maxage`), the finding
is an error.

A `Vary` written elsewhere (another `after_request` hook, a WSGI middleware, the web server)
is not seen: suppress the finding there with a comment that says where it is written.

## Why is this bad?
The response depends on the request's `Origin`, and caches must be told so (the Fetch standard
asks for `Vary: Origin` whenever `Access-Control-Allow-Origin` depends on it). Without it, a
CDN, a proxy or the browser's own cache may store the response made for one origin, or for a
request with no `Origin` at all, and serve it for another: an allowed origin then gets a
response that names someone else or no origin, and its requests fail at random, while a
response made for an attacker's origin can be served from the cache to everyone behind it
(cache poisoning of the CORS decision). A `Cache-Control` that lets caches keep the response
makes this likely rather than possible.

## Example
```python
@app.after_request
def cors(resp):
    origin = request.headers.get("Origin")
    if origin in ALLOWED_ORIGINS:
        resp.headers["Access-Control-Allow-Origin"] = origin
    return resp
```

## Use instead
```python
@app.after_request
def cors(resp):
    origin = request.headers.get("Origin")
    if origin in ALLOWED_ORIGINS:
        resp.headers["Access-Control-Allow-Origin"] = origin
    resp.vary.add("Origin")  # on every response, allowed or not
    return resp
```
or `CORS(app, origins=ALLOWED_ORIGINS)`, which adds `Vary: Origin` itself.
""",
    check=check,
    invalid=(
        Invalid('''
        from flask import Flask, request
        app = Flask(__name__)
        ALLOWED = {"https://app.example.com", "https://admin.example.com"}
        @app.after_request
        def cors(resp):
            origin = request.headers.get("Origin")
            if origin in ALLOWED:
                resp.headers["Access-Control-Allow-Origin"] = origin
            return resp
        @app.route("/me")
        def me(): return "me"
        ''', severity="warning",
            message=("on /me, /static/<path:filename> copies the request's Origin when `origin in ALLOWED` holds",
                     "no `Vary: Origin`"),
            routes=("/me", "/static/<path:filename>"), fixed='''
        from flask import Flask, request
        app = Flask(__name__)
        ALLOWED = {"https://app.example.com", "https://admin.example.com"}
        @app.after_request
        def cors(resp):
            origin = request.headers.get("Origin")
            if origin in ALLOWED:
                resp.headers["Access-Control-Allow-Origin"] = origin
            resp.vary.add("Origin")
            return resp
        @app.route("/me")
        def me(): return "me"
        '''),
        Invalid('''
        from flask import Flask, Response, request
        app = Flask(__name__)
        @app.route("/feed")
        def feed():
            return Response("[]", headers={"Access-Control-Allow-Origin": request.headers.get("Origin", "*"),
                                           "Cache-Control": "public, max-age=600"})
        ''', severity="error",
            message=("on /feed", "no `Vary: Origin`",
                     "`Cache-Control: public, max-age=600` (line 6) lets caches store it"),
            routes=("/feed",)),
        Invalid('''
        from flask import Flask, request
        app = Flask(__name__)
        @app.route("/data")
        def data():
            resp = app.make_response("{}")
            resp.headers["Access-Control-Allow-Origin"] = request.origin
            resp.headers["Vary"] = "Accept-Encoding"
            resp.cache_control.max_age = 300
            return resp
        ''', severity="error",
            message=("its `Vary: Accept-Encoding` (line 7) does not name Origin", "`Cache-Control: max-age=300`"),
            routes=("/data",), fixed='''
        from flask import Flask, request
        app = Flask(__name__)
        @app.route("/data")
        def data():
            resp = app.make_response("{}")
            resp.headers["Access-Control-Allow-Origin"] = request.origin
            resp.headers["Vary"] = "Accept-Encoding"
            resp.cache_control.max_age = 300
            resp.vary.add("Origin")
            return resp
        '''),
    ),
    valid=('''
        from flask import Flask, request
        app = Flask(__name__)
        ALLOWED = {"https://app.example.com", "https://admin.example.com"}
        @app.after_request
        def cors(resp):
            origin = request.headers.get("Origin")
            if origin in ALLOWED:
                resp.headers["Access-Control-Allow-Origin"] = origin
                resp.headers["Vary"] = "Origin"
            return resp
        ''', '''
        from flask import Flask, request
        app = Flask(__name__)
        @app.after_request
        def cors(resp):
            resp.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin")
            resp.headers.add("Vary", "Accept-Encoding, Origin")
            return resp
        ''', '''
        from flask import Flask, Response, request
        app = Flask(__name__)
        @app.route("/feed")
        def feed():
            return Response("[]", headers={"Access-Control-Allow-Origin": request.origin, "Vary": "Origin"})
        ''', '''
        from flask import Flask, request
        app = Flask(__name__)
        @app.after_request
        def cors(resp):
            resp.vary.add("Origin")
            if request.origin == "https://app.example.com":
                resp.headers["Access-Control-Allow-Origin"] = request.origin
            return resp
        ''', '''
        from flask import Flask
        app = Flask(__name__)
        @app.after_request
        def cors(resp):
            resp.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
            resp.headers["Cache-Control"] = "public, max-age=600"
            return resp
        '''),
)
