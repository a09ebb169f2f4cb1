"""Start positions of libcst nodes, the same as ``libcst.metadata.PositionProvider`` gives.

libcst's provider builds two position objects per node and splits every token with a
regular expression; on a 3,600-line module that is ~10x the cost of generating its code.
Reports only need where a node starts, so this does one code generation pass that records
``(line, column)`` tuples, following the provider's rules: the syntactic start where a
node records one (``record_syntactic_position``), else the start including whitespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState

_NEWLINE = re.compile(r"\r\n?|\n")


@dataclass(frozen=False)
class _StartRecorder(CodegenState):
    starts: dict[cst.CSTNode, tuple[int, int]] = field(default_factory=dict)
    line: int = 1
    column: int = 0
    _stack: list[tuple[int, int]] = field(default_factory=list)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" not in value and "\r" not in value:
            self.column += len(value)
            return
        segments = _NEWLINE.split(value)
        self.line += len(segments) - 1
        self.column = len(segments[-1])

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        if node not in self.starts:
            self.starts[node] = start

    def record_syntactic_position(self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None,
                                  end_node: cst.CSTNode | None = None) -> _Syntactic:
        return _Syntactic(self, node, start_node)


class _Syntactic:
    """``record_syntactic_position`` as a plain context manager (a generator-based one costs ~3x)."""

    __slots__ = ("state", "node", "start_node", "start")

    def __init__(self, state: _StartRecorder, node: cst.CSTNode, start_node: cst.CSTNode | None):
        self.state, self.node, self.start_node = state, node, start_node

    def __enter__(self) -> None:
        self.start = (self.state.line, self.state.column)

    def __exit__(self, *exc_info: object) -> None:
        starts = self.state.starts
        starts[self.node] = starts[self.start_node] if self.start_node is not None else self.start


def start_positions(module: cst.Module) -> dict[cst.CSTNode, tuple[int, int]]:
    """Every node's start as (1-based line, 0-based column)."""
    state = _StartRecorder(default_indent=module.default_indent, default_newline=module.default_newline)
    module._codegen(state)
    return state.starts


def region_positions(node: cst.CSTNode, module: cst.Module, start_line: int,
                     indents: tuple[str, ...]) -> dict[cst.CSTNode, tuple[int, int]]:
    """The same starts as ``start_positions`` gives, for the nodes of one statement only (a
    module-level statement, or a function at any depth): its code is generated from
    ``start_line`` (see ``spans.codegen_start_line``) with the indentation of the blocks it is
    in, as the whole module's generation would reach it."""
    state = _StartRecorder(default_indent=module.default_indent, default_newline=module.default_newline)
    state.line = start_line
    state.indent_tokens = list(indents)
    node._codegen(state)
    return state.starts
