"""Where each function of a parsed module is in its bytes, from CPython's own parser.

Some passes only need to know whether a function's text mentions a word (does it name an
application class? an ``Access-Control-*`` header?) before they walk its libcst tree. Getting
that text from libcst means generating code (or positions) for the whole module; the standard
library's ``ast`` parses the same bytes ~15x faster and gives each definition's line range.

libcst and ``ast`` parse the same grammar, so the function definitions, in the order of their
``def`` keywords, are the same in both trees. When the two lists differ in length (CPython
rejects what libcst accepts, or the source does not decode the same way), no span is known and
callers treat every function as mentioning everything.
"""

from __future__ import annotations

import ast
import warnings
from typing import Iterator

import libcst as cst

AST_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)


def python_ast(data: bytes) -> ast.Module | None:
    """CPython's tree of the bytes (it only parses: nothing is executed), or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences: libcst parsed them already
            return ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


Span = tuple[int, int, int]  # (first byte, end byte, first line) of a function's text


def function_spans(defs: list[tuple[cst.FunctionDef, tuple[str, ...]]], data: bytes,
                   tree: ast.Module | None, stubbed: set[int] = frozenset()) -> dict[int, Span] | None:
    """``id(FunctionDef node) -> (start, end, line)``: the byte offsets of each function's text,
    from its first decorator to its last line, and the line it starts on (``defs``: the module's
    ``definitions``, ``tree``: the bytes' ``python_ast``, ``stubbed``: the ids of its functions
    whose bodies the libcst tree leaves out); None when the two parsers disagree."""
    if tree is None:
        return None
    found = list(ast_definitions(tree.body, stubbed))
    if len(found) != len(defs):
        return None
    starts = line_starts(data)
    spans: dict[int, Span] = {}
    for (ours, _), theirs in zip(defs, found):
        first = first_line(theirs)
        last = last_line(theirs)
        if ours.name.value != theirs.name or last >= len(starts):
            return None
        spans[id(ours)] = (starts[first - 1], starts[last], first)
    return spans


def first_line(node: ast.stmt) -> int:
    """The line a statement starts on in the source: its first decorator's, if it has any."""
    return min([node.lineno] + [decorator.lineno for decorator in getattr(node, "decorator_list", ())])


def last_line(node: ast.stmt) -> int:
    """The line a statement ends on (its start when the parser gives no end)."""
    return node.end_lineno or node.lineno


def codegen_start_line(node: cst.BaseStatement, first_line: int) -> int:
    """The line a statement's code generation starts on (its leading blank and comment lines come
    first), given the line of its first decorator or keyword."""
    decorators = getattr(node, "decorators", ())
    before = len(node.leading_lines) + (len(decorators[0].leading_lines) if decorators else 0)
    return first_line - before


def statement_lines(module: cst.Module, tree: ast.Module | None) -> dict[int, int] | None:
    """``id(statement) -> line`` of each statement of the module's body (its first decorator or
    keyword), from ``tree`` (the bytes' ``python_ast``); None when the two parsers disagree. A
    line of several statements (``a = 1; b = 2``) is one libcst statement and several in ``ast``."""
    if tree is None:
        return None
    theirs = tree.body
    lines: dict[int, int] = {}
    index = 0
    for statement in module.body:
        count = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
        if index + count > len(theirs):
            return None
        lines[id(statement)] = first_line(theirs[index])
        index += count
    return lines if index == len(theirs) else None


def line_starts(data: bytes) -> list[int]:
    """Byte offset of each line's start, and the end of the data last (lines as CPython counts
    them: ``\\n``, ``\\r\\n`` or ``\\r``)."""
    starts = [0]
    offset = 0
    for line in data.splitlines(keepends=True):
        offset += len(line)
        starts.append(offset)
    return starts


def ast_definitions(statements: list[ast.stmt], opaque: set[int] = frozenset()
                    ) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The function definitions in ``ast`` statements, nested ones included, in source order
    (not those inside the functions whose ids are in ``opaque``)."""
    for statement in statements:
        if isinstance(statement, AST_DEFS):
            yield statement
            if id(statement) in opaque:
                continue
        for block in ast_blocks(statement):
            yield from ast_definitions(block, opaque)


def ast_blocks(statement: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists directly inside an ``ast`` statement, in source order: its body, the
    ``except`` handlers' bodies, ``else``, ``finally`` and the ``case`` bodies."""
    for name in ("body", "handlers", "orelse", "finalbody", "cases"):
        part = getattr(statement, name, None)
        if not isinstance(part, list):
            continue
        if name in ("handlers", "cases"):
            yield from (item.body for item in part)
        else:
            yield part


def definitions(module: cst.Module) -> list[tuple[cst.FunctionDef, tuple[str, ...]]]:
    """The module's function definitions, nested ones included, in source order, each with the
    indentation of the blocks it is in."""
    return list(libcst_definitions(module.body, (), module.default_indent))


def libcst_definitions(statements, indents: tuple[str, ...], default: str
                       ) -> Iterator[tuple[cst.FunctionDef, tuple[str, ...]]]:
    """The function definitions in libcst statements (in blocks indented by ``indents``, in a
    module indented by ``default``), nested ones included, in source order."""
    for statement in statements:
        if isinstance(statement, cst.FunctionDef):
            yield statement, indents
        if isinstance(statement, (cst.SimpleStatementLine, cst.BaseSmallStatement)):
            continue
        for block, added in _blocks(statement):
            yield from libcst_definitions(block, indents + tuple(default if i is None else i for i in added), default)


def _blocks(statement: cst.CSTNode) -> Iterator[tuple[list[cst.CSTNode], tuple[str | None, ...]]]:
    """The statement lists directly inside a compound statement, in source order, with the
    indentation each adds (None: the module's)."""
    for name in ("body", "handlers", "orelse", "finalbody", "cases"):
        part = getattr(statement, name, None)
        if part is None:
            continue
        if isinstance(part, (list, tuple)):  # except handlers; match cases, indented by the `match`
            extra = (statement.indent,) if isinstance(statement, cst.Match) else ()
            for item in part:
                for block, added in _blocks(item):
                    yield block, extra + added
        elif isinstance(part, cst.IndentedBlock):
            yield list(part.body), (part.indent,)
        elif isinstance(part, (cst.If, cst.Else, cst.Finally)):  # `elif`, `else:`, `finally:`
            yield from _blocks(part)
