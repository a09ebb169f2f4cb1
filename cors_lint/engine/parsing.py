"""Parsing a file with libcst in an error envelope: a file that cannot be parsed becomes a
``FileError`` describing why, and the rest of the project is still analysed."""

from __future__ import annotations

import ast
import gc
from contextlib import contextmanager

import libcst as cst

from cors_lint.engine.header_names import Summary, summary
from cors_lint.engine.positions import region_positions, start_positions
from cors_lint.engine.spans import Span, codegen_start_line, definitions, function_spans, python_ast, statement_lines
from cors_lint.engine.project import BINARY_MESSAGE, TEMPLATE, FileError, SourceFile, read


class ParsedModule:
    """A parsed file. Positions are computed on first use: most modules never need them."""

    def __init__(self, source: SourceFile, module: cst.Module, data: bytes = b""):
        self.source = source
        self.module = module
        self.data = data
        self._positions: dict[cst.CSTNode, tuple[int, int]] | None = None
        self._spans: dict[int, Span] | None | bool = False  # False: not computed yet
        self._syntax: ast.Module | None | bool = False
        self._region_positions: dict[cst.CSTNode, dict[cst.CSTNode, tuple[int, int]]] = {}
        self._header_summary: Summary | None = None
        self._statement_lines: dict[int, int] | None | bool = False
        self._defs: list[tuple[cst.FunctionDef, tuple[str, ...]]] | None = None
        self._def_indents: dict[int, tuple[str, ...]] | None = None

    @property
    def positions(self) -> dict[cst.CSTNode, tuple[int, int]]:
        """Each node's start as (line, column), as libcst's ``PositionProvider`` would give it."""
        if self._positions is None:
            try:
                self._positions = start_positions(self.module)
            except RecursionError:
                self._positions = {}
        return self._positions

    @property
    def lazy_positions(self) -> LazyPositions:
        """``positions`` for a finder that may never ask: computed on its first ``get``."""
        return LazyPositions(self)

    @property
    def header_summary(self) -> Summary:
        """What ``header_names`` needs of this module (from its ``ast``, once; kept between runs)."""
        if self._header_summary is None:
            self._header_summary = summary(self.syntax, self.data)
        return self._header_summary

    @property
    def syntax(self) -> ast.Module | None:
        """CPython's ``ast`` of the same bytes (None if it rejects them), kept once made."""
        if self._syntax is False:
            self._syntax = python_ast(self.data)
        return self._syntax

    def function_text(self, node: cst.FunctionDef) -> bytes | None:
        """The bytes of a function of this module (decorators to last line), or None when they
        are not known (see ``spans``): a caller must then assume they mention anything."""
        span = self._span(node)
        return self.data[span[0]:span[1]] if span else None

    def function_line(self, node: cst.FunctionDef) -> int | None:
        """The line a function of this module starts on (its first decorator), if known."""
        span = self._span(node)
        return span[2] if span else None

    def _span(self, node: cst.FunctionDef) -> Span | None:
        if self._spans is False:
            self._spans = function_spans(self._definitions(), self.data, self.syntax)
        return self._spans.get(id(node)) if self._spans else None

    def _definitions(self) -> list[tuple[cst.FunctionDef, tuple[str, ...]]]:
        """``spans.definitions`` of the module, made once."""
        if self._defs is None:
            self._defs = definitions(self.module)
        return self._defs

    # ------------------------------------------------------------ kept between runs (tree_cache)
    @property
    def has_positions(self) -> bool:
        return self._positions is not None

    @property
    def has_spans(self) -> bool:
        return self._spans not in (False, None)

    def positions_within(self, region: cst.CSTNode | None) -> dict[cst.CSTNode, tuple[int, int]]:
        """Positions of the nodes of ``region``, a statement of the module's body or a function
        at any depth: generated for that region alone when its place is known and the whole
        module's are not computed yet (else the whole module's)."""
        if region is None or self._positions is not None:
            return self.positions
        if region not in self._region_positions:
            place = self._place(region)
            if place is None:
                return self.positions
            try:
                self._region_positions[region] = region_positions(region, self.module, *place)
            except RecursionError:
                self._region_positions[region] = {}
        return self._region_positions[region]

    def _place(self, region: cst.CSTNode) -> tuple[int, tuple[str, ...]] | None:
        """(the line its code generation starts on, the indentation it is in) of a region."""
        if self._statement_lines is False:
            self._statement_lines = statement_lines(self.module, self.syntax)
        line = self._statement_lines.get(id(region)) if self._statement_lines else None
        if line is not None:
            return codegen_start_line(region, line), ()
        span = self._span(region) if isinstance(region, cst.FunctionDef) else None
        if span is None:
            return None
        if self._def_indents is None:
            self._def_indents = {id(node): indents for node, indents in self._definitions()}
        return codegen_start_line(region, span[2]), self._def_indents[id(region)]

    @property
    def has_header_summary(self) -> bool:
        return self._header_summary is not None

    @property
    def region_count(self) -> int:
        """How many regions' positions were generated (see ``positions_within``)."""
        return len(self._region_positions)

    def stored(self) -> tuple:
        """What ``tree_cache`` keeps: the tree; its positions, its function spans in definition
        order (they are keyed by the nodes' ids, which a load changes), its ``header_summary``
        and the positions of the regions generated one by one, each when computed (else None)."""
        spans = [self._spans[id(node)] for node, _ in self._definitions()] if self.has_spans else None
        regions = self._region_positions if self._positions is None and self._region_positions else None
        return self.module, self._positions, spans, self._header_summary, regions

    def restore(self, positions: dict[cst.CSTNode, tuple[int, int]] | None, spans: list | None,
                header_summary: Summary | None = None, regions: dict | None = None) -> None:
        self._positions = positions
        self._header_summary = header_summary
        if regions:
            self._region_positions.update(regions)
        if spans is not None:
            self._spans = {id(node): tuple(span) for (node, _), span in zip(self._definitions(), spans)}



class LazyPositions:
    __slots__ = ("parsed",)

    def __init__(self, parsed: ParsedModule):
        self.parsed = parsed

    def get(self, node: cst.CSTNode, default: tuple[int, int] | None = None,
            within: cst.CSTNode | None = None) -> tuple[int, int] | None:
        """``within``: a region the node is in (see ``ParsedModule.positions_within``), if known."""
        return self.parsed.positions_within(within).get(node, default)


def _syntax_error(source: SourceFile, data: bytes, exc: cst.ParserSyntaxError) -> FileError:
    """Prefer CPython's own message and position (it only parses; nothing is executed). A
    template (Jinja, cookiecutter) is no Python module: it is skipped, not counted as an error."""
    line, column, message = exc.raw_line, exc.raw_column + 1, f"syntax error: {exc.message}"
    try:
        ast.parse(data, filename=source.rel)
    except SyntaxError as python_error:
        line, column, message = python_error.lineno, python_error.offset, f"syntax error: {python_error.msg}"
    except (ValueError, RecursionError, MemoryError):
        pass
    if is_template(source.rel, data, line):
        return FileError(source.rel, TEMPLATE, f"a Jinja/cookiecutter template, not Python ({message}): skipped",
                         line, column)
    return FileError(source.rel, "syntax", message, line, column)


_TEMPLATE_MARKERS = (b"{{", b"{%", b"{#")
TEMPLATE_CONTEXT_LINES = 3


def is_template(rel: str, data: bytes, line: int | None) -> bool:
    """A file that does not parse is a template when its path holds template syntax
    (``{{cookiecutter.name}}/app.py``) or template syntax is within a few lines of the error."""
    if any(marker.decode() in rel for marker in _TEMPLATE_MARKERS):
        return True
    if not line:
        return False
    lines = data.splitlines()
    near = lines[max(0, line - 1 - TEMPLATE_CONTEXT_LINES): line + TEMPLATE_CONTEXT_LINES]
    return any(marker in text for text in near for marker in _TEMPLATE_MARKERS)


def _limit_error(source: SourceFile, exc: SyntaxError) -> FileError | None:
    """CPython's parser limits (nesting depth) reject a file on every Python version."""
    if "too many" in str(exc.msg) or "nested" in str(exc.msg):
        return FileError(source.rel, "syntax", f"syntax error: {exc.msg}", exc.lineno, exc.offset)
    return None


# CPython refuses code nested beyond its parser's limits (200 brackets, 20 blocks), which libcst
# accepts. Checking with CPython's own parser costs a third of a libcst parse, so it runs only
# on files that show deep nesting: a run of opening brackets or deeply indented lines.
_DEEP_NESTING = (b"(" * 16, b"[" * 16, b"{" * 16, b"\n" + b" " * 64, b"\n" + b"\t" * 16)


def _cpython_limits(source: SourceFile, data: bytes) -> FileError | None:
    if not any(marker in data for marker in _DEEP_NESTING):
        return None
    try:
        ast.parse(data, filename=source.rel)
    except SyntaxError as exc:
        return _limit_error(source, exc)
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def precheck(source: SourceFile, data: bytes) -> FileError | None:
    """An empty module is valid Python (it parses to an empty module); NUL bytes are not."""
    if b"\x00" in data:
        return FileError(source.rel, "encoding", BINARY_MESSAGE)
    return None


@contextmanager
def paused_gc():
    """No cyclic garbage collection while a tree is built: libcst allocates a node per token,
    and the collector would scan every earlier node each time (superlinear in the module's size).
    A parse creates no garbage cycles worth collecting before it returns."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse(source: SourceFile, data: bytes | None = None) -> ParsedModule | FileError:
    """Read and parse one file; any failure becomes a ``FileError`` describing it."""
    if data is None:
        data = read(source)
        if isinstance(data, FileError):
            return data
    problem = precheck(source, data) or _cpython_limits(source, data)
    if problem is not None:
        return problem
    try:
        with paused_gc():
            module = cst.parse_module(data if data.strip() else b"")
    except cst.ParserSyntaxError as exc:
        return _syntax_error(source, data, exc)
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        return FileError(source.rel, "encoding", f"cannot decode source: {exc}")
    except RecursionError:
        return FileError(source.rel, "syntax", "source is nested too deeply to parse")
    return ParsedModule(source, module, data)
