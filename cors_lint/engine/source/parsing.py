"""Parsing a file with libcst in an error envelope: a file that cannot be parsed becomes a
``FileError`` describing why, and the rest of the project is still analysed."""

from __future__ import annotations

import ast
import gc
from collections import ChainMap
from contextlib import contextmanager

import libcst as cst

from cors_lint.engine.source.header_names import Summary, summary
from cors_lint.engine.source.positions import region_positions, start_positions
from cors_lint.engine.source.skeleton import (Expansion, Stub, expand, expand_kept, skeleton_source,
                                       stubbed_definitions, wants_whole_tree)
from cors_lint.engine.source.spans import (Span, ast_definitions, codegen_start_line, definitions, first_line,
                                           function_spans, last_line, libcst_definitions, line_starts, python_ast,
                                           statement_lines)
from cors_lint.engine.source.project import BINARY_MESSAGE, TEMPLATE, FileError, SourceFile, read


class ParsedModule:
    """A parsed file. Positions are computed on first use: most modules never need them.

    A *skeleton* (see ``skeleton``) has stubs for the bodies of its larger functions:
    ``definition`` gives a function as written, parsing its text the first time."""

    def __init__(self, source: SourceFile, module: cst.Module, data: bytes = b"", skeleton: bool = False):
        self.source = source
        self.module = module
        self.data = data
        self.skeleton = skeleton
        self._stub_nodes: dict[int, ast.FunctionDef] | None = None  # id(stub) -> its definition in ``syntax``
        self._stub_table: dict[int, Stub] | None = None  # stub's index in ``definitions`` -> where it is
        self._expansions: dict[int, Expansion | None] = {}  # id(stub) -> its parse (None: it failed)
        self._expanded_nodes: dict[int, Expansion] = {}  # id(function in an expansion, stub included) -> it
        self._whole: ParsedModule | None = None  # the whole module, parsed when a stub's text does not parse
        self._kept: dict[int, cst.Module] = {}  # stub's index in ``definitions`` -> its text's parse (tree_cache)
        self._def_index: dict[int, int] | None = None
        self._starts: list[int] | None = None  # ``spans.line_starts`` of the bytes
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
        """Each node's start as (line, column), as libcst's ``PositionProvider`` would give it
        (the nodes of the stubs' expansions included)."""
        if self._positions is None:
            try:
                self._positions = start_positions(self.module)
            except RecursionError:
                self._positions = {}
        expansions = [e for e in self._expansions.values() if e is not None]
        return ChainMap(self._positions, *(e.positions for e in expansions)) if expansions else self._positions

    # ------------------------------------------------------------ stubs of a skeleton
    def definition(self, node: cst.FunctionDef) -> cst.FunctionDef:
        """A function of this module as written: a stub's text is parsed on first use."""
        if not self.skeleton:
            return node
        expansion = self._expansion(node)
        return expansion.function if expansion is not None else node

    def _expansion(self, node: cst.FunctionDef) -> Expansion | None:
        if id(node) in self._expansions:
            return self._expansions[id(node)]
        index = self._index(node)
        stub = self._stubs().get(index) if index is not None else None
        if stub is None:
            return None  # not a stub: written in full
        starts = self._line_starts()
        line, last = stub.line, stub.last
        indents = self._indents(node)
        kept = self._kept.get(index)
        expansion = (expand_kept(kept, node.name.value, line, indents) if kept is not None else None) or \
            expand(self.data[starts[line - 1]:starts[last]], self.module.encoding, node.name.value, line, indents) or \
            self._from_whole_module(stub, line, indents)
        self._expansions[id(node)] = expansion
        if expansion is not None:
            self._note_expansion(node, expansion, stub, starts)
        return expansion

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = line_starts(self.data)
        return self._starts

    def _index(self, node: cst.FunctionDef) -> int | None:
        """A function's place in ``definitions`` (what the tree cache keeps a stub's parse under);
        None for a function that is not one of them (it is in an expansion)."""
        if self._def_index is None:
            self._def_index = {id(found): index for index, (found, _) in enumerate(self._definitions())}
        return self._def_index.get(id(node))

    @property
    def expansion_count(self) -> int:
        """How many stubs have been parsed from their own text (tree_cache keeps those parses)."""
        return len(self._kept_parses())

    def _kept_parses(self) -> dict[int, cst.Module]:
        """Stub index in ``definitions`` -> the parse of its text: those made and those loaded."""
        kept = dict(self._kept)
        for index, (node, _) in enumerate(self._definitions()):
            expansion = self._expansions.get(id(node))
            if expansion is not None and expansion.module is not getattr(self._whole, "module", None):
                kept[index] = expansion.module
        return kept

    def _stub_definitions(self) -> dict[int, ast.FunctionDef]:
        """``id(stub) -> its definition in ``syntax````, pairing the skeleton's definitions with
        the functions of ``syntax`` outside the stubbed bodies (the same list, in order)."""
        if self._stub_nodes is None:
            self._stub_nodes = {}
            tree = self.syntax
            if tree is not None:
                stubbed = stubbed_definitions(tree, self.data, self._line_starts())
                ours = self._definitions()
                theirs = list(ast_definitions(tree.body, {id(node) for node in stubbed}))
                if len(ours) == len(theirs):
                    wanted = {id(node) for node in stubbed}
                    self._stub_nodes = {id(node): found for (node, _), found in zip(ours, theirs)
                                        if id(found) in wanted}
        return self._stub_nodes

    def _stubs(self) -> dict[int, Stub]:
        """Stub's index in ``definitions`` -> where it is: kept with the tree (``tree_cache``), else
        from ``syntax`` (parsing the bytes with ``ast`` once)."""
        if self._stub_table is None:
            found = self._stub_definitions()
            self._stub_table = {index: Stub.of(found[id(node)]) for index, (node, _) in enumerate(self._definitions())
                                if id(node) in found}
        return self._stub_table

    def _indents(self, node: cst.FunctionDef) -> tuple[str, ...]:
        if self._def_indents is None:
            self._def_indents = {id(found): indents for found, indents in self._definitions()}
        return self._def_indents.get(id(node), ())

    def _from_whole_module(self, stub: Stub, line: int, indents: tuple[str, ...]) -> Expansion | None:
        """The function as the whole module's parse has it (its text does not parse alone)."""
        if self._whole is None:
            whole = parse(self.source, self.data, skeleton=False)
            if not isinstance(whole, ParsedModule):
                return None
            self._whole = whole
        tree = self.syntax
        everything = list(ast_definitions(tree.body)) if tree is not None else []
        ours = self._whole._definitions()
        index = next((i for i, found in enumerate(everything)
                      if (first_line(found), last_line(found)) == (stub.line, stub.last)), None)
        if len(everything) != len(ours) or index is None:
            return None
        return Expansion(ours[index][0], self._whole.module, line, indents)

    def _note_expansion(self, stub_node: cst.FunctionDef, expansion: Expansion, stub: Stub,
                        starts: list[int]) -> None:
        """Positions and spans of the functions in an expansion are the expansion's."""
        self._expanded_nodes[id(stub_node)] = expansion
        self._expanded_nodes[id(expansion.function)] = expansion
        body = expansion.function.body
        nested = list(libcst_definitions(body.body, (), expansion.module.default_indent)) \
            if isinstance(body, cst.IndentedBlock) else []
        theirs = stub.nested
        for node, _ in nested:
            self._expanded_nodes[id(node)] = expansion
        self._span(stub_node)  # the module's spans are known from here on (or known not to be)
        if self._spans and id(stub_node) in self._spans:
            self._spans[id(expansion.function)] = self._spans[id(stub_node)]
        if self._spans and len(nested) == len(theirs):
            for (node, _), (line, last) in zip(nested, theirs):
                self._spans[id(node)] = (starts[line - 1], starts[last], line)

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
            stubbed = {id(found) for found in self._stub_definitions().values()} if self.skeleton else set()
            self._spans = function_spans(self._definitions(), self.data, self.syntax, stubbed)
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
        expansion = self._expanded_nodes.get(id(region)) if region is not None else None
        if expansion is not None:  # a stub that was parsed, or a function in one
            return expansion.positions
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
        return codegen_start_line(region, span[2]), self._indents(region)

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
        and the positions of the regions generated one by one, each when computed (else None);
        for a skeleton, the parses of its stubs so far and where its stubs are (``Stub``: known
        whenever its ``ast`` is, as after it was parsed)."""
        spans = [self._spans[id(node)] for node, _ in self._definitions()] if self.has_spans else None
        regions = self._region_positions if self._positions is None and self._region_positions else None
        stubs = {index: stub.stored() for index, stub in self._stubs().items()} if self.has_stub_table else None
        return (self.module, self._positions, spans, self._header_summary, regions, self.skeleton,
                self._kept_parses(), stubs)

    @property
    def has_stub_table(self) -> bool:
        """Is where the stubs are known, or can it be known without parsing the bytes again?"""
        return self.skeleton and (self._stub_table is not None or isinstance(self._syntax, ast.Module))

    def restore(self, positions: dict[cst.CSTNode, tuple[int, int]] | None, spans: list | None,
                header_summary: Summary | None = None, regions: dict | None = None,
                kept: dict[int, cst.Module] | None = None, stubs: dict[int, tuple] | None = None) -> None:
        self._kept = dict(kept or {})
        if stubs is not None:
            self._stub_table = {index: Stub.restored(stub) for index, stub in stubs.items()}
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


def parse(source: SourceFile, data: bytes | None = None, skeleton: bool = True) -> ParsedModule | FileError:
    """Read and parse one file; any failure becomes a ``FileError`` describing it. With
    ``skeleton``, a module no pass walks whole is parsed as a skeleton (see ``skeleton``)."""
    if data is None:
        data = read(source)
        if isinstance(data, FileError):
            return data
    problem = precheck(source, data) or _cpython_limits(source, data)
    if problem is not None:
        return problem
    if skeleton and not wants_whole_tree(data):
        parsed = _parse_skeleton(source, data)
        if parsed is not None:
            return parsed
    try:
        with paused_gc():
            module = cst.parse_module(data if data.strip() else b"")
    except cst.ParserSyntaxError as exc:
        return _syntax_error(source, data, exc)
    except UnicodeDecodeError as exc:  # the line and column of the byte, as an editor shows them
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return FileError(source.rel, "encoding", f"cannot decode source: byte 0x{data[exc.start]:02x} is not "
                                                 f"{exc.encoding} ({exc.reason})", line, column)
    except (LookupError, SyntaxError) as exc:
        return FileError(source.rel, "encoding", f"cannot decode source: {exc}")
    except RecursionError:
        return FileError(source.rel, "syntax", "source is nested too deeply to parse")
    return ParsedModule(source, module, data)


def _parse_skeleton(source: SourceFile, data: bytes) -> ParsedModule | None:
    """The module as a skeleton; None when it has nothing to stub or the skeleton does not
    parse (the whole module is parsed then, and reports any error as it is)."""
    tree = python_ast(data)
    if tree is None:
        return None
    starts = line_starts(data)
    stubbed = stubbed_definitions(tree, data, starts)
    if not stubbed:
        return None
    try:
        with paused_gc():
            module = cst.parse_module(skeleton_source(data, stubbed, starts))
    except (cst.ParserSyntaxError, UnicodeDecodeError, LookupError, SyntaxError, RecursionError):
        return None
    parsed = ParsedModule(source, module, data, skeleton=True)
    parsed._syntax = tree
    return parsed
