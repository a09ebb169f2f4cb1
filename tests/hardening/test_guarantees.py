"""Guarantees: scanned code never runs, YAML is loaded safely, exit codes cannot lie,
output is deterministic, and `init` never overwrites a policy."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from helpers import run_cli

EXAMPLE = Path(__file__).parent.parent.parent / "fixtures" / "example_app"


def cors_lint(*args: str, expect_exit: int, to_file: bool = False,
              cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, expect_exit=expect_exit, to_file=to_file, cwd=cwd, timeout=300)


def test_scanned_code_with_side_effects_never_runs(tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "app.py").write_text(textwrap.dedent(f"""
        import os, sys, shutil
        from flask import Flask
        from flask_cors import CORS
        open({str(marker)!r}, "w").write("module body ran")
        os.system("touch {marker}.system")
        shutil.rmtree({str(tmp_path)!r})
        def create_app():
            open({str(marker)!r} + ".factory", "w").write("factory ran")
            app = Flask(__name__)
            CORS(app)
            return app
        if __name__ == "__main__":
            sys.exit(1)
        raise SystemExit(3)
    """))
    (tmp_path / "conftest.py").write_text(f"open({str(marker)!r} + '.conftest', 'w')\n")
    (tmp_path / "setup.py").write_text(f"open({str(marker)!r} + '.setup', 'w')\n")
    # the factory is analysed, not called: CORS(app) is seen (a warning, so check exits 1)
    check = cors_lint("check", str(tmp_path), expect_exit=1).stdout
    assert check.startswith("app.py:11:5: CORS007 "), check
    inventory = cors_lint("inventory", str(tmp_path), expect_exit=0).stdout
    assert "/static/<path:filename>  GET extension@app.py:11 | origins: *" in inventory, inventory
    report = cors_lint("report", str(tmp_path), expect_exit=0).stdout
    assert f"<title>CORS security review: {tmp_path.name}</title>" in report and "CORS007" in report
    # only cors-lint's own result cache was added
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cors-lint-cache", "app.py", "conftest.py", "setup.py"]


def test_yaml_policy_with_python_tags_is_rejected(tmp_path):
    marker = tmp_path / "pwned"
    (tmp_path / "cors-policy.yaml").write_text(
        f"rules: !!python/object/apply:os.system ['touch {marker}']\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    result = cors_lint(str(tmp_path), expect_exit=2)
    assert result.stdout == "" and result.stderr.startswith("cors-lint: policy error: ")
    assert "is not allowed (policies are plain data)" in result.stderr
    assert not marker.exists()


def test_internal_errors_exit_2_with_one_line_and_a_hint(tmp_path):
    program = textwrap.dedent("""
        import sys
        import cors_lint.check.checker
        def broken(*args, **kwargs):
            raise RuntimeError("simulated engine bug")
        cors_lint.check.checker.check_paths = broken
        from cors_lint.cli import main
        main(sys.argv[1:])
    """)
    (tmp_path / "app.py").write_text("x = 1\n")
    for extra in ([], ["--verbose"]):
        result = subprocess.run([sys.executable, "-c", program, str(tmp_path), *extra], capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 2
        last = result.stderr.strip().splitlines()[-1]
        assert last == ("cors-lint: internal error: RuntimeError: simulated engine bug "
                        "(rerun with --verbose for the traceback)")
        assert ("Traceback" in result.stderr) == bool(extra)


def test_output_is_byte_for_byte_deterministic(tmp_path):
    outputs = set()
    for _ in range(3):
        for fmt in ("json", "sarif", "text"):
            outputs.add((fmt, cors_lint(str(EXAMPLE), "--format", fmt, expect_exit=1).stdout))
    assert len(outputs) == 3
    # ... and what was repeated is the real report: the same findings in each format
    output = dict(outputs)
    findings = json.loads(output["json"])["findings"]
    assert len(findings) > 5 and {"CORS002", "CORS007", "CORS014", "CORS017"} <= {f["rule_id"] for f in findings}
    keys = [(f["rule_id"], f["file"], f["line"]) for f in findings]
    results = json.loads(output["sarif"])["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == keys
    lines = [line for line in output["text"].splitlines() if line and not line.startswith(" ")]  # not the frames
    assert [(rule, *where.split(":")[:2]) for where, rule, _ in (line.split(" ", 2) for line in lines[:-1])] == [
        (rule, file, str(line)) for rule, file, line in keys]
    assert lines[-1].startswith(f"{len(findings)} findings (")
    first = cors_lint("inventory", str(EXAMPLE), "--format", "json", expect_exit=0).stdout
    assert "/api/widgets/embed" in {route["path"] for route in json.loads(first)["routes"]}
    assert all(cors_lint("inventory", str(EXAMPLE), "--format", "json", expect_exit=0).stdout == first
               for _ in range(2))


def test_written_files_are_complete_or_absent(tmp_path):
    target = tmp_path / "report.json"
    cors_lint(str(EXAMPLE), "--format", "json", "--output", str(target), expect_exit=1, to_file=True)
    assert json.loads(target.read_text())["findings"]  # complete JSON, with the report in it
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
