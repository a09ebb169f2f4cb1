"""Every rule's embedded examples run as tests: invalid ones produce the finding they describe, valid ones
stay quiet."""

from __future__ import annotations

import pytest

from cors_lint.check.findings import Finding
from cors_lint.rules import RULES
from cors_lint.rules.base import Invalid
from cors_lint.testing import findings_for

POLICY_RULES = {"CORS024", "CORS025"}  # need a policy with allow-lists / route requirements: test_check.py
CASES = [(rule.id, "invalid", i, example) for rule in RULES.values() for i, example in enumerate(rule.invalid)]
CASES += [(rule.id, "valid", i, example) for rule in RULES.values() for i, example in enumerate(rule.valid)]


def mismatches(expected: Invalid, finding: Finding) -> list[str]:
    """How a finding differs from what its invalid example says it must be (empty: it matches)."""
    problems = []
    if finding.severity != expected.severity:
        problems.append(f"severity: expected {expected.severity!r}, got {finding.severity!r}")
    missing = [fragment for fragment in expected.message if fragment not in finding.message]
    if missing:
        problems.append(f"message: expected it to contain {missing!r}, got {finding.message!r}")
    if "{routes}" in finding.message:
        problems.append(f"message: the {{routes}} placeholder is not filled in: {finding.message!r}")
    if finding.routes != expected.routes:
        problems.append(f"routes: expected {expected.routes!r}, got {finding.routes!r}")
    if finding.attacker_origin != expected.attacker_origin:
        problems.append(f"attacker_origin: expected {expected.attacker_origin!r}, got {finding.attacker_origin!r}")
    return problems


@pytest.mark.parametrize(("rule_id", "kind", "index", "example"), CASES,
                         ids=[f"{r}-{k}-{i}" for r, k, i, _ in CASES])
def test_rule_example(rule_id, kind, index, example):
    if kind == "valid":
        fired = [f for f in findings_for(example) if f.rule_id == rule_id]
        assert not fired, f"{rule_id} fired on its valid example {index}: {[f.message for f in fired]}"
        return
    fired = [f for f in findings_for(example.code) if f.rule_id == rule_id]
    assert len(fired) == 1, (f"{rule_id} invalid example {index}: expected exactly one {rule_id} finding, "
                             f"got {len(fired)}: {[f.message for f in fired]}")
    problems = mismatches(example, fired[0])
    assert not problems, f"{rule_id} invalid example {index}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_rule_is_documented_and_has_examples(rule):
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in rule.doc, f"{rule.id} lacks {heading!r}"
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.severity in ("error", "warning", "note")
    if rule.id not in POLICY_RULES:
        assert rule.invalid and rule.valid, f"{rule.id} needs invalid and valid examples"
    assert all(isinstance(example, Invalid) for example in rule.invalid), \
        f"{rule.id}: write invalid examples as Invalid(code, severity=..., message=(...))"


def test_rule_ids_and_names_are_unique():
    assert len({rule.name for rule in RULES.values()}) == len(RULES)
    assert sorted(RULES) == [f"CORS{n:03d}" for n in range(1, len(RULES) + 1)]


def test_every_rule_module_is_registered():
    from pathlib import Path

    import cors_lint.rules as package

    modules = {p.stem for p in Path(package.__file__).parent.glob("*.py") if p.stem not in ("__init__", "base")}
    registered = {rule.check.__module__.rsplit(".", 1)[-1] for rule in RULES.values()}
    assert modules == registered
