"""Which flask-cors version a project runs, read from its pins, and what differs by version.

The engine models flask-cors 6.0.1-6.0.5 unless a pin or lock file says otherwise
(or ``--flask-cors-version`` is given). Differences that change per-route results:

- resource order: by pattern length (<= 5.0.1, CVE-2024-6839), by group with the
  fewest slashes first (6.0.0), by group with the most slashes first (6.0.1+);
- request paths match case-insensitively before 6.0 (CVE-2024-6866);
- ``allow_private_network``: absent before 4.0.2 (4.0.0/4.0.1 always answer "true",
  3.x never sends the header), default True in 4.0.2, False from 5.0.0;
- invalid regexes: 500 on matching requests (<= 5.0.1), no match (6.0.0-6.0.3),
  ValueError at configure time (6.0.4+).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

LATEST = (6, 0, 5)
_NAME = re.compile(r"(?i)^\s*[\"']?flask[-_.]?cors\b")
_EXACT = re.compile(r"(?i)flask[-_.]?cors\s*(?:\[[^\]]*\])?\s*===?\s*[\"']?v?(\d+(?:\.\d+)*)")
_LOCK_VERSION = re.compile(r'(?im)^\s*version\s*=\s*"(\d+(?:\.\d+)*)"')
_PIN_FILES = ("requirements*.txt", "requirements/*.txt", "pyproject.toml", "Pipfile", "Pipfile.lock", "poetry.lock",
              "uv.lock", "setup.py", "setup.cfg")


@dataclass(frozen=True)
class FlaskCorsVersion:
    version: tuple[int, ...]
    source: str  # "default", "--flask-cors-version", or "file:line"

    @property
    def text(self) -> str:
        return ".".join(map(str, self.version))

    # ------------------------------------------------------------------ behaviour switches
    @property
    def sort_scheme(self) -> str:
        if self.version <= (5, 0, 1):
            return "length"
        if self.version[:3] == (6, 0, 0):
            return "groups-fewest-slashes"
        return "groups-most-slashes"

    @property
    def case_sensitive_paths(self) -> bool:
        return self.version >= (6, 0, 0)

    @property
    def private_network_default(self) -> bool:
        return (4, 0, 0) <= self.version < (5, 0, 0)

    @property
    def invalid_regex_raises(self) -> bool:
        return self.version >= (6, 0, 4)

    def as_json(self) -> dict[str, str]:
        return {"version": self.text, "source": self.source}


DEFAULT = FlaskCorsVersion(LATEST, "default (latest release modelled)")


def parse_version(text: str) -> tuple[int, ...]:
    parts = tuple(int(p) for p in re.findall(r"\d+", text)[:3])
    if not parts:
        raise ValueError(f"not a version: {text!r}")
    return parts + (0,) * (3 - len(parts))


def pin_files(root: Path) -> list:
    """The files ``detect`` reads, as ``SourceFile``s (the cache keys on their content)."""
    from cors_lint.project import SourceFile

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
