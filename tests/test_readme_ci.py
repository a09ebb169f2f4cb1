"""The README's GitHub and GitLab CI examples, run as written (the cors-lint commands of each) on
a copy of the example app made a git repository: what the upload steps then receive, and the
exit codes the jobs see."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import jsonschema
from helpers import run_cli

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "fixtures" / "example_app"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-2.1.0-rtm.5.json"


def block(language: str, first_line: str) -> str:
    """The README's fenced ``language`` block that starts with ``first_line``."""
    for found in re.findall(rf"```{language}\n(.*?)```", (ROOT / "README.md").read_text(), re.S):
        if found.startswith(first_line):
            return found
    raise AssertionError(f"no {language} block starting with {first_line!r} in the README")


def commands(text: str) -> list[list[str]]:
    """The cors-lint commands of a workflow's `run:` steps or a job's `script:` lines."""
    lines = [re.sub(r"^\s*-\s*(run:\s*)?", "", line) for line in text.splitlines()]
    return [shlex.split(line.split("#")[0])[1:] for line in lines if line.startswith("cors-lint ")]


def repository(tmp_path: Path) -> Path:
    checkout = tmp_path / "checkout"
    shutil.copytree(EXAMPLE, checkout, ignore=shutil.ignore_patterns(".cors-lint-cache"))
    subprocess.run(["git", "init", "-q"], cwd=checkout, check=True)
    return checkout


def test_the_github_workflow_uploads_sarif_whose_category_the_upload_decides(tmp_path):
    workflow = block("yaml", "# .github/workflows/cors-lint.yml")
    sarif_step, annotations_step = commands(workflow)
    assert "category: cors-lint" in workflow and "--sarif-category" not in workflow
    checkout = repository(tmp_path)
    # the SARIF step must pass (exit 0) even with findings, or the upload step after it never runs
    run_cli(*sarif_step, cwd=checkout, expect_exit=0, to_file=True)
    log = json.loads((checkout / "cors-lint.sarif").read_text())
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    assert "automationDetails" not in log["runs"][0]  # so `category: cors-lint` is the one that counts
    assert {result["ruleId"] for result in log["runs"][0]["results"]} >= {"CORS002", "CORS019"}
    annotations = run_cli(*annotations_step, cwd=checkout, expect_exit=1)  # findings fail the job, as documented
    assert re.search(r"^::error file=shop/__init__.py,line=17,", annotations.stdout, re.M), annotations.stdout


def test_the_gitlab_job_writes_the_code_quality_report_and_fails_on_findings(tmp_path):
    [step] = commands(block("yaml", "# .gitlab-ci.yml"))
    checkout = repository(tmp_path)
    run_cli(*step, cwd=checkout, expect_exit=1, to_file=True)  # `artifacts: when: always` keeps the report
    issues = json.loads((checkout / "gl-code-quality-report.json").read_text())
    assert {"CORS002 permissive-regex-origin", "CORS019 vulnerable-flask-cors-version"} <= \
        {issue["check_name"] for issue in issues}
    assert all(set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"} for issue in issues)
