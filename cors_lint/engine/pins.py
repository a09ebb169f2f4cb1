"""The flask-cors version a project pins or locks (requirements, pyproject, Pipfile, lock files)."""

from __future__ import annotations

import re
from pathlib import Path

from cors_lint.core.versions import DEFAULT, FlaskCorsVersion, parse_version
from cors_lint.engine.project import SourceFile

_NAME = re.compile(r"(?i)^\s*[\"']?flask[-_.]?cors\b")


_EXACT = re.compile(r"(?i)flask[-_.]?cors\s*(?:\[[^\]]*\])?\s*===?\s*[\"']?v?(\d+(?:\.\d+)*)")


_LOCK_VERSION = re.compile(r'(?im)^\s*version\s*=\s*"(\d+(?:\.\d+)*)"')


_PIN_FILES = ("requirements*.txt", "requirements/*.txt", "pyproject.toml", "Pipfile", "Pipfile.lock", "poetry.lock",
              "uv.lock", "setup.py", "setup.cfg")


def pin_files(root: Path) -> list:
    """The files ``detect`` reads, as ``SourceFile``s (the cache keys on their content)."""
    found = {path for pattern in _PIN_FILES for path in root.glob(pattern) if path.is_file()}
    return [SourceFile(str(path), path.relative_to(root).as_posix(), False) for path in sorted(found)]


def detect(root: Path) -> FlaskCorsVersion:
    """The exact flask-cors version pinned or locked in the project, else the latest."""
    for pattern in _PIN_FILES:
        for path in sorted(root.glob(pattern)):
            found = _exact_pin(path, root)
            if found is not None:
                return found
    return DEFAULT


def _exact_pin(path: Path, root: Path) -> FlaskCorsVersion | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    rel = path.relative_to(root).as_posix()
    if path.name in ("poetry.lock", "uv.lock"):
        return _from_lock(text, rel)
    if path.name == "Pipfile.lock":
        match = re.search(r'(?is)"flask[-_.]?cors"\s*:\s*\{[^}]*?"version"\s*:\s*"==(\d+(?:\.\d+)*)"', text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            return FlaskCorsVersion(parse_version(match.group(1)), f"{rel}:{line}")
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0]
        match = _EXACT.search(content)
        if match and (_NAME.search(content) or "flask" in content.lower()):
            return FlaskCorsVersion(parse_version(match.group(1)), f"{rel}:{number}")
    return None


def _from_lock(text: str, rel: str) -> FlaskCorsVersion | None:
    for match in re.finditer(r'(?im)^\s*name\s*=\s*"flask[-_.]?cors"\s*$', text):
        version = _LOCK_VERSION.search(text, match.end())
        if version:
            line = text.count("\n", 0, version.start()) + 1
            return FlaskCorsVersion(parse_version(version.group(1)), f"{rel}:{line}")
    return None
