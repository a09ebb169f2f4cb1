"""Suppressions: inline and in the policy, with reasons, expiry, tickets, and audit mode."""

from __future__ import annotations

import json
import textwrap

import pytest

from helpers import run_cli, write

from cors_lint.check.checker import check_paths
from cors_lint.policy.loader import load

APP = """
    from flask import Flask
    from flask_cors import CORS
    app = Flask(__name__)
    {above}
    CORS(app){same}
    @app.route("/status")
    def status(): return "ok"
"""


def check(tmp_path, above="", same="", policy=None, inline=True):
    write(tmp_path, {"app.py": APP.format(above=above, same=same)})
    return check_paths([tmp_path], policy or load("recommended"), inline_suppressions=inline)


def test_comment_on_the_line_above_or_the_same_line_suppresses_with_its_reason(tmp_path):
    for above, same in (('# cors-lint: ignore[CORS007] reason="public status page" ticket=SEC-12', ""),
                        ("", '  # cors-lint: ignore[wildcard-origin] reason="public status page" ticket=SEC-12')):
        result = check(tmp_path, above, same)
        assert [f.rule_id for f in result.findings] == []
        [(finding, suppression)] = result.suppressed
        assert finding.rule_id == "CORS007"
        assert (suppression.kind, suppression.reason, suppression.ticket) == ("inSource", "public status page",
                                                                               "SEC-12")


def test_reasonless_unknown_expired_and_unused_suppressions_are_reported(tmp_path):
    cases = {
        "# cors-lint: ignore[CORS007]": ("CORS029", "has no reason"),
        '# cors-lint: ignore[CORS077] reason="x y"': ("CORS029", "unknown rule 'CORS077'"),
        '# cors-lint: ignore[CORS007] reason="x y" expires=31/01/2027': ("CORS029", "invalid expiry"),
        '# cors-lint: ignore[CORS007] reason="launch" expires=2020-01-31 ticket=SEC-9': ("CORS030", "expired on 2020-01-31 (SEC-9)"),
        '# cors-lint: ignore[CORS001] reason="never matches"': ("CORS028", "matches no finding"),
        # written otherwise than cors-lint reads: reported, never silently ignored
        '# cors-lint: ignore CORS007 reason="x y"': ("CORS029", "is written `# cors-lint: ignore CORS007"),
        '# cors-lint ignore[CORS007] reason="x y"': ("CORS029", "which cors-lint does not read"),
        '# cors-lint: ignore [CORS007] reason="x y"': ("CORS029", 'write `# cors-lint: ignore[RULE] reason="..."`'),
        '# cors-lint: disable=CORS007': ("CORS029", "is written `# cors-lint: disable=CORS007`"),
    }
    for comment, (rule_id, text) in cases.items():
        result = check(tmp_path, comment)
        found = {f.rule_id: f for f in result.findings}
        assert rule_id in found and text in found[rule_id].message, (comment, [f.message for f in result.findings])
        assert "CORS007" in found  # nothing was suppressed
        assert found[rule_id].line == 4


def test_audit_mode_ignores_inline_suppressions(tmp_path):
    result = check(tmp_path, '# cors-lint: ignore[CORS007] reason="public status page"', inline=False)
    assert [f.rule_id for f in result.findings] == ["CORS007"] and result.suppressed == []


def test_policy_suppressions_match_rule_path_and_route(tmp_path):
    (tmp_path / "cors-policy.yaml").write_text(textwrap.dedent("""
        extends: [recommended]
        suppressions:
          - {rule: CORS007, path: "app.py", route: "/st*/**", reason: "public status page", expires: "2999-01-01"}
          - {rule: CORS001, route: "/nothing", reason: "stale"}
    """))
    result = check(tmp_path, policy=load(tmp_path / "cors-policy.yaml"))
    assert [(f.rule_id, f.file) for f in result.findings] == [("CORS028", str(tmp_path / "cors-policy.yaml"))]
    [(finding, suppression)] = result.suppressed
    assert suppression.kind == "external" and finding.rule_id == "CORS007"


def test_json_output_carries_suppressed_findings_with_their_justification(tmp_path):
    write(tmp_path, {"app.py": APP.format(above='# cors-lint: ignore[CORS007] reason="public status page"', same="")})
    result = run_cli(str(tmp_path), "--format", "json", expect_exit=0)
    document = json.loads(result.stdout)
    assert document["findings"] == []
    assert document["suppressed"][0]["suppression"]["justification"] == "public status page"
    assert document["summary"]["suppressed"] == 1


def test_baseline_reports_only_new_findings_and_survives_moved_code(tmp_path):
    project = tmp_path / "project"
    write(project, {"app.py": APP.format(above="", same="")})
    baseline = tmp_path / "cors-baseline.json"

    def cli(*args, expect_exit):
        return run_cli(str(project), *args, expect_exit=expect_exit)

    written = cli("--write-baseline", str(baseline), expect_exit=0)
    assert (written.stdout, written.stderr) == ("", f"cors-lint: wrote 1 finding to {baseline}\n")
    assert json.loads(baseline.read_text())["findings"][0]["rule_id"] == "CORS007"
    known = cli("--baseline", str(baseline), expect_exit=0).stdout
    assert known.startswith("0 findings (0 errors, 0 warnings, 0 notes, 1 in the baseline) in 1 file,"), known
    moved = "import os\n\n\n" + textwrap.dedent(APP.format(above="", same=""))
    (project / "app.py").write_text(moved)
    still = cli("--baseline", str(baseline), "--format", "json", expect_exit=0)
    assert json.loads(still.stdout)["summary"]["baseline"] == 1 and json.loads(still.stdout)["findings"] == []
    (project / "app.py").write_text(moved.replace("CORS(app)", "CORS(app, supports_credentials=True)"))
    new = cli("--baseline", str(baseline), "--format", "json", expect_exit=1)
    assert [f["rule_id"] for f in json.loads(new.stdout)["findings"]] == ["CORS001"]
    baseline.write_text("{not json")
    broken = cli("--baseline", str(baseline), expect_exit=2)
    assert broken.stdout == ""
    assert broken.stderr.startswith(f"cors-lint: error: {baseline}:1: not a cors-lint baseline")


def test_a_comment_at_the_cors_call_still_suppresses_a_finding_placed_at_its_value(tmp_path):
    """A finding about `origins=ALLOWED` is placed where ALLOWED is written; a suppression written
    at the CORS call (where the finding used to be, and what it is about) still applies, and one
    at the value's line does too."""
    write(tmp_path, {
        "settings.py": 'ALLOWED = ["*"]\n',
        "app.py": """
            from flask import Flask
            from flask_cors import CORS
            from settings import ALLOWED
            app = Flask(__name__)
            CORS(app, origins=ALLOWED, supports_credentials=True)  # cors-lint: ignore[CORS001] reason="demo"
        """,
    })
    policy = load("recommended")
    result = check_paths([tmp_path], policy)
    assert [(f.rule_id, f.file, f.line) for f, _ in result.suppressed] == [("CORS001", "settings.py", 1)]
    assert "CORS001" not in {f.rule_id for f in result.findings}
    (tmp_path / "app.py").write_text((tmp_path / "app.py").read_text().split("  # cors-lint")[0] + "\n")
    (tmp_path / "settings.py").write_text('ALLOWED = ["*"]  # cors-lint: ignore[CORS001] reason="demo"\n')
    again = check_paths([tmp_path], policy)
    assert [(f.rule_id, f.file) for f, _ in again.suppressed] == [("CORS001", "settings.py")]


@pytest.mark.parametrize("setting, expected", [
    ("{}", [("CORS028", "warning")]),
    ("{severity: error}", [("CORS028", "error")]),
    ("{enabled: false}", []),
], ids=["default", "severity", "disabled"])
def test_the_policy_sets_the_suppression_rules_as_any_other(tmp_path, setting, expected):
    """`rules: {CORS028: ...}` in the policy turns the unused-suppression finding off or changes its
    severity, as it does for every rule (it was ignored: the meta-rules' findings were made with
    their ids, names and severities written out again)."""
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        # cors-lint: ignore[CORS001] reason="credentials were on once"
        CORS(app, origins="https://app.example.com")
        """})
    (tmp_path / "cors-policy.yaml").write_text(f"extends: [recommended]\nrules:\n  CORS028: {setting}\n")
    result = check_paths([tmp_path], load(str(tmp_path / "cors-policy.yaml")))
    assert [(f.rule_id, f.severity) for f in result.findings] == expected
