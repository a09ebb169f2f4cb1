"""Ground truth helpers: real flask-cors behaviour, and headers predicted from an inventory.

The prediction feeds each inventory layer's options to flask-cors's own header function
(``serialize_options`` + ``get_cors_headers``), walking the layers the way the inventory
contract says flask-cors does: a terminal layer ends evaluation, a non-terminal one ends
it only when it sent ``Access-Control-Allow-Origin``, and layers with ``preflight: false``
do not run on OPTIONS requests.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from typing import Any

from flask_cors.core import ACL_ORIGIN, get_cors_headers, serialize_options
from werkzeug.datastructures import Headers

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


def predict(route: dict[str, Any], method: str, headers: dict[str, str], http_error: bool = False
            ) -> list[tuple[str, str]]:
    layers = route["cors"]
    if http_error:
        layers = route.get("cors_on_http_error", [layer for layer in layers if layer["source"]["kind"] != "decorator"])
    elif method == "OPTIONS" and "OPTIONS" not in route["methods"]:
        layers = route.get("preflight_cors", layers)
    for layer in layers:
        if method == "OPTIONS" and not layer["preflight"]:
            continue
        if "error" in layer:
            continue
        options = {name: _to_flask_cors(value) for name, value in layer["options"].items()}
        try:
            result = get_cors_headers(serialize_options(options), Headers(headers), method)
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


def request_plan(methods: list[str]) -> list[tuple[str, dict[str, str]]]:
    """The requests sent to each route: simple, no-Origin, preflights (incl. private network)."""
    actual = sorted(set(methods) - {"HEAD", "OPTIONS"})
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


def compare_app(app, document: dict[str, Any]) -> list[str]:
    """Every difference between the real app and the inventory (empty when they agree)."""
    from cors_lint.core.url_rules import sample_path

    problems: list[str] = []
    real = {(rule.rule, rule.endpoint): sorted(rule.methods) for rule in app.url_map.iter_rules()}
    predicted = {(r["path"], r["endpoint"]): r for r in document["routes"]}
    if set(real) != set(predicted):
        problems.append(f"routes differ: only real {sorted(set(real) - set(predicted))}, "
                        f"only predicted {sorted(set(predicted) - set(real))}")
    paths = [rule for rule, _ in real]
    client = app.test_client()
    for key, methods in sorted(real.items()):
        route = predicted.get(key)
        if route is None:
            continue
        if route["methods"] != methods:
            problems.append(f"{key}: methods {route['methods']} != real {methods}")
        if paths.count(key[0]) > 1:
            continue  # two rules share the path: requests reach only the first one
        if route.get("manual_headers"):
            continue  # hand-written headers are sites, not layers: nothing to predict from

        path = sample_path(key[0])
        for method, headers in request_plan(methods):
            try:
                response = client.open(path, method=method, headers=headers)
            except Exception as exc:  # older flask-cors lets some errors escape the app
                layers = route["cors"] + route.get("cors_on_http_error", []) + route.get("preflight_cors", [])
                if not any("note" in layer or "error" in layer for layer in layers):
                    problems.append(f"{method} {path} {headers}: raised {exc!r}, the inventory predicts no error")
                break
            got = cors_headers(response)
            # no static files exist in generated projects: GET/HEAD there is a 404 (an HTTP error);
            # generated views named *_aborts call abort(403) (Flask answers OPTIONS itself unless
            # the rule sends OPTIONS to the view)
            aborts = key[1].endswith("_aborts") and (method != "OPTIONS" or response.status_code == 403)
            http_error = (key[1].endswith("static") and method != "OPTIONS") or aborts
            expected = predict(route, method, headers, http_error)
            if got != expected:
                problems.append(f"{method} {path} {headers}: real {got} != predicted {expected}")
                break
    return problems
