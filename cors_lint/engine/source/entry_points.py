"""The functions a project declares as its commands in packaging files (console and GUI
scripts): what ``pip install`` turns into executables, so what starts a server built from
a CLI ``main()``. Read from ``pyproject.toml`` (``[project.scripts]``, ``[project.gui-scripts]``,
``[tool.poetry.scripts]``), ``setup.cfg`` (``[options.entry_points]``) and ``setup.py``
(``entry_points={"console_scripts": [...]}``, read as text: it is never run)."""

from __future__ import annotations

import configparser
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cors_lint.core.limits import PACKAGING_BYTES, TOML_BYTES, InputError, read_bounded

_REFERENCE = re.compile(r"^\s*(?P<module>[A-Za-z_][\w.]*)\s*:\s*(?P<attribute>[A-Za-z_][\w.]*)\s*(?:\[.*\])?\s*$")
_SETUP_PY_ENTRY = re.compile(r"""["']\s*([\w.-]+)\s*=\s*([A-Za-z_][\w.]*\s*:\s*[A-Za-z_][\w.]*)\s*["']""")


@dataclass(frozen=True)
class EntryPoint:
    name: str  # the command
    module: str
    attribute: str  # a function, or a dotted path inside the module
    declared_in: str  # the packaging file, relative to the root


def declared_entry_points(root: Path) -> list[EntryPoint]:
    found: list[EntryPoint] = []
    found += _from_pyproject(root)
    found += _from_setup_cfg(root)
    found += _from_setup_py(root)
    unique = {(e.module, e.attribute): e for e in reversed(found)}  # the first declaration wins
    return sorted(unique.values(), key=lambda e: (e.module, e.attribute))


def _text(root: Path, name: str, limit: int) -> str | None:
    """The file's text, or None when it is absent, unreadable or over the limit (reading
    ``[tool.cors-lint]`` and the pins reports an oversized packaging file; here it only means
    no command is known from it)."""
    if not (root / name).is_file():
        return None
    try:
        return read_bounded(root / name, limit, "packaging file").decode("utf-8", errors="replace")
    except (InputError, OSError):
        return None


def _entry(name: str, reference: str, declared_in: str) -> EntryPoint | None:
    match = _REFERENCE.match(str(reference))
    if match is None:
        return None
    return EntryPoint(str(name), match.group("module"), match.group("attribute"), declared_in)


def _from_pyproject(root: Path) -> list[EntryPoint]:
    text = _text(root, "pyproject.toml", TOML_BYTES)
    if text is None:
        return []
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return []
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    tables = [project.get("scripts"), project.get("gui-scripts"), poetry.get("scripts") if isinstance(poetry, dict)
              else None]
    found = []
    for table in tables:
        if isinstance(table, dict):
            for name, reference in table.items():
                if isinstance(reference, dict):  # poetry's {reference = "...", type = "console"}
                    reference = reference.get("reference", "")
                entry = _entry(name, reference, "pyproject.toml")
                if entry is not None:
                    found.append(entry)
    return found


def _from_setup_cfg(root: Path) -> list[EntryPoint]:
    text = _text(root, "setup.cfg", PACKAGING_BYTES)
    if text is None:
        return []
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    found = []
    for key in ("console_scripts", "gui_scripts"):
        block = parser.get("options.entry_points", key, fallback="")
        for line in block.splitlines():
            name, _, reference = line.partition("=")
            entry = _entry(name.strip(), reference, "setup.cfg") if reference else None
            if entry is not None:
                found.append(entry)
    return found


def _from_setup_py(root: Path) -> list[EntryPoint]:
    text = _text(root, "setup.py", PACKAGING_BYTES)
    if text is None or "scripts" not in text:
        return []
    found = []
    for name, reference in _SETUP_PY_ENTRY.findall(text):
        entry = _entry(name, reference, "setup.py")
        if entry is not None:
            found.append(entry)
    return found
