"""Werkzeug URL rules: a concrete request path for a rule such as ``/items/<int:id>``."""

from __future__ import annotations

import re

_CONVERTER = re.compile(r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<args>.*?)\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")


_SAMPLES = {"int": "1", "float": "1.5", "path": "a/b", "uuid": "00000000-0000-0000-0000-000000000000",
            "string": "x", "default": "x"}


def sample_path(rule: str) -> str:
    """A concrete request path for a rule, to match resource patterns against."""

    def replace(match: re.Match[str]) -> str:
        converter = match.group("converter") or "default"
        if converter == "any" and match.group("args"):
            first = match.group("args").split(",")[0].strip().strip("'\"")
            return first or "x"
        return _SAMPLES.get(converter, "x")

    return _CONVERTER.sub(replace, rule)
