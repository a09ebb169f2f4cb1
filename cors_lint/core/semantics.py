"""What flask-cors itself does with options, patterns and resources.

Everything here mirrors flask-cors 6.0.x (``flask_cors/core.py`` and ``extension.py``);
the differential tests in ``tests/test_differential.py`` hold it to the installed
flask-cors. Functions are pure and work on plain values (see ``cors_lint.core.values``).
"""

from __future__ import annotations

import re
from typing import Any

from cors_lint.core import safe_regex
from cors_lint.core.values import Regex, Unknown
from cors_lint.core.versions import DEFAULT, FlaskCorsVersion

# How the inventory says a hand-written after_request hook runs after flask-cors's own (Flask runs
# a scope's hooks in reverse order of registration): it sees the headers flask-cors added
# (``set_cors_headers`` uses ``headers.add``), while one that runs before makes flask-cors skip the
# response (``cors_after_request`` returns early when Access-Control-Allow-Origin is set).
AFTER_CORS_HOOK = "after CORS(app)'s hook"

# flask_cors.core.DEFAULT_OPTIONS (6.0.x)
ALL_METHODS = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"]
DEFAULT_OPTIONS: dict[str, Any] = {
    "origins": "*",
    "methods": ALL_METHODS,
    "allow_headers": "*",
    "expose_headers": None,
    "supports_credentials": False,
    "max_age": None,
    "send_wildcard": False,
    "automatic_options": True,
    "vary_header": True,
    "resources": r"/*",
    "intercept_exceptions": True,
    "always_send": True,
    "allow_private_network": False,
}
OPTION_NAMES = frozenset(DEFAULT_OPTIONS)
def config_key(option: str) -> str:
    """The app.config key flask-cors reads an option from (``origins`` -> ``CORS_ORIGINS``)."""
    return "CORS_" + option.upper()


CONFIG_KEYS = {config_key(name): name for name in DEFAULT_OPTIONS}


def resource_option_key(pattern: str, option: str) -> str:
    """How a site's ``defined_at`` names an option of one entry of its ``resources=`` mapping
    (``{r"/api/.*": {"origins": API_ORIGINS}}``): ``resources[/api/.*].origins``."""
    return f"resources[{pattern}].{option}"


def split_resource_option_key(key: str) -> tuple[str, str] | None:
    """``resources[/api/.*].origins`` -> ``("/api/.*", "origins")``; None for any other key."""
    if not key.startswith("resources[") or "]." not in key:
        return None
    pattern, _, option = key[len("resources["):].rpartition("].")
    return pattern, option


# Options that end up in a per-route layer (resources/intercept_exceptions are extension-wide).
LAYER_OPTIONS = (
    "origins",
    "methods",
    "allow_headers",
    "expose_headers",
    "supports_credentials",
    "max_age",
    "send_wildcard",
    "vary_header",
    "automatic_options",
    "always_send",
    "allow_private_network",
)
BOOLEAN_OPTIONS = frozenset(
    {
        "supports_credentials",
        "send_wildcard",
        "vary_header",
        "automatic_options",
        "always_send",
        "allow_private_network",
        "intercept_exceptions",
    }
)

_REGEX_HINT_CHARS = frozenset("*\\]?$^[]()")


def probably_regex(pattern: str | Regex) -> bool:
    """flask_cors.core.probably_regex: compiled patterns, and strings with ``* \\ ] ? $ ^ [ ( )``."""
    if isinstance(pattern, Regex):
        return True
    return not _REGEX_HINT_CHARS.isdisjoint(pattern)


def re_fix(pattern: Any) -> Any:
    """flask_cors.core.re_fix: the bare ``*`` becomes the regex ``.*``."""
    return r".*" if pattern == r"*" else pattern


def ensure_list(value: Any) -> list[Any]:
    """flask_cors.core.ensure_iterable followed by ``list``: a str or a scalar becomes a 1-element list.

    Sets are sorted so that the model is deterministic (flask-cors only ever uses them
    through ``any()``, ``sorted()`` or ``len()``, none of which depends on their order).
    """
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=_sort_key)
    return [value]


def _sort_key(item: Any) -> str:
    return item.pattern if isinstance(item, Regex) else str(item)


def compile_pattern(pattern: str | Regex, *, ignore_case: bool) -> re.Pattern[str] | None:
    """Compile a pattern the way flask-cors resolves it; ``None`` when it does not compile."""
    text = pattern.pattern if isinstance(pattern, Regex) else pattern
    if isinstance(text, str) and safe_regex.too_long(text):
        return None
    try:
        if isinstance(pattern, Regex):
            return re.compile(pattern.pattern, pattern.flags)
        return re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    except (re.error, TypeError, ValueError, RecursionError, OverflowError):
        return None


def invalid_regexes(patterns: list[Any], *, ignore_case: bool) -> list[str]:
    """Regex-looking strings that do not compile (flask-cors >= 6.0.4 raises ValueError on them)."""
    bad = []
    for pattern in map(re_fix, patterns):
        if isinstance(pattern, str) and probably_regex(pattern):
            if compile_pattern(pattern, ignore_case=ignore_case) is None:
                bad.append(pattern)
    return bad


def match_path(path: str, pattern: Any, version: FlaskCorsVersion = DEFAULT) -> bool | Unknown:
    """flask-cors's resource match: ``re.match`` for regexes, equality for literals.

    Case-sensitive from 6.0.0; before that string regexes got IGNORECASE and literals
    were compared lower-cased (a compiled pattern always keeps its own flags).
    """
    if isinstance(pattern, Unknown):
        return pattern
    if isinstance(pattern, Regex) or (isinstance(pattern, str) and probably_regex(pattern)):
        ignore_case = not version.case_sensitive_paths and not isinstance(pattern, Regex)
        compiled = compile_pattern(pattern, ignore_case=ignore_case)
        if compiled is None:
            return False
        matched = safe_regex.match(compiled, path)
        return Unknown(f"the resource pattern {compiled.pattern!r} is too slow to evaluate") if matched is None \
            else matched
    if not version.case_sensitive_paths:
        return str(path).lower() == str(pattern).lower()
    return str(path) == str(pattern)


def resource_sort_key(pattern: Any, version: FlaskCorsVersion = DEFAULT) -> tuple[int, ...]:
    """flask_cors.core.parse_resources sort key for dict resources, per version."""
    text = pattern.pattern if isinstance(pattern, Regex) else str(pattern)
    if version.sort_scheme == "length":  # <= 5.0.1: longest pattern first
        return (-len(text),)
    slashes = text.count("/") if version.sort_scheme == "groups-fewest-slashes" else -text.count("/")
    if isinstance(pattern, Regex):
        return (1, 0, slashes, -len(text))
    if probably_regex(text):
        return (1, 1, slashes, -len(text))
    return (0, 0, slashes, -len(text))


def parse_resources(resources: Any, version: FlaskCorsVersion = DEFAULT) -> list[tuple[Any, dict[str, Any]]] | Unknown:
    """flask_cors.core.parse_resources, before compilation: ordered ``(pattern, options)`` pairs."""
    if isinstance(resources, Unknown):
        return resources
    if isinstance(resources, dict):
        pairs = [(re_fix(key), value) for key, value in resources.items()]
        if any(isinstance(key, Unknown) for key, _ in pairs):
            return Unknown("a resource pattern cannot be evaluated statically")
        pairs.sort(key=lambda pair: resource_sort_key(pair[0], version))
        return pairs
    if isinstance(resources, (str, Regex)):
        return [(re_fix(resources), {})]
    if isinstance(resources, (list, tuple, set, frozenset)):
        return [(re_fix(item), {}) for item in ensure_list(resources)]
    return Unknown(f"unexpected value for resources: {type(resources).__name__}")


def is_wildcard(origins: list[Any]) -> bool:
    """``allow_all_origins``: the exact element ``.*`` after ``*`` -> ``.*``."""
    return any(re_fix(item) == r".*" for item in origins if isinstance(item, str))
