"""What library names do: the registry the interpreter asks, filled by one model per library.

The interpreter core evaluates Python (names, imports, project functions and classes, control
flow, values) and knows no library. When code calls, decorates with, reads an attribute of,
subscripts or tests a library object, the interpreter asks this registry, and a library model
(``cors_lint.engine.models.<library>``) answers. Names are canonical qualified names built
from import bindings (``flask.Flask``, ``flask_cors.CORS``), never spellings; objects a model
creates (an app, a blueprint) are keyed by their Python type. As in CodeQL's framework models,
a constructor registered with ``subclasses=True`` also answers for project classes that
inherit from it (``flask.Flask~Subclass``).

A model module defines ``MODEL = Model("name")`` and registers its handlers on it with the
decorators below; ``cors_lint.engine.models`` lists the models in use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Protocol

if TYPE_CHECKING:
    import libcst as cst

    from cors_lint.engine.interpreter.scopes import Frame


class Engine(Protocol):
    """What a model may ask of the interpreter (``Call.engine``; the ``Interpreter`` provides it).
    tests/test_architecture.py checks that the models use nothing else and that the interpreter
    has all of it."""

    registry: Registry
    assumptions: Any  # core.values.Assumptions: the environment's pinned variables and debug
    pinned_env: set[str]
    env_reads: set[str]
    by_name: dict[str, Any]  # dotted module name -> its SourceFile
    apps: list  # what models record: the apps built and the CORS sites
    sites: list
    classes: dict[int, Any]
    object_attributes: dict[int, tuple[Any, dict[str, Any]]]

    def eval(self, node: cst.BaseExpression, frame: Frame) -> Any: ...
    def truth(self, value: Any, negate: bool = False) -> Any: ...
    def code(self, node: cst.CSTNode) -> str: ...
    def location(self, node: cst.CSTNode, frame: Frame) -> Any: ...
    def canonical(self, qualname: str) -> str: ...
    def call(self, func: Any, args: list[Any], kwargs: dict[str, Any], node: cst.Call, frame: Frame, *rest: Any,
             **more: Any) -> Any: ...
    def call_function(self, function: Any, args: list[Any], kwargs: dict[str, Any], frame: Frame) -> Any: ...
    def apply_decorator(self, decorator: Any, value: Any, node: cst.CSTNode, frame: Frame) -> Any: ...
    def get_attribute(self, obj: Any, name: str) -> Any: ...
    def module_attribute(self, module: Any, name: str) -> Any: ...
    def mro(self, cls: Any, _seen: set[int] | None = None) -> list[Any]: ...
    def lib_bases(self, cls: Any) -> set[str]: ...
    def import_module(self, name: str) -> Any: ...
    def import_dotted(self, parts: list[str]) -> Any: ...
    def load_module(self, name: str, source: Any, lazy: bool = False) -> Any: ...
    def modules_in_folder(self, folder: str) -> list[tuple[str, bool]]: ...
    def source_at(self, path: str) -> Any: ...
    def force(self, state: Any) -> bool: ...
    def resolve_lazy(self, value: Any) -> Any: ...
    def peek(self) -> Any: ...


@dataclass
class Call:
    """One call of a library function or method, as the interpreter evaluated it."""

    engine: Engine  # the Interpreter (not imported here: it imports this module)
    args: list[Any]
    kwargs: dict[str, Any]
    node: cst.Call | cst.CSTNode
    frame: Frame
    unknown_star: list[str] = field(default_factory=list)  # `*x` / `**x` arguments that cannot be known
    qualname: str = ""  # the library name called (canonical), for handlers that serve several

    @property
    def location(self):
        return self.engine.location(self.node, self.frame)


Handler = Callable[..., Any]


@dataclass(frozen=True)
class LibraryCopy:
    """A copy of a modelled library found in the scanned tree (vendored), which imports reach
    instead of the installed library."""

    package: str  # the library's top-level package
    path: str  # the copy's directory (or module without .py)
    version: str | None = None  # the version its own files declare
    version_file: str | None = None  # where it is declared (a path)
    version_line: int = 1


@dataclass
class Model:
    """The registrations of one library."""

    name: str
    aliases: dict[str, str] = field(default_factory=dict)  # exported name -> canonical name
    star_exports: dict[str, tuple[str, ...]] = field(default_factory=dict)  # module -> what `import *` binds
    constants: dict[str, Any] = field(default_factory=dict)  # qualified name -> plain value
    functions: dict[str, Handler] = field(default_factory=dict)  # qualname -> handler(call)
    function_prefixes: dict[str, Handler] = field(default_factory=dict)  # e.g. "builtins." -> handler(call)
    builtins: set[str] = field(default_factory=set)  # names that are `builtins.<name>` unless bound
    subclass_constructors: dict[str, Handler] = field(default_factory=dict)  # base qualname -> handler(call)
    application_classes: set[str] = field(default_factory=set)  # constructors of apps: their factories run
    methods: dict[tuple[type, str | None], Handler] = field(default_factory=dict)  # -> handler(obj, name, call)
    attributes: dict[tuple[type, str], Handler] = field(default_factory=dict)  # -> getter(engine, obj)
    object_types: set[type] = field(default_factory=set)  # other attributes of these are methods
    instance_types: dict[str, type] = field(default_factory=dict)  # class qualname -> its objects' type (isinstance)
    attribute_setters: dict[tuple[type, str], Handler] = field(default_factory=dict)  # -> setter(engine, obj, value)
    items: dict[type | str, Handler] = field(default_factory=dict)  # obj[key]: handler(engine, obj, key)
    item_setters: dict[type, Handler] = field(default_factory=dict)  # obj[key] = v: (engine, obj, key, v, node, frame)
    # calls that build a response whose later positional arguments are its headers (`make_response(body, 200, h)`)
    response_makers: set[str] = field(default_factory=set)
    exit_functions: set[str] = field(default_factory=set)  # calls that never return (`abort(403)`)
    membership: dict[str, Handler] = field(default_factory=dict)  # `key in obj`: handler(engine, key) -> truth
    truth: dict[str, Handler] = field(default_factory=dict)  # `if obj:` for a library name: handler(negate)
    decorator_types: dict[type, Handler] = field(default_factory=dict)  # @obj: handler(engine, obj, value, node, frame)
    decorator_functions: dict[str, Handler] = field(default_factory=dict)  # @qualname: same signature
    decorator_methods: dict[tuple[type, str], Handler] = field(default_factory=dict)  # @obj.name: same signature
    bind_hooks: dict[type, Handler] = field(default_factory=dict)  # `name = obj`: hook(obj, name)
    with_targets: set[type] = field(default_factory=set)  # `with obj as x` binds obj itself
    class_hooks: list[Handler] = field(default_factory=list)  # hook(engine, cls) after a class body ran
    unmodelled_call_hooks: list[Handler] = field(default_factory=list)  # hook(call) for a library name no model has
    # names (last parts) whose calls register routes or configure CORS: a project function nothing
    # calls that calls one of them may do so when something outside the tree calls it
    entry_names: set[str] = field(default_factory=set)
    # after another model's handler of obj.name(...) ran: observer(obj, name, call, result), for a library
    # that reacts to it (e.g. an extension initialised on a blueprint learns when it is registered)
    method_observers: dict[tuple[type, str], list[Handler]] = field(default_factory=dict)
    # what library classes define, for lookups through project subclasses: qualname -> {attribute: value};
    # "__bases__" lists the library classes it derives from, and a name it does not list it does not define
    class_attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    # copies of the library inside the scanned tree (vendored) are the library: top-level package ->
    # recognise(path) -> LibraryCopy or None, ``path`` being the directory (or module, without .py) of that name
    copies: dict[str, Handler] = field(default_factory=dict)

    # ------------------------------------------------------------ registration decorators
    def function(self, *qualnames: str, subclasses: bool = False) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for qualname in qualnames:
                self.functions[qualname] = handler
                if subclasses:
                    self.subclass_constructors[qualname] = handler
            return handler
        return register

    def method(self, owner: type, *names: str | None) -> Callable[[Handler], Handler]:
        """``names`` None: any method of ``owner`` not registered by name."""
        def register(handler: Handler) -> Handler:
            for name in names:
                self.methods[(owner, name)] = handler
            return handler
        return register

    def attribute(self, owner: type, name: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.attributes[(owner, name)] = handler
            return handler
        return register

    def observe(self, owner: type, *names: str) -> Callable[[Handler], Handler]:
        """``observer(obj, name, call, result)`` runs after the handler of ``obj.name(...)`` (whichever
        model registers it), with the call as that handler left it."""
        def register(observer: Handler) -> Handler:
            for name in names:
                self.method_observers.setdefault((owner, name), []).append(observer)
            return observer
        return register

    def decorator(self, key: type | str) -> Callable[[Handler], Handler]:
        """How applying ``@value`` works, for values of a type or a library function's qualname."""
        def register(handler: Handler) -> Handler:
            if isinstance(key, str):
                self.decorator_functions[key] = handler
            else:
                self.decorator_types[key] = handler
            return handler
        return register


_TABLES = tuple(table for table in fields(Model) if table.name != "name")


class Registry:
    """The models in use, merged; the interpreter's only source of library knowledge."""

    def __init__(self, models: tuple[Model, ...]):
        """Every table of ``Model`` (same name, same meaning), merged over the models: a name a
        model registers again in a keyed table is an error; sets are united, hook lists and a
        method's observers are kept in model order. (A table added to ``Model`` is merged here with
        no other change.)"""
        self.models = models
        for table in _TABLES:
            setattr(self, table.name, table.default_factory())
        for model in models:
            for table in _TABLES:
                mine, theirs = getattr(self, table.name), getattr(model, table.name)
                if table.name == "method_observers":  # several models may observe one method
                    for key, observers in theirs.items():
                        mine.setdefault(key, []).extend(observers)
                elif isinstance(mine, dict):
                    clash = set(mine) & set(theirs)
                    if clash:
                        raise ValueError(f"model {model.name} registers {sorted(map(str, clash))} again ({table.name})")
                    mine.update(theirs)
                elif isinstance(mine, set):
                    mine |= theirs
                else:
                    mine.extend(theirs)
        self.inherit_registrations()

    _BY_TYPE_AND_NAME = ("methods", "attributes", "attribute_setters", "decorator_methods", "method_observers")
    _BY_TYPE = ("items", "item_setters", "decorator_types", "bind_hooks")

    def inherit_registrations(self) -> None:
        """What a model registers for a type answers for its subclasses too, as Python's attribute
        lookup would (the nearest class in the MRO wins): a model whose objects extend another
        model's (an app class derived from another library's app class) registers only what differs.
        The subclasses are the types some model registers anything for."""
        types = set(self.object_types) | set(self.with_targets)
        for name in self._BY_TYPE_AND_NAME:
            types |= {owner for owner, _ in getattr(self, name)}
        for name in self._BY_TYPE:
            types |= {key for key in getattr(self, name) if isinstance(key, type)}
        for kind in types:
            for base in kind.__mro__[1:]:
                for name in self._BY_TYPE_AND_NAME:
                    table = getattr(self, name)
                    for (owner, member), handler in list(table.items()):
                        if owner is base:
                            table.setdefault((kind, member), handler)
                for name in self._BY_TYPE:
                    table = getattr(self, name)
                    if base in table:
                        table.setdefault(kind, table[base])
                if base in self.object_types:
                    self.object_types.add(kind)
                if base in self.with_targets:
                    self.with_targets.add(kind)

    @cached_property
    def library_roots(self) -> frozenset[str]:
        """The top-level packages of the libraries the models know (``flask``, ``flask_cors``...)."""
        tables = (self.functions, self.aliases, self.star_exports, self.constants, self.decorator_functions)
        return frozenset(qualname.partition(".")[0] for table in tables for qualname in table)

    @cached_property
    def effect_names(self) -> frozenset[str]:
        """The models' ``entry_names``: a project function that calls one of them may register
        routes or configure CORS."""
        return frozenset(self.entry_names)

    def canonical(self, qualname: str) -> str:
        return self.aliases.get(qualname, qualname)

    def library_copy(self, name: str, fspath: str, is_package: bool,
                     memo: dict[str, LibraryCopy | None]) -> tuple[str, LibraryCopy] | None:
        """Is the project module ``name`` (the file ``fspath``) part of a copy of a modelled library
        inside the tree (``libs/<library>/...``, vendored)? Then it is that library's module: its
        name there (``libs.x.core`` -> ``x.core``) and the copy. ``memo`` keeps what each path is."""
        parts = name.split(".")
        if not self.copies or self.copies.keys().isdisjoint(parts):
            return None
        path = os.path.dirname(fspath) if is_package else os.path.splitext(fspath)[0]
        for index in range(len(parts) - 1, -1, -1):  # the module itself, then the packages above it
            recognise = self.copies.get(parts[index])
            if recognise is not None:
                if path not in memo:
                    memo[path] = recognise(path)
                if memo[path] is not None:
                    return ".".join(parts[index:]), memo[path]
            path = os.path.dirname(path)
        return None

    def function(self, qualname: str) -> Handler | None:
        """The handler for calling a library name: its own, else its canonical name's, else one
        registered for a prefix of the canonical name (``builtins.``)."""
        found = self.functions.get(qualname) or self.functions.get(self.canonical(qualname))
        if found is None:
            canonical = self.canonical(qualname)
            found = next((h for prefix, h in self.function_prefixes.items() if canonical.startswith(prefix)), None)
        return found

    def method(self, obj: Any, name: str) -> Handler | None:
        kind = type(obj)
        handler = self.methods.get((kind, name)) or self.methods.get((kind, None))
        observers = self.method_observers.get((kind, name))
        if handler is None or not observers:
            return handler

        def observed(owner: Any, member: str, call: Call) -> Any:
            result = handler(owner, member, call)
            for observer in observers:
                observer(owner, member, call, result)
            return result
        return observed

    def decorator(self, decorator: Any, qualname: str | None = None) -> Handler | None:
        """The handler for ``@decorator``: by the decorator's type, or its library name."""
        if qualname is not None:
            return self.decorator_functions.get(qualname) or self.decorator_functions.get(self.canonical(qualname))
        return self.decorator_types.get(type(decorator))
