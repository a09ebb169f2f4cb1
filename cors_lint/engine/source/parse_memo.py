"""Parsed files shared between analyses: those of one check (``ParseMemo``), and those of this
process (``RECENT``): a later analysis of the same bytes at the same place in a project does not
parse them again.

Several analyses of one project run in one process: each environment of the policy, the
proof of each fix (the project copied with one file edited), both sides of ``diff``. Most of
their files are the same bytes at the same relative path. ``tree_cache`` keeps trees between
runs on disk when a cache is in use; this keeps them in memory, without one.

An entry is keyed by the file's path in its project and its bytes, never by the bytes alone: two
files with the same text in one analysis must not share nodes (the interpreter keys what it
knows of a function by its node). A kept module is never handed out itself: ``load`` builds a
new ``ParsedModule`` around its tree (libcst trees are immutable) and what was computed for it
(positions, spans, the stubs' parses), as a load from ``tree_cache`` does. At most
``MAX_KEPT_BYTES`` of source is kept, the least recently used going first; a file of
``MAX_FILE_BYTES`` or more (parsed in a worker for its memory, ``parallel.ISOLATE_BYTES``) is not.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from cors_lint.engine.source.project import FileError, SourceFile

if TYPE_CHECKING:
    from cors_lint.engine.source.parsing import ParsedModule

MAX_KEPT_BYTES = 8 * 2**20  # of source; a tree takes ~20x its source in memory
MAX_FILE_BYTES = 512 * 1024


class RecentTrees:
    """Parsed modules by (path in the project, bytes), the least recently used dropped first."""

    def __init__(self, max_bytes: int = MAX_KEPT_BYTES):
        self.max_bytes = max_bytes
        self.size = 0
        self._kept: OrderedDict[tuple[str, bytes], ParsedModule] = OrderedDict()

    def load(self, source: SourceFile, data: bytes) -> ParsedModule | None:
        """A new module for ``source`` with the tree kept for its path and bytes, or None."""
        key = (source.rel, data)
        kept = self._kept.get(key)
        if kept is None:
            return None
        self._kept.move_to_end(key)
        module, positions, spans, headers, regions, skeleton, parses, stubs = kept.stored()
        parsed = type(kept)(source, module, data, skeleton)
        parsed.restore(positions, spans, headers, regions, parses, stubs)
        return parsed

    def keep(self, parsed: ParsedModule) -> None:
        if len(parsed.data) >= MAX_FILE_BYTES:
            return
        key = (parsed.source.rel, parsed.data)
        if key in self._kept:
            self._kept.move_to_end(key)
        else:
            self.size += len(parsed.data)
        self._kept[key] = parsed  # the latest: what it computed is what the next load starts from
        while self.size > self.max_bytes:
            (_, data), _ = self._kept.popitem(last=False)
            self.size -= len(data)

    def clear(self) -> None:
        self._kept.clear()
        self.size = 0


RECENT = RecentTrees()


class ParseMemo(dict):
    """Parsed files (``parsing.ParsedModule``) by (path, content), shared by the analyses of one
    check, one per environment: libcst trees are immutable. ``trees``: a ``tree_cache.TreeCache``
    that keeps them between runs, or None. What is parsed is also kept for later analyses in
    this process (``RECENT``)."""

    def __init__(self, trees=None):
        super().__init__()
        self.trees = trees

    def __setitem__(self, key: tuple[str, bytes], parsed) -> None:
        super().__setitem__(key, parsed)
        if not isinstance(parsed, FileError):
            RECENT.keep(parsed)

    def kept(self, source: SourceFile, data: bytes):
        """The file's tree kept by an earlier run (``tree_cache``) or by an earlier analysis in
        this process (``RECENT``), or None."""
        return (self.trees.load(source, data) if self.trees is not None else None) or RECENT.load(source, data)
