"""libcst trees to bytes and back, quickly, and without running anything on the way back.

A node is pickled as a call of a maker of its class with its field values: about 3x faster than
libcst's own ``__getstate__`` (a dict per node, made through ``dataclasses.fields``), and a
smaller pickle.
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
        # (libcst's add_slots replaces each class by a copy: the original, which has no
        # instances, is still a subclass; only the class its module names is a node class)
        if dataclasses.is_dataclass(cls) and getattr(sys.modules.get(cls.__module__), cls.__qualname__, None) is cls:
            found[cls] = tuple(field.name for field in dataclasses.fields(cls))
    return found


_FIELDS: dict[type, tuple[str, ...]] = {}
_MAKERS: dict[str, type] = {}  # maker name -> its class


def _fields() -> dict[type, tuple[str, ...]]:
    if not _FIELDS:
        _FIELDS.update(_node_classes())
        _MAKERS.update({_maker_name(cls): cls for cls in _FIELDS})
    return _FIELDS


def _maker_name(cls: type) -> str:
    return "make__" + cls.__module__.replace(".", "_") + "__" + cls.__qualname__.replace(".", "_")


def _maker(cls: type):
    """A function that builds a ``cls`` node from its field values, one ``object.__setattr__``
    per field written out (about 40% faster to load than a loop over the fields); made on first
    use and kept as an attribute of this module, where pickle finds it by name."""
    name = _maker_name(cls)
    made = globals().get(name)
    if made is None:
        fields = _fields()[cls]
        params = ", ".join(f"v{index}" for index in range(len(fields)))
        sets = "".join(f"    s(o, {field!r}, v{index})\n" for index, field in enumerate(fields))
        namespace = {"n": object.__new__, "s": object.__setattr__, "cls": cls}
        exec(f"def make({params}):\n    o = n(cls)\n{sets}    return o\n", namespace)  # field names only
        made = namespace["make"]
        made.__name__ = made.__qualname__ = name
        made.__module__ = __name__
        globals()[name] = made
    return made


class _Reducers(dict):
    """``Pickler.dispatch_table``: a node pickles as ``make__<its class>(*field values)``."""

    def __missing__(self, cls: type):
        fields = _fields().get(cls)
        if fields is None:
            raise KeyError(cls)  # not a node: pickled as usual
        maker = _maker(cls)
        if len(fields) > 1:
            values = operator.attrgetter(*fields)
            reduce = lambda obj: (maker, values(obj))  # noqa: E731
        elif fields:
            reduce = lambda obj, field=fields[0]: (maker, (getattr(obj, field),))  # noqa: E731
        else:
            reduce = lambda obj: (maker, ())  # noqa: E731
        self[cls] = reduce
        return reduce


_REDUCERS = _Reducers()


def dumps(value: object) -> bytes:
    """Pickle a value holding libcst trees (RecursionError: a tree nested too deeply)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCERS
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
        if module == __name__:
            cls = _MAKERS.get(name) if _fields() else None
            if cls is not None:
                return _maker(cls)
        if module.startswith(_SAFE_MODULES) and isinstance(getattr(sys.modules.get(module), name, None), type):
            found = super().find_class(module, name)
            if found in _fields() or (isinstance(found, type) and issubclass(found, enum.Enum)):
                return found
        if module == "builtins" and name in _SAFE_BUILTINS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a libcst node")
