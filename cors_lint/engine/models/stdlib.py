"""The standard library as far as CORS configuration reaches into it: environment variables
(``os.getenv``, ``os.environ``), ``re.compile`` and its flags, ``datetime.timedelta``, the
builtins that build plain values, ``typing.TYPE_CHECKING`` and decorators that keep the
function they wrap."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from cors_lint.core.values import FromEnv, Regex, TimeDelta, Unknown, strip_env
from cors_lint.engine.expressions import PLAIN as PLAIN_VALUES
from cors_lint.engine.expressions import lifted
from cors_lint.engine.objects import FunctionObj
from cors_lint.engine.registry import Call, Model

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
        level = len(name) - len(name.lstrip("."))
        base = package.split(".")[: len(package.split(".")) - (level - 1)]
        name = ".".join([*base, name.lstrip(".")]) if name.lstrip(".") else ".".join(base)
    if call.qualname == "werkzeug.utils.import_string" and ":" in name:
        module, _, attribute = name.partition(":")
        return engine.get_attribute(engine.import_dotted(module.split(".")), attribute)
    return engine.import_dotted(name.split("."))


# ---------------------------------------------------------------------------- builtins
def call_builtin(call: Call) -> Any:
    name = call.qualname.removeprefix("builtins.")
    args, kwargs = call.args, call.kwargs
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


# ---------------------------------------------------------------------------- decorators that keep the function
def transparent(engine, decorator: Any, value: Any, node, frame) -> Any:
    if decorator.qualname == "builtins.staticmethod" and isinstance(value, FunctionObj):
        value.attrs["staticmethod"] = True
    return value


for _name in ("builtins.staticmethod", "builtins.classmethod", "builtins.property", "functools.wraps",
              "typing.overload", "typing.final", "abc.abstractmethod"):
    MODEL.decorator_functions[_name] = transparent
