"""Glob patterns for files and routes, as the policy and ``--exclude`` write them."""

from __future__ import annotations

import re


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + "$")


def path_matches(path: str, pattern: str) -> bool:
    """``**`` spans directories, ``*`` one segment; ``**/x`` also matches ``x`` at the top."""
    if pattern.startswith("**/") and path_matches(path, pattern[3:]):
        return True
    return _glob_regex(pattern).match(path) is not None


def route_matches(rule: str, pattern: str) -> bool:
    """``/admin/**`` matches ``/admin`` and everything below it."""
    if pattern.endswith("/**") and (rule.rstrip("/") == pattern[:-3] or path_matches(rule, pattern[:-3])):
        return True
    return path_matches(rule, pattern)
