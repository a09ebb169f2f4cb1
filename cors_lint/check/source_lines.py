"""The source lines findings point at, quoted when the check runs, so that renderers stay pure:
the text output's code frames and SARIF's ``region.snippet`` read them from the result (which the
result cache keeps, valid while the files they come from are unchanged)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from cors_lint.check.findings import Finding
from cors_lint.engine.source.project import FileError, read_path

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
        data = read_path(root / file, file)  # (bounded as the analysis reads: a file it could not read is not quoted)
        if isinstance(data, FileError):
            continue
        # numbered as Python numbers lines: \r\n, \r and \n end one (a form feed does not: not splitlines)
        decoded = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
        text = decoded.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        found[file] = {line: text[line - 1][:MAX_LINE_CHARS] for line in sorted(lines) if 0 < line <= len(text)}
    return found
