"""Parsing a file with libcst in an error envelope: a file that cannot be parsed becomes a
``FileError`` describing why, and the rest of the project is still analysed."""

from __future__ import annotations

import ast
import gc
from contextlib import contextmanager

import libcst as cst

from cors_lint.engine.positions import start_positions
from cors_lint.engine.project import BINARY_MESSAGE, FileError, SourceFile, read


class ParsedModule:
    """A parsed file. Positions are computed on first use: most modules never need them."""

    def __init__(self, source: SourceFile, module: cst.Module, data: bytes = b""):
        self.source = source
        self.module = module
        self.data = data
        self._positions: dict[cst.CSTNode, tuple[int, int]] | None = None
        self._code: dict[cst.CSTNode, str] = {}

    @property
    def positions(self) -> dict[cst.CSTNode, tuple[int, int]]:
        """Each node's start as (line, column), as libcst's ``PositionProvider`` would give it."""
        if self._positions is None:
            try:
                self._positions = start_positions(self.module)
            except RecursionError:
                self._positions = {}
        return self._positions

    def function_code(self, node: cst.CSTNode) -> str:
        """The source text of a function in this module (kept: the analyses of every environment ask)."""
        if node not in self._code:
            self._code[node] = cst.Module([]).code_for_node(node)
        return self._code[node]



def _syntax_error(source: SourceFile, data: bytes, exc: cst.ParserSyntaxError) -> FileError:
    """Prefer CPython's own message and position (it only parses; nothing is executed)."""
    try:
        ast.parse(data, filename=source.rel)
    except SyntaxError as python_error:
        return FileError(source.rel, "syntax", f"syntax error: {python_error.msg}", python_error.lineno,
                         python_error.offset)
    except (ValueError, RecursionError, MemoryError):
        pass
    return FileError(source.rel, "syntax", f"syntax error: {exc.message}", exc.raw_line, exc.raw_column + 1)


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
    if not data.strip() and not source.is_package:
        return FileError(source.rel, "empty", "empty file: nothing to analyse")
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
