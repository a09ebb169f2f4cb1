"""CORS017 manual-cors-header."""

from __future__ import annotations

import re
from dataclasses import replace

from cors_lint.core.guards import Guard, all_pass, flat, passes
from cors_lint.core.origins import ANY_ORIGIN, EVIL, host_of, intended_domain
from cors_lint.core.route_order import describe_routes
from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue, site_routes
from cors_lint.rules.inventory import Site

_METHODS = {"match": "re.match anchors only the start of", "search": "re.search finds",
            "fullmatch": "re.fullmatch accepts whatever matches"}


def check(ctx: RuleContext):
    manual = ctx.sites("manual-header")
    credentials_in: dict[tuple[str, str], list[str | None]] = {}
    for s in manual:
        if s.header == "access-control-allow-credentials" \
                and str(s.options.get("value", "")).lower() == "true":
            credentials_in.setdefault((s.file, s.target), []).append(s.condition)
    for site in manual:
        value = site.options.get("value")
        if site.header != "access-control-allow-origin":
            continue
        routes = site_routes(ctx, site)
        with_credentials = any(not _exclusive(site.condition, other)
                               for other in credentials_in.get((site.file, site.target), ()))
        where = f" on {describe_routes(routes)}" if routes else ""
        if isinstance(value, dict) and value.get("reflects_request_origin"):
            if site.guards:
                yield from _judge_guards(ctx, site, site.guards, routes, with_credentials, where)
                continue
            yield site_issue(site, "Access-Control-Allow-Origin copies the request's Origin header, so every "
                             f"origin, e.g. `{ANY_ORIGIN}`, is allowed"
                             f"{' with credentials' if with_credentials else ''}{where}", key=("reflect",),
                             routes=routes, attacker=ANY_ORIGIN,
                             severity="error" if with_credentials else "warning")
        elif isinstance(value, str) and value.strip().lower() == "null":
            yield site_issue(site, "Access-Control-Allow-Origin `null` allows every document whose origin is "
                             f"`null` (sandboxed iframes, local files, some redirects){' with credentials' if with_credentials else ''}"
                             f"{where}", key=("null",), routes=routes, attacker="null",
                             severity="error" if with_credentials else "warning")
        elif value == "*" and with_credentials:
            yield site_issue(site, "Access-Control-Allow-Origin `*` is sent with Access-Control-Allow-Credentials: "
                             f"true{where}: browsers refuse the response (it is broken, not exposed), and the usual "
                             "'fix' is reflecting the origin", key=("wildcard-credentials",), routes=routes,
                             severity="warning")


def _exclusive(condition: str | None, other: str | None) -> bool:
    """Are two writes on opposite sides of the same test (``X`` and ``not (X)``), so that no one
    response gets both?"""
    return bool(condition and other) and (condition == f"not ({other})" or other == f"not ({condition})")


# ---------------------------------------------------------------------------- guarded copies
def _judge_guards(ctx: RuleContext, site: Site, guards: tuple[Guard, ...], routes: tuple[str, ...], credentials: bool,
                  where: str):
    """The Origin is copied only when every guard passes: judge what they let through."""
    code = " and ".join(f"`{g.code}`" for g in guards)
    lead = f"Access-Control-Allow-Origin copies the request's Origin only when {code} holds"
    with_what = " with credentials" if credentials else ""
    if "null" in site.otherwise:
        yield site_issue(site, f"{lead}, and sends `null` when it does not: sandboxed iframes and local files send "
                         f"`Origin: null`, so they are allowed{with_what}{where}", key=("guarded", "null-otherwise"),
                         routes=routes, attacker="null", severity="error" if credentials else "warning")
        return
    attacker, culprit = _attacker(guards)
    if attacker is not None:
        why = _why(culprit, attacker) if culprit is not None else ""
        yield site_issue(site, f"{lead} ({_describe(culprit or guards[0])}), but `{attacker}` passes it{why}; "
                         f"that origin is allowed{with_what}{where}", key=("guarded", "attacker", code),
                         routes=routes, attacker=attacker, severity="error" if credentials else "warning")
        return
    reported = False
    insecure = _plain_http(guards)
    if insecure is not None and ctx.environment in ("production", "staging"):
        yield site_issue(site, f"{lead}, but the plain-http `{insecure}` passes it too: anyone on the network path "
                         f"of such a page can inject script into it and read the responses{with_what}{where}",
                         key=("guarded", "http", code), routes=routes, severity="warning")
        reported = True
    for guard in flat(guards):
        if guard.env_only is True and guard.env and ctx.environment == "production":
            names = ", ".join(f"${name}" for name in guard.env)
            yield site_issue(site, f"{lead}, and `{guard.listed or '?'}`{_place(guard, env=False)} comes only from "
                             f"{names} (no value in the code): the allow-list lives outside the code and cannot be "
                             f"reviewed here{_wildcards(guard)}{where}", key=("guarded", "env-only", str(guard.listed)),
                             routes=routes, severity="warning" if credentials else "note")
            reported = True
        if guard.kind in ("membership", "equals") and guard.container != "str" and "*" in guard.value_list:
            yield site_issue(site, f"{lead}, and `{guard.listed or '?'}`{_place(guard)} contains `*`, which "
                             f"`{guard.code}` compares as a literal: no browser sends `Origin: *`, so "
                             "that entry allows nothing (flask-cors's `origins=` would read it as every origin)"
                             f"{where}", key=("guarded", "star", str(guard.listed)), routes=routes,
                             severity="warning")
            reported = True
    unknown = [g for g in flat(guards) if g.kind == "unknown" or isinstance(g.values, dict)]
    if unknown and not reported:
        guard = unknown[0]
        reason = guard.values.get("unknown") if isinstance(guard.values, dict) else None
        what = f"the values of `{guard.listed or '?'}`{_place(guard)}" if guard.kind != "unknown" \
            else f"`{guard.code}`"
        yield site_issue(site, f"{lead}; cors-lint cannot evaluate {what}"
                         f"{f' ({reason})' if isinstance(reason, str) else ''}: review which origins it lets "
                         f"through{with_what}{_wildcards(guard)}{where}", key=("guarded", "unknown", code),
                         routes=routes, severity="note")


def _wildcards(guard: Guard) -> str:
    """``set(["*", origin]) & ALLOWED``: an entry ``*`` in the list lets every origin through."""
    if not guard.wildcards:
        return ""
    entries = " or ".join(f"`{entry}`" for entry in guard.wildcards)
    return f" (an entry {entries} in it lets every origin through)"


def _place(guard: Guard, env: bool = True) -> str:
    """`` (set from `X` at app.py:12, read from $ALLOWED_ORIGINS)``: where the list is defined and
    what it is read from."""
    bits = []
    defined = guard.defined_at
    at = f"{defined['file']}:{defined.get('line', '?')}" if isinstance(defined, dict) and "file" in defined else ""
    if guard.set_from is not None:
        bits.append(f"set from `{guard.set_from}`" + (f" at {at}" if at else ""))
    elif at:
        bits.append(at)
    if guard.env and env:
        bits.append("read from " + ", ".join(f"${name}" for name in guard.env))
    return f" ({', '.join(bits)})" if bits else ""


def _describe(guard: Guard) -> str:
    values = guard.value_list
    shown = ""
    if values:
        texts = [v["regex"] if isinstance(v, dict) and "regex" in v else str(v) for v in values[:4]]
        shown = ", ".join(f"`{t}`" for t in texts) + (f" and {len(values) - 4} more" if len(values) > 4 else "")
    listed = guard.listed or "?"
    if shown and listed[:1] in "\"'[({" or listed[:2] in ('r"', "r'"):
        return shown  # the list is written in the check itself
    return f"`{listed}`{_place(guard)}" + (f": {shown}" if shown else "")


def _why(guard: Guard, attacker: str) -> str:
    kind = guard.kind
    if kind == "regex":
        method = guard.method or "match"
        return f": {_METHODS.get(method, 'the regex accepts')} the pattern" + (
            ", so anything may follow it" if method == "match" else
            " anywhere in the origin" if method == "search" else "")
    if kind == "suffix":
        return ": a suffix check accepts every domain that ends with it, not only subdomains"
    if kind == "prefix":
        return ": a prefix check accepts longer host names that start with it"
    if kind == "contains" or guard.container == "str":
        return ": `in` on a string tests for a substring"
    if attacker == "null":
        return ": sandboxed iframes and local files send `Origin: null`"
    return ""


# ---------------------------------------------------------------------------- what an attacker can send
def _attacker(guards: tuple[Guard, ...]) -> tuple[str | None, Guard | None]:
    """An origin an attacker can host that passes every guard, and the guard that let it in
    (for a list of regexes, narrowed to the pattern that did)."""
    for guard in flat(guards):
        for candidate, culprit in _candidates(guard):
            if all_pass(guards, candidate):
                return candidate, culprit
    return None, None


def _candidates(guard: Guard) -> list[tuple[str, Guard]]:
    values = guard.value_list
    texts = [v for v in values if isinstance(v, str)]
    kind = guard.kind
    found: list[tuple[str, Guard]] = []
    if kind in ("membership", "equals"):
        if "null" in texts:
            found.append(("null", guard))
        if guard.container == "str":  # a substring of an allowed origin is also "in" it
            for text in texts:
                for entry in re.split(r"[\s,;]+", text):
                    if len(entry) > 10 and entry[-1].isalpha():
                        found.append((entry[:-1], guard))
    elif kind == "contains":
        for text in texts:
            bare = text.split("://", 1)[-1].strip("./") or EVIL
            found += [(f"https://{bare}.{EVIL}", guard), (f"https://evil-{bare}", guard)]
    elif kind == "suffix":
        for text in texts:
            bare = text.split("://", 1)[-1]
            found.append((f"https://evil-{bare.lstrip('.')}", guard))
            if bare.startswith(".") and "." not in bare[1:]:  # a top-level domain: anyone can register below it
                found.append((f"https://evil{bare}", guard))
    elif kind == "prefix":
        for text in texts:
            joined = [f"{text}{EVIL}", f"{text}.{EVIL}"] if text.endswith(("/", ":", ".")) else \
                [f"{text}.{EVIL}", f"{text}{EVIL}"]
            found += [(candidate, guard) for candidate in joined]
    elif kind == "regex":
        for value in values:
            pattern = value["regex"] if isinstance(value, dict) and "regex" in value else value
            if isinstance(pattern, str):
                alone = replace(guard, values=[value])
                found += [(c, alone) for c in _regex_candidates(pattern) if passes(alone, c) is True]
    found += [(ANY_ORIGIN, guard), (f"http://{EVIL}", guard), ("null", guard)]
    seen: set[str] = set()
    return [(c, g) for c, g in found if not (c in seen or seen.add(c))]


def _plain_http(guards: tuple[Guard, ...]) -> str | None:
    """An ``http://`` origin the checks accept: one they list, or one on a host they accept."""
    hosts: list[str] = []
    for guard in flat(guards):
        for value in guard.value_list:
            text = value["regex"] if isinstance(value, dict) and isinstance(value.get("regex"), str) else value
            if not isinstance(text, str):
                continue
            if guard.kind == "regex":
                domain = intended_domain(text)
                hosts += [f"app.{domain}", domain] if domain else []
            elif guard.kind == "suffix" and guard.subject == "host":
                hosts.append(f"app{text}" if text.startswith(".") else text)
            else:
                hosts.append(host_of(text) if "://" in text else text)
    for host in dict.fromkeys(h for h in hosts if h and "/" not in h):
        candidate = f"http://{host}"
        if all_pass(guards, candidate):
            return candidate
    return None


def _regex_candidates(pattern: str) -> list[str]:
    domain = intended_domain(pattern)
    if not domain:
        return []
    sample = f"app.{domain}" if domain != "localhost" else "localhost"
    dotted = domain.split(".")
    return [f"https://{sample}.{EVIL}", f"https://{domain}.{EVIL}", f"https://evil{domain}",
            f"https://evil-{domain}", f"https://{'x'.join(dotted)}", f"https://app{'x'.join(dotted)}",
            f"https://{sample.replace('.', 'x', 1)}", f"https://{EVIL}?{domain}", f"https://{EVIL}#{domain}",
            f"http://{sample}", f"http://{domain}.{EVIL}"]


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

A copy made only when a check passes (`if origin in ALLOWED:`, `set([origin]) & ALLOWED`,
`origin.endswith(...)`, `re.match(pattern, origin)`, `if origin not in ALLOWED: return`...)
is judged by what that check lets through: the finding names the list and where it comes
from, and an origin an attacker can host that passes it (an unanchored regex, a suffix check
that `https://evil-example.com` passes, `in` on a string, `null` in the list); a list read only
from the environment, or one that contains `*` (which `in` compares literally), is reported
too. A check cors-lint cannot evaluate is a note. Only an unchecked copy allows every origin.

## Why is this bad?
Reflecting `Origin` without checking it allows every website; with credentials, every
website can read authenticated responses. A check that is easier to pass than it looks is
as bad. A response that already has the header is also skipped by flask-cors, so the
extension's policy no longer applies.

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
        Invalid('''
        from flask import Flask, request
        app = Flask(__name__)
        @app.after_request
        def cors(resp):
            origin = request.headers.get("Origin", "")
            if origin.endswith("example.com"):
                resp.headers["Access-Control-Allow-Origin"] = origin
                resp.headers["Access-Control-Allow-Credentials"] = "true"
            return resp
        @app.route("/me")
        def me(): return "me"
        ''', severity="error",
            message=('`origin.endswith("example.com")`', "`https://evil-example.com` passes", "with credentials"),
            routes=("/me", "/static/<path:filename>"), attacker_origin="https://evil-example.com"),
        Invalid(r'''
        import re
        from flask import Flask, request
        app = Flask(__name__)
        TRUSTED = re.compile(r"https://[a-z]+\.example\.com")
        @app.after_request
        def cors(resp):
            origin = request.headers.get("Origin", "")
            if TRUSTED.match(origin):
                resp.headers["Access-Control-Allow-Origin"] = origin
            return resp
        @app.route("/me")
        def me(): return "me"
        ''', severity="warning",
            message=("`TRUSTED.match(origin)`", "`TRUSTED` (app.py:4)", "`https://app.example.com.evil.example`",
                     "re.match anchors only the start"),
            routes=("/me", "/static/<path:filename>"), attacker_origin="https://app.example.com.evil.example"),
    ),
    valid=('''
        from flask import Flask, request
        app = Flask(__name__)
        ALLOWED = {"https://app.example.com"}
        @app.after_request
        def cors(resp):
            resp.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
            return resp
        ''', '''
        from flask import Flask, request
        app = Flask(__name__)
        ALLOWED = {"https://app.example.com", "https://admin.example.com"}
        @app.after_request
        def cors(resp):
            origin = request.headers.get("Origin")
            if origin in ALLOWED:
                resp.headers["Access-Control-Allow-Origin"] = origin
                resp.headers["Access-Control-Allow-Credentials"] = "true"
            return resp
        @app.route("/me")
        def me(): return "me"
        '''),
)
