"""Which functions the hand-written-header search must read.

A header is written by name: a literal (``"Access-Control-Allow-Origin"``), or a name bound to
one, here or in another module (``ACAO = "Access-Control-Allow-Origin"``, ``from .http import
ACAO``, ``self.acao = ...``, ``def acao(): return "Access-..."``). A function whose text mentions
neither the literal nor any such name cannot write one, so its tree is not walked.

The names are found from CPython's ``ast`` of the modules that mention ``access-control-`` or a
name found so far, to a fixed point: every name a module- or class-level statement binds when its
text mentions one of them (assignments, ``for`` / ``with`` targets), every attribute assigned so
(``self.acao = ...``, at any depth), every function with a ``return`` that does, and every import
of a name found (``from .http import ACAO as HEADER``).
Names local to a function are not followed: that function mentions the literal itself.
"""

from __future__ import annotations

import ast
import re
from typing import Iterable, Iterator

from cors_lint.engine.source.spans import ast_blocks, first_line, last_line, line_starts

TRIGGER = b"access-control-"
MAX_ROUNDS = 8  # chains of re-bindings longer than this are not followed (`A = B`, `B = C`, ...)


Binding = tuple[tuple[str, ...], tuple[tuple[int, int], ...]]  # names bound, when one of these byte ranges mentions
Summary = tuple[tuple[Binding, ...], tuple[tuple[str, str], ...]]  # bindings; (alias, name) of `from m import name`


def summary(tree: ast.Module | None, data: bytes) -> Summary:
    """What ``header_names`` needs of a module, from its ``ast`` once (``parsing.ParsedModule``
    keeps it, and the tree cache with it): the bindings that other code can reach, each with
    the byte ranges whose text decides, and the names ``from ... import`` binds."""
    if tree is None:
        return (), ()
    lines = line_starts(data)
    bindings: list[Binding] = []
    imports: list[tuple[str, str]] = []
    for nodes, bound in _bindings(tree.body, top=True):
        if nodes is None:
            imports.extend(bound)
        else:
            bindings.append((tuple(sorted(bound)), tuple(_span(lines, node) for node in nodes)))
    return tuple(bindings), tuple(imports)


def header_names(modules: Iterable) -> frozenset[str]:
    """The names that may hold a header name, over the given modules (``parsing.ParsedModule``:
    their ``data`` and, made only for those that mention something, their ``header_summary``)."""
    modules = list(modules)
    names: set[str] = set()
    for _ in range(MAX_ROUNDS):
        pattern = words_pattern(names)
        found = set(names)
        for module in modules:
            data = module.data
            if not mentions(data, pattern):
                continue
            bindings, imports = module.header_summary
            for bound, spans in bindings:
                if not found.issuperset(bound) and any(mentions(data[start:end], pattern) for start, end in spans):
                    found.update(bound)
            found.update(alias for alias, name in imports if name in names)
        if found == names:
            break
        names = found
    return frozenset(names)


def words_pattern(names: Iterable[str]) -> re.Pattern[bytes] | None:
    ordered = sorted(names, key=lambda name: (-len(name), name))
    return re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in ordered) + rb")\b") if ordered else None


def mentions(text: bytes, pattern: re.Pattern[bytes] | None) -> bool:
    """Does ``text`` mention ``access-control-`` (any case) or one of the names?"""
    return TRIGGER in text.lower() or (pattern is not None and pattern.search(text) is not None)


def _span(starts: list[int], node: ast.stmt) -> tuple[int, int]:
    first = first_line(node)
    last = last_line(node)
    return starts[first - 1], starts[min(last, len(starts) - 1)]


def _bindings(statements: list[ast.stmt], top: bool) -> Iterator[tuple[list[ast.stmt] | None, set]]:
    """(the nodes whose text decides, the names they bind that other code can reach) in a block,
    ``top`` when it runs at module or class level; (None, {(alias, name)}) for an import."""
    for statement in statements:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # its name, when it may return a header name (its callers need not be read: a
            # function that writes a header is read itself)
            yield _returns(statement.body), {statement.name}
            yield from _bindings(statement.body, top=False)
            continue
        if isinstance(statement, ast.ClassDef):  # its attributes are followed, not its name
            yield from _bindings(statement.body, top=top)
            continue
        bound: set[str] = set()
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                bound |= _targets(target, top)
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            bound |= _targets(statement.target, top)
        elif top and isinstance(statement, ast.ImportFrom):  # `from .http import ACAO as HEADER`
            yield None, {(alias.asname or alias.name, alias.name) for alias in statement.names}
        elif isinstance(statement, (ast.For, ast.AsyncFor)):
            bound |= _targets(statement.target, top)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                if item.optional_vars is not None:
                    bound |= _targets(item.optional_vars, top)
        if bound:
            yield [statement], bound
        for block in ast_blocks(statement):
            yield from _bindings(block, top)


def _returns(statements: list[ast.stmt]) -> list[ast.stmt]:
    """The ``return`` statements of a function body (not of the functions nested in it)."""
    found: list[ast.AST] = []
    stack = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            found.append(node)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for block in ast_blocks(node):
                stack.extend(block)
    return found


def _targets(target: ast.expr, top: bool) -> set[str]:
    """Names an assignment target binds where other code can reach them: module or class names
    (``top``), and attributes (``self.acao``) anywhere."""
    if isinstance(target, ast.Name):
        return {target.id} if top else set()
    if isinstance(target, ast.Attribute):
        return {target.attr}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_targets(element, top) for element in target.elts)) if target.elts else set()
    if isinstance(target, ast.Starred):
        return _targets(target.value, top)
    return set()
