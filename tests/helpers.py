"""Small helpers shared by the tests: write a project, analyse it, look things up."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return directory


def inventory_of(directory: Path, files: dict[str, str], demand_driven: bool = True) -> dict[str, Any]:
    write(directory, files)
    return inventory_json(analyze([directory], demand_driven=demand_driven))


def route(document: dict[str, Any], path: str) -> dict[str, Any]:
    matches = [r for r in document["routes"] if r["path"] == path]
    assert len(matches) == 1, (path, [r["path"] for r in document["routes"]])
    return matches[0]


def sites(document: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [s for s in document["sites"] if kind is None or s["kind"] == kind]
