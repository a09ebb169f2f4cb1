"""Flask's class-based views (``flask.views.View`` / ``MethodView``, and project or library classes
derived from them): ``as_view(name)``, what ``MethodView.__init_subclass__`` makes of a class's
``methods``, class attributes looked up along the real MRO (``methods``, ``decorators``,
``provide_automatic_options``, through project base classes, mixins and the library classes a
model describes in ``class_attributes``), and the ``cross_origin`` decorators a view class lists
in ``decorators = [...]``. The rule each view gets is worked out with its routes
(``engine.app.routes``)."""

from __future__ import annotations

from typing import Any

from cors_lint.core.values import Unknown, strip_env
from cors_lint.engine.app.app_objects import (
    DISPATCHES_BY_METHOD,
    MISSING,
    ClassView,
    CrossOriginFactory,
    LibraryClass,
    is_method_view,
    lookup,
)
from cors_lint.engine.interpreter.objects import ClassObj, LibSymbol
from cors_lint.engine.interpreter.registry import Call, Model

MODEL = Model("flask.views")
METHOD_VIEW = "flask.views.MethodView"
VIEW_DECORATORS_NOTE = "decorators=[...] of a View class"
HTTP_METHOD_FUNCS = ("get", "post", "head", "options", "delete", "put", "trace", "patch")  # flask.views
_LIBRARY_METHOD = Unknown("a method the library class defines")

# What Flask's view classes define that a subclass inherits (flask/views.py).
MODEL.class_attributes.update({
    "flask.views.View": {"methods": None, "provide_automatic_options": None, "decorators": [],
                         "init_every_request": True, "dispatch_request": _LIBRARY_METHOD, "as_view": _LIBRARY_METHOD},
    METHOD_VIEW: {"__bases__": ("flask.views.View",), "dispatch_request": _LIBRARY_METHOD, DISPATCHES_BY_METHOD: True},
    # bases a view class may also list that define nothing a view reads
    "builtins.object": {}, "abc.ABC": {},
})


# ---------------------------------------------------------------------------- the MRO
def linearize(engine, cls: Any) -> list[Any]:
    """``cls.__mro__`` for a project class (or a library name): C3 over the project's classes and
    the library classes the registry knows (their ``__bases__`` included); a base cors-lint cannot
    see is a ``LibraryClass`` with no attributes. Falls back to depth-first order where C3 fails
    (Python would raise)."""
    library: dict[str, LibraryClass] = {}
    memo: dict[int, list[Any]] = {}

    def library_class(qualname: str) -> LibraryClass:
        if qualname not in library:
            library[qualname] = LibraryClass(qualname, engine.registry.class_attributes.get(qualname))
        return library[qualname]

    def as_class(base: Any) -> Any:
        base = strip_env(base)
        if isinstance(base, (ClassObj, LibraryClass)):
            return base
        if isinstance(base, LibSymbol):
            return library_class(engine.canonical(base.qualname))
        reason = base.reason if isinstance(base, Unknown) else type(base).__name__
        return library_class(f"<a base class that cannot be known: {reason}>")

    def bases_of(klass: Any) -> list[Any]:
        if isinstance(klass, ClassObj):
            return [as_class(base) for base in klass.bases]
        if klass.attributes:
            return [library_class(name) for name in klass.attributes.get("__bases__", ())]
        return []

    def mro(klass: Any, depth: int) -> list[Any]:
        if id(klass) in memo:
            return memo[id(klass)]
        memo[id(klass)] = [klass]  # a cycle (impossible in Python) ends here
        if depth > 50:
            return [klass]
        bases = bases_of(klass)
        sequences = [list(mro(base, depth + 1)) for base in bases] + [list(bases)]
        result = [klass]
        while True:
            sequences = [s for s in sequences if s]
            if not sequences:
                break
            head = next((s[0] for s in sequences if not any(s[0] in t[1:] for t in sequences)), None)
            if head is None:  # inconsistent: Python raises TypeError; keep a depth-first order
                for sequence in sequences:
                    result.extend(k for k in sequence if k not in result)
                break
            result.append(head)
            for sequence in sequences:
                if sequence[0] is head:
                    del sequence[0]
        memo[id(klass)] = result
        return result

    return mro(as_class(cls), 0)


# ---------------------------------------------------------------------------- classes and as_view
def method_view_methods(engine, cls: ClassObj) -> None:
    """``MethodView.__init_subclass__``: a subclass without its own ``methods`` gets the methods of
    its direct bases and one for each HTTP method function it has (inherited ones included)."""
    if "methods" in cls.namespace:
        return
    mro = linearize(engine, cls)
    if not is_method_view(mro):
        return
    methods: set[str] = set()
    unknown: list[str] = []
    for base in cls.bases:
        value = lookup(linearize(engine, base), "methods")
        if isinstance(value, Unknown):
            unknown.append(value.reason)
        elif value is not MISSING and value:
            if isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(m, str) for m in value):
                methods.update(value)
            else:
                unknown.append("methods of a base class cannot be known")
    for name in HTTP_METHOD_FUNCS:
        found = lookup(mro, name)
        if isinstance(found, Unknown):
            unknown.append(found.reason)
        elif found is not MISSING:
            methods.add(name.upper())
    if unknown:
        cls.namespace["methods"] = Unknown(f"the methods of view class {cls.name} cannot be known: {unknown[0]}")
    elif methods:
        cls.namespace["methods"] = methods


def name_view_decorators(engine, cls: ClassObj) -> None:
    """Name the ``cross_origin`` sites in a View class's ``decorators`` after the class."""
    decorators = strip_env(cls.namespace.get("decorators"))
    if isinstance(decorators, (list, tuple)):
        for item in decorators:
            if isinstance(item, CrossOriginFactory):
                item.site.target = cls.name
                if VIEW_DECORATORS_NOTE not in item.site.notes:
                    item.site.notes.append(VIEW_DECORATORS_NOTE)


MODEL.class_hooks.extend([method_view_methods, name_view_decorators])


def class_view(engine, cls: ClassObj, name: Any) -> ClassView:
    """``cls.as_view(name)`` (also what libraries that take a view class call)."""
    return ClassView(cls, name, linearize(engine, cls))


@MODEL.method(ClassObj, "as_view")
def as_view(cls: ClassObj, name: str, call: Call) -> ClassView:
    view_name: Any = call.args[0] if call.args else call.kwargs.get("name", Unknown("as_view() without a name"))
    return class_view(call.engine, cls, strip_env(view_name))
