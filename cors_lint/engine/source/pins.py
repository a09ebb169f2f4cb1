"""The flask-cors version a project pins or locks (requirements, pyproject, Pipfile, lock files).

These files come with the project under review: together they are read only up to
``PACKAGING_BYTES`` (more is an ``InputError``, exit 2: a pin they may hold cannot be silently
ignored), and scanned with patterns that take linear time whatever they hold.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from cors_lint.core.limits import PACKAGING_BYTES, Budget, InputError, MiB, read_bounded
from cors_lint.core.versions import DEFAULT, FlaskCorsVersion, parse_version
from cors_lint.engine.source.project import SourceFile, project_root

_NAME = re.compile(r"(?i)^\s*[\"']?flask[-_.]?cors\b")


# a pin in a line, before any comment (`Flask-CORS[extra] == 4.0.1`, `"flask-cors==4.0.1",`),
# in linear time whatever the file holds: the match starts at a line's start, whitespace never
# crosses a line nor can be matched two ways, and an extras list is at most 64 characters
_EXACT = re.compile(r"(?im)^[^#\n]*?flask[-_.]?cors[^\S\n]*(?:\[[^\]#\n]{0,64}\][^\S\n]*)?===?[^\S\n]*[\"']?v?"
                    r"(\d+(?:\.\d+)*)")


_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


# `name = "flask-cors"` and the next `version = "..."` in poetry.lock / uv.lock (`[ \t]`, not
# `\s`: `^\s*` would rescan every run of blank lines from each of its lines)
_LOCK_NAME = re.compile(r'(?im)^[ \t]*name[ \t]*=[ \t]*"flask[-_.]?cors"[ \t]*$')
_LOCK_VERSION = re.compile(r'(?im)^[ \t]*version[ \t]*=[ \t]*"(\d+(?:\.\d+)*)"')


# `"flask-cors": {... "version": "==4.0.1" ...}` in Pipfile.lock
_PIPFILE_ENTRY = re.compile(r'(?i)"flask[-_.]?cors"\s*:\s*\{')
_PIPFILE_VERSION = re.compile(r'(?i)"version"\s*:\s*"==(\d+(?:\.\d+)*)"')


_PIN_FILES = ("requirements*.txt", "requirements/*.txt", "pyproject.toml", "Pipfile", "Pipfile.lock", "poetry.lock",
              "uv.lock", "setup.py", "setup.cfg")
# flask-cors installed into the tree (`pip install --target libs`): `<dir>/Flask_Cors-6.0.1.dist-info/METADATA`
# one or two directories below the root
_VENDORED_DIST_INFO = re.compile(r"(?:Flask_Cors|flask_cors|Flask-Cors)-.*\.dist-info\Z")


def packaging_root(root: Path) -> Path:
    """Where the project's packaging files are: the directory scanned, or, when it holds no
    project file (a package folder such as `bazarr/` or `src/app/` scanned on its own), the
    nearest directory above it that does (its requirements, lock files and `libs/` copy of
    flask-cors are the ones that run it)."""
    return project_root(root)


def _relative(path: Path, root: Path) -> str:
    """``path`` as the scanned directory sees it (``../requirements.txt`` above it)."""
    return Path(os.path.relpath(path, root)).as_posix()


def pin_files(root: Path) -> list:
    """The files ``detect`` reads, as ``SourceFile``s (the cache keys on their content)."""
    base = packaging_root(root)
    found = {path for pattern in _PIN_FILES for path in base.glob(pattern) if path.is_file()}
    found |= set(_vendored_metadata(base))
    return [SourceFile(str(path), _relative(path, root), False) for path in sorted(found)]


def detect(root: Path) -> FlaskCorsVersion:
    """The exact flask-cors version pinned or locked in the project, else the latest. The files
    read share ``PACKAGING_BYTES`` (many large requirements files cost no more than one)."""
    allowance = Budget(PACKAGING_BYTES)
    base = packaging_root(root)
    for pattern in _PIN_FILES:
        for path in sorted(base.glob(pattern)):
            found = _exact_pin(path, root, allowance)
            if found is not None:
                return found
    for metadata in _vendored_metadata(base):  # flask-cors installed into the tree (`pip install --target libs`)
        version = metadata.parent.name.split("-")[1].removesuffix(".dist-info")
        try:
            return FlaskCorsVersion(parse_version(version), _relative(metadata.parent, root))
        except ValueError:
            continue
    return DEFAULT


def _vendored_metadata(root: Path) -> list[Path]:
    """The METADATA of flask-cors dist-info folders one or two levels below the root (what
    ``<root>/*/<name>-*.dist-info/METADATA`` and ``<root>/*/*/...`` match, with one listing per
    directory: a glob of ``*/*/`` lists every directory of the tree's top two levels once per
    pattern)."""
    found: list[Path] = []
    for first in _subdirectories(str(root)):
        inside = _subdirectories(first)
        for directory, names in [(first, inside), *((second, _subdirectories(second)) for second in inside)]:
            for name in names:
                name = os.path.basename(name)
                if _VENDORED_DIST_INFO.match(name) and os.path.isfile(os.path.join(directory, name, "METADATA")):
                    found.append(Path(directory, name, "METADATA"))
    return sorted(found)


def _subdirectories(directory: str) -> list[str]:
    """The directories in ``directory`` (what pathlib's ``*`` matches: hidden ones too)."""
    try:
        with os.scandir(directory) as entries:
            return sorted(entry.path for entry in entries if entry.is_dir())
    except OSError:
        return []


def _exact_pin(path: Path, root: Path, allowance: Budget) -> FlaskCorsVersion | None:
    try:
        data = read_bounded(path, allowance.left, "packaging file")
    except OSError:
        return None
    except InputError:
        if allowance.left < allowance.limit:
            raise InputError(f"{path}:1: packaging files too large: with the ones read before it, more than "
                             f"{PACKAGING_BYTES // MiB} MiB to read for the flask-cors pin") from None
        raise
    allowance.left -= len(data)
    # as read_text(errors="replace") reads it: universal newlines
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    rel = _relative(path, root)
    if path.name in ("poetry.lock", "uv.lock"):
        found = _from_lock(text)
    elif path.name == "Pipfile.lock":
        found = _from_pipfile_lock(text)
    else:
        text = _LINE_BREAKS.sub("\n", text)  # the lines str.splitlines() sees (one character for one)
        found = _from_lines(text)
    if found is None:
        return None
    version, position = found
    line = text.count("\n", 0, position) + 1
    try:
        return FlaskCorsVersion(parse_version(version), f"{rel}:{line}")
    except ValueError:  # e.g. a component of thousands of digits
        raise InputError(f"{path}:{line}: the flask-cors pin {version[:20]!r} is not a version") from None


def _from_lines(text: str) -> tuple[str, int] | None:
    """The first line that pins flask-cors exactly: (version, where the line starts)."""
    position = 0
    while (match := _EXACT.search(text, position)) is not None:
        end = text.find("\n", match.start())
        end = len(text) if end < 0 else end
        content = text[match.start():end].split("#", 1)[0]
        if _NAME.search(content) or "flask" in content.lower():
            return match.group(1), match.start()
        position = end + 1
    return None


def _from_lock(text: str) -> tuple[str, int] | None:
    """The first ``version = "..."`` after ``name = "flask-cors"`` (none after the first such name
    means none after any later one)."""
    name = _LOCK_NAME.search(text)
    version = _LOCK_VERSION.search(text, name.end()) if name else None
    return (version.group(1), version.start()) if version else None


def _from_pipfile_lock(text: str) -> tuple[str, int] | None:
    """``"flask-cors": {`` up to its first ``}`` holding ``"version": "==..."``; an entry that has
    none rules out every entry that starts before that ``}`` (each is scanned once)."""
    position = 0
    while (entry := _PIPFILE_ENTRY.search(text, position)) is not None:
        close = text.find("}", entry.end())
        close = len(text) if close < 0 else close
        version = _PIPFILE_VERSION.search(text, entry.end(), close)
        if version is not None:
            return version.group(1), entry.start()
        position = close
    return None
