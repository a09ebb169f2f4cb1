"""Signed documents in a cache directory (``.cors-lint-cache/``): the result cache and the policy
memo store their entries here.

Every write is atomic. Each entry carries an HMAC made with a key kept outside the project,
so an entry that arrives with the code being checked (a committed, forged clean result) does
not verify and is ignored; a missing, corrupt or foreign entry reads as absent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cors_lint import __version__
from cors_lint.core.files import write_atomic

CACHE_DIR_NAME = ".cors-lint-cache"

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
        package = Path(__file__).parents[1]  # the whole cors_lint package
        parts = [__version__]
        for path in sorted(package.rglob("*")):
            if path.suffix in (".py", ".yaml", ".json") and "__pycache__" not in path.parts:
                info = path.stat()
                parts.append(f"{path.relative_to(package).as_posix()}:{info.st_size}:{info.st_mtime_ns}")
        _TOOL = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]
    return _TOOL
