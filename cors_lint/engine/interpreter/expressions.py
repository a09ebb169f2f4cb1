"""Static evaluation of expressions (a mixin of the interpreter).

Each ``_eval_<NodeType>`` method returns a value (see ``cors_lint.core.values``) or an abstract
object (see ``cors_lint.engine.interpreter.objects``). Unsupported forms evaluate to ``Unknown`` with a reason.
What library objects do under attribute access, subscripts, ``in`` and truth tests is the
registry's answer (``self.registry``).
"""

from __future__ import annotations

import operator
from typing import Any

import libcst as cst

from cors_lint.core.values import FromEnv, Unknown, env_vars, strip_env
from cors_lint.engine.interpreter.objects import BoundMethod, ClassObj, FunctionObj, InstanceObj, LibSymbol
from cors_lint.engine.interpreter.scopes import ModuleState

MAX_SEQUENCE = 10_000
_STR_METHODS = frozenset(
    {"split", "rsplit", "strip", "lstrip", "rstrip", "lower", "upper", "casefold", "replace", "splitlines", "join",
     "format", "startswith", "endswith", "title", "removeprefix", "removesuffix"}
)
_COMPARE = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: operator.lt,
    cst.LessThanEqual: operator.le,
    cst.GreaterThan: operator.gt,
    cst.GreaterThanEqual: operator.ge,
    cst.In: lambda a, b: a in b,
    cst.NotIn: lambda a, b: a not in b,
    cst.Is: operator.is_,
    cst.IsNot: operator.is_not,
}
BINARY_OPERATORS = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Modulo: operator.mod,
    cst.BitOr: operator.or_,
    cst.FloorDivide: operator.floordiv,
    cst.Divide: operator.truediv,
}
PLAIN = (str, int, float, bool, type(None), list, tuple, set, frozenset, dict)


def rewrap(result: Any, *sources: Any) -> Any:
    """Re-attach the environment provenance of ``sources`` to ``result``."""
    for source in reversed(sources):
        for var in reversed(env_vars(source)):
            result = FromEnv(var, result)
    return result


def lifted(fn, *args: Any) -> Any:
    """Apply a plain Python function to plain values, keeping env provenance; else Unknown."""
    plain = [strip_env(a) for a in args]
    for value in plain:
        if isinstance(value, Unknown):
            return rewrap(value, *args)  # an unknown value read from $VAR still names $VAR
        if not isinstance(value, PLAIN):
            return Unknown("operation on a non-literal value")
    try:
        result = fn(*plain)
    except Exception as exc:  # the scanned code's own error, e.g. "a" + 1
        return Unknown(f"expression raises {type(exc).__name__}")
    if isinstance(result, (str, list, tuple)) and len(result) > MAX_SEQUENCE * 10:
        return Unknown("value too large to evaluate")
    return rewrap(result, *args)


# Methods that change a list, a set or a dict in place: the container itself is changed, as in
# Python (under a condition too, like ``x += [...]``), whatever the values added are.
_IN_PLACE = {
    list: frozenset({"append", "extend", "insert", "remove", "pop", "clear", "reverse", "sort"}),
    set: frozenset({"add", "update", "discard", "remove", "pop", "clear"}),
    dict: frozenset({"update", "setdefault", "pop", "popitem", "clear"}),
}
_TOO_LONG = "a container grown past what the analysis follows"
_CONTAINER_METHODS = {
    list: _IN_PLACE[list] | {"index", "count", "copy"},
    set: _IN_PLACE[set] | {"copy", "union", "intersection", "difference"},
    dict: _IN_PLACE[dict] | {"get", "keys", "values", "items", "copy"},
}


def in_place_method(container: Any, name: str, args: list[Any], kwargs: dict[str, Any]) -> tuple[bool, Any]:
    """``origins.append("*")``: ``(True, result)`` when ``name`` changes ``container`` in place (it
    is then changed); ``(False, None)`` for any other method. What cannot be done exactly is done
    soundly: an element that cannot be known is added as unknown, never left out."""
    kind = next((k for k in _IN_PLACE if isinstance(container, k)), None)
    if kind is None or name not in _IN_PLACE[kind]:
        return False, None
    if name in ("extend", "update") and args:
        extra = strip_env(args[0])
        known = isinstance(extra, dict) if kind is dict else isinstance(extra, (list, tuple, set, frozenset))
        if not known:  # a dict's keys that cannot be known are not added (nothing can stand for them)
            args = [{}] if kind is dict else [[rewrap(Unknown(f".{name}() with a value that cannot be known"), args[0])]]
        else:
            args = [extra, *args[1:]]
    if len(container) > MAX_SEQUENCE and name in ("append", "extend", "insert", "add", "update"):
        if kind is dict:
            return True, Unknown(_TOO_LONG)
        if not any(isinstance(v, Unknown) and v.reason == _TOO_LONG for v in container):
            (container.append if kind is list else container.add)(Unknown(_TOO_LONG))
        return True, None
    try:
        return True, getattr(container, name)(*args, **kwargs)
    except Exception as exc:  # the scanned code's own error (remove of a missing value, unhashable, ...)
        return True, Unknown(f".{name}() raises {type(exc).__name__}")


_SCALARS = (str, int, float, bool, type(None))


def _dotted_name(node: cst.CSTNode) -> str | None:
    """``a.b.c`` written without parentheses, comments or line breaks: its text without code
    generation (most calls the interpreter cannot follow are named so)."""
    parts = []
    while isinstance(node, cst.Attribute) and not node.lpar and isinstance(node.dot, cst.Dot) and \
            isinstance(node.dot.whitespace_before, cst.SimpleWhitespace) and not node.dot.whitespace_before.value \
            and isinstance(node.dot.whitespace_after, cst.SimpleWhitespace) and not node.dot.whitespace_after.value:
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name) or node.lpar:
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def is_text_data(value: Any, budget: int = MAX_SEQUENCE) -> bool:
    """Is the value made of literals only (containers of str, numbers, None), so that turning it
    into text (``str.format``, ``%``, ``join``) gives what Python would print? An object or an
    unknown inside would print the engine's own representation (and a tree's repr is huge)."""
    stack = [value]
    while stack:
        budget -= 1
        current = stack.pop()
        if budget < 0 or isinstance(current, FromEnv):
            return False
        if isinstance(current, dict):
            stack.extend(current.keys())
            stack.extend(current.values())
        elif isinstance(current, (list, tuple, set, frozenset)):
            stack.extend(current)
        elif not isinstance(current, _SCALARS):
            return False
    return True


class ExpressionEvaluator:
    """Mixin: needs ``registry``, ``lookup``, ``call`` and ``bind_target`` from the interpreter."""

    def code(self, node: cst.CSTNode) -> str:
        """The node's source on one line, shortened (kept per node: conditions ask it again and again)."""
        texts = self.__dict__.setdefault("_code_texts", {})
        text = texts.get(node)
        if text is None:
            text = _dotted_name(node) or " ".join(cst.Module([]).code_for_node(node).split())
            text = texts[node] = text if len(text) <= 80 else text[:77] + "..."
        return text

    def eval(self, node: cst.BaseExpression, frame) -> Any:
        method = getattr(self, "_eval_" + type(node).__name__, None)
        if method is None:
            return Unknown(f"`{self.code(node)}` cannot be evaluated statically")
        try:
            return method(node, frame)
        except RecursionError:
            return Unknown("expression nested too deeply")

    # literals
    def _eval_SimpleString(self, node: cst.SimpleString, frame) -> Any:
        text = node.value
        if text[0] in "'\"" and "\\" not in text:  # no prefix, no escape: what is between the quotes
            quote = text[:3] if text[:3] in ('"""', "'''") and len(text) >= 6 else text[0]
            return text[len(quote):-len(quote)]
        if "b" in node.prefix.lower():
            return Unknown("bytes literal")
        try:
            return node.evaluated_value
        except Exception:
            return Unknown("string literal cannot be decoded")

    def _eval_ConcatenatedString(self, node: cst.ConcatenatedString, frame) -> Any:
        return lifted(operator.add, self.eval(node.left, frame), self.eval(node.right, frame))

    def _eval_FormattedString(self, node: cst.FormattedString, frame) -> Any:
        pieces: list[Any] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                pieces.append(part.value)
            else:
                if part.format_spec or part.conversion:
                    return Unknown(f"f-string `{self.code(node)}` uses a format spec")
                value = self.eval(part.expression, frame)
                if not isinstance(strip_env(value), (str, int, float)):
                    return Unknown(f"f-string `{self.code(node)}` has a part that cannot be evaluated")
                pieces.append(value)
        return lifted(lambda *parts: "".join(str(p) for p in parts), *pieces)

    def _eval_Integer(self, node: cst.Integer, frame) -> Any:
        return node.evaluated_value

    def _eval_Float(self, node: cst.Float, frame) -> Any:
        return node.evaluated_value

    def _eval_Name(self, node: cst.Name, frame) -> Any:
        return self.lookup(node.value, frame)

    def _eval_Attribute(self, node: cst.Attribute, frame) -> Any:
        return self.get_attribute(self.eval(node.value, frame), node.attr.value)

    # containers
    def _elements(self, elements, frame) -> list[Any] | Unknown:
        items: list[Any] = []
        for element in elements:
            if isinstance(element, cst.StarredElement):
                value = strip_env(self.eval(element.value, frame))
                if not isinstance(value, (list, tuple, set, frozenset)):
                    return Unknown(f"`*{self.code(element.value)}` cannot be expanded statically")
                items.extend(value)
            else:
                items.append(self.eval(element.value, frame))
        return items

    def _eval_List(self, node: cst.List, frame) -> Any:
        return self._elements(node.elements, frame)

    def _eval_Tuple(self, node: cst.Tuple, frame) -> Any:
        items = self._elements(node.elements, frame)
        return items if isinstance(items, Unknown) else tuple(items)

    def _eval_Set(self, node: cst.Set, frame) -> Any:
        items = self._elements(node.elements, frame)
        if isinstance(items, Unknown):
            return items
        try:
            return set(items)
        except TypeError:
            return Unknown("set of unhashable values")

    def _eval_Dict(self, node: cst.Dict, frame) -> Any:
        result: dict[Any, Any] = {}
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                value = strip_env(self.eval(element.value, frame))
                if not isinstance(value, dict):
                    return Unknown(f"`**{self.code(element.value)}` cannot be expanded statically")
                result.update(value)
            else:
                key = self.eval(element.key, frame)
                try:
                    result[key] = self.eval(element.value, frame)
                except TypeError:
                    return Unknown("dict with an unhashable key")
        return result

    # operators
    def _eval_BinaryOperation(self, node: cst.BinaryOperation, frame) -> Any:
        fn = BINARY_OPERATORS.get(type(node.operator))
        if fn is None:
            return Unknown(f"`{self.code(node)}` cannot be evaluated statically")
        left, right = self.eval(node.left, frame), self.eval(node.right, frame)
        if isinstance(node.operator, cst.Modulo) and isinstance(strip_env(left), str) and \
                not is_text_data(strip_env(right)):
            return rewrap(Unknown(f"`{self.code(node)}` formats a value that cannot be known"), left, right)
        return lifted(fn, left, right)

    def _eval_UnaryOperation(self, node: cst.UnaryOperation, frame) -> Any:
        value = self.eval(node.expression, frame)
        if isinstance(node.operator, cst.Not):
            return self.truth(value, negate=True)
        if isinstance(node.operator, cst.Minus):
            return lifted(operator.neg, value)
        return Unknown(f"`{self.code(node)}` cannot be evaluated statically")

    def truth(self, value: Any, negate: bool = False) -> Any:
        """Python truthiness of a value, or Unknown (objects such as apps are truthy)."""
        plain = strip_env(value)
        if isinstance(plain, Unknown):
            return plain
        if isinstance(plain, PLAIN):
            return rewrap(bool(plain) != negate, value)
        if isinstance(plain, LibSymbol):
            handler = self.registry.truth.get(self.canonical(plain.qualname))
            if handler is not None:
                return handler(negate)
            return Unknown(f"`{plain.qualname}` cannot be known statically")
        if isinstance(plain, BoundMethod) and plain.function is None and type(plain.obj) in self.registry.object_types:
            # `app.testing`: an attribute of a library object, not known to be a method
            return Unknown(f"attribute .{plain.name} of a library object cannot be known statically")
        return not negate

    def _eval_BooleanOperation(self, node: cst.BooleanOperation, frame) -> Any:
        left = self.eval(node.left, frame)
        truth = strip_env(self.truth(left))
        if isinstance(truth, Unknown):
            return Unknown(f"`{self.code(node)}` depends on a value that cannot be known")
        is_and = isinstance(node.operator, cst.And)
        if truth != is_and:
            return left
        return rewrap(self.eval(node.right, frame), left)  # `os.getenv("X") or DEFAULT`: chosen by $X

    def _eval_Comparison(self, node: cst.Comparison, frame) -> Any:
        left = self.eval(node.left, frame)
        result: Any = True
        for target in node.comparisons:
            right = self.eval(target.comparator, frame)
            if isinstance(right, LibSymbol) and right.qualname in self.registry.membership and isinstance(
                target.operator, (cst.In, cst.NotIn)
            ):
                return self.registry.membership[right.qualname](self, left, isinstance(target.operator, cst.NotIn))
            fn = _COMPARE.get(type(target.operator))
            if fn is None:
                return Unknown(f"`{self.code(node)}` cannot be evaluated statically")
            if isinstance(target.operator, (cst.Is, cst.IsNot)):
                if strip_env(left) is not None and strip_env(right) is not None and not isinstance(
                    strip_env(left), PLAIN
                ):
                    return Unknown(f"`{self.code(node)}` compares objects by identity")
                if (strip_env(left) is None) != (strip_env(right) is None) and \
                        not isinstance(strip_env(left), Unknown) and not isinstance(strip_env(right), Unknown):
                    step: Any = fn(strip_env(left), strip_env(right))  # `spec is not None`: an object is not None
                    result = lifted(operator.and_, result, step) if result is not True else step
                    left = right
                    continue
            step = lifted(fn, left, right)
            if isinstance(strip_env(step), Unknown):
                return step
            result = lifted(operator.and_, result, step) if result is not True else step
            left = right
        return result

    def _eval_IfExp(self, node: cst.IfExp, frame) -> Any:
        test = self.truth(self.eval(node.test, frame))
        plain = strip_env(test)
        if isinstance(plain, Unknown):
            return Unknown(f"`{self.code(node)}` depends on `{self.code(node.test)}`")
        chosen = self.eval(node.body if plain else node.orelse, frame)
        return rewrap(chosen, test)

    def _eval_Subscript(self, node: cst.Subscript, frame) -> Any:
        container = self.eval(node.value, frame)
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return Unknown(f"`{self.code(node)}` cannot be evaluated statically")
        key = self.eval(node.slice[0].slice.value, frame)
        return self.get_item(container, key, node)

    def get_item(self, container: Any, key: Any, node: cst.CSTNode) -> Any:
        handler = self.registry.items.get(container.qualname if isinstance(container, LibSymbol) else type(container))
        if handler is not None:
            return handler(self, container, key)
        return lifted(lambda c, k: c[k], container, key)

    def _comprehension(self, node, frame, build) -> Any:
        clause = node.for_in
        if clause.inner_for_in is not None or clause.asynchronous is not None:
            return Unknown(f"`{self.code(node)}` cannot be evaluated statically")
        iterable = self.eval(clause.iter, frame)
        plain = strip_env(iterable)
        if isinstance(plain, dict):
            plain = list(plain)
        if not isinstance(plain, (list, tuple, set, frozenset, str)) or len(plain) > MAX_SEQUENCE:
            return Unknown(f"`{self.code(node)}` iterates over a value that cannot be known")
        results = []
        inner = frame.child()
        for item in plain:
            self.bind_target(clause.target, rewrap(item, iterable), inner)
            keep = True
            for condition in clause.ifs:
                truth = strip_env(self.truth(self.eval(condition.test, inner)))
                if isinstance(truth, Unknown):
                    return Unknown(f"`{self.code(node)}` filters on a value that cannot be known")
                keep = keep and truth
            if keep:
                results.append(build(inner))
        return rewrap(results, iterable)

    def _eval_ListComp(self, node: cst.ListComp, frame) -> Any:
        return self._comprehension(node, frame, lambda inner: self.eval(node.elt, inner))

    def _eval_GeneratorExp(self, node: cst.GeneratorExp, frame) -> Any:
        return self._comprehension(node, frame, lambda inner: self.eval(node.elt, inner))

    def _eval_SetComp(self, node: cst.SetComp, frame) -> Any:
        items = self._comprehension(node, frame, lambda inner: self.eval(node.elt, inner))
        return lifted(set, items)

    def _eval_DictComp(self, node: cst.DictComp, frame) -> Any:
        pairs = self._comprehension(
            node, frame, lambda inner: (self.eval(node.key, inner), self.eval(node.value, inner))
        )
        return lifted(dict, pairs)

    def _eval_NamedExpr(self, node: cst.NamedExpr, frame) -> Any:
        value = self.eval(node.value, frame)
        self.bind_target(node.target, value, frame)
        return value

    def _eval_Call(self, node: cst.Call, frame) -> Any:
        func = self.eval(node.func, frame)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        unknown_star: list[str] = []
        for arg in node.args:
            value = self.eval(arg.value, frame)
            if arg.star == "*":
                plain = strip_env(value)
                if isinstance(plain, (list, tuple)):
                    args.extend(plain)
                else:
                    unknown_star.append(self.code(arg.value))
            elif arg.star == "**":
                plain = strip_env(value)
                if isinstance(plain, dict) and all(isinstance(k, str) for k in plain):
                    kwargs.update(plain)
                else:
                    unknown_star.append(self.code(arg.value))
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
        return self.call(func, args, kwargs, node, frame, unknown_star)

    # objects that expressions can produce attributes of
    def get_attribute(self, obj: Any, name: str) -> Any:
        plain = strip_env(obj)
        if isinstance(plain, ModuleState):
            return self.module_attribute(plain, name)
        if isinstance(plain, LibSymbol):
            constant = f"{plain.qualname}.{name}"
            if constant in self.registry.constants:
                return self.registry.constants[constant]
            return LibSymbol(f"{plain.qualname}.{name}")
        if isinstance(plain, ClassObj):
            found = self.class_attribute(plain, name)
            return found if found is not None else BoundMethod(plain, name)
        if isinstance(plain, InstanceObj):
            if name in plain.attrs:
                return plain.attrs[name]
            found = self.class_attribute(plain.cls, name)
            if isinstance(found, FunctionObj):
                return BoundMethod(plain, name, found)
            return found if found is not None else Unknown(f"attribute {name} of an instance")
        own = self.project_method(plain, name)
        if own is not None:
            return own
        set_here = self.object_attributes.get(id(plain))
        if set_here is not None and name in set_here[1]:
            return set_here[1][name]
        getter = self.registry.attributes.get((type(plain), name))
        if getter is not None:
            return getter(self, plain)
        if type(plain) in self.registry.object_types:  # a library object's other attributes are its methods
            return BoundMethod(plain, name)
        if isinstance(plain, str) and name in _STR_METHODS:
            return BoundMethod(obj, name)
        if isinstance(plain, (dict, list, set)) and name in _CONTAINER_METHODS[type(plain)]:
            return BoundMethod(obj, name)
        if isinstance(plain, Unknown):
            return rewrap(plain, obj)  # `os.environ[X].split`: still read from $X
        return rewrap(Unknown(f"attribute .{name} cannot be evaluated statically"), obj)

    def project_method(self, obj: Any, name: str) -> BoundMethod | None:
        """A method that a project subclass of a library class adds (``class ApiExt(Api): def
        add_org_resource(self, ...)``), on an object that subclass made. The library's own
        methods, as the registry models them, win over the project's overrides of them."""
        made = self.project_classes.get(id(obj))
        if made is None or made[0] is not obj or (type(obj), name) in self.registry.methods or \
                (type(obj), name) in self.registry.attributes:
            return None
        found = self.class_attribute(made[1], name)
        return BoundMethod(obj, name, found) if isinstance(found, FunctionObj) else None

    def class_attribute(self, cls: ClassObj, name: str) -> Any:
        for klass in self.mro(cls):
            if name in klass.namespace:
                return klass.namespace[name]
        return None

    def mro(self, cls: ClassObj, _seen: set[int] | None = None) -> list[ClassObj]:
        """A depth-first, left-to-right approximation of the MRO (enough for config classes)."""
        seen = _seen if _seen is not None else set()
        if id(cls) in seen:
            return []
        seen.add(id(cls))
        order = [cls]
        for base in cls.bases:
            if isinstance(base, ClassObj):
                order.extend(k for k in self.mro(base, seen) if k not in order)
        return order

    def lib_bases(self, cls: ClassObj) -> set[str]:
        """Qualified names of the library classes ``cls`` inherits from."""
        names = set()
        for klass in self.mro(cls):
            for base in klass.bases:
                if isinstance(base, LibSymbol):
                    names.add(base.qualname)
        return names
