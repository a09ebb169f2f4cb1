"""CI output formats, checked with the consumers' own rules: SARIF against the OASIS schema,
GitHub annotation syntax, GitLab Code Quality fields, JUnit XML; --output writes atomically."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from helpers import write

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "fixtures" / "example_app"
SHARED_SARIF_SCHEMA = ROOT.parent / "shared" / "reference" / "sarif-2.1.0-rtm.5.json"
SARIF_SCHEMA = SHARED_SARIF_SCHEMA if SHARED_SARIF_SCHEMA.exists() else ROOT / "tests" / "data" / "sarif-2.1.0-rtm.5.json"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cors_lint", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd)


@pytest.fixture
def suppressed_project(tmp_path: Path) -> Path:
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        # cors-lint: ignore[CORS007] reason="public status page"
        CORS(app)
        CORS(app, supports_credentials=True, resources=r"/me")
        @app.route("/status")
        def status(): return "ok"
        @app.route("/me")
        def me(): return "me"
    """})
    return tmp_path


def test_sarif_is_valid_sarif_2_1_0_with_rules_fingerprints_and_suppressions(suppressed_project):
    result = run(str(suppressed_project), "--format", "sarif")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    run_ = document["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert all(rule["help"]["text"] and rule["properties"]["security-severity"] for rule in rules)
    results = {r["ruleId"]: r for r in run_["results"]}
    assert results["CORS001"]["partialFingerprints"]["corsLintFingerprint/v1"]
    assert rules[results["CORS001"]["ruleIndex"]]["id"] == "CORS001"
    assert results["CORS007"]["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                                  "justification": "public status page"}]
    assert results["CORS001"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 6


def test_github_annotations_escape_their_properties_and_data(suppressed_project):
    lines = run(str(suppressed_project), "--format", "github").stdout.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    error = next(line for line in lines if "CORS001" in line)
    assert error.startswith("::error file=app.py,line=6,col=1,title=CORS001 credentials-with-any-origin::")


def test_gitlab_code_quality_report(suppressed_project):
    issues = json.loads(run(str(suppressed_project), "--format", "gitlab").stdout)
    assert issues and all(set(i) == {"description", "check_name", "fingerprint", "severity", "location"}
                          for i in issues)
    assert {i["severity"] for i in issues} <= {"info", "minor", "major", "critical", "blocker"}
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_junit_report_has_one_failure_per_finding(suppressed_project, tmp_path):
    root = ElementTree.fromstring(run(str(suppressed_project), "--format", "junit").stdout)
    suite = root.find("testsuite")
    failures = suite.findall("testcase/failure")
    assert int(suite.get("failures")) == len(failures) > 0
    assert suite.get("skipped") == "1"
    clean = tmp_path / "clean"
    write(clean, {"app.py": "x = 1\n"})
    suite = ElementTree.fromstring(run(str(clean), "--format", "junit").stdout).find("testsuite")
    assert suite.get("failures") == "0" and len(suite.findall("testcase")) == 1


def test_output_file_is_written_atomically_and_matches_stdout(tmp_path):
    target = tmp_path / "out" / "findings.json"
    target.parent.mkdir()
    target.write_text("old content")
    written = run(str(EXAMPLE), "--format", "json", "--output", str(target))
    printed = run(str(EXAMPLE), "--format", "json")
    assert written.returncode == printed.returncode == 1
    assert written.stdout == ""
    assert json.loads(target.read_text()) == json.loads(printed.stdout)
    assert sorted(p.name for p in target.parent.iterdir()) == ["findings.json"]  # no temporary left behind
    missing = run(str(EXAMPLE), "--output", str(tmp_path / "no" / "such" / "dir" / "x.txt"))
    assert missing.returncode == 2 and "cannot write" in missing.stderr
