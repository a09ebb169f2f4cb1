"""Small helpers shared by the tests: write a project, analyse it, look things up."""

from __future__ import annotations

import re
import subprocess
import sys
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


def inventory_of(directory: Path, files: dict[str, str], demand_driven: bool = True,
                 include_tests: bool = False) -> dict[str, Any]:
    write(directory, files)
    return inventory_json(analyze([directory], demand_driven=demand_driven, include_tests=include_tests))


def route(document: dict[str, Any], path: str) -> dict[str, Any]:
    matches = [r for r in document["routes"] if r["path"] == path]
    assert len(matches) == 1, (path, [r["path"] for r in document["routes"]])
    return matches[0]


def sites(document: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [s for s in document["sites"] if kind is None or s["kind"] == kind]


def run_cli(*args: str, expect_exit: int, to_file: bool = False, cwd: Path | None = None,
            env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m cors_lint ARGS`` as a user would and check what every run must satisfy:
    the expected exit code, no traceback, and that it printed something (on stderr for exit 2,
    the usage / configuration / internal error code). ``to_file``: the run writes its output to
    a file (``--output``), so stdout must stay empty; the caller checks the file.
    Callers then check *what* it printed."""
    result = subprocess.run([sys.executable, "-m", "cors_lint", *args], capture_output=True, text=True, cwd=cwd,
                            env=env, timeout=timeout)
    shown = (f"cors-lint {' '.join(args)}: exit {result.returncode}\n--- stdout\n{result.stdout[-4000:]}"
             f"\n--- stderr\n{result.stderr[-4000:]}")
    assert result.returncode == expect_exit, f"expected exit {expect_exit}; {shown}"
    assert "Traceback" not in result.stderr, shown
    if to_file:
        assert result.stdout == "", shown
    else:
        printed = result.stderr if expect_exit == 2 else result.stdout + result.stderr
        assert printed.strip(), f"printed nothing; {shown}"
    return result


def plain(text: str) -> str:
    """Terminal output as one line of words: no ANSI colours, no Rich box drawing, no wrapping."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    text = re.sub(r"[\u2500-\u257f]", " ", text)
    return " ".join(text.split())
