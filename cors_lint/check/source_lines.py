"""The source lines findings point at, quoted when the check runs, so that renderers stay pure:
the text output's code frames and SARIF's ``region.snippet`` read them from the result (which the
result cache keeps, valid while the files they come from are unchanged)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from cors_lint.check.findings import Finding

MAX_FILE_BYTES = 5 * 1024 * 1024  # the analysis reads nothing larger (engine.source.project.MAX_FILE_BYTES)
MAX_LINE_CHARS = 400  # a quoted line longer than this is cut (minified code, data)


def quoted(findings: Iterable[Finding], root: Path) -> dict[str, dict[int, str]]:
    """``file -> line -> text`` for the place of each finding and each of its related places."""
    wanted: dict[str, set[int]] = {}
    for finding in findings:
        wanted.setdefault(finding.file, set()).add(finding.line)
        for file, line, _ in finding.related:
            wanted.setdefault(file, set()).add(line)
    found: dict[str, dict[int, str]] = {}
    for file, lines in sorted(wanted.items()):
        text = _lines(root / file)
        if text:
            found[file] = {line: text[line - 1][:MAX_LINE_CHARS] for line in sorted(lines) if 0 < line <= len(text)}
    return found


def _lines(path: Path) -> list[str]:
    try:
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return []
        data = path.read_bytes()
    except OSError:
        return []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n").split("\n")
