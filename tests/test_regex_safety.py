"""Regexes from scanned code cannot hang cors-lint: they are evaluated under a deadline, and a
pattern that backtracks catastrophically is reported (CORS031) instead of analysed.

The subprocess timeout below is a hang guard, not a speed assertion."""

from __future__ import annotations

import json

from helpers import run_cli

HOSTILE = {
    # the attacker candidates cors-lint derives contain the domain's long run of "a"s
    "origin": r'''CORS(app, origins=[r"^https://(a+)+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\.x\.com$"])''',
    "huge": '''CORS(app, origins=["^https://(" + "a|" * 3000 + "b)$"])''',
    "resource": '''CORS(app, resources={r"^/(a+)+$": {"origins": "https://app.example.com"}})''',
}


def run_on(tmp_path, line: str) -> dict:
    source = "\n".join(["from flask import Flask", "from flask_cors import CORS", "app = Flask(__name__)", line,
                         '@app.route("/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")', 'def x(): return "x"', ""])
    (tmp_path / "app.py").write_text(source)
    result = run_cli(str(tmp_path), "--format", "json", expect_exit=1, timeout=120)  # each case has findings
    return json.loads(result.stdout)


def test_catastrophic_origin_regex_is_reported_not_evaluated(tmp_path):
    findings = run_on(tmp_path, HOSTILE["origin"])["findings"]
    assert any(f["rule_id"] == "CORS031" for f in findings)


def test_huge_origin_regex_is_refused(tmp_path):
    findings = run_on(tmp_path, HOSTILE["huge"])["findings"]
    assert any(f["rule_id"] == "CORS031" and "too long" in f["message"] for f in findings)


def test_catastrophic_resource_pattern_leaves_the_route_unresolved(tmp_path):
    findings = run_on(tmp_path, HOSTILE["resource"])["findings"]
    unresolved = [f for f in findings if f["rule_id"] == "CORS027"]
    assert unresolved and "too slow to evaluate" in unresolved[0]["message"]
