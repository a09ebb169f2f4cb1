"""The standard library as far as CORS configuration reaches into it: environment variables
(``os.getenv``, ``os.environ``), ``re.compile`` and its flags, ``datetime.timedelta``, the
builtins that build plain values (and ``isinstance`` of the objects models make),
``typing.TYPE_CHECKING``, decorators that keep the function they wrap, ``functools.partial``, and the ways code
finds and imports modules by name or by folder (``importlib``, ``pkgutil``, ``inspect.getmembers``,
``os.path`` on ``__file__``): how blueprints in a ``views/`` folder get registered."""

from __future__ import annotations

import copy
import dataclasses
import os.path
from dataclasses import dataclass
from typing import Any

from cors_lint.core.values import FromEnv, Regex, TimeDelta, Unknown, strip_env
from cors_lint.engine.interpreter.expressions import PLAIN as PLAIN_VALUES
from cors_lint.engine.interpreter.expressions import lifted
from cors_lint.engine.interpreter.objects import ClassObj, FunctionObj, InstanceObj, LibSymbol
from cors_lint.engine.source.project import relative_module
from cors_lint.engine.interpreter.scopes import ModuleState
from cors_lint.engine.interpreter.registry import Call, Model

MODEL = Model("stdlib")
MODEL.aliases.update({"os.environ.get": "os.getenv", "posix.environ": "os.environ"})
MODEL.constants.update({f"re.{name}": flag for name, flag in {
    "IGNORECASE": 2, "I": 2, "MULTILINE": 8, "M": 8, "DOTALL": 16, "S": 16, "VERBOSE": 64, "X": 64,
    "ASCII": 256, "A": 256, "UNICODE": 32, "U": 32}.items()})

# Names the interpreter resolves to ``builtins.<name>`` when nothing else binds them.
BUILTINS = frozenset(
    {"list", "tuple", "set", "frozenset", "dict", "str", "int", "float", "bool", "sorted", "len", "getattr",
     "isinstance", "print", "super", "object", "Exception", "ValueError", "KeyError", "range", "reversed",
     "staticmethod", "classmethod", "property"}
)
MODEL.builtins |= BUILTINS
_TIMEDELTA_ARGS = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
_TIMEDELTA_SECONDS = {"days": 86400, "seconds": 1, "microseconds": 1e-6, "milliseconds": 1e-3, "minutes": 60,
                      "hours": 3600, "weeks": 604800}
_PLAIN_BUILTINS = {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset, "str": str, "int": int,
                   "float": float, "bool": bool, "sorted": sorted, "len": len, "dict": dict}


# ---------------------------------------------------------------------------- environment
def env_value(engine, var: str, default: Any) -> FromEnv:
    """An environment variable: the environment's assumed value, else the code's default."""
    engine.env_reads.add(var)
    assumed = engine.assumptions.value(var)
    if engine.assumptions.pins(var):
        engine.pinned_env.add(var)
    return FromEnv(var, assumed if assumed is not None else default, as_read=True)


@MODEL.function("os.getenv")
def getenv(call: Call) -> Any:
    args, kwargs = call.args, call.kwargs
    var = strip_env(args[0]) if args else strip_env(kwargs.get("key"))
    if not isinstance(var, str):
        return Unknown("environment variable with a dynamic name")
    default = args[1] if len(args) > 1 else kwargs.get("default")
    return env_value(call.engine, var, default)


def environ_item(engine, environ: Any, key: Any) -> Any:
    """``os.environ[key]``: no default in the code."""
    var = strip_env(key)
    if isinstance(var, str):
        return env_value(engine, var, Unknown(f"environment variable {var} has no default in the code"))
    return Unknown("environment variable with a dynamic name")


def environ_contains(engine, key: Any, negate: bool) -> Any:
    """``key in os.environ``: without an assumed value, the code's default path (the variable is unset)."""
    var = strip_env(key)
    if not isinstance(var, str):
        return Unknown("membership test on os.environ with a dynamic name")
    is_set = env_value(engine, var, None).value is not None
    return FromEnv(var, is_set != negate)


MODEL.items["os.environ"] = environ_item
MODEL.membership["os.environ"] = environ_contains


# ---------------------------------------------------------------------------- re, datetime, typing
@MODEL.function("re.compile")
def compile_regex(call: Call) -> Any:
    args, kwargs = call.args, call.kwargs
    pattern = strip_env(args[0]) if args else strip_env(kwargs.get("pattern"))
    flags = strip_env(args[1]) if len(args) > 1 else strip_env(kwargs.get("flags", 0))
    if not isinstance(pattern, str):
        return Unknown("re.compile() of a pattern that cannot be known")
    if not isinstance(flags, int):
        return Unknown("re.compile() with flags that cannot be known")
    return Regex(pattern, flags)


@MODEL.function("datetime.timedelta")
def make_timedelta(call: Call) -> Any:
    total = 0.0
    values = dict(zip(_TIMEDELTA_ARGS, call.args))
    values.update(call.kwargs)
    for key, value in values.items():
        plain = strip_env(value)
        if key not in _TIMEDELTA_SECONDS or not isinstance(plain, (int, float)) or isinstance(plain, bool):
            return Unknown("timedelta() with values that cannot be known")
        total += plain * _TIMEDELTA_SECONDS[key]
    return TimeDelta(total)


def type_checking(negate: bool) -> bool:
    """False when the code runs: ``if TYPE_CHECKING:`` imports are for type checkers."""
    return negate


MODEL.truth.update({"typing.TYPE_CHECKING": type_checking, "typing_extensions.TYPE_CHECKING": type_checking})


# ---------------------------------------------------------------------------- logging, typing.cast
@dataclass(frozen=True)
class Logger:
    """``logging.getLogger(name)``: an object, not a value that cannot be known (a module's ``log``
    is then no candidate when ``inspect.getmembers`` looks for blueprints)."""

    name: Any


MODEL.object_types.add(Logger)


@MODEL.function("logging.getLogger")
def get_logger(call: Call) -> Logger:
    return Logger(call.args[0] if call.args else call.kwargs.get("name"))


@MODEL.method(Logger, None)
def logger_method(logger: Logger, name: str, call: Call) -> None:
    return None


@MODEL.function("typing.cast", "typing_extensions.cast")
def cast(call: Call) -> Any:
    """``cast(T, value)`` is ``value``."""
    return call.args[1] if len(call.args) == 2 else Unknown("cast() with keywords")


# ---------------------------------------------------------------------------- copies
@MODEL.function("copy.copy", "copy.deepcopy")
def copy_value(call: Call) -> Any:
    """A copy of a value, or of an object a model created (``copy.deepcopy(blueprint)``): its
    lists and dicts are copied too, so what is added to the copy stays on the copy."""
    original = strip_env(call.args[0]) if call.args else None
    if isinstance(original, PLAIN_VALUES):
        return lifted(copy.deepcopy, call.args[0])
    if dataclasses.is_dataclass(original) and not isinstance(original, type) and \
            type(original) in call.engine.registry.object_types:
        clone = copy.copy(original)
        for item in dataclasses.fields(clone):
            value = getattr(clone, item.name)
            if isinstance(value, (list, dict, set)):
                setattr(clone, item.name, copy.copy(value))
        return clone
    return Unknown("copy of a value that cannot be known")


# ---------------------------------------------------------------------------- functools.partial
@dataclass(frozen=True)
class Partial:
    """``functools.partial(func, *args, **kwargs)``: calling it calls ``func`` with those arguments
    first (``registrators.append(partial(app.register_blueprint, api, url_prefix="/api"))``)."""

    func: Any
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]


MODEL.object_types.add(Partial)


@MODEL.function("functools.partial")
def make_partial(call: Call) -> Any:
    if not call.args or call.unknown_star:
        return Unknown("functools.partial() with arguments that cannot be known")
    return Partial(call.args[0], tuple(call.args[1:]), tuple(call.kwargs.items()))


@MODEL.method(Partial, "__call__")
def call_partial(partial: Partial, name: str, call: Call) -> Any:
    return call.engine.call(partial.func, [*partial.args, *call.args], {**dict(partial.kwargs), **call.kwargs},
                            call.node, call.frame, call.unknown_star)


@MODEL.attribute(Partial, "func")
def partial_func(engine, partial: Partial) -> Any:
    return partial.func


@MODEL.method(Partial, None)
def other_partial_method(partial: Partial, name: str, call: Call) -> Unknown:
    return Unknown(f".{name}() of a functools.partial object")


# ---------------------------------------------------------------------------- importing by name
@MODEL.function("importlib.import_module", "werkzeug.utils.import_string")
def import_by_name(call: Call) -> Any:
    """``importlib.import_module("pkg.views")`` (also relative, with ``package=``): a project module
    imported by a name the code can list (a literal, a loop over a list) runs like an import."""
    engine, args, kwargs = call.engine, call.args, call.kwargs
    name = strip_env(args[0]) if args else strip_env(kwargs.get("name", kwargs.get("import_name")))
    package = strip_env(args[1]) if len(args) > 1 else strip_env(kwargs.get("package"))
    if not isinstance(name, str):
        return Unknown("import of a module whose name cannot be known")
    if name.startswith("."):
        if not isinstance(package, str):
            return Unknown(f"relative import of {name!r} without a known package")
        absolute = relative_module(package, len(name) - len(name.lstrip(".")), name.lstrip("."))
        if absolute is None:
            return Unknown(f"relative import of {name!r} beyond the top of {package!r}")
        name = absolute
    if call.qualname == "werkzeug.utils.import_string" and ":" in name:
        module, _, attribute = name.partition(":")
        return engine.get_attribute(engine.import_dotted(module.split(".")), attribute)
    return engine.import_dotted(name.split("."))


# ---------------------------------------------------------------------------- finding modules by folder
@dataclass(frozen=True)
class ModuleFinder:
    """What ``pkgutil.iter_modules`` yields first: the finder of one folder of the project."""

    directory: str


@dataclass(frozen=True)
class ModuleSpec:
    """``finder.find_spec(name)`` / ``importlib.util.spec_from_file_location``: a project module."""

    name: str
    source: Any  # project.SourceFile


@dataclass(frozen=True)
class SpecLoader:
    """``spec.loader`` (and the old ``finder.find_module(name)``): runs the module it was made for."""

    spec: ModuleSpec


MODEL.object_types |= {ModuleFinder, ModuleSpec, SpecLoader}


def _folders(paths: Any) -> list[str] | None:
    plain = strip_env(paths)
    if not isinstance(plain, (list, tuple)) or not all(isinstance(strip_env(p), str) for p in plain):
        return None
    return [os.path.normpath(strip_env(p)) for p in plain]


def _modules_in(engine, folder: str, prefix: str, recursive: bool) -> list[tuple[ModuleFinder, str, bool]]:
    """``(finder, prefix + name, is_package)`` for the project modules in a folder, sorted by name
    as pkgutil sorts them; with ``recursive`` (walk_packages) each package's modules follow it."""
    found = []
    for name, is_package in engine.modules_in_folder(folder):
        found.append((ModuleFinder(folder), prefix + name, is_package))
        if recursive and is_package:
            found.extend(_modules_in(engine, os.path.join(folder, name), f"{prefix}{name}.", True))
    return found


@MODEL.function("pkgutil.iter_modules", "pkgutil.walk_packages")
def iter_modules(call: Call) -> Any:
    """The modules of the project folders named (``[os.path.join(os.path.dirname(__file__), "views")]``,
    ``package.__path__``); without a path pkgutil lists ``sys.path``, which is not the project's."""
    paths = call.args[0] if call.args else call.kwargs.get("path")
    prefix = strip_env(call.args[1] if len(call.args) > 1 else call.kwargs.get("prefix", ""))
    folders = _folders(paths)
    if folders is None or not isinstance(prefix, str):
        return Unknown(f"{call.qualname}() of folders that cannot be known")
    recursive = call.qualname == "pkgutil.walk_packages"
    return [found for folder in folders for found in _modules_in(call.engine, folder, prefix, recursive)]


def _spec(engine, name: Any, folder: str | None = None, location: Any = None) -> ModuleSpec | None | Unknown:
    name, location = strip_env(name), strip_env(location)
    if not isinstance(name, str):
        return Unknown("module spec of a name that cannot be known")
    if location is None and folder is not None:
        last = name.rpartition(".")[2]
        for candidate, is_package in engine.modules_in_folder(folder):
            if candidate == last:
                location = os.path.join(folder, last, "__init__.py") if is_package else os.path.join(folder,
                                                                                                      last + ".py")
    if not isinstance(location, str):
        return None if folder is not None else Unknown("module spec of a file that cannot be known")
    source = engine.source_at(os.path.normpath(location))
    return ModuleSpec(name, source) if source is not None else Unknown(f"module spec of {location}, not in the tree")


@MODEL.method(ModuleFinder, "find_spec")
def find_spec(finder: ModuleFinder, name: str, call: Call) -> Any:
    return _spec(call.engine, call.args[0] if call.args else call.kwargs.get("fullname"), finder.directory)


@MODEL.method(ModuleFinder, "find_module")
def find_module(finder: ModuleFinder, name: str, call: Call) -> Any:
    spec = _spec(call.engine, call.args[0] if call.args else call.kwargs.get("fullname"), finder.directory)
    return SpecLoader(spec) if isinstance(spec, ModuleSpec) else spec


@MODEL.function("importlib.util.spec_from_file_location")
def spec_from_file_location(call: Call) -> Any:
    name = call.args[0] if call.args else call.kwargs.get("name")
    location = call.args[1] if len(call.args) > 1 else call.kwargs.get("location")
    return _spec(call.engine, name, location=location if location is not None else Unknown("no location"))


@MODEL.attribute(ModuleSpec, "loader")
def spec_loader(engine, spec: ModuleSpec) -> SpecLoader:
    return SpecLoader(spec)


@MODEL.attribute(ModuleSpec, "name")
def spec_name(engine, spec: ModuleSpec) -> str:
    return spec.name


def _run_module(engine, spec: ModuleSpec) -> Any:
    """The module a spec names, run as an import of that name runs it (once)."""
    if engine.by_name.get(spec.name) is spec.source:
        return engine.import_dotted(spec.name.split("."))
    module = engine.load_module(spec.name, spec.source)
    engine.force(module)
    return module


@MODEL.function("importlib.util.module_from_spec")
def module_from_spec(call: Call) -> Any:
    spec = strip_env(call.args[0]) if call.args else strip_env(call.kwargs.get("spec"))
    if not isinstance(spec, ModuleSpec):
        return Unknown("module from a spec that cannot be known")
    return _run_module(call.engine, spec)


@MODEL.method(SpecLoader, "exec_module")
def exec_module(loader: SpecLoader, name: str, call: Call) -> None:
    """The module already ran when ``module_from_spec`` made it."""
    return None


@MODEL.method(SpecLoader, "load_module")
def load_module(loader: SpecLoader, name: str, call: Call) -> Any:
    return _run_module(call.engine, loader.spec)


@MODEL.method(ModuleFinder, None)
@MODEL.method(ModuleSpec, None)
@MODEL.method(SpecLoader, None)
def other_import_method(owner: Any, name: str, call: Call) -> Unknown:
    return Unknown(f".{name}() of an import machinery object")


@MODEL.function("inspect.getmembers")
def getmembers(call: Call) -> Any:
    """``inspect.getmembers(module, predicate)``: a project module's names, sorted, with the values
    the predicate (a project function) does not reject; what it cannot decide is kept."""
    engine = call.engine
    target = strip_env(call.args[0]) if call.args else strip_env(call.kwargs.get("object"))
    predicate = strip_env(call.args[1]) if len(call.args) > 1 else strip_env(call.kwargs.get("predicate"))
    if not isinstance(target, ModuleState) or not engine.force(target):
        return Unknown("members of an object that cannot be known")
    if predicate is not None and not isinstance(predicate, FunctionObj):
        return Unknown("members chosen by a predicate that cannot be evaluated")
    members = []
    for name in sorted(target.namespace):
        value = engine.resolve_lazy(target.namespace[name])
        if predicate is not None:
            kept = strip_env(engine.truth(engine.call_function(predicate, [value], {}, call.frame)))
            if kept is False:
                continue
        members.append((name, value))
    return members


_PATH_FUNCTIONS = {"join": os.path.join, "dirname": os.path.dirname, "basename": os.path.basename,
                   "abspath": os.path.normpath, "realpath": os.path.normpath, "normpath": os.path.normpath}


def call_os_path(call: Call) -> Any:
    """``os.path`` on strings (``os.path.join(os.path.dirname(__file__), "views")``); ``abspath``
    and ``realpath`` normalise only (the project's paths are absolute, its links not followed)."""
    function = _PATH_FUNCTIONS.get(call.qualname.rpartition(".")[2])
    if function is None or call.kwargs or not call.args or \
            not all(isinstance(strip_env(a), str) for a in call.args):
        return Unknown(f"call to {call.qualname}() cannot be evaluated statically")
    return lifted(function, *call.args)


MODEL.function_prefixes["os.path."] = call_os_path


# ---------------------------------------------------------------------------- builtins
def call_builtin(call: Call) -> Any:
    name = call.qualname.removeprefix("builtins.")
    args, kwargs = call.args, call.kwargs
    if name == "isinstance" and len(args) == 2 and not kwargs:
        return _isinstance(call.engine, strip_env(args[0]), strip_env(args[1]))
    if name == "getattr" and len(args) in (2, 3) and not kwargs and isinstance(strip_env(args[1]), str):
        return _getattr(call.engine, strip_env(args[0]), strip_env(args[1]))
    fn = _PLAIN_BUILTINS.get(name)
    if fn is None:
        return Unknown(f"call to {name}() cannot be evaluated statically")
    if name == "dict" and kwargs and not args:
        return dict(kwargs)
    if kwargs:
        return Unknown(f"call to {name}() with keywords")
    if name == "str" and args and isinstance(strip_env(args[0]), (Regex, TimeDelta)):
        return Unknown("str() of an object")
    return lifted(fn, *args)


MODEL.function_prefixes["builtins."] = call_builtin


def _getattr(engine, obj: Any, name: str) -> Any:
    """``getattr(obj, name[, default])``: what the project set or defined (a default is never
    assumed: whether a library object has the attribute cannot be known)."""
    if type(obj) in engine.registry.object_types:
        own = engine.object_attributes.get(id(obj))
        return own[1][name] if own is not None and name in own[1] else \
            Unknown(f"getattr() of attribute {name} of a library object")
    if isinstance(obj, (ModuleState, ClassObj, InstanceObj)):
        return engine.get_attribute(obj, name)
    return Unknown("getattr() cannot be evaluated statically")


def _isinstance(engine, value: Any, classes: Any) -> Any:
    """``isinstance(x, Blueprint)`` for a library class whose objects a model makes: known for those
    objects, plain values and project functions, classes and modules; unknown for anything else."""
    options = classes if isinstance(classes, tuple) else (classes,)
    kinds = []
    for option in options:
        option = strip_env(option)
        kind = engine.registry.instance_types.get(engine.canonical(option.qualname)) \
            if isinstance(option, LibSymbol) else None
        if kind is None:
            return Unknown("isinstance() of a class cannot be evaluated statically")
        kinds.append(kind)
    if type(value) in engine.registry.object_types:
        return isinstance(value, tuple(kinds))
    if isinstance(value, (*PLAIN_VALUES, FunctionObj, ClassObj, ModuleState)) or value is None:
        return False
    if isinstance(value, LibSymbol):  # a name a library defines (a class, a function, a module): the
        return False  # objects of the classes listed are the ones models make, never a bare library name
    if isinstance(value, InstanceObj):  # a project class's object: an instance when it derives from one
        bases = {engine.canonical(base) for base in engine.lib_bases(value.cls)}
        if any(engine.canonical(option.qualname) in bases for option in options):
            return True
        unknown_base = any(isinstance(base, Unknown) for klass in engine.mro(value.cls) for base in klass.bases)
        return Unknown("isinstance() of an object whose bases cannot all be known") if unknown_base else False
    return Unknown("isinstance() of a value that cannot be known")


# ---------------------------------------------------------------------------- decorators that keep the function
def transparent(engine, decorator: Any, value: Any, node, frame) -> Any:
    if decorator.qualname == "builtins.staticmethod" and isinstance(value, FunctionObj):
        value.attrs["staticmethod"] = True
    return value


for _name in ("builtins.staticmethod", "builtins.classmethod", "builtins.property", "functools.wraps",
              "typing.overload", "typing.final", "abc.abstractmethod"):
    MODEL.decorator_functions[_name] = transparent
