"""The result cache: an unchanged project is re-checked at about the cost of stat()-ing its files.

Two stores under ``<project>/.cors-lint-cache/`` (or, with ``--cache-dir`` /
``$CORS_LINT_CACHE_DIR``, under a folder of the project's in that directory: see
``checker.cache_directory``):

* ``files.json``, a stat memo: for each file, its (size, mtime, ctime, inode) when it was last
  read, its content hash and its prefilter verdict. A file is re-read when any of those
  changed (ctime changes on every write, even one that restores the mtime), or when it was
  changed within two seconds of being hashed (an edit in the same timestamp tick would
  otherwise go unseen).
* ``results/<key>.json``, one check result per key. The key covers the tool (version and
  code), the policy, the options, the flask-cors pins, and every file's path and prefilter
  verdict; the entry also lists the content hash of each file the analysis read beyond the
  prefilter, and is used only if they all still match. Editing a file that the prefilter
  skips and no entry point imports therefore keeps the result.

Every write is atomic (temporary file + rename), so concurrent runs see a whole entry or
none; an entry that cannot be read, does not parse or fails its checksum is ignored and
overwritten. The checksum is an HMAC with a key kept outside the project (this machine's, or
one derived from ``$CORS_LINT_CACHE_KEY``, a secret the CI runners that share a restored cache
share), so entries that arrive with the code being checked (a pull request committing a forged
clean result) are never trusted. A cache directory that cannot be written is silently not used.
At most ``MAX_RESULTS`` results are kept (the oldest go): a CI cache saved after every commit
does not grow without bound.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cors_lint.core.store import prune, read_document, tool_fingerprint, write_document
from cors_lint.engine.source.project import FileError, SourceFile, Verdict, read, verdict_of

FORMAT = 1
RACY_WINDOW_NS = 2_000_000_000
MAX_RESULTS = 64


@dataclass(frozen=True)
class FileState:
    digest: str  # content hash, or "" when the file could not be read
    verdict: Verdict


_VERDICTS: dict[tuple[str, bool], Verdict] = {}


def _verdict(status: str, comments: bool) -> Verdict:
    """Verdicts are shared (there are eight): a large tree does not need one object per file."""
    key = (status, bool(comments))
    if key not in _VERDICTS:
        _VERDICTS[key] = Verdict(*key)
    return _VERDICTS[key]


class ResultCache:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.tool = tool_fingerprint()
        self._memo: dict[str, dict[str, list[Any]]] = {}  # directory -> file name -> entry
        self._memo_changed = False
        self._load_memo()

    # ------------------------------------------------------------------ files
    def snapshot(self, sources: list[SourceFile]) -> dict[str, FileState]:
        """Content hash and prefilter verdict of every file, from the stat memo where it is fresh."""
        return {source.rel: self._file_state(source) for source in sources}

    def _file_state(self, source: SourceFile) -> FileState:
        directory, _, name = source.fspath.rpartition(os.sep)
        try:
            info = os.stat(source.fspath)
        except OSError:
            return FileState("", _verdict("unreadable", False))
        known = self._memo.get(directory, {}).get(name)
        if (known is not None and known[0] == info.st_size and known[1] == info.st_mtime_ns
                and known[2] == info.st_ctime_ns and known[3] == info.st_ino
                and known[4] - max(info.st_mtime_ns, info.st_ctime_ns) > RACY_WINDOW_NS):
            return FileState(known[5], _verdict(known[6], known[7]))
        hashed_at = time.time_ns()
        data = read(source, info)
        if isinstance(data, FileError):
            return FileState("", _verdict("unreadable", False))
        verdict = verdict_of(data)
        state = FileState(hashlib.blake2b(data, digest_size=16).hexdigest(), _verdict(verdict.status, verdict.comments))
        self._memo.setdefault(directory, {})[name] = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino,
                                                      hashed_at, state.digest, verdict.status, verdict.comments]
        self._memo_changed = True
        return state

    # ------------------------------------------------------------------ results
    def key(self, parts: Any, files: dict[str, FileState]) -> str:
        digest = hashlib.sha256(json.dumps([FORMAT, self.tool, parts], sort_keys=True, default=str).encode())
        for rel in sorted(files):
            verdict = files[rel].verdict
            digest.update(f"\n{rel}\0{verdict.status}\0{int(verdict.comments)}".encode())
        return digest.hexdigest()

    def lookup(self, key: str, files: dict[str, FileState]) -> dict[str, Any] | None:
        entry = read_document(self.directory / "results" / f"{key}.json")
        if entry is None or not isinstance(entry.get("dependencies"), dict):
            return None
        for rel, digest in entry["dependencies"].items():
            state = files.get(rel)
            if state is None or state.digest != digest or not digest:
                return None
        return entry.get("result")

    def store(self, key: str, files: dict[str, FileState], consulted: set[str], result: dict[str, Any]) -> None:
        dependencies = {rel: files[rel].digest for rel in sorted(consulted) if rel in files}
        if any(not digest for digest in dependencies.values()):
            return  # an unreadable file the result depends on: nothing to compare with next time
        write_document(self.directory / "results" / f"{key}.json", {"dependencies": dependencies, "result": result})
        prune(self.directory / "results", ".json", MAX_RESULTS)

    def save(self) -> None:
        if self._memo_changed:
            write_document(self.directory / "files.json", {"directories": self._memo})
            self._memo_changed = False

    # ------------------------------------------------------------------ storage
    def _load_memo(self) -> None:
        stored = read_document(self.directory / "files.json")
        directories = stored.get("directories") if stored else None
        if isinstance(directories, dict):
            self._memo = {directory: {name: entry for name, entry in files.items()
                                      if isinstance(entry, list) and len(entry) == 8}
                          for directory, files in directories.items() if isinstance(files, dict)}

