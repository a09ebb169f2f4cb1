"""Static values: what an expression in scanned code is known to evaluate to.

A value is a plain Python literal (str, int, float, bool, None, list, tuple, set, dict)
or one of the small types below. Anything the engine cannot know is an ``Unknown`` with
a reason; it is never replaced by a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known without running the code. ``suffix``: the end of a string
    that is known all the same (a route rule behind a prefix that cannot be known)."""

    reason: str
    suffix: str | None = None


@dataclass(frozen=True)
class Regex:
    """``re.compile(pattern, flags)``."""

    pattern: str
    flags: int = 0


@dataclass(frozen=True)
class TimeDelta:
    """``datetime.timedelta(...)``, kept as its total number of seconds."""

    seconds: float


@dataclass(frozen=True)
class Unlisted:
    """The path of the routes of an app that cors-lint cannot list, which a resource pattern
    (``/api/*``) may match: CORS that applies to them is judged all the same."""

    pattern: str
    reason: str


@dataclass(frozen=True)
class FromEnv:
    """A value read from an environment variable; ``value`` is the fallback written in the code.
    ``as_read``: the variable's own value (``os.environ.get("X", False)``), not one computed from
    it (``... == "true"``): when the variable is set, it is a string, true when non-empty."""

    var: str
    value: Any
    as_read: bool = field(default=False, compare=False)


def env_vars(value: Any) -> list[str]:
    """The environment variables of the ``FromEnv`` wrappers around a value, outermost first."""
    names = []
    while isinstance(value, FromEnv):
        names.append(value.var)
        value = value.value
    return names


def strip_env(value: Any) -> Any:
    """The value without its outer ``FromEnv`` wrappers (inner values keep theirs)."""
    while isinstance(value, FromEnv):
        value = value.value
    return value


@dataclass
class Provenance:
    """Environment variables that a value was derived from (collected while unwrapping)."""

    env: set[str] = field(default_factory=set)


def unwrap(value: Any, provenance: Provenance | None = None) -> Any:
    """Strip ``FromEnv`` wrappers (recursively), recording the variables in ``provenance``."""
    if isinstance(value, FromEnv):
        if provenance is not None:
            provenance.env.add(value.var)
        return unwrap(value.value, provenance)
    if isinstance(value, list):
        return [unwrap(item, provenance) for item in value]
    if isinstance(value, tuple):
        return tuple(unwrap(item, provenance) for item in value)
    if isinstance(value, (set, frozenset)):
        return {unwrap(item, provenance) for item in value}
    if isinstance(value, dict):
        return {unwrap(k, provenance): unwrap(v, provenance) for k, v in value.items()}
    return value


def contains_unknown(value: Any) -> Unknown | None:
    """The first ``Unknown`` inside a (possibly nested) value, if any."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, FromEnv):
        return contains_unknown(value.value)
    if isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            found = contains_unknown(item)
            if found:
                return found
    if isinstance(value, dict):
        for k, v in value.items():
            found = contains_unknown(k) or contains_unknown(v)
            if found:
                return found
    return None


_FLAG_NAMES = [
    (re.IGNORECASE, "IGNORECASE"),
    (re.MULTILINE, "MULTILINE"),
    (re.DOTALL, "DOTALL"),
    (re.VERBOSE, "VERBOSE"),
    (re.ASCII, "ASCII"),
]


def regex_flag_names(flags: int) -> list[str]:
    return [name for bit, name in _FLAG_NAMES if flags & bit]


def regex_flags(names: list[str]) -> int:
    """The inverse of ``regex_flag_names``."""
    by_name = {name: bit for bit, name in _FLAG_NAMES}
    flags = 0
    for name in names:
        flags |= by_name.get(name, 0)
    return flags


def to_json(value: Any) -> Any:
    """A JSON-compatible rendering of a value (sets sorted, regexes and unknowns as objects)."""
    if isinstance(value, FromEnv):
        return to_json(value.value)
    if isinstance(value, Unknown):
        return {"unknown": value.reason, "suffix": value.suffix} if value.suffix else {"unknown": value.reason}
    if isinstance(value, Regex):
        return {"regex": value.pattern, "flags": regex_flag_names(value.flags)}
    if isinstance(value, TimeDelta):
        return {"timedelta_seconds": value.seconds}
    if isinstance(value, Unlisted):
        return {"unlisted": value.pattern, "reason": value.reason}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((to_json(item) for item in value), key=repr)
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: to_json(v) for k, v in value.items()}
        return [[to_json(k), to_json(v)] for k, v in value.items()]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return {"unknown": f"value of type {type(value).__name__}"}


@dataclass(frozen=True)
class Assumptions:
    """What one environment assumes: environment variable values and ``app.debug``."""

    env: tuple[tuple[str, str], ...] = ()
    debug: bool | None = None
    unset: tuple[str, ...] = ()  # variables assumed absent: the code's fallback applies, on one branch only

    def value(self, var: str) -> str | None:
        return dict(self.env).get(var)

    def pins(self, var: str) -> bool:
        """Is the variable's value fixed by the assumptions (set to a value, or known to be unset)?"""
        return var in dict(self.env) or var in self.unset
