"""libcst trees to bytes and back, quickly, and without running anything on the way back.

A node is pickled as ``node(cls, (field values))``: about 3x faster than libcst's own
``__getstate__`` (a dict per node, made through ``dataclasses.fields``), and a smaller pickle.
``loads`` builds libcst nodes and plain values only: its ``find_class`` refuses any other
callable, so even bytes that verify (a cache entry, a worker's answer) cannot name code to run.
libcst is imported on first use: a run with nothing to parse never loads it.
"""

from __future__ import annotations

import dataclasses
import enum
import io
import operator
import pickle
import sys

_SAFE_MODULES = ("libcst._nodes.", "libcst._maybe_sentinel")
_SAFE_BUILTINS = frozenset({"tuple", "list", "dict", "set", "frozenset", "str", "bytes", "int", "float", "bool",
                            "complex"})
RECURSION_LIMIT = 20_000  # deep trees pickle recursively


def _node_classes() -> dict[type, tuple[str, ...]]:
    """Every libcst node class, with its fields (libcst is imported only when a tree is loaded
    or stored: a run with nothing to parse never loads it)."""
    import libcst as cst

    found: dict[type, tuple[str, ...]] = {}
    pending = [cst.CSTNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if dataclasses.is_dataclass(cls):
            found[cls] = tuple(field.name for field in dataclasses.fields(cls))
    return found


_FIELDS: dict[type, tuple[str, ...]] = {}
_new = object.__new__
_set = object.__setattr__


def _fields() -> dict[type, tuple[str, ...]]:
    if not _FIELDS:
        _FIELDS.update(_node_classes())
    return _FIELDS


def node(cls: type, values: tuple):
    """A node from its class and field values (how ``_reducers`` pickle one)."""
    made = _new(cls)
    for name, value in zip(_FIELDS[cls], values):
        _set(made, name, value)
    return made


def _reducers() -> dict[type, object]:
    """Pickle a node as ``node(cls, (field values))``: about 3x faster than libcst's own
    ``__getstate__`` (a dict per node, made through ``dataclasses.fields``) and a smaller pickle."""
    def reducer(cls: type, names: tuple[str, ...]):
        if len(names) > 1:
            values = operator.attrgetter(*names)
        elif names:
            values = lambda obj, name=names[0]: (getattr(obj, name),)  # noqa: E731
        else:
            values = lambda obj: ()  # noqa: E731
        return lambda obj: (node, (cls, values(obj)))
    if not _REDUCERS:
        _REDUCERS.update({cls: reducer(cls, names) for cls, names in _fields().items()})
    return _REDUCERS


_REDUCERS: dict[type, object] = {}


def dumps(value: object) -> bytes:
    """Pickle a value holding libcst trees (RecursionError: a tree nested too deeply)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _reducers()
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
    try:
        pickler.dump(value)
    finally:
        sys.setrecursionlimit(limit)
    return buffer.getvalue()


def loads(data: bytes) -> object:
    """Unpickle what ``dumps`` made: anything but libcst nodes and plain values is refused
    (``pickle.UnpicklingError``). The caller imports libcst first."""
    return _NodeUnpickler(io.BytesIO(data)).load()


class _NodeUnpickler(pickle.Unpickler):
    """Builds libcst nodes and plain values only: ``find_class`` refuses any other callable."""

    def find_class(self, module: str, name: str):
        if module == __name__ and name == "node":
            return node
        if module.startswith(_SAFE_MODULES) and isinstance(getattr(sys.modules.get(module), name, None), type):
            found = super().find_class(module, name)
            if found in _fields() or (isinstance(found, type) and issubclass(found, enum.Enum)):
                return found
        if module == "builtins" and name in _SAFE_BUILTINS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a libcst node")
