"""GitHub workflow annotations, GitLab Code Quality JSON and JUnit XML."""

from __future__ import annotations

import json
from xml.etree import ElementTree

from cors_lint.check.result import CheckResult

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "note": "notice"}
_GITLAB_SEVERITY = {"error": "critical", "warning": "major", "note": "info"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(result: CheckResult) -> str:
    """``::error file=...,line=...,col=...,title=...::message`` lines for GitHub Actions."""
    lines = []
    for f in result.findings:
        properties = (f"file={_escape_property(f.file)},line={max(f.line, 1)},col={f.column + 1},"
                      f"title={_escape_property(f'{f.rule_id} {f.rule_name}')}")
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {properties}::{_escape_data(f.message)}")
    for e in result.inventory.errors:
        lines.append(f"::error file={_escape_property(e.file)},line={e.line or 1}::"
                     f"{_escape_data('cannot analyse: ' + e.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def gitlab(result: CheckResult) -> str:
    """GitLab Code Quality report (a JSON array)."""
    issues = [{
        "description": f"{f.rule_id} {f.message}",
        "check_name": f"{f.rule_id} {f.rule_name}",
        "fingerprint": f.fingerprint,
        "severity": _GITLAB_SEVERITY[f.severity],
        "location": {"path": f.file, "lines": {"begin": max(f.line, 1)}},
    } for f in result.findings]
    return json.dumps(issues, indent=2) + "\n"


def junit(result: CheckResult) -> str:
    """One test case per finding (a failure); a passing case when there is nothing to report."""
    suites = ElementTree.Element("testsuites", name="cors-lint")
    failures = len(result.findings) + len(result.inventory.errors)
    suite = ElementTree.SubElement(suites, "testsuite", name="cors-lint", tests=str(max(failures, 1)),
                                   failures=str(failures), errors="0", skipped=str(len(result.suppressed)))
    for f in result.findings:
        case = ElementTree.SubElement(suite, "testcase", classname=f.file, name=f"{f.rule_id} {f.rule_name} "
                                      f"line {f.line} [{f.environment}]")
        failure = ElementTree.SubElement(case, "failure", message=f.message, type=f.severity)
        failure.text = f"{f.file}:{f.line}:{f.column + 1}: {f.rule_id} {f.message}"
    for e in result.inventory.errors:
        case = ElementTree.SubElement(suite, "testcase", classname=e.file, name="cannot analyse")
        ElementTree.SubElement(case, "failure", message=e.message, type="error")
    if failures == 0:
        ElementTree.SubElement(suite, "testcase", classname="cors-lint", name="CORS policy")
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"
