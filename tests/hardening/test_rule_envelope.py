"""A rule never takes the run down: each runs in an error envelope.

A rule that raises becomes an internal error naming the rule, the environment and what it was
judging (traceback with ``--verbose``); every other finding is still reported, in every format,
and the run exits 2 whatever ``--fail-on`` says. The failing rule is a real one registered in
the real catalogue (``cors_lint.rules.RULES``) for the test, and the real command line runs in
this process: nothing of the checker is mocked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))

from cors_lint.schemas import load as load_schema  # noqa: E402
from helpers import counting, run_in_process, write  # noqa: E402

from cors_lint.check.checker import check_paths  # noqa: E402
from cors_lint.check.result import CheckResult, RuleFailure, result_from_json, result_to_json  # noqa: E402
from cors_lint.check import run as check_run  # noqa: E402
from cors_lint.check.run import run_rules  # noqa: E402
from cors_lint.policy.loader import load  # noqa: E402
from cors_lint.rules import RULES  # noqa: E402
from cors_lint.rules.base import Issue, Rule  # noqa: E402

ROOT = Path(__file__).parent.parent.parent
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif-2.1.0-rtm.5.json"

APP = {"app.py": """
    from flask import Flask
    from flask_cors import CORS
    app = Flask(__name__)
    CORS(app, supports_credentials=True)
    @app.route("/me")
    def me(): return "me"
    @app.route("/boom")
    def boom(): return "x"
"""}
CORS001 = "app.py:4:1: CORS001 error: any origin"  # the finding every run must still report

def _raises_on_boom(ctx):
    for route, layer in ctx.layers():
        if route.path == "/boom":
            raise ValueError("raised on purpose by the test rule")
    yield from ()


RAISING = Rule(id="CORS999", name="raises-on-purpose", severity="error", summary="A rule that raises",
               doc="## What it does\nRaises on /boom.", check=_raises_on_boom)


@pytest.fixture
def registered(monkeypatch):
    """CORS999, which raises while judging the /boom route, in the real catalogue for the test."""
    monkeypatch.setitem(RULES, RAISING.id, RAISING)


def run(tmp_path: Path, *args: str, expect: int) -> tuple[subprocess.CompletedProcess[str], str]:
    """The real command line in this process (``helpers.run_in_process``), and whether the rules
    ran ("rules ran") or the result came from the cache ("cache hit")."""
    with counting(check_run, "check_project") as analysed:
        result = run_in_process(*args, cwd=tmp_path)
    shown = f"exit {result.returncode}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    assert result.returncode == expect, shown
    return result, "rules ran" if analysed else "cache hit"


@pytest.fixture
def project(tmp_path: Path, registered) -> Path:
    """The app, with CORS999 registered."""
    return write(tmp_path / "project", APP)


def _stderr_names_the_failure(stderr: str, verbose: bool = False) -> None:
    assert ("cors-lint: internal error: rule CORS999 (raises-on-purpose) failed in environment production while "
            "judging app.py:4: ValueError: raised on purpose by the test rule") in stderr, stderr
    assert ("Traceback" in stderr) == verbose, stderr
    if verbose:
        assert 'raise ValueError("raised on purpose by the test rule")' in stderr  # the rule's own frame


def test_text_reports_every_other_finding_the_failure_and_exits_2_even_with_fail_on_never(project, tmp_path):
    for options in ((), ("--fail-on", "never")):
        result, ran = run(tmp_path, "check", str(project), "--no-cache", *options, expect=2)
        assert ran == "rules ran"
        lines = result.stdout.splitlines()
        assert any(line.startswith(CORS001) for line in lines), result.stdout
        assert ("app.py:4:1: internal error: rule CORS999 (raises-on-purpose) failed in environment production "
                "while judging app.py:4: ValueError: raised on purpose by the test rule; its findings may be "
                "incomplete (rerun with --verbose for the traceback)") in lines
        assert lines[-1].startswith("1 finding (1 error") and lines[-1].endswith("; 1 rule failed (internal error)")
        # reported once, though the rule failed the same way in staging and development too
        assert sum("internal error: rule CORS999" in line for line in lines) == 1
        _stderr_names_the_failure(result.stderr)


def test_verbose_prints_the_rules_traceback(project, tmp_path):
    result, _ = run(tmp_path, "check", str(project), "--no-cache", "--verbose", expect=2)
    assert result.stdout.splitlines()[0].startswith(CORS001)
    _stderr_names_the_failure(result.stderr, verbose=True)
    assert "in _raises_on_boom" in result.stderr and "test_rule_envelope.py" in result.stderr


def test_json_and_sarif_carry_the_failure_next_to_the_findings(project, tmp_path):
    result, _ = run(tmp_path, "check", str(project), "--no-cache", "--format", "json", expect=2)
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(load_schema("findings.schema.json")).validate(document)
    assert [f["rule_id"] for f in document["findings"]] == ["CORS001"]
    assert document["internal_errors"] == [{
        "rule_id": "CORS999", "rule_name": "raises-on-purpose", "environment": "production", "file": "app.py",
        "line": 4, "message": "rule CORS999 (raises-on-purpose) failed in environment production while judging "
                              "app.py:4: ValueError: raised on purpose by the test rule; its findings may be "
                              "incomplete"}]
    assert document["summary"]["internal_errors"] == 1
    _stderr_names_the_failure(result.stderr)

    result, _ = run(tmp_path, "check", str(project), "--no-cache", "--format", "sarif", expect=2)
    sarif = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(sarif)
    run_ = sarif["runs"][0]
    assert [r["ruleId"] for r in run_["results"]] == ["CORS001"]
    invocation = run_["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    rules = run_["tool"]["driver"]["rules"]
    assert notification["level"] == "error" and "CORS999" in notification["message"]["text"]
    assert rules[notification["associatedRule"]["index"]]["id"] == notification["associatedRule"]["id"] == "CORS999"
    assert notification["exception"] == {"kind": "ValueError", "message": "raised on purpose by the test rule"}
    location = notification["locations"][0]["physicalLocation"]
    assert (location["artifactLocation"]["uri"], location["region"]["startLine"]) == ("app.py", 4)


def test_ci_formats_show_the_failure(project, tmp_path):
    result, _ = run(tmp_path, "check", str(project), "--no-cache", "--format", "github", expect=2)
    lines = result.stdout.splitlines()
    assert any(line.startswith("::error file=app.py,line=4,col=1,title=CORS001") for line in lines), lines
    assert any(line.startswith("::error file=app.py,line=4,title=cors-lint internal error in CORS999::rule CORS999")
               for line in lines), lines

    result, _ = run(tmp_path, "check", str(project), "--no-cache", "--format", "gitlab", expect=2)
    issues = json.loads(result.stdout)
    assert [i["check_name"] for i in issues] == ["CORS001 credentials-with-any-origin",
                                                 "CORS999 raises-on-purpose (internal error)"]
    assert issues[1]["severity"] == "critical" and issues[1]["location"] == {"path": "app.py", "lines": {"begin": 4}}

    result, _ = run(tmp_path, "check", str(project), "--no-cache", "--format", "junit", expect=2)
    suite = ElementTree.fromstring(result.stdout).find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "1")
    [error] = suite.iter("error")
    assert error.get("type") == "ValueError" and "CORS999" in error.get("message")


def test_the_failure_survives_the_result_cache(project, tmp_path):
    """Cached results keep their failures (the cache key covers the tool's code, so a failure
    recurs until the code changes): a cache hit reports the same, exits 2, and has the traceback."""
    first, ran = run(tmp_path, "check", str(project), expect=2)
    assert ran == "rules ran"
    second, ran = run(tmp_path, "check", str(project), "--verbose", expect=2)
    assert ran == "cache hit"
    assert second.stdout == first.stdout
    _stderr_names_the_failure(second.stderr, verbose=True)


def test_write_baseline_and_review_report_exit_2(project, tmp_path):
    """A baseline or a review report written while a rule failed may lack its findings: exit 2."""
    baseline = tmp_path / "baseline.json"
    result, _ = run(tmp_path, "check", str(project), "--no-cache", "--write-baseline", str(baseline), expect=2)
    assert baseline.exists()
    _stderr_names_the_failure(result.stderr)
    result, _ = run(tmp_path, "report", str(project), "--format", "markdown", expect=2)
    assert "CORS001" in result.stdout
    _stderr_names_the_failure(result.stderr)


# ---------------------------------------------------------------------------- in process, through the real RULES
def _raising(after: int = 0, error: type[Exception] = KeyError):
    def check(ctx):
        for number, (route, layer) in enumerate(ctx.layers()):
            if number == after:
                raise error("options")
            yield Issue(layer.source.file, layer.source.line, 0, f"issue {number} on {{routes}}",
                        (route.path,), key=(number,))
    return Rule(id="CORS998", name="raises-in-process", severity="warning", summary="raises", doc="", check=check)


@pytest.fixture
def raising_rule(monkeypatch):
    def register(rule: Rule) -> Rule:
        monkeypatch.setitem(RULES, rule.id, rule)
        return rule
    return register


def test_issues_found_before_the_raise_are_kept(tmp_path, raising_rule):
    raising_rule(_raising(after=1))
    write(tmp_path, APP)
    result = check_paths([tmp_path], load("recommended"))
    assert [(f.rule_id, f.environment) for f in result.failures] == [("CORS998", "production")]
    assert result.failures[0].error == "KeyError: 'options'" and result.failures[0].file == "app.py"
    assert "raise error(\"options\")" in result.failures[0].traceback
    assert sorted((f.rule_id, f.message) for f in result.findings if f.rule_id != "CORS001") == [
        ("CORS998", "issue 0 on /boom")]  # yielded before the raise (on /me)


def test_a_failed_rules_suppression_is_not_reported_unused(tmp_path, raising_rule):
    """Whether it would have matched cannot be known: no CORS028 "unused suppression" for it."""
    raising_rule(_raising(after=0))
    write(tmp_path, {"app.py": APP["app.py"].replace("CORS(app, supports_credentials=True)",
                                                     "# cors-lint: ignore[CORS998] reason=\"known\"\n"
                                                     "    CORS(app, supports_credentials=True)")})
    result = check_paths([tmp_path], load("recommended"))
    assert [f.rule_id for f in result.failures] == ["CORS998"]
    assert {f.rule_id for f in result.findings} == {"CORS001"}


def test_a_rule_failing_alike_in_every_environment_is_reported_once(tmp_path, raising_rule):
    def check(ctx):
        for site in ctx.sites():  # sites belong to every environment (routes here to the default one only)
            raise TypeError(f"unhashable type: {type(site.options).__name__!r}")
        yield from ()

    raising_rule(Rule(id="CORS997", name="raises-on-sites", severity="warning", summary="raises", doc="",
                      check=check))
    write(tmp_path, APP)
    result = check_paths([tmp_path], load("recommended"))
    assert result.environments == ["production", "development", "staging"]
    assert [(f.rule_id, f.environment, f.file, f.line, f.error) for f in result.failures] == [
        ("CORS997", "production", "app.py", 4, "TypeError: unhashable type: 'dict'")]
    assert [f.rule_id for f in check_paths([tmp_path], load("recommended"), "staging").failures] == ["CORS997"]


def test_without_a_failures_list_run_rules_raises(tmp_path, raising_rule):
    raising_rule(_raising(error=RecursionError))
    write(tmp_path, APP)
    document = check_paths([tmp_path], load("recommended")).documents["production"]
    failures: list[RuleFailure] = []
    assert [f.rule_id for f in run_rules(document, load("recommended"), "production", failures)] == ["CORS001"]
    assert [f.error for f in failures] == ["RecursionError: options"]
    with pytest.raises(RecursionError):
        run_rules(document, load("recommended"), "production")


def test_cache_document_round_trip_keeps_failures_and_old_documents_are_recomputed(tmp_path, raising_rule):
    raising_rule(_raising())
    write(tmp_path, APP)
    result = check_paths([tmp_path], load("recommended"))
    stored = json.loads(json.dumps(result_to_json(result)))
    again = result_from_json(stored)
    assert isinstance(again, CheckResult) and again.failures == result.failures and again.failures
    del stored["failures"]  # written before rule failures were kept: not reused
    assert result_from_json(stored) is None
