"""Signed documents in a cache directory (``.cors-lint-cache/``): the result cache and the policy
memo store their entries here.

Every write is atomic. Each entry carries an HMAC made with a key kept outside the project
(a random key of this machine, or one derived from ``$CORS_LINT_CACHE_KEY``, a CI secret), so
an entry that arrives with the code being checked (a committed, forged clean result) does not
verify and is ignored; a missing, corrupt or foreign entry reads as absent.
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
from cors_lint.core.limits import CACHE_ENTRY_BYTES, read_bounded

CACHE_DIR_NAME = ".cors-lint-cache"

_HEADER_BYTES = 1024  # the envelope line: {"tool": ..., "checksum": ...} is about 120 bytes


def read_document(path: Path) -> dict[str, Any] | None:
    """A stored document, or None when it is missing, unreadable, corrupt, from another tool or
    larger than ``CACHE_ENTRY_BYTES`` (a planted ``.cors-lint-cache/`` can hold anything: its
    size is checked before it is read, its envelope and checksum before its body is parsed)."""
    body = read_signed(path)
    if body is None:
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return document if isinstance(document, dict) else None


def write_document(path: Path, document: dict[str, Any]) -> None:
    """Store a document atomically under a cache directory (``<cache>/<kind>/<name>.json`` or
    ``<cache>/<name>.json``); a directory that cannot be written is silently not used."""
    write_signed(path, json.dumps(document, sort_keys=True, separators=(",", ":")).encode())  # one line


def read_signed(path: Path) -> bytes | None:
    """The body of a signed entry, or None when it is missing, unreadable, larger than
    ``CACHE_ENTRY_BYTES``, from another tool, or its checksum does not verify (nothing in the
    body is looked at before that)."""
    try:
        data = read_bounded(path, CACHE_ENTRY_BYTES, "cache entry")  # (FIFOs refused: never blocks)
        header_end = data.find(b"\n", 0, _HEADER_BYTES)
        if header_end < 0:
            return None
        envelope = json.loads(data[:header_end])
        if not isinstance(envelope, dict) or envelope.get("tool") != tool_fingerprint():
            return None
        body = data[header_end + 1:]
        if not hmac.compare_digest(str(envelope.get("checksum")), _checksum(body)):
            return None
        return body
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):  # InputError is a ValueError
        return None


def write_signed(path: Path, body: bytes) -> None:
    """Store ``body`` atomically behind a one-line envelope (the tool and the body's checksum);
    a directory that cannot be written is silently not used."""
    envelope = json.dumps({"tool": tool_fingerprint(), "checksum": _checksum(body)}).encode() + b"\n"
    try:
        _prepare(_cache_root(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, envelope + body, durable=False)
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


def _checksum(body: bytes | memoryview) -> str:
    """An HMAC with this machine's cache key: an entry that came with the code under review (a
    committed ``.cors-lint-cache/`` forging a clean result) does not verify and is ignored."""
    return hmac.new(_machine_key(), body, hashlib.sha256).hexdigest()


KEY_VARIABLE = "CORS_LINT_CACHE_KEY"
MIN_KEY_CHARACTERS = 32  # `openssl rand -hex 32` gives 64

_KEYS: dict[tuple[str, str], bytes] = {}  # (the shared secret, where the machine key lives) -> the key


def shared_key_problem() -> str | None:
    """Why ``$CORS_LINT_CACHE_KEY`` cannot sign the cache, or None when it can or is not set.

    Empty counts as not set: a pull request from a fork sees its CI secret as an empty string,
    and such a run must neither fail nor reuse anything. A key that is set but short is refused
    (the command exits 2) rather than used: a guessable key would let a pull request sign a
    forged clean result."""
    secret = os.environ.get(KEY_VARIABLE, "").strip()
    if secret and len(secret) < MIN_KEY_CHARACTERS:
        return (f"${KEY_VARIABLE} has {len(secret)} characters, fewer than the {MIN_KEY_CHARACTERS} a cache "
                f"signing key needs (make one with `openssl rand -hex 32`; unset it, or pass --no-cache, to run "
                f"without a shared cache)")
    return None


def _machine_key() -> bytes:
    """The key that signs and verifies cache entries; never one the code under review can know.

    With ``$CORS_LINT_CACHE_KEY`` set (a CI secret shared by the runners that restore the cache),
    a key derived from it, held in memory only. Otherwise a random key kept outside any project
    (``$XDG_CACHE_HOME/cors-lint/key``, mode 0600), so on a fresh CI runner nothing restored is
    trusted; when it cannot be stored, a key for this process only (the cache then lasts one run).
    Kept per environment it was derived from: a process that runs several checks (the test suite,
    an editor integration) follows a changed environment."""
    secret = os.environ.get(KEY_VARIABLE, "").strip()
    try:
        home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cors-lint"
    except (RuntimeError, KeyError):  # no home directory at all
        home = None
    inputs = (secret, str(home))
    if inputs not in _KEYS:
        _KEYS[inputs] = _derived_key(secret) if secret else _stored_key(home)
    return _KEYS[inputs]


def _derived_key(secret: str) -> bytes:
    # a short key is refused before any entry is read (checker / cli); should one still get
    # here, nothing is signed with it: a random key that verifies nothing stored
    if shared_key_problem() is not None:
        return secrets.token_bytes(32)
    return hmac.new(secret.encode("utf-8", "surrogateescape"), b"cors-lint cache signing key v1",
                    hashlib.sha256).digest()


def _stored_key(home: Path | None) -> bytes:
    """This machine's key under ``home``, made on first use; a key for this process only when
    there is no place to keep one."""
    if home is None:
        return secrets.token_bytes(32)
    path = home / "key"
    try:
        key = path.read_bytes()
        if len(key) < 32:
            raise OSError("short key")
        return key
    except OSError:
        key = secrets.token_bytes(32)
    try:
        home.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
    except FileExistsError:  # a concurrent run created it first: use theirs
        theirs = path.read_bytes()
        key = theirs if len(theirs) >= 32 else key
    except OSError:
        pass
    return key


_TOOL: str | None = None


def tool_fingerprint() -> str:
    """The version plus the content of the package's own files: a changed cors-lint (an upgrade,
    or an edit in a development checkout) never reads an older tool's results, and the same
    release installed afresh (a CI runner: pip gives every file the install time as mtime) reads
    the results a CI cache restores. Hashing ~0.8 MB costs ~3 ms."""
    global _TOOL
    if _TOOL is None:
        package = Path(__file__).parents[1]  # the whole cors_lint package
        parts = [__version__]
        for path in sorted(package.rglob("*")):
            if path.suffix in (".py", ".yaml", ".json") and "__pycache__" not in path.parts:
                digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
                parts.append(f"{path.relative_to(package).as_posix()}:{digest}")
        _TOOL = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]
    return _TOOL


def prune(directory: Path, suffix: str, keep: int, max_bytes: int | None = None) -> None:
    """Remove the least recently written (or touched) entries named ``*suffix`` until at most
    ``keep`` remain, holding at most ``max_bytes`` together (a concurrent run may remove the same
    ones, or read one as it goes: it then reads as absent)."""
    try:
        with os.scandir(directory) as found:
            entries = sorted((stat.st_mtime_ns, stat.st_size, entry.path) for entry in found
                             if entry.name.endswith(suffix) for stat in (entry.stat(),))
    except OSError:
        return
    total = sum(size for _, size, _ in entries)
    count = len(entries)
    for _, size, path in entries:
        if count <= keep and (max_bytes is None or total <= max_bytes):
            break
        try:
            os.unlink(path)
        except OSError:
            pass
        count, total = count - 1, total - size
