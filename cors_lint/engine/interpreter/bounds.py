"""What keeps the interpretation finite, in work proportional to the code (see
``shared/reference/bounded-interpretation.md`` for the analysers this follows).

The interpreter inlines calls to the project's functions and follows unknown conditions both
ways. Unbounded, a chain of functions that each call the next twice costs 2^N runs, and a
recursive helper inside a loop never settles. Three bounds, from cheapest to last resort:

- **Summaries.** A call is keyed by the function and the abstract values of its arguments
  (objects by identity, data by value). While nothing observable changed since a run with the
  same key ended and that run changed nothing itself, the next call reuses its result without
  running the body. A run that had effects (a route, a site, a config write, a mutation) is run
  again, under the new call's conditions, at most ``REPEAT_RUNS`` times per key; after that the
  key's result is reused (the effects were recorded by the earlier runs) and a note says so.
- **Recursion.** Re-entering a function that is already running with the same key, or that is
  already running ``MAX_RECURSION`` times, returns an unknown value naming the recursion; the
  sites of the body were recorded by the run that is already on the stack.
- **A step budget per entry point** (a module run as an entry, a command, an uncalled factory),
  counted in statements and calls, never in time. When it runs out, calls to project functions
  are no longer followed (their results are unknown, with a note naming the function and its
  file:line); module-level statements still run, so what was found is kept.

Every bound makes values unknown or conditions coarser; none removes what was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cors_lint.core.values import FromEnv, Regex, TimeDelta, Unknown, Unlisted

REPEAT_RUNS = 8  # runs of one (function, arguments) key whose effects are recorded again
MAX_RECURSION = 2  # activations of one function on the call stack with different arguments
STEP_BUDGET = 400_000  # statements and calls per entry point
MAX_KEY_ITEMS = 256  # arguments larger than this are not summarised (the call simply runs)


class _NoKey(Exception):
    pass


def value_key(value: Any, objects: list[Any], budget: list[int]) -> Any:
    """A hashable key for an abstract value: data by value, objects by identity (kept alive in
    ``objects`` so that an id is never reused while the key is). Raises ``_NoKey`` past
    ``budget`` items."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _NoKey
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return (kind.__name__, value)
    if kind in (Unknown, Regex, TimeDelta, Unlisted):
        return value
    if kind is FromEnv:
        return ("env", value.var, value_key(value.value, objects, budget))
    if kind in (list, tuple):
        return (kind.__name__, tuple(value_key(item, objects, budget) for item in value))
    if kind in (set, frozenset):
        return ("set", frozenset(value_key(item, objects, budget) for item in value))
    if kind is dict:
        return ("dict", tuple((value_key(k, objects, budget), value_key(v, objects, budget))
                              for k, v in value.items()))
    objects.append(value)
    return ("object", id(value))


def call_key(node: Any, args: list[Any], kwargs: dict[str, Any]) -> tuple[Any, list[Any]] | None:
    """The summary key of a call of the function defined by ``node``, with the objects the key
    refers to by identity; None when the arguments are too large to key."""
    objects: list[Any] = [node]
    budget = [MAX_KEY_ITEMS]
    try:
        key = (id(node), tuple(value_key(arg, objects, budget) for arg in args),
               tuple(sorted((name, value_key(value, objects, budget)) for name, value in kwargs.items())))
    except (_NoKey, TypeError):
        return None
    return key, objects


@dataclass
class Summary:
    """What the runs of one call key found."""

    objects: list[Any]  # what the key names by identity (kept alive)
    result: Any = None
    results: list[Any] = field(default_factory=list)
    runs: int = 0
    effects_after: int = -1  # the effect clock when the last run ended
    had_effects: bool = False


@dataclass
class AnalysisNote:
    """Where the analysis stopped following the code, and why (shown with the inventory)."""

    file: str
    line: int
    function: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "function": self.function, "message": self.message}


@dataclass
class Bounds:
    """The interpreter's bookkeeping for the three bounds above."""

    step_budget: int = field(default_factory=lambda: STEP_BUDGET)  # read at each analysis
    steps: int = 0  # all steps, over the whole analysis (what tests count)
    entry_steps: int = 0  # steps of the current entry point
    effects: int = 0  # the effect clock: anything a later call could observe ticks it
    summaries: dict[Any, Summary] = field(default_factory=dict)
    stack: list[tuple[int, Any]] = field(default_factory=list)  # (id(node), key) of the running calls
    notes: dict[tuple[str, int, str], AnalysisNote] = field(default_factory=dict)

    def begin_entry(self) -> None:
        self.entry_steps = 0

    def step(self) -> None:
        self.steps += 1
        self.entry_steps += 1

    @property
    def exhausted(self) -> bool:
        return self.entry_steps >= self.step_budget

    def recursion(self, node: Any, key: Any) -> bool:
        """Would running ``node`` now re-enter it (same key, or too deep)?"""
        active = [k for n, k in self.stack if n == id(node)]
        return bool(active) and (key is None or key in active or len(active) >= MAX_RECURSION)

    def note(self, file: str, line: int, function: str, message: str) -> None:
        self.notes.setdefault((file, line, message), AnalysisNote(file, line, function, message))
