"""CI output formats, checked with the consumers' own rules: SARIF against the OASIS schema,
GitHub annotation syntax, GitLab Code Quality fields, JUnit XML; --output writes atomically."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from helpers import run_in_process, write

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "fixtures" / "example_app"
SHARED_SARIF_SCHEMA = ROOT.parent / "shared" / "reference" / "sarif-2.1.0-rtm.5.json"
SARIF_SCHEMA = SHARED_SARIF_SCHEMA if SHARED_SARIF_SCHEMA.exists() else ROOT / "tests" / "data" / "sarif-2.1.0-rtm.5.json"


def run(*args: str, cwd: Path | None = None, expect: int | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI; with ``expect``, its exit code must be that and it must have printed a report."""
    result = run_in_process(*args, cwd=cwd)
    if expect is not None:
        assert result.returncode == expect, (result.returncode, result.stdout, result.stderr)
        assert result.stdout.strip() and "Traceback" not in result.stderr, result.stderr
    return result


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


def test_sarif_leaves_the_category_to_the_upload_unless_asked(suppressed_project):
    """GitHub's upload-sarif keeps an ``automationDetails.id`` the log has, ignoring its own
    ``category:`` input; so none is written unless ``--sarif-category`` asks."""
    plain = json.loads(run(str(suppressed_project), "--format", "sarif").stdout)["runs"][0]
    assert "automationDetails" not in plain
    named = json.loads(run(str(suppressed_project), "--format", "sarif", "--sarif-category", "cors/api").stdout)
    assert named["runs"][0]["automationDetails"] == {"id": "cors/api/"}


def test_sarif_results_quote_their_lines_and_rules_link_their_documentation(suppressed_project):
    document = json.loads(run(str(suppressed_project), "--format", "sarif").stdout)
    run_ = document["runs"][0]
    source = (suppressed_project / "app.py").read_text().splitlines()
    for result in run_["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        line = source[region["startLine"] - 1]
        assert region["snippet"]["text"] == line, result
        # the region ends with the code on its line: the span GitHub highlights is the call's text
        assert region["endLine"] == region["startLine"], result
        span = line[region["startColumn"] - 1:region["endColumn"] - 1]
        assert span == line.split("  #")[0].rstrip()[region["startColumn"] - 1:] and span.strip(), (span, result)
    headings = {line[3:].strip() for line in (Path(__file__).parent.parent / "docs" / "rules.md").read_text()
                .splitlines() if line.startswith("## ")}
    anchors = {"#" + heading.lower().replace(" ", "-") for heading in headings}  # GitHub's heading anchors
    for rule in run_["tool"]["driver"]["rules"]:
        page, anchor = rule["helpUri"].split("#")
        assert page == "https://github.com/cors-lint/cors-lint/blob/main/docs/rules.md"
        assert f"#{anchor}" in anchors, rule["id"]


# GitHub workflow commands (actions/toolkit command.ts): data escapes % \r \n; property values also : and ,.
_DATA_CODES = {"%25": "%", "%0D": "\r", "%0A": "\n"}
_PROPERTY_CODES = {**_DATA_CODES, "%3A": ":", "%2C": ","}
_ANNOTATION = re.compile(r"::(?P<level>error|warning|notice) (?P<properties>[^:]*)::(?P<data>.*)")
ODD_DIR = "odd, dir: 100%"  # a directory name with every character a property value must escape


def _unescape(text: str, codes: dict[str, str]) -> str:
    """The runner's decoding; every `%` must start one of the escapes it knows."""
    escape = "%(?:" + "|".join(code[1:] for code in codes) + ")"
    assert re.fullmatch(f"(?:[^%]|{escape})*", text, re.S), text
    return re.sub(escape, lambda m: codes[m.group()], text)


def parse_annotations(output: str) -> list[dict[str, str]]:
    assert "\r" not in output and output.endswith("\n")
    parsed = []
    for line in output[:-1].split("\n"):  # one command per line: a raw newline would cut an annotation short
        match = _ANNOTATION.fullmatch(line)
        assert match, line
        properties = dict(item.split("=", 1) for item in match["properties"].split(","))
        parsed.append({"level": match["level"], "message": _unescape(match["data"], _DATA_CODES),
                       **{key: _unescape(value, _PROPERTY_CODES) for key, value in properties.items()}})
    return parsed


@pytest.fixture
def awkward_project(tmp_path: Path) -> Path:
    """Findings whose message and file path carry user-controlled text that needs escaping."""
    write(tmp_path, {
        "cors-policy.yaml": r"""
            extends: [recommended]
            custom_rules:
              - id: ORG001
                name: org-review
                severity: note
                message: "100% reviewed: {origins} on {route}\r\nsecond line, with: commas\nliteral %0A stays"
                when: {kind: extension}
        """,
        f"{ODD_DIR}/app.py": r"""
            from flask import Flask
            from flask_cors import CORS
            app = Flask(__name__, static_folder=None)
            CORS(app, origins=["https://app.example.com", "https://50%.example.com", "https://a\nb.example.com"],
                 supports_credentials=True, resources=r"/me")
            CORS(app, origins="*", supports_credentials=True, resources=r"/account/.*")
            CORS(app, origins="*", resources=r"/public/.*")
            @app.route("/me")
            def me(): return "me"
            @app.route("/account/settings")
            def settings(): return "settings"
            @app.route("/public/feed")
            def feed(): return "feed"
        """,
        f"{ODD_DIR}/broken.py": "from flask import request\ndef broken(:\n",
    })
    return tmp_path


def test_github_annotations_escape_their_properties_and_data(awkward_project):
    output = run(str(awkward_project), "--format", "github", expect=1).stdout
    annotations = parse_annotations(output)
    document = json.loads(run(str(awkward_project), "--format", "json", expect=1).stdout)
    level = {"error": "error", "warning": "warning", "note": "notice"}
    expected = [{"level": level[f["severity"]], "file": f["file"], "line": str(f["line"]), "col": str(f["column"] + 1),
                 "title": f"{f['rule_id']} {f['rule_name']}", "message": f["message"]} for f in document["findings"]]
    expected += [{"level": "error", "file": e["file"], "line": str(e["line"]),
                  "message": "cannot analyse: " + e["message"]} for e in document["errors"]]
    assert annotations == expected  # every annotation decodes back to exactly what the JSON report says
    review = next(a for a in annotations if a.get("title") == "ORG001 org-review")
    assert review["file"] == f"{ODD_DIR}/app.py"
    assert review["message"] == ("100% reviewed: https://app.example.com, https://50%.example.com, "
                                 "https://a\nb.example.com on /me\r\nsecond line, with: commas\nliteral %0A stays")
    assert review["level"] == "notice" and (review["line"], review["col"]) == ("4", "1")
    [broken] = [a for a in annotations if "title" not in a]
    assert broken["file"] == f"{ODD_DIR}/broken.py" and broken["message"].startswith("cannot analyse: syntax error")
    assert {(a["level"], a["title"].split()[0]) for a in annotations if "title" in a} >= {
        ("notice", "ORG001"), ("error", "CORS001"), ("warning", "CORS007")}
    # the raw command text, as GitHub's toolkit would write it
    assert next(line for line in output.splitlines() if "title=ORG001 " in line) == (
        "::notice file=odd%2C dir%3A 100%25/app.py,line=4,col=1,title=ORG001 org-review::100%25 reviewed: "
        "https://app.example.com, https://50%25.example.com, https://a%0Ab.example.com on /me%0D%0Asecond line, "
        "with: commas%0Aliteral %250A stays")


def test_github_title_property_is_escaped_like_the_file(awkward_project):
    """Rule names from the policy cannot hold `:` or `,`; a finding built from a real one checks the title too."""
    from cors_lint.check.checker import check_paths
    from cors_lint.output.ci import github
    from cors_lint.policy.loader import load

    result = check_paths([awkward_project], load(awkward_project / "cors-policy.yaml"))
    odd = dataclasses.replace(result.findings[0], rule_name="odd: name, 100%\r\nnext", message="a,b:c")
    [annotation, *_] = parse_annotations(github(dataclasses.replace(result, findings=[odd])))
    assert annotation["title"] == f"{odd.rule_id} odd: name, 100%\r\nnext"
    assert annotation["file"] == odd.file == f"{ODD_DIR}/app.py" and annotation["message"] == "a,b:c"


def test_gitlab_code_quality_report(tmp_path):
    write(tmp_path, {"service/app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        CORS(app, supports_credentials=True, resources=r"/me")
        CORS(app, origins="https://app.example.com", max_age=0, resources=r"/api/.*")

        CORS(app, resources=r"/public/.*")
        @app.route("/me")
        def me(): return "me"
        @app.route("/api/items")
        def items(): return "items"
        @app.route("/public/feed")
        def feed(): return "feed"
    """})
    first = run(str(tmp_path), "--format", "gitlab")
    issues = json.loads(first.stdout)
    assert first.returncode == 1
    assert all(set(i) == {"description", "check_name", "fingerprint", "severity", "location"} for i in issues)
    # GitLab's Code Quality severities are info, minor, major, critical and blocker
    found = {(i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues}
    assert found == {
        ("CORS001 credentials-with-any-origin", "critical", "service/app.py", 4),  # error
        ("CORS023 max-age-zero", "info", "service/app.py", 5),  # note
        ("CORS007 wildcard-origin", "major", "service/app.py", 7),  # warning
    }
    by_rule = {i["check_name"].split()[0]: i for i in issues}
    assert all(set(i["location"]) == {"path", "lines"} and set(i["location"]["lines"]) == {"begin"} for i in issues)
    credentials = by_rule["CORS001"]["description"]
    assert credentials.startswith("CORS001 ") and "credentials are allowed" in credentials and "/me" in credentials
    max_age = by_rule["CORS023"]["description"]
    assert max_age.startswith("CORS023 max_age=0 ") and "/api/items" in max_age
    wildcard = by_rule["CORS007"]["description"]
    assert wildcard.startswith("CORS007 ") and "/public/feed" in wildcard and "`*`" in wildcard
    # the same findings as the JSON report: description is rule id + message, the fingerprints are the same ones
    document = json.loads(run(str(tmp_path), "--format", "json", expect=1).stdout)
    assert sorted((i["fingerprint"], i["description"], i["location"]["path"], i["location"]["lines"]["begin"])
                  for i in issues) == sorted((f["fingerprint"], f"{f['rule_id']} {f['message']}", f["file"], f["line"])
                                             for f in document["findings"])
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert json.loads(run(str(tmp_path), "--format", "gitlab", expect=1).stdout) == issues  # stable across runs


def test_junit_report_has_one_failure_per_finding(suppressed_project, tmp_path):
    root = ElementTree.fromstring(run(str(suppressed_project), "--format", "junit", expect=1).stdout)
    suite = root.find("testsuite")
    failures = suite.findall("testcase/failure")
    assert int(suite.get("failures")) == len(failures) > 0
    assert suite.get("skipped") == "1"
    clean = tmp_path / "clean"
    write(clean, {"app.py": "x = 1\n"})
    suite = ElementTree.fromstring(run(str(clean), "--format", "junit", expect=0).stdout).find("testsuite")
    assert suite.get("failures") == "0" and len(suite.findall("testcase")) == 1


def test_output_file_is_written_atomically_and_matches_stdout(tmp_path):
    target = tmp_path / "out" / "findings.json"
    target.parent.mkdir()
    target.write_text("old content")
    written = run(str(EXAMPLE), "--format", "json", "--output", str(target))
    printed = run(str(EXAMPLE), "--format", "json")
    assert written.returncode == printed.returncode == 1
    assert written.stdout == ""
    document = json.loads(target.read_text())
    assert document == json.loads(printed.stdout)
    assert len(document["findings"]) == document["summary"]["findings"] == 16  # the example app's findings
    assert sorted(p.name for p in target.parent.iterdir()) == ["findings.json"]  # no temporary left behind
    missing = run(str(EXAMPLE), "--output", str(tmp_path / "no" / "such" / "dir" / "x.txt"))
    assert missing.returncode == 2 and "cannot write" in missing.stderr
