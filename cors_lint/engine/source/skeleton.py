"""Parsing only the code that runs: function bodies are parsed when a function first runs.

A project's modules are mostly imported for a few names; the analysis runs their top level and
class bodies, and only some of their functions. Building libcst trees is most of a cold run's
time (lear: 3.2 s of 6 for 422 modules, 2.6 MB), and ~90% of the bytes are function bodies the
analysis never enters. So a module is parsed as a *skeleton*: each outermost function whose body
is at least ``STUB_MIN_BYTES`` keeps its decorators and signature, and its body becomes ``...``
on the body's first line with the rest of its lines left empty, so every other node keeps its
line and column. When the interpreter runs the function or looks at what it calls, the
function's own text is parsed (``expand``) and its body used in place of the stub.

Which functions are stubbed follows from CPython's ``ast`` of the bytes (``stubbed_definitions``,
a pure function of the bytes, so a tree loaded from the cache finds the same stubs again). A
module that mentions a ``CORS_`` key or an ``Access-Control-*`` header is parsed whole: the
passes that search for hand-written headers and config reads walk every function of it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import libcst as cst

from cors_lint.engine.source.header_names import TRIGGER
from cors_lint.engine.source.positions import region_positions
from cors_lint.engine.source.spans import AST_DEFS, ast_blocks, ast_definitions, first_line, last_line

STUB_MIN_BYTES = 96  # a smaller body costs more to parse again on its own than it saves
_WRAPPER = "if 1:\n"  # a nested function's text parses as the body of this block


def wants_whole_tree(data: bytes) -> bool:
    """Does a pass walk every function of this module? The search for hand-written headers walks
    the modules that mention ``Access-Control-`` (in any case), that for config reads and
    assignments those that mention a ``CORS_`` key."""
    return b"CORS_" in data or TRIGGER in data.lower()


def stubbed_definitions(tree: ast.Module, data: bytes, starts: list[int]) -> list[ast.FunctionDef]:
    """The outermost functions whose bodies a skeleton leaves out, in source order: those whose
    body starts on a line of its own and spans at least ``STUB_MIN_BYTES`` (``starts``: the
    bytes' ``spans.line_starts``)."""
    return [node for node in _outermost_definitions(tree.body) if _body_on_own_lines(node, data, starts)
            and starts[node.end_lineno] - starts[first_line(node.body[0]) - 1] >= STUB_MIN_BYTES]


def _outermost_definitions(statements: list[ast.stmt]):
    """The functions in statements that no other function holds, in source order."""
    for statement in statements:
        if isinstance(statement, AST_DEFS):
            yield statement
        else:
            for block in ast_blocks(statement):
                yield from _outermost_definitions(block)


def _body_on_own_lines(node: ast.FunctionDef, data: bytes, starts: list[int]) -> bool:
    first = node.body[0]
    line = first_line(first)
    if line <= node.lineno or node.end_lineno is None or node.end_lineno >= len(starts):
        return False
    column = first.col_offset if line == first.lineno else first.decorator_list[0].col_offset - 1
    return not data[starts[line - 1]:starts[line - 1] + column].strip()


def skeleton_source(data: bytes, stubbed: list[ast.FunctionDef], starts: list[int]) -> bytes:
    """The bytes with each stubbed body replaced by ``...`` on its first line and empty lines
    after it (line endings kept), so that nothing else moves."""
    pieces: list[bytes] = []
    done = 0
    for node in stubbed:
        body_line = first_line(node.body[0])
        begin, end = starts[body_line - 1], starts[node.end_lineno]
        lines = data[begin:end].splitlines(keepends=True)
        indent = lines[0][:len(lines[0]) - len(lines[0].lstrip(b" \t\f"))]
        pieces += [data[done:begin], indent, b"...", _ending(lines[0])]
        pieces += [_ending(line) for line in lines[1:]]
        done = end
    pieces.append(data[done:])
    return b"".join(pieces)


def _ending(line: bytes) -> bytes:
    stripped = line.rstrip(b"\r\n")
    return line[len(stripped):] or b"\n"


@dataclass(frozen=True)
class Stub:
    """Where a stubbed function is in the file, as its expansion needs it: the lines of its text
    (first decorator to last line) and those of the functions defined in its body, in source
    order. Made from the bytes' ``ast`` once, then kept with the tree (``tree_cache``), so a
    loaded skeleton expands its stubs without parsing the file with ``ast`` again."""

    line: int
    last: int
    nested: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Stub:
        return cls(first_line(node), last_line(node),
                   tuple((first_line(found), last_line(found)) for found in ast_definitions(node.body)))

    def stored(self) -> tuple:
        """Plain values (what ``tree_pickle`` may load)."""
        return self.line, self.last, self.nested

    @classmethod
    def restored(cls, stored: tuple) -> Stub:
        line, last, nested = stored
        return cls(line, last, tuple(tuple(pair) for pair in nested))


@dataclass
class Expansion:
    """A stubbed function parsed from its own text: ``function`` is the whole definition, its
    nodes' positions are those of the file (computed when first asked for)."""

    function: cst.FunctionDef
    module: cst.Module  # what the text parsed as (its default indentation applies to the function)
    line: int  # the line its text starts on (its first decorator's)
    indents: tuple[str, ...]  # the indentation of the blocks it is in
    _positions: dict[cst.CSTNode, tuple[int, int]] | None = field(default=None, repr=False)

    @property
    def positions(self) -> dict[cst.CSTNode, tuple[int, int]]:
        if self._positions is None:
            try:
                self._positions = region_positions(self.function, self.module, self.line, self.indents)
            except RecursionError:
                self._positions = {}
        return self._positions


def expand(text: bytes, encoding: str, name: str, line: int, indents: tuple[str, ...]) -> Expansion | None:
    """Parse one function's text (decorators to last line, as indented in the file); None when it
    does not parse on its own (the caller then parses the whole module)."""
    try:
        source = text.decode(encoding)
        module = cst.parse_module(_WRAPPER + source if indents else source)
    except (cst.ParserSyntaxError, UnicodeDecodeError, LookupError, RecursionError):
        return None
    return expand_kept(module, name, line, indents)


def expand_kept(module: cst.Module, name: str, line: int, indents: tuple[str, ...]) -> Expansion | None:
    """The expansion a parse of a function's text gives (made now, or kept by ``tree_cache``)."""
    statement = module.body[0] if module.body else None
    if indents and isinstance(statement, cst.If) and isinstance(statement.body, cst.IndentedBlock):
        statement = statement.body.body[0] if len(statement.body.body) == 1 else None
    if not isinstance(statement, cst.FunctionDef) or statement.name.value != name:
        return None
    return Expansion(statement, module, line, indents)
