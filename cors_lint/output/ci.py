"""GitHub workflow annotations, GitLab Code Quality JSON and JUnit XML."""

from __future__ import annotations

import hashlib
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
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {properties}::{_escape_data(f.with_condition())}")
    for e in result.inventory.errors:
        lines.append(f"::error file={_escape_property(e.file)},line={e.line or 1}::"
                     f"{_escape_data('cannot analyse: ' + e.message)}")
    for failure in result.failures:
        place = f"file={_escape_property(failure.file)},line={failure.line or 1}," if failure.file is not None else ""
        lines.append(f"::error {place}title={_escape_property(f'cors-lint internal error in {failure.rule_id}')}::"
                     f"{_escape_data(failure.describe())}")
    return "\n".join(lines) + ("\n" if lines else "")


def gitlab(result: CheckResult) -> str:
    """GitLab Code Quality report (a JSON array)."""
    issues = [{
        "description": f"{f.rule_id} {f.with_condition()}",
        "check_name": f"{f.rule_id} {f.rule_name}",
        "fingerprint": f.fingerprint,
        "severity": _GITLAB_SEVERITY[f.severity],
        "location": {"path": f.file, "lines": {"begin": max(f.line, 1)}},
    } for f in result.findings]
    issues += [{  # a rule that raised: its findings may be missing
        "description": f"cors-lint internal error: {failure.describe()}",
        "check_name": f"{failure.rule_id} {failure.rule_name} (internal error)",
        "fingerprint": hashlib.sha256(json.dumps([failure.rule_id, failure.environment, failure.error,
                                                  failure.file, failure.line]).encode()).hexdigest()[:20],
        "severity": "critical",
        "location": {"path": failure.file or ".", "lines": {"begin": max(failure.line or 1, 1)}},
    } for failure in result.failures]
    return json.dumps(issues, indent=2) + "\n"


def junit(result: CheckResult) -> str:
    """One test case per finding (a failure); a passing case when there is nothing to report."""
    suites = ElementTree.Element("testsuites", name="cors-lint")
    failures = len(result.findings) + len(result.inventory.errors)
    errors = len(result.failures)
    suite = ElementTree.SubElement(suites, "testsuite", name="cors-lint", tests=str(max(failures + errors, 1)),
                                   failures=str(failures), errors=str(errors), skipped=str(len(result.suppressed)))
    for f in result.findings:
        case = ElementTree.SubElement(suite, "testcase", classname=f.file, name=f"{f.rule_id} {f.rule_name} "
                                      f"line {f.line} [{f.environment}]")
        failure = ElementTree.SubElement(case, "failure", message=f.with_condition(), type=f.severity)
        failure.text = f"{f.file}:{f.line}:{f.column + 1}: {f.rule_id} {f.with_condition()}"
    for e in result.inventory.errors:
        case = ElementTree.SubElement(suite, "testcase", classname=e.file, name="cannot analyse")
        ElementTree.SubElement(case, "failure", message=e.message, type="error")
    for rule_failure in result.failures:  # a rule that raised: a JUnit error, not a failure
        name = f"{rule_failure.rule_id} {rule_failure.rule_name} [{rule_failure.environment}]"
        case = ElementTree.SubElement(suite, "testcase", classname=rule_failure.file or "cors-lint", name=name)
        error = ElementTree.SubElement(case, "error", message=rule_failure.describe(),
                                       type=rule_failure.error.partition(":")[0])
        error.text = f"internal error: {rule_failure.describe()} (rerun with --verbose for the traceback)"
    if failures + errors == 0:
        ElementTree.SubElement(suite, "testcase", classname="cors-lint", name="CORS policy")
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"
