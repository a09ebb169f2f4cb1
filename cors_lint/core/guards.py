"""Guards: the checks a hand-written ``Access-Control-Allow-Origin`` copy of the request's Origin is
written under, and which origins pass them.

``engine.app.manual_headers`` builds them from the code (``if origin in ALLOWED:``); the inventory
document writes them on the site (``as_json``); CORS017 reads them back (``from_json``) and asks
which origins an attacker can host that pass. A site's guards are a conjunction: the origin is
copied only when every one passes.

Kinds, with what the origin (or its ``subject``: "origin", "host", "scheme") is tested against:

* ``membership``: ``subject in values`` (``container``: the listed value's type; a "str"
  container tests for a substring); ``equals``: ``subject == value``;
* ``contains``: a value is a substring of the subject (``"example.com" in origin``);
* ``prefix`` / ``suffix``: ``startswith`` / ``endswith`` one of the values;
* ``regex``: ``re.<method>(value, subject, flags)``; a value may be a compiled pattern
  (``{"regex": ..., "flags": [...]}``);
* ``any``: one of the conjunctions in ``of`` holds (``a or b``);
* ``unknown``: a test on the origin cors-lint cannot read; ``none``: a test every origin passes
  (built, never kept on a site).

``values`` is the JSON form of what the code holds (a list), or ``{"unknown": reason}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cors_lint.core import safe_regex
from cors_lint.core.origins import host_of
from cors_lint.core.values import regex_flags


@dataclass(frozen=True)
class Guard:
    kind: str
    code: str  # the test as written
    listed: str | None = None  # the code of the list (or value) it tests against
    subject: str | None = None  # "origin", or what of it is tested: "host", "scheme"
    method: str | None = None  # regex: match | search | fullmatch
    set_from: str | None = None  # a local list: what it is set from (`current_app.config["CORS_ORIGINS"]`)
    defined_at: dict[str, Any] | None = None  # where the list is written: {"file", "line"}
    container: str | None = None  # membership: list | tuple | set | dict | str | other
    values: Any = None  # a list of JSON values, or {"unknown": reason}; None: not recorded
    flags: Any = None  # regex: the flags passed, or {"unknown": code}
    env: tuple[str, ...] = ()  # environment variables the values are read from
    env_only: bool | None = None  # True: they come only from there (no value in the code)
    wildcards: tuple[str, ...] = ()  # `{"*", origin} & ALLOWED`: entries that let every origin through
    of: tuple[tuple[Guard, ...], ...] = ()  # any: the alternatives, each a conjunction

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "code": self.code}
        optional = (("list", self.listed), ("subject", self.subject), ("method", self.method),
                    ("from", self.set_from), ("defined_at", self.defined_at), ("container", self.container),
                    ("values", self.values), ("flags", self.flags), ("env", list(self.env) or None),
                    ("env_only", self.env_only), ("wildcards", list(self.wildcards) or None))
        data.update((key, value) for key, value in optional if value is not None)
        if self.of:
            data["of"] = [[guard.as_json() for guard in branch] for branch in self.of]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Guard:
        """The guard a document holds; fields of the wrong type read as not recorded."""
        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        def strings(key: str) -> tuple[str, ...]:
            value = data.get(key)
            return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

        of = data.get("of") if data.get("kind") == "any" else None
        branches = tuple(tuple(cls.from_json(g) for g in branch if isinstance(g, dict))
                         for branch in of if isinstance(branch, list)) if isinstance(of, list) else ()
        defined = data.get("defined_at")
        return cls(str(data.get("kind", "")), str(data.get("code", "?")), text("list"), text("subject"),
                   text("method"), text("from"), defined if isinstance(defined, dict) else None, text("container"),
                   data.get("values"), data.get("flags"), strings("env"),
                   data.get("env_only") if isinstance(data.get("env_only"), bool) else None, strings("wildcards"),
                   branches)

    @property
    def value_list(self) -> list[Any]:
        """The values when the code's are known (else [])."""
        return self.values if isinstance(self.values, list) else []


def add(guards: list[Guard], guard: Guard) -> None:
    """Add a guard to a conjunction unless the same check is in it already."""
    if all((found.kind, found.code) != (guard.kind, guard.code) for found in guards):
        guards.append(guard)


def code_of(guards: list[Guard] | tuple[Guard, ...]) -> str:
    """A conjunction as code: ``a and b``."""
    return " and ".join(guard.code for guard in guards)


def flat(guards: list[Guard] | tuple[Guard, ...]) -> list[Guard]:
    """The guards of a conjunction with those inside ``any`` alternatives, in order."""
    found: list[Guard] = []
    for guard in guards:
        if guard.kind == "any":
            for branch in guard.of:
                found.extend(flat(branch))
        else:
            found.append(guard)
    return found


def passes(guard: Guard, origin: str) -> bool | None:
    """Does ``origin`` pass the guard (None: cannot tell)?"""
    if guard.kind == "any":
        verdicts = [all_pass(branch, origin) for branch in guard.of]
        return True if any(verdicts) else None if not guard.of else False
    values = guard.values
    if not isinstance(values, list):
        return None
    subject = host_of(origin) if guard.subject == "host" else \
        origin.split("://", 1)[0] if guard.subject == "scheme" else origin
    texts = [v for v in values if isinstance(v, str)]
    if guard.kind in ("membership", "equals"):
        if guard.container == "str":
            return any(subject in text for text in texts)
        return subject in texts
    if guard.kind == "contains":
        return any(text in subject for text in texts)
    if guard.kind == "suffix":
        return any(subject.endswith(text) for text in texts)
    if guard.kind == "prefix":
        return any(subject.startswith(text) for text in texts)
    if guard.kind == "regex":
        return _regex_passes(guard, values, subject)
    return None


def all_pass(guards: list[Guard] | tuple[Guard, ...], origin: str) -> bool:
    """Does ``origin`` pass every guard of a conjunction (a guard that cannot tell does not pass)?"""
    return all(passes(guard, origin) is True for guard in guards)


def _regex_passes(guard: Guard, values: list[Any], subject: str) -> bool | None:
    extra = guard.flags if isinstance(guard.flags, list) else []
    method = guard.method or "match"
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
