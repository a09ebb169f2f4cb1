"""Every rule's embedded examples run as tests: invalid ones fire, valid ones stay quiet."""

from __future__ import annotations

import pytest

from cors_lint.rules import RULES
from cors_lint.testing import findings_for

POLICY_RULES = {"CORS024", "CORS025"}  # need a policy with allow-lists / route requirements: test_check.py
CASES = [(rule.id, "invalid", i, example) for rule in RULES.values() for i, example in enumerate(rule.invalid)]
CASES += [(rule.id, "valid", i, example) for rule in RULES.values() for i, example in enumerate(rule.valid)]


@pytest.mark.parametrize(("rule_id", "kind", "index", "example"), CASES,
                         ids=[f"{r}-{k}-{i}" for r, k, i, _ in CASES])
def test_rule_example(rule_id, kind, index, example):
    fired = [f for f in findings_for(example) if f.rule_id == rule_id]
    if kind == "invalid":
        assert fired, f"{rule_id} did not fire on its invalid example {index}"
        assert all(f.message and "{routes}" not in f.message for f in fired)
    else:
        assert not fired, [f.message for f in fired]


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_rule_is_documented_and_has_examples(rule):
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in rule.doc, f"{rule.id} lacks {heading!r}"
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.severity in ("error", "warning", "note")
    if rule.id not in POLICY_RULES:
        assert rule.invalid and rule.valid, f"{rule.id} needs invalid and valid examples"


def test_rule_ids_and_names_are_unique():
    assert len({rule.name for rule in RULES.values()}) == len(RULES)
    assert sorted(RULES) == [f"CORS{n:03d}" for n in range(1, len(RULES) + 1)]


def test_every_rule_module_is_registered():
    from pathlib import Path

    import cors_lint.rules as package

    modules = {p.stem for p in Path(package.__file__).parent.glob("*.py") if p.stem not in ("__init__", "base")}
    registered = {rule.check.__module__.rsplit(".", 1)[-1] for rule in RULES.values()}
    assert modules == registered
