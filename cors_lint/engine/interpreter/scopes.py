"""Where the interpreter keeps names: a module being imported, a lazily imported name, and the
frame of a function call or a module body (with the conditions it runs under)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cors_lint.engine.interpreter.objects import FunctionObj
from cors_lint.engine.source.parsing import ParsedModule
from cors_lint.engine.source.project import SourceFile


@dataclass(eq=False)
class ModuleState:
    name: str
    source: SourceFile
    parsed: ParsedModule | None
    namespace: dict[str, Any] = field(default_factory=dict)
    status: str = "new"  # new | lazy | running | done
    statement: Any = None  # the statement of its body being run (see Interpreter.location)


@dataclass(frozen=True)
class LazyName:
    """``from module import name`` where the module is loaded lazily: resolved on first use."""

    module: ModuleState
    name: str


@dataclass(eq=False)
class Frame:
    module: ModuleState
    locals: dict[str, Any] | None = None  # None: module level
    conditions: tuple[str, ...] = ()
    function: FunctionObj | None = None
    globals_declared: set[str] = field(default_factory=set)
    returns: list[Any] = field(default_factory=list)
    depth: int = 0
    parent: Frame | None = None
    # how many of ``conditions`` already held when this function started: the whole body runs
    # under them, so its bindings and returns are definite there (only later ones are branches)
    settled: int = 0

    def child(self) -> Frame:
        """A scope for a comprehension: reads fall back to this frame."""
        return Frame(self.module, {}, self.conditions, self.function, set(), [], self.depth, self, self.settled)

    def under(self, condition: str) -> Frame:
        return Frame(self.module, self.locals, self.conditions + (condition,), self.function,
                     self.globals_declared, self.returns, self.depth, self.parent, self.settled)

    @property
    def branching(self) -> bool:
        """Does this code run on one branch of an ``if`` (or loop) inside the current function?"""
        return len(self.conditions) > self.settled
