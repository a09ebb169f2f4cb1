"""The findings document (``--format json``), the text output, and the exit code."""

from __future__ import annotations

from typing import Any

from cors_lint import __version__
from cors_lint.check.result import CheckResult
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
        "findings": [finding.as_json() for finding in result.findings],
        "suppressed": [{**finding.as_json(), "suppression": suppression.as_json()}
                       for finding, suppression in result.suppressed],
        "errors": [error.as_json() for error in result.inventory.errors],
        "internal_errors": [failure.as_json() for failure in result.failures],
        "analysis_notes": list(result.inventory.notes),
        "skipped": [error.as_json() for error in result.inventory.skipped],
        "summary": summary(result),
    }


def check_text(result: CheckResult, policy: Policy) -> str:
    lines = []
    for finding in result.findings:
        environment = f" [{finding.environment}]" if len(result.environments) > 1 else ""
        apps = f" (app {', '.join(finding.apps)})" if finding.apps and result.inventory.app_count > 1 else ""
        lines.append(f"{finding.file}:{finding.line}:{finding.column + 1}: {finding.rule_id} {finding.with_condition()}"
                     f"{apps}{environment}")
        shown = [r for r in finding.related if not r[2].startswith("route ")][:RELATED_SHOWN]
        lines.extend(f"    {file}:{line}: {what}" for file, line, what in shown)
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
    lines.append(f"{counts['findings']} findings ({by['error']} errors, {by['warning']} warnings, {by['note']} notes"
                 f"{hidden}) in {counts['files']} files, {counts['routes']} routes; {counts['errors']} files not "
                 f"analysed; policy {policy.source}")
    if counts["tests_not_run"]:
        lines[-1] += f"; {counts['tests_not_run']} test files not run (--include-tests)"
    if result.failures:
        count = len(result.failures)
        lines[-1] += f"; {count} rule{'s' if count > 1 else ''} failed (internal error)"
    return "\n".join(lines) + "\n"


def exit_code(result: CheckResult, fail_on: str) -> int:
    """2 when a rule failed (whatever ``fail_on`` says: its findings may be missing), else 1 for
    findings at ``fail_on`` or above or files not analysed, else 0."""
    if result.failures:
        return 2
    threshold = _RANK[fail_on]
    failing = any(_RANK[f.severity] >= threshold for f in result.findings)
    return 1 if failing or result.inventory.errors else 0
