"""Ground truth helpers: real flask-cors behaviour, and headers predicted from an inventory.

The prediction feeds each inventory layer's options to flask-cors's own header function
(``serialize_options`` + ``get_cors_headers``), walking the layers the way the inventory
contract says flask-cors does: a terminal layer ends evaluation, a non-terminal one ends
it only when it sent ``Access-Control-Allow-Origin``, and layers with ``preflight: false``
do not run on OPTIONS requests.

Which rule answers a request is Flask's (werkzeug's) choice, not the inventory's: rules with
the same path are matched in registration order, which the inventory does not record, so each
request is routed with the real ``url_map`` and compared with the inventory route of the rule
that answers it. Hand-written ``Access-Control-*`` headers are not predicted by the inventory;
on routes that have them, the headers flask-cors adds must still be the predicted ones, and
every header flask-cors would not have sent must be named by one of the route's manual-header
sites (with that site's value, where the value is a literal or the request's Origin).
"""

from __future__ import annotations

import importlib
import io
import re
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

from flask_cors.core import ACL_ORIGIN, get_cors_headers, serialize_options
from werkzeug.datastructures import Headers

from cors_lint.core.values import Assumptions

ORIGINS = [
    "https://a.example.com",
    "https://b.example.com",
    "https://evil.com",
    "https://a.example.com.evil.net",
    "HTTPS://A.EXAMPLE.COM",
    "https://x.example.com",
    "https://app.example.com",
    "https://app.example.com.evil.net",
    "https://env.example.com",
    "https://one.example.com",
    "https://settings.example.com",
    "https://res.example.com",
    "https://admin.example.com",
    "https://first.example.com",
    "https://child.example.com",
    "http://localhost.evil.com",
    "null",
]
_FLAGS = {"IGNORECASE": re.IGNORECASE, "MULTILINE": re.MULTILINE, "DOTALL": re.DOTALL, "VERBOSE": re.VERBOSE,
          "ASCII": re.ASCII}


def _to_flask_cors(value: Any) -> Any:
    if isinstance(value, dict) and "regex" in value:
        flags = 0
        for name in value.get("flags", []):
            flags |= _FLAGS[name]
        return re.compile(value["regex"], flags)
    if isinstance(value, list):
        return [_to_flask_cors(item) for item in value]
    return value


def predict(route: dict[str, Any], method: str, headers: dict[str, str], http_error: bool = False,
            extensions: bool = True, cache: dict[int, Any] | None = None) -> list[tuple[str, str]]:
    """The headers flask-cors adds; ``extensions=False``: as if a hand-written
    ``Access-Control-Allow-Origin`` had made every extension hook skip the response.
    ``cache`` keeps each layer's serialised options (by ``id``: only while the document lives)."""
    layers = route["cors"]
    if http_error:
        layers = route.get("cors_on_http_error", [layer for layer in layers if layer["source"]["kind"] != "decorator"])
    elif method == "OPTIONS" and "OPTIONS" not in route["methods"]:
        layers = route.get("preflight_cors", layers)
    for layer in layers:
        if method == "OPTIONS" and not layer["preflight"]:
            continue
        if not extensions and layer["source"]["kind"] == "extension":
            continue
        if "error" in layer:
            continue
        try:
            if cache is None or id(layer) not in cache:
                options = {name: _to_flask_cors(value) for name, value in layer["options"].items()}
                serialized = serialize_options(options)
                if cache is not None:
                    cache[id(layer)] = serialized
            else:
                serialized = cache[id(layer)]
            result = get_cors_headers(serialized, Headers(headers), method)
        except Exception as exc:  # this flask-cors raises on these options
            return [("<raises>", type(exc).__name__)]
        if layer["terminal"] or result.get(ACL_ORIGIN):
            return sorted((k, str(v)) for k, v in result.items())
    return []


def cors_headers(response) -> list[tuple[str, str]]:
    """The headers flask-cors adds (a view's own `Vary: Accept-Encoding` is not one of them)."""
    return sorted(
        (k, v) for k, v in response.headers.items()
        if k.lower().startswith("access-control-") or (k == "Vary" and v == "Origin")
    )


class Answer:
    """What the app answered one request: its status code and headers."""

    def __init__(self, status: str, headers: list[tuple[str, str]]):
        self.status_code, self.headers = int(status.split()[0]), Headers(headers)


def send(app, path: str, method: str, headers: dict[str, str]) -> Answer:
    """One request through the app's own WSGI entry, as a server calls it: the environ a server
    builds for a request without a body (Flask's test client builds the same one, at twice the
    cost per request, which tens of thousands of requests feel)."""
    environ = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
               "SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "localhost", "wsgi.version": (1, 0),
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
               "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False}
    environ.update({"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()})
    started: list[Answer] = []
    body = app(environ, lambda status, response_headers, exc_info=None: started.append(
        Answer(status, response_headers)))
    try:
        for _ in body:
            pass
    finally:
        getattr(body, "close", lambda: None)()
    return started[-1]


def load_app(directory: Path, module: str = "main", attribute: str = "app"):
    """Import a generated project for real (tests only: the linter never does this)."""
    importlib.invalidate_caches()
    sys.path.insert(0, str(directory))
    try:
        return getattr(importlib.import_module(module), attribute)
    finally:
        sys.path.remove(str(directory))
        for name, loaded in list(sys.modules.items()):
            if str(getattr(loaded, "__file__", "") or "").startswith(str(directory)):
                del sys.modules[name]


def write_project(directory: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def plan_methods(methods: list[str]) -> list[str]:
    """The methods a route's simple requests may use, in the order the plan prefers them."""
    actual = sorted(set(methods) - {"HEAD", "OPTIONS"})
    return (["GET"] if "GET" in actual else []) + [m for m in actual if m != "GET"]


def request_plan(methods: list[str], method: str | None = None) -> list[tuple[str, dict[str, str]]]:
    """The requests sent to each route: simple, no-Origin, preflights (incl. private network)."""
    actual = sorted(set(methods) - {"HEAD", "OPTIONS"})
    if method is None:
        method = "GET" if "GET" in actual else (actual[0] if actual else "GET")
    simple = bool(actual)  # an OPTIONS-only rule answers nothing else (other methods are routing 405s)
    plan: list[tuple[str, dict[str, str]]] = [(method, {})] if simple else []
    for origin in ORIGINS:
        if simple:
            plan.append((method, {"Origin": origin}))
        plan.append(("OPTIONS", {"Origin": origin, "Access-Control-Request-Method": method,
                                 "Access-Control-Request-Headers": "Content-Type, X-Custom-Foo, x-other"}))
    plan.append(("OPTIONS", {"Origin": ORIGINS[0], "Access-Control-Request-Method": method,
                             "Access-Control-Request-Private-Network": "true"}))
    plan.append(("OPTIONS", {"Origin": ORIGINS[0]}))
    if simple:
        plan.append((method, {"Origin": ORIGINS[2], "Access-Control-Request-Private-Network": "true"}))
    return plan


MANUAL_ACAO = "access-control-allow-origin"


def manual_values(route: dict[str, Any], sites: dict[tuple[str, int, str], dict[str, Any]]
                  ) -> dict[str, list[Any]]:
    """The route's hand-written headers (lower-cased name -> the values its sites write)."""
    values: dict[str, list[Any]] = {}
    for entry in route.get("manual_headers", []):
        site = sites.get((entry["file"], entry["line"], entry["header"]))
        value = site["options"].get("value") if site else {"unknown": "no such site"}
        values.setdefault(entry["header"].lower(), []).append(value)
    return values


def _is_literal(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _reflects(value: Any) -> bool:
    return isinstance(value, dict) and value.get("reflects_request_origin") is True


def _written_by(value: Any, real: str, headers: dict[str, str]) -> bool:
    """Could a manual-header site with this (inventory) value have written ``real``?"""
    if _is_literal(value):
        return real == str(value)
    if _reflects(value):
        # request.headers.get("Origin", fallback): the fallback is not in the inventory
        return "Origin" not in headers or real == headers["Origin"]
    return True  # unknown to the inventory: any value


def agrees_with_manual(got: list[tuple[str, str]], flask_cors: list[tuple[str, str]],
                       manual: dict[str, list[Any]], headers: dict[str, str]) -> bool:
    """``got`` is what flask-cors sends (``flask_cors``) with the hand-written headers on top."""
    def rest(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(k, v) for k, v in items if k.lower() not in manual]

    if rest(got) != rest(flask_cors):
        return False
    for header, written in manual.items():
        real = [v for k, v in got if k.lower() == header]
        sent = [v for k, v in flask_cors if k.lower() == header]
        if sent and not real:  # a hand-written header replaces or adds, it never removes
            return False
        if len(real) > len(sent) + len(written):
            return False
        if any(v not in sent and not any(_written_by(w, v, headers) for w in written) for v in real):
            return False
    return True


def compare_app(app, document: dict[str, Any], stats: Counter | None = None) -> list[str]:
    """Every difference between the real app and the inventory (empty when they agree).

    ``stats`` (if given) counts the routes: ``routes``, ``compared`` (at least one request
    answered by the route), of those ``shared_path`` (and ``preflight_answered_by_another_rule``:
    its own preflight behaviour is not exercised), ``manual_headers`` and
    ``manual_either_order`` (a hand-written Access-Control-Allow-Origin: the hook order is not
    in the inventory, so flask-cors's extension hooks may or may not have run) and
    ``manual_unknown_value`` (a hand-written value the inventory does not know: any value is
    accepted), ``manual_via_view`` / ``manual_via_after_request``, the routes not compared, as
    ``skipped: <reason>``, the requests sent (``requests sent``) and those not compared, as
    ``requests not compared: <reason>``.
    """
    from werkzeug.exceptions import MethodNotAllowed
    from werkzeug.routing import RequestRedirect

    from cors_lint.core.url_rules import sample_path

    stats = stats if stats is not None else Counter()
    problems: list[str] = []
    real = {(rule.rule, rule.endpoint): sorted(rule.methods) for rule in app.url_map.iter_rules()}
    predicted = {(r["path"], r["endpoint"]): r for r in document["routes"]}
    sites = {(s["file"], s["line"], s["options"].get("header")): s for s in document["sites"]
             if s["kind"] == "manual-header"}
    if set(real) != set(predicted):
        problems.append(f"routes differ: only real {sorted(set(real) - set(predicted))}, "
                        f"only predicted {sorted(set(predicted) - set(real))}")
    paths = [rule for rule, _ in real]
    adapter = app.url_map.bind("localhost")

    routed: dict[tuple[str, str], tuple[str, str] | None] = {}
    serialized: dict[int, Any] = {}

    def answering(path: str, method: str) -> tuple[str, str] | None:
        """The rule Flask routes this request to; None for a routing 405, or for a redirect to
        the path with a slash (``/x`` lacks the method, ``/x/`` has it): only the app's hooks
        see these, the same for every rule of the path."""
        if (path, method) not in routed:
            try:
                rule, _ = adapter.match(path, method=method, return_rule=True)
                routed[path, method] = rule.rule, rule.endpoint
            except (MethodNotAllowed, RequestRedirect):
                routed[path, method] = None
        return routed[path, method]

    for key, methods in sorted(real.items()):
        route = predicted.get(key)
        if route is None:
            continue
        stats["routes"] += 1
        if route["methods"] != methods:
            problems.append(f"{key}: methods {route['methods']} != real {methods}")
        path = sample_path(key[0])
        shared = paths.count(key[0]) > 1
        # rules sharing a path: send the simple requests with a method this rule answers
        own = [m for m in plan_methods(methods) if answering(path, m) == key]
        if not own and answering(path, "OPTIONS") not in (key, None):
            stats["skipped: another rule with the same path answers every request"] += 1
            continue
        for entry in route.get("manual_headers", []):
            if (entry["file"], entry["line"], entry["header"]) not in sites:
                problems.append(f"{key}: manual header {entry} has no manual-header site")
        answered = []  # the requests this rule answered (a routing 405 counts: nothing else did)
        for method, headers in request_plan(methods, own[0] if own else None):
            target = answering(path, method)
            if target is None and method != "OPTIONS":
                stats["requests not compared: redirected to the path with a slash"] += 1
                continue  # the inventory has no layers for a routing redirect of a simple request
            answered.append(target in (key, None))
            answer = route if target is None else predicted.get(target)
            if answer is None:
                break  # reported above: the routes differ
            try:
                stats["requests sent"] += 1
                response = send(app, path, method, headers)
            except Exception as exc:  # older flask-cors lets some errors escape the app
                layers = answer["cors"] + answer.get("cors_on_http_error", []) + answer.get("preflight_cors", [])
                if not any("note" in layer or "error" in layer for layer in layers):
                    problems.append(f"{method} {path} {headers}: raised {exc!r}, the inventory predicts no error")
                break
            got = cors_headers(response)
            # no static files exist in generated projects: GET/HEAD there is a 404 (an HTTP error);
            # generated views named *_aborts call abort(403) (Flask answers OPTIONS itself unless
            # the rule sends OPTIONS to the view)
            endpoint = answer["endpoint"]
            aborts = endpoint.endswith("_aborts") and (method != "OPTIONS" or response.status_code == 403)
            http_error = (endpoint.endswith("static") and method != "OPTIONS") or aborts
            expected = predict(answer, method, headers, http_error, cache=serialized)
            manual = manual_values(answer, sites)
            if not manual:
                agrees = got == expected
            else:
                # a hand-written Access-Control-Allow-Origin that runs before the extension hooks
                # makes them skip the response; one that runs after them overwrites theirs
                outcomes = [expected]
                if MANUAL_ACAO in manual:
                    outcomes.append(predict(answer, method, headers, http_error, extensions=False, cache=serialized))
                agrees = any(agrees_with_manual(got, outcome, manual, headers) for outcome in outcomes)
            if not agrees:
                via = f" (answered by {target})" if target not in (key, None) else ""
                hand = f", hand-written {manual}" if manual else ""
                problems.append(f"{method} {path} {headers}{via}: real {got} != predicted {expected}{hand}")
                break
        if not any(answered):
            stats["skipped: the requests sent went to another rule"] += 1
            continue
        stats["compared"] += 1
        stats["shared_path"] += shared
        stats["preflight_answered_by_another_rule"] += answering(path, "OPTIONS") not in (key, None)
        if route.get("manual_headers"):
            stats["manual_headers"] += 1
            written = manual_values(route, sites)
            stats["manual_either_order"] += MANUAL_ACAO in written
            stats["manual_unknown_value"] += not all(_is_literal(v) or _reflects(v) for vs in written.values()
                                                     for v in vs)
            for via in {entry["via"] for entry in route["manual_headers"]}:
                stats[f"manual_via_{via}"] += 1
    return problems


# The environment the apps run in here: the generated apps' variables are unset. Analyses pin
# them the same way, so that code under `if os.getenv(...)` is analysed on the branch that runs.
ENVIRONMENT_VARIABLES = ("GEN_ORIGIN", "GEN_LIST", "GEN_UNSET", "GEN_MODE", "GEN_CONF")
RUNTIME = Assumptions(unset=ENVIRONMENT_VARIABLES)


def url_map_rules(app) -> list[tuple[str, str, tuple[str, ...]]]:
    """The app's url_map as sorted (rule, endpoint, methods): the form of ``inventory_rules``."""
    return sorted((rule.rule, rule.endpoint, tuple(sorted(rule.methods))) for rule in app.url_map.iter_rules())


def inventory_rules(routes) -> list[tuple[Any, Any, tuple[str, ...]]]:
    """Inventory routes (a document's, or some of them) as sorted (path, endpoint, methods)."""
    return sorted((r["path"], r["endpoint"], tuple(r["methods"])) for r in routes)


def compare_apps(directory: Path, document: dict[str, Any]) -> list[str]:
    """Every app the module ``main`` binds at its top level, imported for real, against its own
    routes in the inventory."""
    problems = []
    names = sorted({a["name"] for a in document["apps"]})
    assert names, document["apps"]
    for name in names:
        ids = {a["id"] for a in document["apps"] if a["name"] == name}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. flask-smorest on pagination without item_count
            app = load_app(directory, attribute=name)
        routes = [r for r in document["routes"] if r["app"] in ids]
        problems += [f"{name}: {p}" for p in compare_app(app, {**document, "routes": routes})]
    return problems
