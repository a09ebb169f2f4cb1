"""SARIF 2.1.0 for GitHub code scanning (and any SARIF consumer)."""

from __future__ import annotations

from typing import Any

from cors_lint import __version__
from cors_lint.check.findings import Finding
from cors_lint.check.result import CheckResult, RuleFailure
from cors_lint.output.report import code_end
from cors_lint.policy.catalogue import Catalogue
from cors_lint.policy.loader import Policy
from cors_lint.rules import RULES

LEVEL = {"error": "error", "warning": "warning", "note": "note"}
SECURITY_SEVERITY = {"error": "8.1", "warning": "5.3", "note": "2.0"}
FINGERPRINT_KEY = "corsLintFingerprint/v1"
INFORMATION_URI = "https://github.com/cors-lint/cors-lint"
RULES_PAGE = f"{INFORMATION_URI}/blob/main/docs/rules.md"  # `cors-lint rules --markdown`


def _first_paragraph(doc: str, heading: str) -> str:
    if heading not in doc:
        return ""
    text = doc.split(heading, 1)[1].strip().split("\n## ", 1)[0]
    return " ".join(text.split())[:1000]


def _rule(rule, built_in: bool) -> dict[str, Any]:
    what = _first_paragraph(rule.doc, "## What it does") or rule.summary
    described = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary[:1000]},
        "fullDescription": {"text": what},
        "help": {"text": rule.doc.strip() or rule.summary, "markdown": rule.doc.strip() or rule.summary},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": ["security", "cors", rule.cwe.lower()], "precision": "high",
                       "security-severity": SECURITY_SEVERITY[rule.severity]},
    }
    if built_in:  # its section of the catalogue (GitHub's heading anchor); the policy's own rules have none
        described["helpUri"] = f"{RULES_PAGE}#{rule.id.lower()}-{rule.name}"
    return described


def _region(line: int, column: int | None, text: str | None) -> dict[str, Any]:
    """A region: its start, and the line's text as the snippet when the check quoted it; with
    both, its end is where the code on that line ends (what the text output underlines; the
    column after it, as SARIF counts)."""
    region: dict[str, Any] = {"startLine": max(line, 1)}
    if column is not None:
        region["startColumn"] = column + 1
        if text is not None and code_end(text) > column:
            region["endLine"], region["endColumn"] = region["startLine"], code_end(text) + 1
    if text is not None:
        region["snippet"] = {"text": text}
    return region


def _fix(fix) -> dict[str, Any]:
    """A proven fix as SARIF: each changed run of lines replaced whole (code scanning shows no
    fixes from a third-party tool; SARIF viewers and autofix bots read them)."""
    old = fix.before.splitlines()
    replacements = [{"deletedRegion": {"startLine": first, "startColumn": 1, "endLine": first + len(removed) - 1,
                                       "endColumn": len(old[first + len(removed) - 2]) + 1}
                     if removed else {"startLine": first, "startColumn": 1, "endLine": first, "endColumn": 1},
                     "insertedContent": {"text": "\n".join(added) + ("" if removed else "\n")}}
                    for first, removed, added in fix.hunks()]
    return {"description": {"text": f"{fix.description} ({'safe' if fix.safe else 'unsafe'})"},
            "artifactChanges": [{"artifactLocation": {"uri": fix.file, "uriBaseId": "%SRCROOT%"},
                                 "replacements": replacements}]}


def _result(finding: Finding, index: dict[str, int], checked: CheckResult, suppression=None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": LEVEL[finding.severity],
        "message": {"text": finding.with_condition()},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": finding.file, "uriBaseId": "%SRCROOT%"},
            "region": _region(finding.line, finding.column, checked.line(finding.file, finding.line)),
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"environment": finding.environment, "routes": list(finding.routes)},
    }
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    fix = checked.fix(finding)
    if fix is not None:
        result["fixes"] = [_fix(fix)]
    if finding.attacker_origin:
        result["properties"]["attackerOrigin"] = finding.attacker_origin
    if finding.condition:
        result["properties"]["condition"] = finding.condition
    if finding.apps:
        result["properties"]["apps"] = list(finding.apps)
    if finding.related:  # where its values are written, the config and routes it depends on, the pin
        result["relatedLocations"] = [{
            "id": number, "message": {"text": what},
            "physicalLocation": {"artifactLocation": {"uri": file, "uriBaseId": "%SRCROOT%"},
                                 "region": _region(line, None, checked.line(file, line))},
        } for number, (file, line, what) in enumerate(finding.related)]
    if suppression is not None:
        result["suppressions"] = [{"kind": suppression.kind, "status": "accepted",
                                   "justification": suppression.reason or ""}]
    return result


def _failure(failure: RuleFailure, index: dict[str, int]) -> dict[str, Any]:
    """A rule that raised: an error notification associated with the rule (its results may be missing)."""
    kind, _, message = failure.error.partition(": ")
    notification: dict[str, Any] = {
        "level": "error", "message": {"text": f"internal error: {failure.describe()}"},
        "descriptor": {"id": "internal-error"}, "associatedRule": {"id": failure.rule_id},
        "exception": {"kind": kind, "message": message}, "properties": {"environment": failure.environment}}
    if failure.rule_id in index:
        notification["associatedRule"]["index"] = index[failure.rule_id]
    if failure.file is not None:
        notification["locations"] = [{"physicalLocation": {
            "artifactLocation": {"uri": failure.file, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(failure.line or 1, 1)}}}]
    return notification


def render(result: CheckResult, policy: Policy, category: str | None = None) -> dict[str, Any]:
    """The SARIF log of a check. ``category`` (``--sarif-category``): the run's
    ``automationDetails.id``; without it the log names none, so the category the upload gives
    (GitHub's ``upload-sarif`` ``category:``) is the one code scanning keys alerts by."""
    rules = Catalogue.of(policy).rules
    index = {rule.id: i for i, rule in enumerate(rules)}
    notifications = [{"level": "error", "message": {"text": f"{e.file}: {e.message}"},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": e.file, "uriBaseId": "%SRCROOT%"}}}]}
                     for e in result.inventory.errors]
    notifications += [_failure(failure, index) for failure in result.failures]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "cors-lint", "semanticVersion": __version__, "version": __version__,
                            "informationUri": INFORMATION_URI,
                            "rules": [_rule(rule, rule.id in RULES) for rule in rules]}},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": result.inventory.root.as_uri() + "/"}},
        "invocations": [{"executionSuccessful": not result.failures, "toolExecutionNotifications": notifications}],
        "results": [_result(f, index, result) for f in result.findings]
        + [_result(f, index, result, s) for f, s in result.suppressed],
    }
    if category:
        run = {"automationDetails": {"id": f"{category.rstrip('/')}/"}, **run}
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
