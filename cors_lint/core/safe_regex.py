"""Evaluating regexes taken from scanned code without letting them hang the linter.

CPython's ``re`` backtracks exponentially on patterns such as ``^(a+)+$``, and the strings
cors-lint matches are partly derived from the patterns themselves, so a hostile pull
request could stall CI. Every such match runs under a deadline (an interval timer; the
``re`` engine checks for signals while it backtracks) and very long patterns are refused.
A pattern that misses the deadline is unanalysable; rule CORS031 reports it.
"""

from __future__ import annotations

import re
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

BUDGET_SECONDS = 0.05
MAX_PATTERN_LENGTH = 2000
MAX_REMEMBERED = 200_000  # match results kept (rules ask the same origin of the same pattern again and again)
_slow: set[tuple[str, int]] = set()
_results: dict[tuple[str, int, str, bool], bool] = {}


class RegexTimeout(Exception):
    pass


def _raise(signum, frame):  # pragma: no cover - called by the interpreter
    raise RegexTimeout()


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield  # no timers off the main thread: matches there are unbounded
        return
    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def too_long(pattern: str) -> bool:
    return len(pattern) > MAX_PATTERN_LENGTH


def match(compiled: re.Pattern[str], text: str, *, full: bool = False) -> bool | None:
    """``compiled.match(text)`` (``fullmatch`` with ``full``), or None when the pattern is too
    long or too slow to evaluate."""
    key = (compiled.pattern, compiled.flags)
    if key in _slow or too_long(compiled.pattern):
        return None
    remembered = _results.get((*key, text, full))
    if remembered is not None:  # a match is pure: one deadline (two signal handler swaps) per question
        return remembered
    try:
        with _deadline(BUDGET_SECONDS):
            found = compiled.fullmatch(text) if full else compiled.match(text)
        if len(_results) >= MAX_REMEMBERED:
            _results.clear()
        _results[(*key, text, full)] = found is not None
        return found is not None
    except RegexTimeout:
        _slow.add(key)
        return None
    except RecursionError:
        return None


def is_slow(compiled: re.Pattern[str]) -> bool:
    """Probe a pattern with inputs that trigger catastrophic backtracking in common shapes."""
    if too_long(compiled.pattern):
        return True
    for probe in ("a" * 40 + "!", "https://" + "a" * 40 + "!", "https://" + "a." * 25 + "!", "1" * 40 + "x"):
        if match(compiled, probe) is None:
            return True
    return (compiled.pattern, compiled.flags) in _slow
