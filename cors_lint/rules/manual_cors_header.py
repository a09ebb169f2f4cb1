"""CORS017 manual-cors-header."""

from __future__ import annotations

import re
from typing import Any

from cors_lint.core import safe_regex
from cors_lint.core.origins import ANY_ORIGIN, EVIL, host_of, intended_domain
from cors_lint.core.route_order import describe_routes
from cors_lint.core.values import regex_flags
from cors_lint.rules.base import Invalid, Rule, RuleContext, site_issue, site_routes

_METHODS = {"match": "re.match anchors only the start of", "search": "re.search finds",
            "fullmatch": "re.fullmatch accepts whatever matches"}


def check(ctx: RuleContext):
    manual = ctx.sites("manual-header")
    credentials_in: dict[tuple[str, str], list[str | None]] = {}
    for s in manual:
        if str(s["options"].get("header", "")).lower() == "access-control-allow-credentials" \
                and str(s["options"].get("value", "")).lower() == "true":
            credentials_in.setdefault((s["file"], s["target"]), []).append(s.get("condition"))
    for site in manual:
        header = str(site["options"].get("header", "")).lower()
        value = site["options"].get("value")
        if header != "access-control-allow-origin":
            continue
        routes = site_routes(ctx, site)
        with_credentials = any(not _exclusive(site.get("condition"), other)
                               for other in credentials_in.get((site["file"], site["target"]), ()))
        where = f" on {describe_routes(routes)}" if routes else ""
        if isinstance(value, dict) and value.get("reflects_request_origin"):
            guards = [g for g in site.get("guards", None) or [] if isinstance(g, dict)]
            if guards:
                yield from _judge_guards(ctx, site, guards, routes, with_credentials, where)
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
def _judge_guards(ctx: RuleContext, site: dict, guards: list[dict], routes: tuple[str, ...], credentials: bool,
                  where: str):
    """The Origin is copied only when every guard passes: judge what they let through."""
    code = " and ".join(f"`{g.get('code', '?')}`" for g in guards)
    lead = f"Access-Control-Allow-Origin copies the request's Origin only when {code} holds"
    with_what = " with credentials" if credentials else ""
    otherwise = site.get("otherwise") if isinstance(site.get("otherwise"), list) else []
    if "null" in otherwise:
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
    for guard in _flat(guards):
        if guard.get("env_only") is True and _strings(guard.get("env")) and ctx.environment == "production":
            names = ", ".join(f"${name}" for name in _strings(guard.get("env")))
            yield site_issue(site, f"{lead}, and `{guard.get('list', '?')}`{_place(guard, env=False)} comes only from {names} "
                             f"(no value in the code): the allow-list lives outside the code and cannot be reviewed "
                             f"here{_wildcards(guard)}{where}", key=("guarded", "env-only", str(guard.get("list"))),
                             routes=routes, severity="warning" if credentials else "note")
            reported = True
        values = guard.get("values")
        if guard.get("kind") in ("membership", "equals") and guard.get("container") != "str" \
                and isinstance(values, list) and "*" in values:
            yield site_issue(site, f"{lead}, and `{guard.get('list', '?')}`{_place(guard)} contains `*`, which "
                             f"`{guard.get('code', '?')}` compares as a literal: no browser sends `Origin: *`, so "
                             "that entry allows nothing (flask-cors's `origins=` would read it as every origin)"
                             f"{where}", key=("guarded", "star", str(guard.get("list"))), routes=routes,
                             severity="warning")
            reported = True
    unknown = [g for g in _flat(guards) if g.get("kind") == "unknown" or isinstance(g.get("values"), dict)]
    if unknown and not reported:
        guard = unknown[0]
        reason = guard["values"].get("unknown") if isinstance(guard.get("values"), dict) else None
        what = f"the values of `{guard.get('list', '?')}`{_place(guard)}" if guard.get("kind") != "unknown" \
            else f"`{guard.get('code', '?')}`"
        yield site_issue(site, f"{lead}; cors-lint cannot evaluate {what}"
                         f"{f' ({reason})' if isinstance(reason, str) else ''}: review which origins it lets "
                         f"through{with_what}{_wildcards(guard)}{where}", key=("guarded", "unknown", code),
                         routes=routes, severity="note")


def _wildcards(guard: dict) -> str:
    """``set(["*", origin]) & ALLOWED``: an entry ``*`` in the list lets every origin through."""
    found = _strings(guard.get("wildcards"))
    if not found:
        return ""
    entries = " or ".join(f"`{entry}`" for entry in found)
    return f" (an entry {entries} in it lets every origin through)"


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _flat(guards: list[dict]) -> list[dict]:
    found = []
    for guard in guards:
        if guard.get("kind") == "any" and isinstance(guard.get("of"), list):
            for branch in guard["of"]:
                if isinstance(branch, list):
                    found.extend(_flat([g for g in branch if isinstance(g, dict)]))
        else:
            found.append(guard)
    return found


def _place(guard: dict, env: bool = True) -> str:
    """`` (set from `X` at app.py:12, read from $ALLOWED_ORIGINS)``: where the list is defined and
    what it is read from."""
    bits = []
    defined = guard.get("defined_at")
    at = f"{defined['file']}:{defined.get('line', '?')}" if isinstance(defined, dict) and "file" in defined else ""
    if isinstance(guard.get("from"), str):
        bits.append(f"set from `{guard['from']}`" + (f" at {at}" if at else ""))
    elif at:
        bits.append(at)
    names = _strings(guard.get("env"))
    if names and env:
        bits.append("read from " + ", ".join(f"${name}" for name in names))
    return f" ({', '.join(bits)})" if bits else ""


def _describe(guard: dict) -> str:
    values = guard.get("values")
    shown = ""
    if isinstance(values, list) and values:
        texts = [v["regex"] if isinstance(v, dict) and "regex" in v else str(v) for v in values[:4]]
        shown = ", ".join(f"`{t}`" for t in texts) + (f" and {len(values) - 4} more" if len(values) > 4 else "")
    listed = str(guard.get("list", "?"))
    if shown and listed[:1] in "\"'[({" or listed[:2] in ('r"', "r'"):
        return shown  # the list is written in the check itself
    return f"`{listed}`{_place(guard)}" + (f": {shown}" if shown else "")


def _why(guard: dict, attacker: str) -> str:
    kind = guard.get("kind")
    if kind == "regex":
        method = guard.get("method", "match")
        return f": {_METHODS.get(method, 'the regex accepts')} the pattern" + (
            ", so anything may follow it" if method == "match" else
            " anywhere in the origin" if method == "search" else "")
    if kind == "suffix":
        return ": a suffix check accepts every domain that ends with it, not only subdomains"
    if kind == "prefix":
        return ": a prefix check accepts longer host names that start with it"
    if kind == "contains" or guard.get("container") == "str":
        return ": `in` on a string tests for a substring"
    if attacker == "null":
        return ": sandboxed iframes and local files send `Origin: null`"
    return ""


# ---------------------------------------------------------------------------- what passes
def _attacker(guards: list[dict]) -> tuple[str | None, dict | None]:
    """An origin an attacker can host that passes every guard, and the guard that let it in
    (for a list of regexes, narrowed to the pattern that did)."""
    for guard in _flat(guards):
        for candidate, culprit in _candidates(guard):
            if all(_passes(g, candidate) is True for g in guards):
                return candidate, culprit
    return None, None


def _candidates(guard: dict) -> list[tuple[str, dict]]:
    values = guard.get("values")
    values = values if isinstance(values, list) else []
    texts = [v for v in values if isinstance(v, str)]
    kind = guard.get("kind")
    found: list[tuple[str, dict]] = []
    if kind in ("membership", "equals"):
        if "null" in texts:
            found.append(("null", guard))
        if guard.get("container") == "str":  # a substring of an allowed origin is also "in" it
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
                alone = {**guard, "values": [value]}
                found += [(c, alone) for c in _regex_candidates(pattern) if _passes(alone, c) is True]
    found += [(ANY_ORIGIN, guard), (f"http://{EVIL}", guard), ("null", guard)]
    seen: set[str] = set()
    return [(c, g) for c, g in found if not (c in seen or seen.add(c))]


def _plain_http(guards: list[dict]) -> str | None:
    """An ``http://`` origin the checks accept: one they list, or one on a host they accept."""
    hosts: list[str] = []
    for guard in _flat(guards):
        values = guard.get("values") if isinstance(guard.get("values"), list) else []
        for value in values:
            text = value["regex"] if isinstance(value, dict) and isinstance(value.get("regex"), str) else value
            if not isinstance(text, str):
                continue
            if guard.get("kind") == "regex":
                domain = intended_domain(text)
                hosts += [f"app.{domain}", domain] if domain else []
            elif guard.get("kind") == "suffix" and guard.get("subject") == "host":
                hosts.append(f"app{text}" if text.startswith(".") else text)
            else:
                hosts.append(host_of(text) if "://" in text else text)
    for host in dict.fromkeys(h for h in hosts if h and "/" not in h):
        candidate = f"http://{host}"
        if all(_passes(g, candidate) is True for g in guards):
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


def _passes(guard: dict, origin: str) -> bool | None:
    """Does ``origin`` pass the guard (None: cannot tell)?"""
    kind = guard.get("kind")
    if kind == "any":
        branches = [b for b in guard.get("of", []) if isinstance(b, list)]
        verdicts = [all(_passes(g, origin) is True for g in branch if isinstance(g, dict)) for branch in branches]
        return True if any(verdicts) else None if not branches else False
    values = guard.get("values")
    if not isinstance(values, list):
        return None
    subject = host_of(origin) if guard.get("subject") == "host" else \
        origin.split("://", 1)[0] if guard.get("subject") == "scheme" else origin
    texts = [v for v in values if isinstance(v, str)]
    if kind in ("membership", "equals"):
        if guard.get("container") == "str":
            return any(subject in text for text in texts)
        return subject in texts
    if kind == "contains":
        return any(text in subject for text in texts)
    if kind == "suffix":
        return any(subject.endswith(text) for text in texts)
    if kind == "prefix":
        return any(subject.startswith(text) for text in texts)
    if kind == "regex":
        return _regex_passes(guard, values, subject)
    return None


def _regex_passes(guard: dict, values: list[Any], subject: str) -> bool | None:
    extra = guard.get("flags") if isinstance(guard.get("flags"), list) else []
    method = guard.get("method", "match")
    unknown = False
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("regex"), str):
            own = value.get("flags") if isinstance(value.get("flags"), list) else []
            pattern, flags = value["regex"], regex_flags([f for f in own if isinstance(f, str)])
        elif isinstance(value, str):
            pattern, flags = value, regex_flags([f for f in extra if isinstance(f, str)])
        else:
            unknown = True
            continue
        verdict = _regex_match(pattern, flags, method, subject)
        if verdict is True:
            return True
        unknown = unknown or verdict is None
    return None if unknown else False


def _regex_match(pattern: str, flags: int, method: str, text: str) -> bool | None:
    if method == "search":  # a search is a match after any prefix; `^` and `\A` still hold only at the start
        inline = re.match(r"\(\?([aiLmsux]+)\)", pattern)
        if inline:
            pattern = pattern[inline.end():]
            flags |= regex_flags([{"i": "IGNORECASE", "m": "MULTILINE", "s": "DOTALL", "x": "VERBOSE",
                                   "a": "ASCII"}.get(c, "") for c in inline.group(1)])
        pattern = rf"[\s\S]*?(?:{pattern})"
    if safe_regex.too_long(pattern):
        return None
    try:
        compiled = re.compile(pattern, flags)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    return safe_regex.match(compiled, text, full=method == "fullmatch")


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
