"""The findings document (``--format json``), the text output, and the exit code."""

from __future__ import annotations

from typing import Any

from cors_lint import __version__
from cors_lint.check.result import CheckResult
from cors_lint.core.plurals import plural
from cors_lint.policy.loader import Policy

SCHEMA_VERSION = 1
_RANK = {"error": 3, "warning": 2, "note": 1, "never": 99}
RELATED_SHOWN = 4  # related places printed under a finding in the text (all are in JSON and SARIF)


def summary(result: CheckResult) -> dict[str, Any]:
    counts = {level: sum(1 for f in result.findings if f.severity == level) for level in ("error", "warning", "note")}
    inventory = result.inventory
    return {"files": inventory.files, "routes": inventory.route_count, "findings": len(result.findings),
            "by_severity": counts, "errors": len(inventory.errors), "environments": list(result.environments),
            "suppressed": len(result.suppressed), "baseline": len(result.baselined),
            "internal_errors": len(result.failures), "tests_not_run": inventory.tests_not_run}


def check_document(result: CheckResult, policy: Policy) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "cors-lint", "version": __version__},
        "policy": policy.source,
        "flask_cors": result.inventory.version.as_json(),
        "findings": [{**finding.as_json(), **({"fix": fix} if (fix := result.fix_json(finding)) else {})}
                     for finding in result.findings],
        "suppressed": [{**finding.as_json(), "suppression": suppression.as_json()}
                       for finding, suppression in result.suppressed],
        "errors": [error.as_json() for error in result.inventory.errors],
        "internal_errors": [failure.as_json() for failure in result.failures],
        "analysis_notes": list(result.inventory.notes),
        "skipped": [error.as_json() for error in result.inventory.skipped],
        "summary": summary(result),
    }


def check_text(result: CheckResult, policy: Policy, color: bool = False, frames: bool = True) -> str:
    """The text output: each finding's place, rule, severity and message; with ``frames``, the line
    it points at underlined from its column, and the places that decide it (where its values are
    written, the CORS call) with theirs. ``color``: ANSI colours (a terminal only)."""
    paint = _Paint(color)
    lines: list[str] = []
    for finding in result.findings:
        environment = f" [{finding.environment}]" if len(result.environments) > 1 else ""
        apps = f" (app {', '.join(finding.apps)})" if finding.apps and result.inventory.app_count > 1 else ""
        lines.append(f"{paint.bold(f'{finding.file}:{finding.line}:{finding.column + 1}:')} "
                     f"{paint.bold(finding.rule_id)} {paint.severity(finding.severity)}: "
                     f"{finding.with_condition()}{apps}{environment}")
        shown = [r for r in finding.related if not r[2].startswith("route ")][:RELATED_SHOWN]
        if not frames:
            continue
        text = result.line(finding.file, finding.line)
        width = len(str(max([finding.line] + [line for _, line, _ in shown])))
        if text is not None:
            lines += _frame(paint, finding.line, text, finding.column, width,
                            paint.severity(_carets(text, finding.column), finding.severity) + f" {finding.rule_name}")
        for file, line, what in shown:
            lines.append(f"{' ' * (width + 1)}{paint.gutter(' ::: ')}{file}:{line} {what}")
            related = result.line(file, line)
            if related is not None:
                lines += _frame(paint, line, related, None, width)
        lines += _fix_lines(paint, result.fix(finding), width)
        lines.append("")  # a blank line after each finding's frames
    for error in result.inventory.errors:
        lines.append(f"{error.file}:{error.line or 1}:{error.column or 1}: cannot analyse: {error.message}")
    for skipped in result.inventory.skipped:
        lines.append(f"{skipped.file}:{skipped.line or 1}:1: note: {skipped.message}")
    for note in result.inventory.notes:
        lines.append(f"{note['file']}:{note['line'] or 1}:1: note: {note['message']}")
    for failure in result.failures:
        where = f"{failure.file}:{failure.line or 1}:1" if failure.file is not None else str(result.inventory.root)
        lines.append(f"{where}: internal error: {failure.describe()} (rerun with --verbose for the traceback)")
    counts = summary(result)
    by = counts["by_severity"]
    hidden = f", {counts['suppressed']} suppressed" if counts["suppressed"] else ""
    hidden += f", {counts['baseline']} in the baseline" if counts["baseline"] else ""
    last = (f"{plural(counts['findings'], 'finding')} ({plural(by['error'], 'error')}, "
            f"{plural(by['warning'], 'warning')}, {plural(by['note'], 'note')}{hidden}) in "
            f"{plural(counts['files'], 'file')}, {plural(counts['routes'], 'route')}; "
            f"{plural(counts['errors'], 'file')} not analysed; policy {policy.source}")
    if counts["tests_not_run"]:
        last += f"; {plural(counts['tests_not_run'], 'test file')} not run (--include-tests)"
    if result.failures:
        last += f"; {plural(len(result.failures), 'rule')} failed (internal error)"
    lines.append(last)
    return "\n".join(lines) + "\n"


def _frame(paint: _Paint, number: int, text: str, column: int | None, width: int, under: str = "") -> list[str]:
    """A code frame: the line, numbered, and (when ``column`` is given) ``under`` below it, set
    to start at the column (tabs shown as four spaces)."""
    code = text.rstrip().expandtabs(4)
    gutter = " " * (width + 1)  # every line of a frame starts with a space: only findings start a line
    frame = [f"{gutter}{paint.gutter(' |')}", f" {paint.gutter(f'{number:>{width}} |')} {code}"]
    if column is not None:
        indent = len(text[:column].expandtabs(4))
        frame.append(f"{gutter}{paint.gutter(' |')} {' ' * indent}{under}")
    return frame


def _fix_lines(paint: "_Paint", fix, width: int) -> list[str]:
    """The proven fix under a finding's frames: what it does (and in which file, when not the
    finding's), and the lines it changes."""
    if fix is None:
        return []
    where = f" (in {fix.file})" if fix.file != fix.finding_at[0] else ""
    out = [f"{' ' * (width + 1)}{paint.gutter(' = ')}fix ({'safe' if fix.safe else 'unsafe'}): {fix.description}"
           f"{where}"]
    for first, removed, added in fix.hunks():
        out += [f" {paint.gutter(f'{first + i:>{width}} -')} {text}" for i, text in enumerate(removed)]
        out += [f" {paint.gutter(f'{first + i:>{width}} +')} {text}" for i, text in enumerate(added)]
    return out


def _carets(text: str, column: int) -> str:
    """``^`` under the line from the column to the end of its code (a comment after it left out)."""
    return "^" * max(1, len(text[:code_end(text)][column:].expandtabs(4)))


def code_end(text: str) -> int:
    """Where a line's code ends: before a ``#`` comment outside string quotes, trailing spaces off."""
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif text.startswith(quote, index):
                index += len(quote) - 1
                quote = ""
        elif char in "\"'":
            quote = text[index:index + 3] if text[index:index + 3] in ('"""', "\'\'\'") else char
            index += len(quote) - 1
        elif char == "#":
            break
        index += 1
    return len(text[:index].rstrip())


class _Paint:
    """ANSI colours when ``on`` (what ruff uses: bold places, severities in red / yellow / cyan,
    a blue gutter); the text unchanged otherwise."""

    SEVERITY = {"error": "1;31", "warning": "1;33", "note": "1;36"}

    def __init__(self, on: bool):
        self.on = on

    def _wrap(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.on else text

    def bold(self, text: str) -> str:
        return self._wrap(text, "1")

    def gutter(self, text: str) -> str:
        return self._wrap(text, "1;34")

    def severity(self, text: str, level: str | None = None) -> str:
        return self._wrap(text, self.SEVERITY.get(level or text, "1"))


def exit_code(result: CheckResult, fail_on: str) -> int:
    """2 when a rule failed (whatever ``fail_on`` says: its findings may be missing), else 1 for
    findings at ``fail_on`` or above or files not analysed (unless ``fail_on`` is never), else 0."""
    if result.failures:
        return 2
    if fail_on == "never":
        return 0
    threshold = _RANK[fail_on]
    failing = any(_RANK[f.severity] >= threshold for f in result.findings)
    return 1 if failing or result.inventory.errors else 0
