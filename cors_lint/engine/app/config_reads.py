"""``CORS_*`` config keys that the project's own code reads: ``app.config["CORS_X"]``,
``app.config.get("CORS_X")``, ``current_app.config[...]``, ``settings.CORS_X`` on a config
class or module, ``getattr(obj, "CORS_X")``. A key the project reads is its own setting (passed
on as ``origins=``, say), not a misspelt flask-cors key. Environment variables of the same name
(``os.environ["CORS_X"]``, ``os.getenv("CORS_X")``) are not config reads.

The reads are found in the text of every analysed module, in every function (views and hooks
read config at request time, which the interpreter never runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import libcst as cst

from cors_lint.engine.interpreter.objects import Location

PREFIX = "CORS_"


@dataclass(frozen=True)
class ConfigRead:
    key: str
    location: Location
    how: str  # subscript | get | attribute | getattr

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, **self.location.as_json(), "how": self.how}


class ConfigReadFinder:
    """Collects the ``CORS_*`` keys one module reads (see the module's docstring).

    ``evaluate(node)`` gives a key expression's value (a string constant, possibly through a
    module constant); ``qualname(node)`` the library name a holder is bound to (``os.environ``).
    """

    def __init__(self, rel: str, positions, evaluate: Callable[[cst.BaseExpression], Any],
                 qualname: Callable[[cst.BaseExpression], str | None]):
        self.rel = rel
        self.positions = positions
        self.evaluate = evaluate
        self.qualname = qualname
        self.stores: set[int] = set()  # assignment and `del` targets: writes, not reads
        self.reads: list[ConfigRead] = []

    # ---------------------------------------------------------------- writes
    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._store(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._store(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._store(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._store(node.target)

    def _store(self, target: cst.BaseExpression) -> None:
        self.stores.add(id(target))
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._store(element.value)

    # ---------------------------------------------------------------- reads
    def visit_Subscript(self, node: cst.Subscript) -> None:
        if id(node) in self.stores or len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return
        key = self._key(node.slice[0].slice.value)
        if key is not None and not self._is_environment(node.value):
            self._add(node, key, "subscript")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value.startswith(PREFIX) and id(node) not in self.stores:
            self._add(node, node.attr.value, "attribute")

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not node.args:
            return
        if isinstance(func, cst.Attribute) and func.attr.value == "get":
            key = self._key(node.args[0].value)
            if key is not None and not self._is_environment(func.value):
                self._add(node, key, "get")
        elif isinstance(func, cst.Name) and func.value in ("getattr", "hasattr") and len(node.args) >= 2:
            key = self._key(node.args[1].value)
            if key is not None:
                self._add(node, key, "getattr")

    # ---------------------------------------------------------------- helpers
    def _key(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.SimpleString):
            if b"CORS_" not in node.value.encode("utf-8", "replace"):
                return None
        elif not isinstance(node, (cst.Name, cst.Attribute, cst.ConcatenatedString)):
            return None
        value = self.evaluate(node)
        return value if isinstance(value, str) and value.startswith(PREFIX) else None

    def _is_environment(self, holder: cst.BaseExpression) -> bool:
        """``os.environ`` (however it is bound), or anything called ``environ``."""
        if isinstance(holder, cst.Attribute) and holder.attr.value == "environ":
            return True
        if isinstance(holder, cst.Name) and holder.value == "environ":
            return True
        return self.qualname(holder) == "os.environ"

    def _add(self, node: cst.CSTNode, key: str, how: str) -> None:
        position = self.positions.get(node) or (0, 0)
        self.reads.append(ConfigRead(key, Location(self.rel, *position), how))
