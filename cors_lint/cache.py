"""The result cache: an unchanged project is re-checked at about the cost of stat()-ing its files.

Two stores under ``<project>/.cors-lint-cache/``:

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
overwritten. The checksum is an HMAC with a key kept outside the project, so entries that
arrive with the code being checked (a pull request committing a forged clean result) are
never trusted. A cache directory that cannot be written is silently not used.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cors_lint import __version__
from cors_lint.project import FileError, SourceFile, Verdict, read, verdict_of

CACHE_DIR_NAME = ".cors-lint-cache"
FORMAT = 1
RACY_WINDOW_NS = 2_000_000_000


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
        data = read(source)
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


def read_document(path: Path) -> dict[str, Any] | None:
    """A stored document, or None when it is missing, unreadable, corrupt or from another tool."""
    try:
        header, _, body = path.read_bytes().partition(b"\n")
        envelope = json.loads(header)
        if envelope.get("tool") != tool_fingerprint() or not hmac.compare_digest(str(envelope.get("checksum")),
                                                                               _checksum(body)):
            return None
        document = json.loads(body)
        return document if isinstance(document, dict) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_document(path: Path, document: dict[str, Any]) -> None:
    """Store a document atomically under a cache directory (``<cache>/<kind>/<name>.json`` or
    ``<cache>/<name>.json``); a directory that cannot be written is silently not used."""
    from cors_lint.files import write_atomic

    body = json.dumps(document, sort_keys=True, separators=(",", ":"))  # one line: no newline inside
    envelope = json.dumps({"tool": tool_fingerprint(), "checksum": _checksum(body.encode())}) + "\n" + body
    try:
        _prepare(_cache_root(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, envelope, durable=False)
    except OSError:
        pass  # a read-only tree: run without a cache


def _cache_root(path: Path) -> Path:
    for folder in path.parents:
        if folder.name == CACHE_DIR_NAME:
            return folder
    return path.parent


def _prepare(directory: Path) -> None:
    """Mark the cache directory: ignored by git, and tagged for backup tools."""
    if (directory / "CACHEDIR.TAG").exists():
        return
    from cors_lint.files import write_atomic

    directory.mkdir(parents=True, exist_ok=True)
    write_atomic(directory / ".gitignore", "# created by cors-lint\n*\n", durable=False)
    write_atomic(directory / "CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n"
                                             "# This file is a cache directory tag created by cors-lint.\n",
                 durable=False)


def _checksum(body: bytes) -> str:
    """An HMAC with this machine's cache key: an entry that came with the code under review (a
    committed ``.cors-lint-cache/`` forging a clean result) does not verify and is ignored."""
    return hmac.new(_machine_key(), body, hashlib.sha256).hexdigest()


_KEY: bytes | None = None


def _machine_key() -> bytes:
    """A random key kept outside any project (``$XDG_CACHE_HOME/cors-lint/key``, mode 0600); when
    it cannot be stored, a key for this process only (the cache then lasts one run)."""
    global _KEY
    if _KEY is None:
        try:
            home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cors-lint"
        except (RuntimeError, KeyError):  # no home directory at all
            _KEY = secrets.token_bytes(32)
            return _KEY
        path = home / "key"
        try:
            _KEY = path.read_bytes()
            if len(_KEY) < 32:
                raise OSError("short key")
        except OSError:
            _KEY = secrets.token_bytes(32)
            try:
                home.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(_KEY)
            except FileExistsError:  # a concurrent run created it first: use theirs
                _KEY = path.read_bytes() if len(path.read_bytes()) >= 32 else _KEY
            except OSError:
                pass
    return _KEY


_TOOL: str | None = None


def tool_fingerprint() -> str:
    """The version plus the size and mtime of the package's own files: a changed cors-lint
    (an upgrade, or an edit in a development checkout) never reads an older tool's results."""
    global _TOOL
    if _TOOL is None:
        package = Path(__file__).parent
        parts = [__version__]
        for path in sorted(package.rglob("*")):
            if path.suffix in (".py", ".yaml", ".json") and "__pycache__" not in path.parts:
                info = path.stat()
                parts.append(f"{path.relative_to(package).as_posix()}:{info.st_size}:{info.st_mtime_ns}")
        _TOOL = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]
    return _TOOL
