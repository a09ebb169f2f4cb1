"""Hand-written ``Access-Control-*`` headers: ``resp.headers[...] = ``, ``.add/.set/.extend``,
``headers={...}`` on responses and ``(body, status, headers)`` tuples.

Values copied from the request's ``Origin`` header are recognised when ``request`` is
Flask's (resolved through the module's import bindings), also through local variables
(``origin = request.headers.get("Origin")``).

A copy is often guarded: written only under ``if origin in ALLOWED:`` (or after ``if origin
not in ALLOWED: return resp``, or as ``origin if origin in ALLOWED else ...``). The
conditions of the write in its function are split into guards on the origin (``origin in X``,
``X & {origin}``, ``origin == "..."``, ``origin.endswith(...)`` / ``startswith``, ``"x" in
origin``, ``re.match/fullmatch/search(p, origin)``, ``p.match(origin)``, ``any(... for p in
X)``, on the origin or on ``urlparse(origin).hostname``), each recorded with the list it checks
(its code, where it is defined, its values or why they cannot be known, the environment
variables they come from), and the other conditions (a settings switch), which become the
site's ``condition``. A test on the origin that is none of those forms is an ``unknown`` guard.

``Vary`` and ``Cache-Control`` written in the same function (by the same forms, or through
werkzeug's ``resp.vary.add(...)`` / ``resp.cache_control.max_age = ...``) are recorded on each of
its sites as ``other_headers``: whether a reflected origin is cached per origin. ``headers=`` on
a call that sends a request (``client.get(...)``, ``requests.post(...)``, ``Request(...)``,
``app.test_request_context(...)``) is the request's, not a response's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable

import libcst as cst

from cors_lint.core.guards import Guard, add, code_of
from cors_lint.core.values import Provenance, Regex, Unknown, to_json, unwrap
from cors_lint.engine.app.app_objects import Site
from cors_lint.engine.interpreter.objects import Location
from cors_lint.engine.source.walk import children, walk

_HEADER_METHODS = frozenset({"add", "set", "setdefault", "add_header", "__setitem__"})
_MAPPING_METHODS = frozenset({"extend", "update"})
_SAME_ORIGIN_METHODS = frozenset({"lower", "casefold", "strip", "rstrip", "lstrip", "removesuffix"})
_HOST_ATTRIBUTES = frozenset({"hostname", "netloc"})
_URL_PARSERS = frozenset({"urlparse", "urlsplit"})
_REGEX_FUNCTIONS = {"re.match": "match", "re.fullmatch": "fullmatch", "re.search": "search"}
MAX_DEPTH = 6
_OTHER_HEADERS = {"vary": "Vary", "cache-control": "Cache-Control"}  # recorded next to the sites (other_headers)
_SET_METHODS = frozenset({"add", "update", "extend"})  # resp.vary.add("Origin")
# `headers=` on these calls is a request's: test clients, requests / httpx sessions, urllib
_REQUEST_CALLS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace", "open", "request",
                            "fetch", "test_request_context", "Request", "EnvironBuilder"})


def is_cors_header(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith("access-control-")


Context = tuple[cst.BaseExpression, bool]  # a condition of the write, and whether it holds (True) or not


@dataclass
class Evaluation:
    """How the finder asks the interpreter about values (the defaults know nothing).

    ``value(node, local)``: the raw value of an expression (``FromEnv`` kept), ``local`` mapping
    the function's local names to their last assignment (None: a parameter); ``definition(node)``:
    where a module-level name, attribute or config key is defined; ``condition(node, holds, local)``: a
    condition that does not involve the origin, as ``True``/``False`` when it is known statically,
    else as a reviewer reads it; ``code(node)``: the source text; ``function(node)``: the
    definition of a function of this module that ``node`` names."""

    value: Callable[[cst.BaseExpression, dict], Any] = lambda node, local: Unknown("not evaluated")
    definition: Callable[[cst.BaseExpression], Location | None] = lambda node: None
    condition: Callable[[cst.BaseExpression, bool, dict], Any] = lambda node, holds, local: None
    code: Callable[[cst.CSTNode], str] = lambda node: cst.Module([]).code_for_node(node)
    function: Callable[[cst.BaseExpression], cst.FunctionDef | None] = lambda node: None
    pinned: set[str] = field(default_factory=set)  # environment variables the policy gives a value
    # what the models say of library calls (registry ``response_makers`` / ``exit_functions``)
    response_makers: frozenset[str] = frozenset()
    exit_functions: frozenset[str] = frozenset()


class _Scope:
    """One function being walked (or the module)."""

    def __init__(self, node: cst.FunctionDef | None, ifs: int, blocks: int):
        self.node = node
        self.ifs = ifs  # where this scope's entries start on the finder's stacks
        self.blocks = blocks
        self.origin_names: dict[str, list[list[Context]]] = {}  # name -> alternatives (conditions) it was set under
        self.local: dict[str, Any] = {}  # name -> its last assignment's value node (None: a parameter)
        self.local_at: dict[str, cst.CSTNode] = {}  # name -> that assignment
        self.first_site = 0  # the finder's sites from here on may be this function's
        self.other_headers: list[dict[str, Any]] = []  # Vary / Cache-Control written here
        self.sent: set[str] = set()  # names passed as a request's headers= (client.options(url, headers=h))


class ManualHeaderFinder:
    """Collects manual-header sites of one module.

    ``evaluate(node)`` evaluates an expression in the module's namespace (strings and
    constants); ``qualname(node)`` gives the library name a name or attribute is bound to
    (e.g. ``flask.request``), or None; ``evaluation`` answers the guard analysis.
    """

    def __init__(self, rel: str, positions, evaluate: Callable[[cst.BaseExpression], Any],
                 qualname: Callable[[cst.BaseExpression], str | None], evaluation: Evaluation | None = None,
                 reads: Callable[[cst.FunctionDef], bool] = lambda node: True):
        self.rel = rel
        self.reads = reads  # False for a function that cannot write a header (see header_names)
        self.positions = positions
        self.evaluate = evaluate
        self.qualname = qualname
        self.evaluation = evaluation or Evaluation()
        self.sites: list[Site] = []
        self.functions: list[cst.FunctionDef] = []
        self.scopes: list[_Scope] = [_Scope(None, 0, 0)]
        self.ifs: list[list[Any]] = []  # [If node, True (in its body) / False (in its else) / None (its test)]
        self.blocks: list[list[cst.BaseExpression]] = [[]]  # per block: tests of early exits seen so far
        self.inlining: set[int] = set()  # helper functions being read (see _inline)
        self.loops: list[tuple[str, cst.BaseExpression]] = []  # enclosing `for name in iterable:`
        self.false_tests: list[str] = []  # the tests `guards` last found false with the code's values
        # id(function of this module) -> parameter -> how each call passes it the request's origin
        self.seeded: dict[int, dict[str, list[Passed]]] = {}  # known when the walk starts
        self.passed: dict[int, dict[str, list[Passed]]] = {}  # found by this walk
        # functions of this module that write a Vary header (`add_vary(headers, "Origin")`)
        self.vary_helpers: dict[int, str] = {}  # known when the walk starts: id -> name
        self.vary_writers: dict[int, str] = {}  # found by this walk

    # -------------------------------------------------------------- context
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        self.functions.append(node)
        scope = _Scope(node, len(self.ifs), len(self.blocks))
        params = node.params
        for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
            scope.local[param.name.value] = None
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                scope.local[star.name.value] = None
        for name, passes in self.seeded.get(id(node), {}).items():  # a caller passes the origin in
            scope.origin_names[name] = [[(passed, True)] for passed in passes]
            for passed in passes:  # and the Vary it writes on the same response goes with it
                scope.other_headers += [entry for entry in passed.headers if entry not in scope.other_headers]
        scope.first_site = len(self.sites)
        self.scopes.append(scope)
        return None if self.reads(node) else False

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._finish(self.scopes[-1])
        self.functions.pop()
        self.scopes.pop()

    def leave_Module(self, original_node: cst.Module) -> None:
        self._finish(self.scopes[0])

    def _finish(self, scope: _Scope) -> None:
        """Drop the function's writes into a mapping it sends as a request's headers (``h["Access-Control-
        Request-Method"] = "POST"`` then ``client.options(url, headers=h)``); note its Vary / Cache-Control
        writes on each of its sites."""
        if scope.sent:
            self.sites[scope.first_site:] = [site for site in self.sites[scope.first_site:] if not (
                getattr(site, "function_node", None) is scope.node
                and getattr(site, "written_into", None) in scope.sent)]
        if scope.other_headers:
            for site in self.sites[scope.first_site:]:
                if getattr(site, "function_node", None) is scope.node:
                    site.other_headers = list(scope.other_headers)

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):  # `for allowed in ALLOWED: if origin == allowed:`
            self.loops.append((node.target.value, node.iter))

    def leave_For(self, original_node: cst.For) -> None:
        if isinstance(original_node.target, cst.Name):
            self.loops.pop()

    def visit_If(self, node: cst.If) -> None:
        if self.ifs and self.ifs[-1][0].orelse is node:  # `elif`: the previous test did not hold
            self.ifs[-1][1] = False
        self.ifs.append([node, None])

    def leave_If(self, original_node: cst.If) -> None:
        self.ifs.pop()
        if original_node.orelse is None and _exits(original_node.body, self.qualname,
                                                   self.evaluation.exit_functions):
            self.blocks[-1].append(original_node.test)  # `if origin not in ALLOWED: return resp`

    def _enter_block(self, node: cst.CSTNode) -> None:
        if self.ifs and self.ifs[-1][0].body is node:
            self.ifs[-1][1] = True
        self.blocks.append([])

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._enter_block(node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self.blocks.pop()

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter_block(node)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self.blocks.pop()

    def visit_Else(self, node: cst.Else) -> None:
        if self.ifs and self.ifs[-1][0].orelse is node:
            self.ifs[-1][1] = False

    def contexts(self) -> list[Context]:
        """The conditions under which the current statement runs, within its function."""
        scope = self.scopes[-1]
        found: list[Context] = [(node.test, holds) for node, holds in self.ifs[scope.ifs:] if holds is not None]
        found += [(test, False) for block in self.blocks[scope.blocks:] for test in block]
        return found

    # -------------------------------------------------------------- patterns
    def visit_Assign(self, node: cst.Assign) -> None:
        self.assigned(node, [target.target for target in node.targets], node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        """``origin: Optional[str] = request.headers.get("Origin")``: an assignment like any other."""
        if node.value is not None:
            self.assigned(node, [node.target], node.value)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        """``if (origin := request.headers.get("Origin")) in ALLOWED:``."""
        self.assigned(node, [node.target], node.value)

    def assigned(self, node: cst.CSTNode, targets: list[cst.BaseExpression], value: cst.BaseExpression) -> None:
        """``targets = value``: a name may now hold the request's origin; ``headers[X] = value``
        writes a header."""
        scope = self.scopes[-1]
        for target in targets:
            if isinstance(target, cst.Name):
                name = target.value
                if self.reads_origin(value):
                    here = self.contexts()
                    alternatives = [here + extra for extra in self.value_conditions(value)]
                    if here:  # set only under a condition: the earlier value may still be there
                        scope.origin_names.setdefault(name, []).extend(alternatives)
                    else:
                        scope.origin_names[name] = alternatives
                elif not self.contexts():
                    scope.origin_names.pop(name, None)
                scope.local[name] = value
                scope.local_at[name] = node
        for target in targets:
            if isinstance(target, cst.Subscript) and len(target.slice) == 1:
                index = target.slice[0].slice
                if isinstance(index, cst.Index):
                    before = len(self.sites)
                    self.write(node, self.evaluate(index.value), value, "assignment")
                    if isinstance(target.value, cst.Name):  # `headers[...] = ...`: a mapping, maybe a request's
                        for site in self.sites[before:]:
                            site.written_into = target.value.value
            elif isinstance(target, cst.Attribute) and target.attr.value == "vary":  # resp.vary = "Origin"
                self.other_header(node, "Vary", value)
            elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Attribute) \
                    and target.value.attr.value == "cache_control":  # resp.cache_control.max_age = 300
                self.other_header(node, "Cache-Control", value, directive=target.attr.value.replace("_", "-"))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and _is_headers(func.value):
            method = func.attr.value
            before = len(self.sites)
            if method in _HEADER_METHODS and len(node.args) >= 1:
                value = node.args[1].value if len(node.args) > 1 else None
                self.write(node, self.evaluate(node.args[0].value), value, f".headers.{method}()")
            elif method in _MAPPING_METHODS and node.args:
                self.scan_mapping(node.args[0].value, f".headers.{method}()")
            if isinstance(func.value, cst.Name):  # `headers.update({...})`: a mapping, maybe a request's
                for site in self.sites[before:]:
                    site.written_into = func.value.value
        elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute) \
                and func.value.attr.value == "vary" and func.attr.value in _SET_METHODS and node.args:
            self.other_header(node, "Vary", node.args[0].value)  # resp.vary.add("Origin")
        self.note_origin_arguments(node)
        self.note_vary_helper(node)
        if _sends_request(func):  # client.get("/", headers={"Access-Control-Request-Method": "POST"}) is a request
            self.scopes[-1].sent.update(arg.value.value for arg in node.args if arg.keyword is not None
                                        and arg.keyword.value == "headers" and isinstance(arg.value, cst.Name))
            return
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "headers":
                self.scan_mapping(arg.value, "headers=")

    def note_origin_arguments(self, node: cst.Call) -> None:
        """``set_allow_origin_headers(headers, origin)``: a function of this module receives the
        request's origin as a parameter; what restricts it here goes with it (see ``Passed``)."""
        if not isinstance(node.func, (cst.Name, cst.Attribute)) or \
                not any(self.reads_origin(arg.value) for arg in node.args):
            return
        function = self.evaluation.function(node.func)
        if function is None:
            return
        params = function.params
        positional = [p.name.value for p in (*params.posonly_params, *params.params)]
        named = set(positional) | {p.name.value for p in params.kwonly_params}
        for index, arg in enumerate(node.args):
            if arg.star or not self.reads_origin(arg.value):
                continue
            name = arg.keyword.value if arg.keyword is not None else \
                positional[index] if index < len(positional) else None
            if name not in named:
                continue
            here = self.contexts()
            guards, flags = self.guards([here + extra for extra in self.value_conditions(arg.value)])
            passes = self.passed.setdefault(id(function), {}).setdefault(name, [])
            passes.append(Passed(guards, flags, self.scopes[-1].other_headers))

    def note_vary_helper(self, node: cst.Call) -> None:
        """``add_vary(headers, "Origin")``: a function of this module that writes ``Vary`` is called;
        the header names passed to it are what it adds (unknown when none is a string)."""
        func = node.func
        name = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) else None
        if name is None or name not in self.vary_helpers.values():
            return
        function = self.evaluation.function(func)
        if function is None or id(function) not in self.vary_helpers:
            return
        names = [value for value in (self.evaluate(arg.value) for arg in node.args) if isinstance(value, str)]
        value = ", ".join(names) if names else {"unknown": f"`{self.evaluation.code(node)}`"}
        position = self.position(node)
        self.scopes[-1].other_headers.append({"header": "Vary", "value": value, "line": position[0] if position else 0})

    def visit_Return(self, node: cst.Return) -> None:
        if isinstance(node.value, cst.Tuple):
            for element in node.value.elements[1:]:
                self.scan_mapping(element.value, "response tuple")

    def leave_Call(self, original_node: cst.Call) -> None:
        name = self.qualname(original_node.func)
        if name in self.evaluation.response_makers:
            for arg in original_node.args[1:]:
                self.scan_mapping(arg.value, f"{name.rpartition('.')[2]}()")

    def scan_mapping(self, node: cst.BaseExpression, how: str) -> None:
        if isinstance(node, cst.Name):  # `headers = {...}` earlier, or a module constant: `return body, 200, headers`
            built = self.mapping_named(node.value)
            if built is not None:
                self.scan_mapping(built, f"{how} (the mapping `{node.value}`)")
            return
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    self.write(element, self.evaluate(element.key), element.value, how)
        elif isinstance(node, (cst.List, cst.Tuple)):
            for element in node.elements:
                pair = element.value
                if isinstance(pair, cst.Tuple) and len(pair.elements) == 2:
                    self.write(pair, self.evaluate(pair.elements[0].value), pair.elements[1].value, how)

    def mapping_named(self, name: str) -> cst.BaseExpression | None:
        """The dict or list literal a name was last assigned in this function, or at module level."""
        for scope in reversed(self.scopes):
            if name in scope.local:
                value = scope.local[name]
                return value if isinstance(value, (cst.Dict, cst.List, cst.Tuple)) else None
        return None

    def write(self, node: cst.CSTNode, key: Any, value: cst.BaseExpression | None, how: str) -> None:
        """A header written: an ``Access-Control-*`` one is a site, Vary / Cache-Control are noted."""
        if is_cors_header(key):
            self.add(node, key, value, how)
        elif isinstance(key, str) and key.lower() in _OTHER_HEADERS:
            self.other_header(node, _OTHER_HEADERS[key.lower()], value)

    def other_header(self, node: cst.CSTNode, header: str, value_node: cst.BaseExpression | None,
                     directive: str | None = None) -> None:
        """``Vary`` / ``Cache-Control`` written in the current function (``directive``: set
        through ``resp.cache_control.<directive> = value``)."""
        if header == "Vary" and self.functions:
            self.vary_writers[id(self.functions[-1])] = self.functions[-1].name.value
        value = to_json(unwrap(self.evaluate(value_node))) if value_node is not None else None
        if directive is not None:
            value = directive if value is True else None if value is False else \
                f"{directive}={value}" if isinstance(value, (int, str)) else {"unknown": f"`{directive}` = ..."}
        if value is None:
            return
        position = self.position(node)
        self.scopes[-1].other_headers.append({"header": header, "value": value,
                                              "line": position[0] if position else 0})

    # -------------------------------------------------------------- values
    def is_request(self, node: cst.BaseExpression) -> bool:
        return self.qualname(node) == "flask.request"

    def origin_alternatives(self, name: str) -> list[list[Context]] | None:
        for scope in reversed(self.scopes):
            if name in scope.origin_names:
                return scope.origin_names[name]
            if name in scope.local:
                return None  # a local of another value shadows an outer origin variable
        return None

    def reads_origin(self, node: cst.BaseExpression | None) -> bool:
        """``request.headers.get("Origin")``, ``request.headers["Origin"]``, ``request.origin``,
        ``request.environ.get("HTTP_ORIGIN")`` (possibly inside ``x or y`` / f-strings, or
        lower-cased / stripped), and local variables set from one of them."""
        if node is None:
            return False
        if isinstance(node, cst.Name):
            return self.origin_alternatives(node.value) is not None
        if isinstance(node, cst.Attribute) and node.attr.value == "origin":
            return self.is_request(node.value)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            if node.func.attr.value in _SAME_ORIGIN_METHODS:
                return self.reads_origin(node.func.value)
            if node.func.attr.value == "get":
                holder = node.func.value
                if node.args and isinstance(holder, cst.Attribute) and holder.attr.value in ("headers", "environ"):
                    key = self.evaluate(node.args[0].value)
                    return self.is_request(holder.value) and isinstance(key, str) and key.lower() in (
                        "origin", "http_origin")
        if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Attribute):
            holder = node.value
            if holder.attr.value in ("headers", "environ") and len(node.slice) == 1:
                index = node.slice[0].slice
                if isinstance(index, cst.Index):
                    key = self.evaluate(index.value)
                    return self.is_request(holder.value) and isinstance(key, str) and key.lower() in (
                        "origin", "http_origin")
        if isinstance(node, cst.BooleanOperation):
            return self.reads_origin(node.left) or self.reads_origin(node.right)
        if isinstance(node, cst.IfExp):
            return self.reads_origin(node.body) or self.reads_origin(node.orelse)
        if isinstance(node, cst.FormattedString):
            return any(
                isinstance(part, cst.FormattedStringExpression) and self.reads_origin(part.expression)
                for part in node.parts
            )
        return False

    def value_conditions(self, node: cst.BaseExpression) -> list[list[Context]]:
        """The alternative conditions under which a value is the origin: ``origin if origin in
        ALLOWED else None`` is the origin only when the test holds; a variable, when it was set."""
        if isinstance(node, cst.IfExp):
            found: list[list[Context]] = []
            if self.reads_origin(node.body):
                found += [[(node.test, True)] + more for more in self.value_conditions(node.body)]
            if self.reads_origin(node.orelse):
                found += [[(node.test, False)] + more for more in self.value_conditions(node.orelse)]
            return found or [[]]
        if isinstance(node, cst.BooleanOperation):
            found = [c for side in (node.left, node.right) if self.reads_origin(side)
                     for c in self.value_conditions(side)]
            return found or [[]]
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
                node.func.attr.value in _SAME_ORIGIN_METHODS:
            return self.value_conditions(node.func.value)
        if isinstance(node, cst.Name):
            return self.origin_alternatives(node.value) or [[]]
        return [[]]

    def position(self, node: cst.CSTNode) -> tuple[int, int] | None:
        """Where a node starts (``positions``: ``parsing.LazyPositions``): looked up within the
        function being read, else in the whole module (a module constant the function returns)."""
        found = self.positions.get(node, within=self.functions[0] if self.functions else None)
        return found if found is not None or not self.functions else self.positions.get(node)

    def add(self, node: cst.CSTNode, header: str, value_node: cst.BaseExpression | None, how: str) -> None:
        position = self.position(node)
        location = Location(self.rel, *position) if position else Location(
            self.rel, 0, 0)
        guards: list[Guard] = []
        flags: list[str] = []
        if value_node is None:
            value: Any = None
        elif self.reads_origin(value_node):
            value = {"reflects_request_origin": True}
            here = self.contexts()
            guards, flags = self.guards([here + extra for extra in self.value_conditions(value_node)])
        else:
            value = self.evaluate(value_node)
            here = self.contexts()
            flags = self.guards([here])[1]
            flags += [text for text in self._origin_tests(here) if text not in flags]
        function = self.functions[-1] if self.functions else None
        target = function.name.value if function is not None else "<module>"
        site = Site("manual-header", location, target, {"header": header, "value": value}, notes=[how],
                    condition=" and ".join(flags) or None)
        site.function_node = function
        site.guards = guards
        site.otherwise = self.otherwise(value_node) if guards else []
        self.sites.append(site)

    def _origin_tests(self, contexts: list[Context]) -> list[str]:
        """The parts of the conditions that test the origin, as text: they decide whether a header
        that is not the origin is written at all (`if origin in ALLOWED:` credentials, `else:`
        `*`), so they are conditions of that write (the others are in ``guards``' flags)."""
        texts = []
        for test, holds in contexts:
            for item in _literals(test, holds):
                if self._mentions_origin(item.node):
                    code = self.evaluation.code(item.node)
                    texts.append(code if item.holds else f"not ({code})")
        return texts

    def otherwise(self, node: cst.BaseExpression | None) -> list[Any]:
        """What ``origin if <check> else "null"`` sends when the check fails (known values only)."""
        found: list[Any] = []
        if isinstance(node, cst.IfExp):
            for branch in (node.body, node.orelse):
                if isinstance(branch, cst.IfExp):
                    found += self.otherwise(branch)
                elif not self.reads_origin(branch):
                    value = self.evaluate(branch)
                    if isinstance(value, (str, type(None))):
                        found.append(value)
        return found

    # -------------------------------------------------------------- guards
    def guards(self, alternatives: list[list[Context]]) -> tuple[list[Guard], list[str]]:
        """What restricts the copied origin (a conjunction of guards; [] when nothing does) and the
        conditions that do not involve it. Several alternatives (the value is the origin in more
        than one way) restrict it only if each does."""
        self.false_tests = []
        analysed = [self._conjunction([item for test, holds in contexts for item in _literals(test, holds)])
                    for contexts in alternatives]
        analysed = [a for a in analysed if a is not None]  # alternatives that can never happen
        analysed = [a for index, a in enumerate(analysed) if a not in analysed[:index]]  # two callers, one check
        flags = list(dict.fromkeys(flag for _, found in analysed for flag in found))
        if not analysed and alternatives:
            # false with the values the code holds (a setting's default, which a config file the
            # project loads may change): the header is written only if that changes
            return [], list(dict.fromkeys(self.false_tests))
        if not analysed or any(not guards for guards, _ in analysed):
            return [], flags
        if len(analysed) == 1:
            return analysed[0][0], flags
        return [Guard("any", " or ".join(code_of(g) for g, _ in analysed),
                      of=tuple(tuple(guards) for guards, _ in analysed))], flags

    def _conjunction(self, items: list[Any]) -> tuple[list[Guard], list[str]] | None:
        """Guards and flags of ``a and b and ...``; None when one part is statically false."""
        guards: list[Guard] = []
        flags: list[str] = []
        for item in items:
            if isinstance(item, Passed):  # what the caller's own conditions did to the origin
                for guard in item.guards:
                    add(guards, guard)
                flags += [flag for flag in item.flags if flag not in flags]
                continue
            if isinstance(item, _Or):
                branches = [self._conjunction(branch) for branch in item.branches]
                branches = [b for b in branches if b is not None]
                if not branches:
                    return None
                open_ = [b for b in branches if not b[0]]  # branches in which any origin passes
                if not open_:
                    guards.append(branches[0][0][0] if len(branches) == 1 and len(branches[0][0]) == 1 else
                                  Guard("any", self.evaluation.code(item.node),
                                        of=tuple(tuple(b[0]) for b in branches)))
                elif all(b[1] for b in open_):  # any origin passes when one of these conditions holds
                    texts = [" and ".join(b[1]) for b in open_]
                    flags.append(texts[0] if len(texts) == 1 else " or ".join(f"({t})" for t in texts))
                continue
            kind, found = self._atom(item.node, item.holds)
            if kind == "false":
                self.false_tests.append(self._false_test(item.node, item.holds))
                return None
            if kind == "guard":
                add(guards, found)
            elif kind == "flag" and found not in flags:
                flags.append(found)
        return guards, flags

    def _atom(self, node: cst.BaseExpression, holds: bool) -> tuple[str, Any]:
        """("guard", guard) | ("none", None): tests the origin without restricting it |
        ("flag", text) | ("true"/"false", None): a condition known statically."""
        if not self._mentions_origin(node):
            found = self.evaluation.condition(node, holds, self._locals())
            if found is True or found is False:
                return ("true" if found else "false"), None
            return ("flag", found) if isinstance(found, str) else ("none", None)
        checked = self._checked_in_variable(node)
        if checked is not None:  # `whitelisted = origin in ALLOWED` then `elif whitelisted:`
            return self._atom(checked, holds)
        guard = self._guard(node, holds)
        if guard is not None and guard.kind == "none":
            return "none", None  # a helper that lets every origin through
        if guard is not None:
            return "guard", guard
        if self._is_presence_test(node):
            return "none", None  # `if origin:`, `origin is not None`, `origin not in BLOCKED`: every origin passes
        if not holds and (isinstance(node, cst.Comparison) or self._guard(node, True) is not None):
            return "none", None  # a block-list (`if origin.endswith(".bad.example"): return`): every other origin passes
        code = self.evaluation.code(node)
        return "guard", Guard("unknown", code if holds else f"not ({code})")

    def _false_test(self, node: cst.BaseExpression, holds: bool) -> str:
        """A test that is false with the code's own values, as a condition a reviewer can check:
        a local variable is shown with what it is set from (``allowCrossOrigin`` =
        ``settings().getBoolean(["api", "allowCrossOrigin"])``)."""
        code = self.evaluation.code(node)
        assigned = self._local_value(node.value) if isinstance(node, cst.Name) and self._is_local(node) else None
        if assigned is not None:
            code = f"{code} = {self.evaluation.code(assigned)}"
        text = code if holds else f"not ({code})"
        return f"{text} (false with the values in the code)"

    def _checked_in_variable(self, node: cst.BaseExpression) -> cst.BaseExpression | None:
        """The check a local variable holds (``whitelisted = origin in ALLOWED``): a comparison or a
        call it was last assigned, when the test is that variable alone."""
        if not isinstance(node, cst.Name) or not self._is_local(node):
            return None
        assigned = self._local_value(node.value)
        return assigned if isinstance(assigned, (cst.Comparison, cst.Call)) else None

    def _is_presence_test(self, node: cst.BaseExpression) -> bool:
        """``origin``, ``origin is not None``, ``origin != "null"``, ``origin not in BLOCKED``,
        ``len(origin) > 0``: tests that let (almost) every origin through."""
        if self._subject(node) is not None or self._length_of_origin(node):
            return True
        if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
            target = node.comparisons[0]
            sides = (node.left, target.comparator)
            if any(self._subject(side) or self._length_of_origin(side) for side in sides):
                return isinstance(target.operator, (cst.Is, cst.IsNot, cst.NotEqual, cst.NotIn, cst.GreaterThan,
                                                    cst.GreaterThanEqual, cst.LessThan, cst.LessThanEqual))
        return False

    def _length_of_origin(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in ("len", "bool") \
            and len(node.args) == 1 and self._subject(node.args[0].value) is not None

    def _guard(self, node: cst.BaseExpression, holds: bool, loop: tuple[str, cst.BaseExpression] | None = None
               ) -> Guard | None:
        code = self.evaluation.code(node)
        if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
            target = node.comparisons[0]
            operator, right = target.operator, target.comparator
            positive = {cst.In: True, cst.NotIn: False, cst.Equal: True, cst.NotEqual: False}.get(type(operator))
            if positive is None or positive != holds:
                return None
            if not positive:  # `if origin not in ALLOWED: return`: what lets the origin through
                word = "in" if isinstance(operator, cst.NotIn) else "=="
                code = f"{self.evaluation.code(node.left)} {word} {self.evaluation.code(right)}"
            subject = self._subject(node.left)
            if isinstance(operator, (cst.In, cst.NotIn)):
                if subject is not None and not self._mentions_origin(right):
                    return self._listed("membership", code, right, subject, loop)
                if subject is None and self._subject(right) is not None and not self._mentions_origin(node.left):
                    return self._listed("contains", code, node.left, self._subject(right), loop)
                return None
            other = right if subject is not None else node.left
            subject = subject or self._subject(right)
            if subject is None or self._mentions_origin(other):
                return None
            return self._listed("equals", code, other, subject, loop)
        if not holds:
            return None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitAnd):
            for mine, theirs in ((node.left, node.right), (node.right, node.left)):
                if self._origin_set(mine) and not self._mentions_origin(theirs):
                    return self._listed("membership", code, theirs, "origin", loop)
                wildcards = self._origin_set_with(mine)
                if wildcards and not self._mentions_origin(theirs):
                    return self._with_wildcards(self._listed("membership", code, theirs, "origin", loop), wildcards)
            return None
        if not isinstance(node, cst.Call):
            return None
        func = node.func
        args = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
        if isinstance(func, cst.Attribute) and func.attr.value in ("endswith", "startswith") and args:
            subject = self._subject(func.value)
            if subject is None or self._mentions_origin(args[0]):
                return None
            kind = "suffix" if func.attr.value == "endswith" else "prefix"
            return self._listed(kind, code, args[0], subject, loop)
        if isinstance(func, cst.Attribute) and func.attr.value == "intersection" and args:
            if self._origin_set(func.value) and not self._mentions_origin(args[0]):
                return self._listed("membership", code, args[0], "origin", loop)
            if self._origin_set(args[0]) and not self._mentions_origin(func.value):
                return self._listed("membership", code, func.value, "origin", loop)
            return None
        method = _REGEX_FUNCTIONS.get(self.qualname(func) or self.evaluation.code(func)) \
            if isinstance(func, (cst.Name, cst.Attribute)) else None
        if method is not None and len(args) >= 2:
            subject = self._subject(args[1])
            if subject is None or self._mentions_origin(args[0]):
                return None
            flags = args[2] if len(args) > 2 else next((a.value for a in node.args if a.keyword is not None
                                                       and a.keyword.value == "flags"), None)
            return self._listed("regex", code, args[0], subject, loop, method=method, flags=flags)
        if isinstance(func, cst.Attribute) and func.attr.value in ("match", "fullmatch", "search") and args:
            subject = self._subject(args[0])
            if subject is None or self._mentions_origin(func.value):
                return None
            return self._listed("regex", code, func.value, subject, loop, method=func.attr.value)
        if isinstance(func, cst.Name) and func.value == "any" and len(args) == 1 and loop is None:
            generator = args[0]
            if isinstance(generator, (cst.GeneratorExp, cst.ListComp)):
                clause = generator.for_in
                if clause.inner_for_in is None and not clause.ifs and isinstance(clause.target, cst.Name) \
                        and not self._mentions_origin(clause.iter):
                    inner = self._guard(generator.elt, True, (clause.target.value, clause.iter))
                    if inner is not None:
                        return replace(inner, code=code)
        if loop is None and any(self._subject(arg) is not None for arg in args):
            return self._inline(node, holds, code)
        return None

    def _inline(self, node: cst.Call, holds: bool, code: str) -> Guard | None:
        """``is_allowed(origin)`` with ``def is_allowed(o): return o in ALLOWED`` in this module:
        the check its return expression makes, on the parameter the origin is passed as."""
        function = self.evaluation.function(node.func)
        if function is None or id(function) in self.inlining or len(self.inlining) >= MAX_DEPTH:
            return None
        returned = _returned_expression(function)
        params = [p.name.value for p in (*function.params.posonly_params, *function.params.params)]
        if returned is None or any(arg.keyword is not None or arg.star for arg in node.args):
            return None
        scope = _Scope(function, len(self.ifs), len(self.blocks))
        scope.local = {name: None for name in params}
        for name, arg in zip(params, node.args):
            if self._subject(arg.value) == "origin":
                scope.origin_names[name] = [[]]
        self.inlining.add(id(function))
        self.scopes.append(scope)
        try:
            analysed = self._conjunction(_literals(returned, holds))
        finally:
            self.scopes.pop()
            self.inlining.discard(id(function))
        if analysed is None or analysed[1]:
            return None  # never true, or true under conditions of its own: not read here
        guards = analysed[0]
        if not guards:
            return Guard("none", code)
        inner = code_of(guards)
        if len(guards) == 1:
            return replace(guards[0], code=f"{code}, which returns {inner}")
        return Guard("any", f"{code}, which returns {inner}", of=(tuple(guards),))

    def _origin_set(self, node: cst.BaseExpression) -> bool:
        """``{origin}``, ``set([origin])``, ``set((origin,))``, ``frozenset(...)``, ``[origin]``
        (``.intersection([origin])``)."""
        elements = _set_elements(node, lists=True)
        return elements is not None and len(elements) == 1 and self._subject(elements[0].value) == "origin"

    def _origin_set_with(self, node: cst.BaseExpression) -> list[str] | None:
        """The strings beside the origin in ``{"*", origin}`` / ``set(["*", origin])``: when the
        other side of ``&`` holds one of them, every origin passes (None: not such a set)."""
        elements = _set_elements(node)
        if not elements or len(elements) < 2:
            return None
        subjects = [self._subject(element.value) for element in elements]
        others = [self.evaluate(element.value) for element, subject in zip(elements, subjects) if subject is None]
        if subjects.count("origin") != 1 or len(others) != len(elements) - 1 or \
                not all(isinstance(other, str) for other in others):
            return None
        return others

    @staticmethod
    def _with_wildcards(guard: Guard, wildcards: list[str]) -> Guard:
        """A membership test in which an entry among ``wildcards`` lets every origin through."""
        if set(wildcards) & {v for v in guard.value_list if isinstance(v, str)}:
            return Guard("none", guard.code)  # the list holds one: no restriction
        return replace(guard, wildcards=tuple(wildcards))

    def _subject(self, node: cst.BaseExpression) -> str | None:
        """"origin" for the request's Origin (also lower-cased or stripped), "host" for
        ``urlparse(origin).hostname`` / ``.netloc``, else None."""
        for _ in range(MAX_DEPTH):
            if isinstance(node, cst.NamedExpr):  # `(origin := request.origin)` is its value
                node = node.value
            if self.reads_origin(node) and not isinstance(node, (cst.BooleanOperation, cst.IfExp)):
                return "origin"
            if isinstance(node, cst.Attribute) and node.attr.value in (*_HOST_ATTRIBUTES, "scheme"):
                parsed = self._follow(node.value)
                if isinstance(parsed, cst.Call) and parsed.args:
                    parser = parsed.func
                    name = parser.attr.value if isinstance(parser, cst.Attribute) else getattr(parser, "value", "")
                    if name in _URL_PARSERS and self._subject(parsed.args[0].value) == "origin":
                        return "scheme" if node.attr.value == "scheme" else "host"
                return None
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
                    node.func.attr.value in _SAME_ORIGIN_METHODS:
                node = node.func.value
                continue
            if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or) and \
                    isinstance(node.right, (cst.SimpleString, cst.Name)) and not self._mentions_origin(node.right):
                node = node.left  # `urlparse(origin).hostname or ""`
                continue
            if isinstance(node, cst.Name):
                assigned = self._local_value(node.value)
                if assigned is None:
                    return None
                node = assigned
                continue
            return None
        return None

    def _local_value(self, name: str) -> cst.BaseExpression | None:
        for scope in reversed(self.scopes):
            if name in scope.local:
                return scope.local[name]
        return None

    def _follow(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """A local variable's assigned value (``parsed = urlparse(origin)``), else the node."""
        for _ in range(MAX_DEPTH):
            if not isinstance(node, cst.Name):
                return node
            assigned = self._local_value(node.value)
            if assigned is None:
                return node
            node = assigned
        return node

    def _mentions_origin(self, node: cst.CSTNode) -> bool:
        """Does the expression involve the Origin (directly or through local variables)?"""
        stack: list[tuple[cst.CSTNode, int]] = [(node, 0)]
        seen: set[int] = set()
        while stack:
            current, depth = stack.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            if isinstance(current, cst.BaseExpression) and (self.reads_origin(current) or self._subject(current)):
                return True
            if isinstance(current, cst.Name) and depth < MAX_DEPTH:
                assigned = self._local_value(current.value)
                if assigned is not None:
                    stack.append((assigned, depth + 1))
            if isinstance(current, cst.Attribute):
                stack.append((current.value, depth))  # not the attribute's name
            else:
                stack.extend((child, depth) for child in children(current))
        return False

    # -------------------------------------------------------------- the lists guards check
    def _listed(self, kind: str, code: str, node: cst.BaseExpression, subject: str,
                loop: tuple[str, cst.BaseExpression] | None, method: str | None = None,
                flags: cst.BaseExpression | None = None) -> Guard:
        """A guard: the list (or value) it checks, where that comes from, and its values."""
        if loop is None and isinstance(node, cst.Name):
            loop = next(((name, iterable) for name, iterable in reversed(self.loops) if name == node.value), None)
        listed = loop[1] if loop is not None and isinstance(node, cst.Name) and node.value == loop[0] else node
        local = self._locals()
        raw = self.evaluation.value(listed, local)
        provenance = Provenance()
        plain = unwrap(raw, provenance)
        set_from = None
        where = self._where(listed)
        assigned = self._local_value(listed.value) if isinstance(listed, cst.Name) and self._is_local(listed) else None
        if assigned is not None:  # `allowed = current_app.config["CORS_ORIGINS"]`: where that comes from
            set_from = self.evaluation.code(assigned)
            where = self.evaluation.definition(assigned) or where
        iterated = loop is not None and listed is not node
        single = kind in ("equals", "contains", "regex") and not iterated or \
            kind in ("suffix", "prefix") and not isinstance(plain, (tuple, list, set, frozenset)) and not iterated
        container = None
        if isinstance(plain, Unknown):
            values: Any = {"unknown": plain.reason}
        else:
            if kind == "membership" or iterated:
                container = {list: "list", tuple: "tuple", set: "set", frozenset: "set", dict: "dict",
                             str: "str"}.get(type(plain), "other")
                found = [plain] if container == "str" else list(plain) if container != "other" else [plain]
            else:
                found = [plain] if single else list(plain)
            if isinstance(plain, (set, frozenset, dict)):
                found = sorted(found, key=repr)
            values = [to_json(v) for v in found]
        regex_flags = None
        if kind == "regex":
            flag_value = self.evaluation.value(flags, local) if flags is not None else 0
            flag_value = unwrap(flag_value)
            regex_flags = to_json(Regex("", flag_value))["flags"] if isinstance(flag_value, int) else \
                {"unknown": f"`{self.evaluation.code(flags)}`"}
        variables = tuple(sorted(provenance.env | set(_env_in(raw))))
        env_only = _empty(plain) if variables and not any(var in self.evaluation.pinned for var in variables) else None
        return Guard(kind, code, self.evaluation.code(listed), subject, method, set_from,
                     {"file": where.file, "line": where.line} if where is not None else None, container, values,
                     regex_flags, variables, env_only)

    def _is_local(self, node: cst.Name) -> bool:
        return any(node.value in scope.local for scope in self.scopes[1:])

    def _locals(self) -> dict[str, Any]:
        local: dict[str, Any] = {}
        for scope in self.scopes[1:]:
            local.update(scope.local)
        return local

    def _where(self, node: cst.BaseExpression) -> Location | None:
        if isinstance(node, cst.Name):
            for scope in reversed(self.scopes[1:]):
                if node.value in scope.local_at:
                    position = self.position(scope.local_at[node.value])
                    return Location(self.rel, *position) if position else None
                if node.value in scope.local:
                    return None  # a parameter
        return self.evaluation.definition(node)


@dataclass
class Passed:
    """The request's origin passed to a function of the module as an argument: the guards that
    restrict it and the conditions that hold at the call. It stands as a condition of the
    parameter being the origin, inside the function."""

    guards: list[Guard]
    flags: list[str]
    headers: list[dict[str, Any]] = field(default_factory=list)  # the Vary / Cache-Control the caller writes


def find_sites(module: cst.Module, make_finder: Callable[[], ManualHeaderFinder]) -> ManualHeaderFinder:
    """Walk a module for hand-written headers; walk it again while what the walk learnt about its
    functions changes what an earlier part of the walk saw (a helper is usually defined before its
    callers): which functions receive the request's origin, which write ``Vary``."""
    seeded: dict[int, dict[str, list[Passed]]] = {}
    vary: dict[int, str] = {}
    for _ in range(MAX_DEPTH):
        finder = make_finder()
        finder.seeded, finder.vary_helpers = seeded, vary
        walk(module, finder)
        if _learnt(finder.passed, finder.vary_writers) == _learnt(seeded, vary):
            return finder
        seeded, vary = finder.passed, finder.vary_writers
    return finder


def _set_elements(node: cst.BaseExpression, lists: bool = False) -> list[cst.BaseElement] | None:
    """The elements of a set written out: ``{a, b}``, ``set([a, b])``, ``set((a, b))``,
    ``frozenset(...)``; with ``lists``, of a list or tuple too. None for anything else."""
    if isinstance(node, cst.Set) or lists and isinstance(node, (cst.List, cst.Tuple)):
        return list(node.elements)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in ("set", "frozenset") \
            and len(node.args) == 1 and isinstance(node.args[0].value, (cst.List, cst.Tuple)):
        return list(node.args[0].value.elements)
    return None


def _learnt(passed: dict[int, dict[str, list[Passed]]], vary: dict[int, str]) -> tuple:
    """What one walk tells the next: who receives the origin, with which Vary, who writes Vary."""
    return ({(function, name, len(passes), sum(len(p.headers) for p in passes))
             for function, params in passed.items() for name, passes in params.items()}, set(vary))


@dataclass
class _Literal:
    node: cst.BaseExpression
    holds: bool


@dataclass
class _Or:
    """``a or b`` that holds (or ``a and b`` that does not): one of the branches holds."""

    node: cst.BaseExpression
    holds: bool
    branches: list[list[Any]]


def _is_headers(node: cst.BaseExpression) -> bool:
    """A response's headers: ``resp.headers``, or a name for them (a helper's parameter
    ``headers: Headers``, ``cors_headers``) whose methods write headers."""
    if isinstance(node, cst.Attribute):
        return node.attr.value == "headers"
    return isinstance(node, cst.Name) and "headers" in node.value.lower()


def _literals(node: cst.BaseExpression, holds: bool) -> list[Any]:
    """A condition as a conjunction of simple tests (``not`` pushed inwards)."""
    if isinstance(node, Passed):
        return [node]
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        return _literals(node.expression, not holds)
    if isinstance(node, cst.NamedExpr):  # `if (origin := ...):` tests the value assigned
        return _literals(node.value, holds)
    if isinstance(node, cst.BooleanOperation):
        is_and = isinstance(node.operator, cst.And)
        if is_and == holds:
            return _literals(node.left, holds) + _literals(node.right, holds)
        return [_Or(node, holds, [_literals(node.left, holds), _literals(node.right, holds)])]
    return [_Literal(node, holds)]


def _sends_request(func: cst.BaseExpression) -> bool:
    """``client.get`` / ``requests.post`` / ``Request`` / ``app.test_request_context``: its ``headers=`` are
    sent, not answered with."""
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else None
    return name in _REQUEST_CALLS


def _exits(body: cst.BaseSuite, qualname: Callable[[cst.BaseExpression], str | None],
           exit_functions: frozenset[str] = frozenset()) -> bool:
    """Does a block end by leaving (``return``, ``raise``, ``continue``, ``break``, a call that
    never returns: one of ``exit_functions``, or a name ``abort`` cors-lint cannot resolve)?"""
    statements = body.body
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, cst.SimpleStatementLine):
        if not last.body:
            return False
        last = last.body[-1]
    if isinstance(last, (cst.Return, cst.Raise, cst.Continue, cst.Break)):
        return True
    if isinstance(last, cst.Expr) and isinstance(last.value, cst.Call):
        func = last.value.func
        return (isinstance(func, cst.Name) and func.value == "abort") or qualname(func) in exit_functions
    return False


def _returned_expression(function: cst.FunctionDef) -> cst.BaseExpression | None:
    """The expression of a function whose body is ``return <expression>`` (a docstring aside)."""
    body = function.body
    statements = list(body.body) if isinstance(body, cst.IndentedBlock) else [body]
    if statements and isinstance(statements[0], cst.SimpleStatementLine) and \
            isinstance(statements[0].body[0], cst.Expr) and isinstance(statements[0].body[0].value, cst.SimpleString):
        statements = statements[1:]
    if len(statements) != 1:
        return None
    line = statements[0]
    smalls = line.body if isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
    if len(smalls) == 1 and isinstance(smalls[0], cst.Return) and smalls[0].value is not None:
        return smalls[0].value
    return None


def _env_in(value: Any) -> list[str]:
    found: list[str] = []
    provenance = Provenance()
    unwrap(value, provenance)
    found.extend(provenance.env)
    return found


def _empty(plain: Any) -> bool:
    """No allow-list in the code: unknown, None, empty, or only empty strings."""
    if isinstance(plain, Unknown) or plain is None:
        return True
    if isinstance(plain, str):
        return not plain.strip()
    if isinstance(plain, (list, tuple, set, frozenset, dict)):
        return all(isinstance(v, str) and not v.strip() for v in plain)
    return False
