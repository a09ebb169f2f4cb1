"""How routes are named for people: which a message names first (a reviewer reads the first
three of a long list), and how a path that cannot be known reads."""

from __future__ import annotations

from typing import Any

SENSITIVE_WORDS = ("admin", "auth", "login", "logout", "account", "user", "token", "session", "password",
                   "secret", "key", "export", "backup", "download", "config", "setting", "billing", "payment")
LOW_VALUE_WORDS = ("/static/", "/health", "/ping", "/status", "/favicon", "/swagger", "/docs", "/openapi")


def sensitivity(route: str) -> tuple[int, str]:
    """Routes a reviewer should see first: paths that name accounts, credentials, admin or
    exports; then the others; static files, health checks and API docs last."""
    lowered = route.lower()
    if any(word in lowered for word in SENSITIVE_WORDS):
        return 0, route
    if any(word in lowered for word in LOW_VALUE_WORDS):
        return 2, route
    return 1, route


SHOWN = 3  # routes a message names
ALL_IN_JSON = " (all in --format json)"


def describe_routes(routes: tuple[str, ...], limit: int = SHOWN, note: bool = True) -> str:
    """The first routes by sensitivity, and how many more (`--format json` lists them all; with
    ``note``, the text says so: a message naming two lists says it once, after both)."""
    if not routes:
        return "no route"
    ordered = sorted(routes, key=sensitivity)
    shown = ", ".join(ordered[:limit])
    return shown if len(routes) <= limit else f"{shown} and {len(routes) - limit} more{ALL_IN_JSON if note else ''}"


def unknown_path_label(path: Any, endpoint: Any = None) -> str:
    """A route path that cannot be known (its JSON form), showing its known end:
    ``<prefix unknown>/admin/config``; else the route's endpoint, the name ``url_for`` knows it
    by: ``endpoint `api-docs.openapi_json` (path unknown)``; else ``<unknown path>``."""
    suffix = path.get("suffix") if isinstance(path, dict) else None
    if suffix:
        return f"<prefix unknown>{suffix}"
    return f"endpoint `{endpoint}` (path unknown)" if isinstance(endpoint, str) and endpoint else "<unknown path>"
