"""Hand-written ``Access-Control-*`` headers: ``resp.headers[...] = ``, ``.add/.set/.extend``,
``headers={...}`` on responses and ``(body, status, headers)`` tuples.

Values copied from the request's ``Origin`` header are recognised when ``request`` is
Flask's (resolved through the module's import bindings).
"""

from __future__ import annotations

from typing import Any, Callable

import libcst as cst

from cors_lint.engine.app_objects import Site
from cors_lint.engine.objects import Location

_HEADER_METHODS = frozenset({"add", "set", "setdefault", "add_header", "__setitem__"})
_MAPPING_METHODS = frozenset({"extend", "update"})


def is_cors_header(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith("access-control-")


class ManualHeaderFinder(cst.CSTVisitor):
    """Collects manual-header sites of one module.

    ``evaluate(node)`` evaluates an expression in the module's namespace (strings and
    constants); ``qualname(node)`` gives the library name a name or attribute is bound to
    (e.g. ``flask.request``), or None.
    """

    def __init__(self, rel: str, positions, evaluate: Callable[[cst.BaseExpression], Any],
                 qualname: Callable[[cst.BaseExpression], str | None]):
        self.rel = rel
        self.positions = positions
        self.evaluate = evaluate
        self.qualname = qualname
        self.sites: list[Site] = []
        self.functions: list[cst.FunctionDef] = []
        self.origin_names: list[set[str]] = [set()]

    # -------------------------------------------------------------- context
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node)
        self.origin_names.append(set())

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions.pop()
        self.origin_names.pop()

    # -------------------------------------------------------------- patterns
    def visit_Assign(self, node: cst.Assign) -> None:
        if self.reads_origin(node.value):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.origin_names[-1].add(target.target.value)
        for target in node.targets:
            subscript = target.target
            if isinstance(subscript, cst.Subscript) and len(subscript.slice) == 1:
                index = subscript.slice[0].slice
                if isinstance(index, cst.Index):
                    key = self.evaluate(index.value)
                    if is_cors_header(key):
                        self.add(node, key, node.value, "assignment")

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Attribute) and func.value.attr.value == "headers":
            method = func.attr.value
            if method in _HEADER_METHODS and len(node.args) >= 1:
                key = self.evaluate(node.args[0].value)
                if is_cors_header(key):
                    value = node.args[1].value if len(node.args) > 1 else None
                    self.add(node, key, value, f".headers.{method}()")
            elif method in _MAPPING_METHODS and node.args:
                self.scan_mapping(node.args[0].value, f".headers.{method}()")
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == "headers":
                self.scan_mapping(arg.value, "headers=")

    def visit_Return(self, node: cst.Return) -> None:
        if isinstance(node.value, cst.Tuple):
            for element in node.value.elements[1:]:
                self.scan_mapping(element.value, "response tuple")

    def leave_Call(self, original_node: cst.Call) -> None:
        if self.qualname(original_node.func) == "flask.make_response":
            for arg in original_node.args[1:]:
                self.scan_mapping(arg.value, "make_response()")

    def scan_mapping(self, node: cst.BaseExpression, how: str) -> None:
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    key = self.evaluate(element.key)
                    if is_cors_header(key):
                        self.add(element, key, element.value, how)
        elif isinstance(node, (cst.List, cst.Tuple)):
            for element in node.elements:
                pair = element.value
                if isinstance(pair, cst.Tuple) and len(pair.elements) == 2:
                    key = self.evaluate(pair.elements[0].value)
                    if is_cors_header(key):
                        self.add(pair, key, pair.elements[1].value, how)

    # -------------------------------------------------------------- values
    def is_request(self, node: cst.BaseExpression) -> bool:
        return self.qualname(node) == "flask.request"

    def reads_origin(self, node: cst.BaseExpression | None) -> bool:
        """``request.headers.get("Origin")``, ``request.headers["Origin"]``, ``request.origin``,
        ``request.environ.get("HTTP_ORIGIN")`` (possibly inside ``x or y`` / f-strings)."""
        if node is None:
            return False
        if isinstance(node, cst.Name):
            return any(node.value in names for names in self.origin_names)
        if isinstance(node, cst.Attribute) and node.attr.value == "origin":
            return self.is_request(node.value)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get":
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

    def add(self, node: cst.CSTNode, header: str, value_node: cst.BaseExpression | None, how: str) -> None:
        position = self.positions.get(node)
        location = Location(self.rel, *position) if position else Location(
            self.rel, 0, 0)
        if value_node is None:
            value: Any = None
        elif self.reads_origin(value_node):
            value = {"reflects_request_origin": True}
        else:
            value = self.evaluate(value_node)
        function = self.functions[-1] if self.functions else None
        target = function.name.value if function is not None else "<module>"
        site = Site("manual-header", location, target, {"header": header, "value": value}, notes=[how])
        site.function_node = function
        self.sites.append(site)
