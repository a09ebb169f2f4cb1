"""Bounds on the files cors-lint reads besides source code: policies, ``pyproject.toml``,
baselines, packaging files and cache entries.

They arrive with the repository under review, so they are untrusted. Each is read only up to a
size and parsed only to a depth and a number of values, and the check comes before the work it
bounds (a file's size before it is read, YAML values while aliases are expanded). A file over a
bound is an ``InputError`` (``file:line: message``, exit 2); a cache entry over its bound reads as
absent. Every bound is far above what real files need, and the slowest input found within them
costs at most 0.6 s of CPU, interpreter start-up included (docs/guarantees.md).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

KiB = 1024
MiB = 1024 * KiB

# a policy and every file it extends, together: the presets are under 1 KiB and the README's
# example 2 KiB; PyYAML's pure-Python scanner reads about 1 MiB/s
POLICY_BYTES = 256 * KiB
# files one policy reads through `extends`, presets included (real chains are 2 or 3 long)
POLICY_FILES = 16
# nesting of a policy, aliases expanded (real ones are 5 deep); Python's recursion overflows near 300
YAML_DEPTH = 64
# values in a policy and the files it extends, each alias counted as a copy of what it names (the
# README's example has 60): bounds alias bombs, and the parse and schema validation to ~0.5 s
YAML_VALUES = 10_000
# a JSON path (`$.environments.production.env.FLASK_ENV`); one is kept per value for error lines
YAML_PATH_CHARS = 512
# a YAML number: YAML 1.1's base-60 integers (`1:20:30`) take time quadratic in their length
YAML_NUMBER_CHARS = 64
# pyproject.toml, parsed by tomllib for [tool.cors-lint]: large real ones are under 100 KiB, and
# tomllib takes up to 0.35 s on 256 KiB (an array of small integers)
TOML_BYTES = 256 * KiB
# a baseline (--baseline): a finding takes 300 bytes to a few KiB (its message names routes), so
# thousands of findings; the costliest JSON of that size (`[{},{},...]`) parses into ~60 MiB
BASELINE_BYTES = 4 * MiB
# requirements*.txt, lock files, setup.py... read for the flask-cors pin: the result cache hashes
# them through the source reader, which reads nothing over 5 MiB (engine.source.project.MAX_FILE_BYTES)
PACKAGING_BYTES = 5 * MiB
# an entry in .cors-lint-cache/ (a results document, the stat memo of a 100,000-file tree is 12 MiB)
CACHE_ENTRY_BYTES = 64 * MiB


class Budget:
    """An amount shared by the files one input pulls in (a policy and everything it extends):
    each file spends from what the ones before it left."""

    def __init__(self, limit: int) -> None:
        self.limit = self.left = limit


class InputError(ValueError):
    """An input file cors-lint will not use; the message is ``file:line: message``."""


def read_bounded(path: str | Path, limit: int, what: str) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises ``OSError`` when it cannot be read (FIFOs and devices are refused: this never
    blocks) and ``InputError`` when it is larger than ``limit`` (``what`` names the kind of
    file in the message); the size is checked before anything is read, and the read stops at
    the limit even when the file grows meanwhile."""
    # O_NONBLOCK: opening a FIFO does not wait for a writer (it is then refused by its type)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"not a regular file: {path}")
        if info.st_size > limit:
            raise InputError(too_large(path, what, info.st_size, limit))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(too_large(path, what, len(data), limit))
    return data


def too_large(path: str | Path, what: str, size: int, limit: int) -> str:
    return f"{path}:1: {what} too large ({_size(size)}; at most {_size(limit)} is read)"


def _size(count: int) -> str:
    return f"{count / MiB:.1f} MiB" if count >= MiB else f"{count / KiB:.0f} KiB" if count >= KiB else f"{count} bytes"
