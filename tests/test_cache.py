"""The result cache: same output with and without it, invalidated by every change that matters,
kept by changes that cannot matter, safe with concurrent runs, never trusted when corrupt.

A cache hit is observed from outside: the run does not import libcst (it does not parse).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent.parent / "fixtures" / "example_app"
PROBE = """
import sys
from cors_lint.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
sys.stderr.write("\\nPARSED=%s EXIT=%s\\n" % ("libcst" in sys.modules, code))
"""


def lint(project: Path, *options: str, expect_exit: int = 1, env: dict[str, str] | None = None) -> tuple[str, bool]:
    """(stdout, whether the run parsed source), once the run exited as expected and reported
    findings (exit 1: rule ids in any format) or a clean summary (exit 0, text)."""
    result = subprocess.run([sys.executable, "-c", PROBE, "check", str(project), *options], capture_output=True,
                            text=True, timeout=300, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    marker = result.stderr.strip().splitlines()[-1]
    assert marker.startswith("PARSED=") and marker.endswith(f" EXIT={expect_exit}"), result.stderr
    if expect_exit == 1:
        assert re.search(r"\bCORS0\d\d\b", result.stdout), result.stdout
    else:
        assert re.search(r"^0 findings \(.* 0 files not analysed; policy ", result.stdout, re.M), result.stdout
    return result.stdout, "PARSED=True" in marker


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "example_app"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns(".cors-lint-cache"))
    (copy / "shop" / "notes.py").write_text('"""Release notes helper: nothing to do with the web."""\nNOTES = []\n')
    return copy


def uncached(project: Path, *options: str, expect_exit: int = 1) -> str:
    return lint(project, "--no-cache", *options, expect_exit=expect_exit)[0]


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit"])
def test_output_is_identical_with_and_without_cache(project, output_format):
    reference = uncached(project, "--format", output_format)
    cold, cold_parsed = lint(project, "--format", output_format)
    warm, warm_parsed = lint(project, "--format", output_format)
    assert cold == warm == reference
    assert cold_parsed and not warm_parsed
    assert (project / ".cors-lint-cache" / "CACHEDIR.TAG").is_file()


def test_no_cache_neither_reads_nor_writes(project):
    lint(project, "--no-cache")
    assert not (project / ".cors-lint-cache").exists()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    stamp = path.stat().st_mtime_ns - 10 * 10**9  # an old timestamp: the stat memo must not be fooled by it
    os.utime(path, ns=(stamp, stamp))


def test_a_change_to_the_cors_setup_is_seen(project):
    lint(project)
    edit(project / "shop" / "__init__.py", "supports_credentials", "supports_credentials=False, _x")
    after, parsed = lint(project)
    assert parsed and after == uncached(project)


def test_a_change_to_an_imported_constant_is_seen(tmp_path):
    (tmp_path / "app.py").write_text("from flask import Flask\nfrom flask_cors import CORS\nfrom partners import ORIGINS\n"
                                     "app = Flask(__name__)\nCORS(app, origins=ORIGINS, supports_credentials=True)\n"
                                     "@app.route('/me')\ndef me(): return 'me'\n")
    (tmp_path / "partners.py").write_text("ORIGINS = ['https://partner.example']\n")  # no marker of its own
    before, _ = lint(tmp_path, expect_exit=0)  # an exact origin: clean
    edit(tmp_path / "partners.py", "'https://partner.example'", "r'https://.*\\.partner\\.example'")
    after, parsed = lint(tmp_path)
    assert parsed and after == uncached(tmp_path) != before
    assert "CORS002" in after  # the new regex accepts `https://app.partner.example.evil.example`


def test_a_change_to_unrelated_code_keeps_the_result(project):
    before, _ = lint(project)
    edit(project / "shop" / "notes.py", "NOTES = []", "NOTES = ['2.0: faster']")
    after, parsed = lint(project)
    assert not parsed and after == before == uncached(project)


def test_new_files_and_suppression_comments_are_seen(project):
    lint(project)
    (project / "shop" / "notes.py").write_text("# cors-lint: ignore[CORS001] reason=\"nothing here\"\nNOTES = []\n")
    after, parsed = lint(project)
    assert parsed and after == uncached(project)
    (project / "extra.py").write_text("from flask import Flask\nfrom flask_cors import CORS\n"
                                      "other = Flask(__name__)\nCORS(other, origins='null')\n")
    after, parsed = lint(project)
    assert parsed and "extra.py" in after and after == uncached(project)


def test_a_change_within_the_timestamp_tick_is_seen(project):
    lint(project)
    app = project / "shop" / "__init__.py"
    info = app.stat()
    text = app.read_text()
    changed = text.replace("supports_credentials=True", "supports_credentials=1   ")
    assert changed != text and len(changed) == len(text)
    app.write_text(changed)
    os.utime(app, ns=(info.st_atime_ns, info.st_mtime_ns))  # same size, same mtime: only the content differs
    after, parsed = lint(project)
    assert parsed and after == uncached(project)


def test_policy_and_options_are_part_of_the_key(project):
    default, _ = lint(project)
    strict, parsed = lint(project, "--policy", "strict")
    assert parsed and strict == uncached(project, "--policy", "strict") != default
    one_env, _ = lint(project, "--env", "production")
    assert one_env == uncached(project, "--env", "production")


@pytest.mark.parametrize("damage", ["truncate", "garble", "wrong-type", "directory"])
def test_a_corrupt_cache_is_ignored_and_rewritten(project, damage):
    reference = uncached(project)
    lint(project)
    cache = project / ".cors-lint-cache"
    for stored in [cache / "files.json", *sorted((cache / "results").glob("*.json"))]:
        data = stored.read_bytes()
        if damage == "truncate":
            stored.write_bytes(data[: len(data) // 2])
        elif damage == "garble":
            stored.write_bytes(data.replace(b"CORS", b"XXXX"))
        elif damage == "wrong-type":
            stored.write_text(json.dumps([1, 2, 3]))
        else:
            stored.unlink()
            stored.mkdir()
    output, parsed = lint(project)
    assert parsed and output == reference
    if damage != "directory":
        again, parsed = lint(project)
        assert not parsed and again == reference  # rewritten


def test_a_cache_that_cannot_be_written_is_not_used(project):
    (project / ".cors-lint-cache").write_text("not a directory")
    reference = uncached(project)
    assert lint(project) == (reference, True)
    assert lint(project) == (reference, True)


def test_concurrent_runs_agree_and_leave_a_valid_cache(project):
    reference = uncached(project, "--format", "json")
    runs = [subprocess.Popen([sys.executable, "-m", "cors_lint", "check", str(project), "--format", "json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    outputs = [(*run.communicate(timeout=300), run.returncode) for run in runs]
    assert all(stdout == reference and "Traceback" not in stderr and code == 1 for stdout, stderr, code in outputs)
    output, parsed = lint(project, "--format", "json")
    assert not parsed and output == reference
    leftovers = [p.name for p in (project / ".cors-lint-cache").rglob("*.tmp")]
    assert leftovers == []


def test_a_committed_cache_from_elsewhere_is_not_trusted(project, tmp_path):
    """A pull request could commit .cors-lint-cache/ with a forged clean result; entries are
    signed with a key that never leaves the machine (here: another machine's key)."""
    reference = uncached(project)
    lint(project)
    for stored in (project / ".cors-lint-cache" / "results").glob("*.json"):
        header, body = stored.read_text().split("\n", 1)
        document = json.loads(body)
        document["result"]["findings"] = []  # the forgery: nothing to see here
        body = json.dumps(document, sort_keys=True, separators=(",", ":"))
        envelope = {**json.loads(header), "checksum": hashlib.sha256(body.encode()).hexdigest()}  # a plain checksum
        stored.write_text(json.dumps(envelope) + "\n" + body)
    assert lint(project) == (reference, True)
    other_machine = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "elsewhere"))
    assert lint(project, env=other_machine) == (reference, True)  # signed by another key: not used


def test_without_a_place_for_the_machine_key_the_cache_is_simply_not_reused(project, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    environment = dict(os.environ, XDG_CACHE_HOME=str(blocker))
    outputs = [lint(project, env=environment) for _ in range(2)]
    assert all(parsed for _, parsed in outputs)
    assert outputs[0][0] == outputs[1][0] == uncached(project)
