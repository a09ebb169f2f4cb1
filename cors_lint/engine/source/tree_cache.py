"""Parsed files kept between runs, by content: after an edit, only the edited files are parsed.

Parsing is most of what an analysis costs, and in pre-commit every run follows an edit, so a
result cached for the whole project is rarely reused. Each parsed file is therefore kept on
its own, under ``<cache>/trees/<content hash>.pickle``: its libcst tree, the start positions
when the run computed them, where its functions are (``spans``) and what the search for
hand-written headers needs of it (``header_names.summary``); for a skeleton, the parses of the
stubs a run expanded and where its stubs are (so a loaded skeleton never parses its bytes with
``ast`` again). Loading one costs about a fifth of parsing it. An entry is keyed by the file's bytes, libcst's and Python's versions (the
envelope names cors-lint's own code), so it is right for any file with those bytes.

Entries are signed like every cache entry (``core.store``): one that does not verify is never
unpickled, and ``tree_pickle.loads`` only builds libcst's node classes and plain values, so
even a verified entry cannot name other code to run. At most ``MAX_TREES`` entries, of at most
``MAX_TREE_BYTES`` together, are kept: the least recently used go first.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cors_lint.core.store import prune, read_signed, write_signed
from cors_lint.engine.source.project import SourceFile
from cors_lint.engine.source.tree_pickle import dumps, loads

if TYPE_CHECKING:
    from cors_lint.engine.source.parsing import ParsedModule

MAX_TREES = 2048
MAX_TREE_BYTES = 256 * 2**20  # a tree takes ~5-10x its source: hundreds of the largest modules
_FORMAT = 6  # 3: the positions of regions generated one by one are kept too; 4: skeletons; 5: their
# functions' bodies parsed so far; 6: where their stubs are


def _parser_version() -> str:
    try:
        from libcst._version import __version__ as libcst_version
    except ImportError:  # pragma: no cover - every release has it
        libcst_version = "unknown"
    return f"{_FORMAT}:{libcst_version}:{sys.version_info[:3]}"


def _computed(parsed: ParsedModule) -> tuple[bool, ...]:
    """What was computed for a module beyond its tree: a loaded entry is stored again when a run
    computed more."""
    return parsed.has_positions, parsed.has_spans, parsed.has_header_summary, parsed.region_count, \
        parsed.expansion_count, parsed.has_stub_table


class TreeCache:
    def __init__(self, directory: Path):
        self.directory = Path(directory) / "trees"
        self.version = _parser_version()
        self.loaded: dict[int, tuple[bool, ...]] = {}  # id(ParsedModule) -> what its entry held (see _computed)

    def _path(self, data: bytes) -> Path:
        digest = hashlib.blake2b(data, digest_size=20, person=b"cors-lint-tree")
        digest.update(self.version.encode())
        return self.directory / f"{digest.hexdigest()}.pickle"

    def load(self, source: SourceFile, data: bytes) -> ParsedModule | None:
        from cors_lint.engine.source.parsing import ParsedModule

        path = self._path(data)
        body = read_signed(path)
        if body is None:
            return None
        try:
            module, positions, spans, headers, regions, skeleton, kept, stubs = loads(body)
        except Exception:  # a verified entry that still does not load (never expected): parse instead
            return None
        parsed = ParsedModule(source, module, data, skeleton)
        parsed.restore(positions, spans, headers, regions, kept, stubs)
        self.loaded[id(parsed)] = _computed(parsed)
        try:
            os.utime(path)  # recently used: kept when the cache is pruned
        except OSError:
            pass
        return parsed

    def save(self, modules: list[ParsedModule]) -> None:
        """Store the modules this run parsed, and those it computed more for (positions, spans);
        ``modules``: what the parse memo holds (``FileError``s are not kept)."""
        if not modules:
            return
        from cors_lint.engine.source.parsing import ParsedModule

        wanted = [m for m in modules if isinstance(m, ParsedModule) and self.loaded.get(id(m)) != _computed(m)]
        if not wanted:
            return
        for parsed in wanted:
            try:
                body = dumps(parsed.stored())
            except (RecursionError, pickle.PicklingError, MemoryError):
                continue
            write_signed(self._path(parsed.data), body)
        prune(self.directory, ".pickle", MAX_TREES, MAX_TREE_BYTES)
