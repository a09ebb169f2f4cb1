"""The interpreter's own objects: the project's functions, classes and instances, names from
installed libraries, bound methods, and source locations. What a library creates (an app, a
blueprint) is in ``app_objects``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import libcst as cst


@dataclass(frozen=True)
class Location:
    file: str
    line: int
    column: int

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column}


@dataclass(eq=False)
class FunctionObj:
    node: cst.FunctionDef
    module: Any  # interpreter.ModuleState
    name: str
    defaults: dict[str, Any]
    attrs: dict[str, Any] = field(default_factory=dict)
    registered_as_route: bool = False
    called: bool = False


@dataclass(eq=False)
class ClassObj:
    node: cst.ClassDef | None
    name: str
    namespace: dict[str, Any]
    bases: list[Any]
    module: Any = None


@dataclass(eq=False)
class InstanceObj:
    cls: ClassObj
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LibSymbol:
    """A name from an installed library, e.g. ``flask_cors.CORS``."""

    qualname: str


@dataclass(eq=False)
class BoundMethod:
    obj: Any
    name: str
    function: Any = None  # a project function, for methods of project classes
