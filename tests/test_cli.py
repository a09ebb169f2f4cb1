"""The command line, run as users run it: the console script and ``python -m cors_lint``."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import typer
from cors_lint.schemas import load
from helpers import plain, run_cli, write

from cors_lint import __version__, cli
from cors_lint.cli import SUBCOMMANDS

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "example_app"
CONSOLE_SCRIPT = shutil.which("cors-lint", path=str(Path(sys.executable).parent))


def run(*args: str, expect_exit: int, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, expect_exit=expect_exit, cwd=cwd, timeout=120)


def test_console_script_is_installed_and_reports_its_version():
    assert CONSOLE_SCRIPT, "the cors-lint console script is not installed next to this Python"
    result = subprocess.run([CONSOLE_SCRIPT, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"cors-lint {__version__}\n"


def test_inventory_json_is_valid_against_the_schema():
    result = run("inventory", str(EXAMPLE), "--format", "json", expect_exit=0)
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(load("inventory.schema.json")).validate(document)
    assert document["tool"]["name"] == "cors-lint"
    assert all(not route["file"].startswith("/") for route in document["routes"])
    assert "/api/widgets/embed" in {route["path"] for route in document["routes"]}


def test_inventory_text_is_a_table_of_routes():
    result = run("inventory", str(EXAMPLE), expect_exit=0)
    assert "/api/widgets/embed" in result.stdout
    assert "decorator@shop/api/views.py:22 | origins: *" in result.stdout


def test_default_command_is_check(tmp_path):
    write(tmp_path, {"app.py": "from flask import Flask\napp = Flask(__name__)\n@app.route('/ping')\n"
                               "def ping(): return 'pong'\n"})
    implicit = run(str(tmp_path), "--format", "json", expect_exit=0)
    explicit = run("check", str(tmp_path), "--format", "json", expect_exit=0)
    assert implicit.stdout == explicit.stdout
    document = json.loads(implicit.stdout)
    assert document["errors"] == [] and document["findings"] == []
    assert (document["summary"]["files"], document["summary"]["routes"]) == (1, 2)  # /ping and /static


def test_check_reports_unparsable_files_and_exits_1(tmp_path):
    write(tmp_path, {"good.py": "x = 1\n", "bad.py": "from flask import Flask\ndef f(:\n    pass\n"})
    result = run(str(tmp_path), expect_exit=1)
    assert result.stdout.startswith("bad.py:2:")
    assert "syntax error" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("0 findings (0 errors, 0 warnings, 0 notes) in 2 files, "
                                                     "0 routes; 1 file not analysed")


def test_files_that_cannot_affect_cors_are_parsed_only_with_no_prefilter(tmp_path):
    write(tmp_path, {"good.py": "x = 1\n", "bad.py": "def f(:\n    pass\n"})
    default = run(str(tmp_path), expect_exit=0)
    assert "bad.py" not in default.stdout and "; 0 files not analysed" in default.stdout
    result = run(str(tmp_path), "--no-prefilter", expect_exit=1)
    assert result.stdout.startswith("bad.py:1:") and "; 1 file not analysed" in result.stdout


USAGE = "Usage: cors-lint {0} [OPTIONS] [PATH]... Try 'cors-lint {0} --help' for help."
USAGE_ERRORS = {
    # our own checks: one line naming what is wrong
    "missing-path": (["does-not-exist/"], ["cors-lint: error: path does not exist: does-not-exist"]),
    "inventory-missing-path": (["inventory", "nope/"], ["cors-lint: error: path does not exist: nope"]),
    "unknown-environment": (["check", ".", "--env", "nope"],
                            ["cors-lint: error: unknown environment 'nope' (the policy has: development, production, "
                             "staging)"]),
    "unknown-rule": (["rule", "CORS999"], ["cors-lint: error: unknown rule 'CORS999' (see `cors-lint rules`)"]),
    "unknown-schema": (["schema", "nope"], ["cors-lint: error: no schema 'nope' (policy, findings, inventory)"]),
    # Click's (its wording is Click's and Typer's): the command's usage line, then the option or argument at fault
    "bad-choice": (["check", "--format", "xml", "."],
                   [USAGE.format("check"), "Invalid value for '--format': 'xml' is not one of text, concise, json, "
                    "sarif, github, gitlab, junit"]),
    "near-choice": (["check", "--fail-on", "warnings", "."],
                    [USAGE.format("check"), "Invalid value for '--fail-on': 'warnings' is not one of error, warning, "
                     "note, never (did you mean 'warning'?)"]),
    "unknown-option": (["check", ".", "--colour"], [USAGE.format("check"), "No such option: --colour"]),
    "mistyped-command": (["chekc"], ["cors-lint: usage error: no command or path 'chekc' (did you mean "
                                     "`cors-lint check`?)"]),
    "negative-jobs": (["check", ".", "--jobs", "-1"], [USAGE.format("check"), "Invalid value for '--jobs' / '-j': "
                                                       "-1 is negative (0: one process per core)"]),
}


@pytest.mark.parametrize("name", sorted(USAGE_ERRORS))
def test_usage_errors_exit_2_with_the_reason_on_stderr(name, tmp_path):
    args, messages = USAGE_ERRORS[name]
    write(tmp_path, {"app.py": "x = 1\n"})
    result = run(*args, cwd=tmp_path, expect_exit=2)
    assert result.stdout == ""  # errors never mix with a report that may be piped or parsed
    for message in messages:
        assert message in plain(result.stderr), result.stderr


COMMANDS = ("check", "inventory", "rules", "rule", "schema", "validate-policy", "init", "report", "diff")


def test_no_arguments_shows_help():
    # Click's no_args_is_help: the help on stderr (it answers a usage error), and that exit code
    result = subprocess.run([sys.executable, "-m", "cors_lint"], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (2, ""), result.stdout
    text = plain(result.stderr)
    assert text.startswith("Usage: cors-lint [OPTIONS] COMMAND [ARGS]... Static, policy-as-code linter"), text
    options, commands = text.split(" Commands: ", 1)
    assert "--version" in options and "--help" in options
    assert set(SUBCOMMANDS) == set(COMMANDS)  # what `cors-lint PATH` must not mistake for a path
    for name in COMMANDS:  # each command, followed by the start of its description
        first = typer.main.get_command(cli.app).commands[name].help.split("\n\n")[0]  # the rest describes arguments
        summary = " ".join(plain(first).split()[:4])
        assert f" {name} {summary}" in f" {commands}", (name, summary, commands)
    assert "check Check Flask projects against the CORS policy" in commands


def test_help_says_what_the_source_says():
    """No markup eats `[tool.cors-lint]`; flags are flags (no `<bool>`), values are named (no
    Python types), choices listed; --verbose, which every internal error mentions, is documented."""
    root = run("--help", expect_exit=0).stdout
    assert "--verbose" in root and "traceback" in root
    for command in ("check", "inventory", "report"):
        text = run(command, "--help", expect_exit=0).stdout
        assert not re.search(r"<(bool|str|int|path|list)", text) and "{paths}" not in text, text  # no Python types
        assert f"Usage: cors-lint {command} [OPTIONS] [PATH]..." in text
        assert "--exclude GLOB" in text and "--extend-exclude GLOB" in text
    check = plain(run("check", "--help", expect_exit=0).stdout)
    assert "(default: [tool.cors-lint] format, else text)" in check
    assert "--format [text|concise|json|sarif|github|gitlab|junit]" in check
    assert "--no-cache Neither read" in check and "--exit-zero Exit 0" in check


@pytest.mark.parametrize(("command", "usage"), [
    ("rule", "Usage: cors-lint rule [OPTIONS] RULE\n"),
    ("validate-policy", "Usage: cors-lint validate-policy [OPTIONS] FILE...\n"),
    ("diff", "Usage: cors-lint diff [OPTIONS] BASE..HEAD [PATH]\n"),
    ("schema", "Usage: cors-lint schema [OPTIONS] [WHICH]\n"),
])
def test_usage_lines_write_required_arguments_bare_and_optional_ones_in_brackets(command, usage):
    """Not typer's `{RULE}`, which reads like a set of choices; the error for a missing one too."""
    assert run(command, "--help", expect_exit=0).stdout.startswith(usage)
    if command != "schema":
        missing = run(command, expect_exit=2).stderr
        assert missing.startswith(usage) and "{" not in missing, missing


def test_check_and_inventory_without_a_path_analyse_the_current_directory():
    assert "CORS019" in run("check", "--format", "concise", cwd=EXAMPLE, expect_exit=1).stdout
    assert "/api/widgets/embed" in run("inventory", cwd=EXAMPLE, expect_exit=0).stdout


def test_exclude_and_extend_exclude_leave_files_out_on_every_command_that_scans(tmp_path):
    write(tmp_path, {
        "pyproject.toml": '[tool.cors-lint]\nexclude = ["legacy/**"]\n',
        "app.py": "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
                  "CORS(app, origins='null')\n",
        "legacy/old.py": "from flask import Flask\nfrom flask_cors import CORS\nold = Flask(__name__)\n"
                         "CORS(old, supports_credentials=True)\n",
    })

    def files(*options: str, exit: int = 1) -> set[str]:
        document = json.loads(run("check", str(tmp_path), "--format", "json", "--no-cache", *options,
                                  expect_exit=exit).stdout)
        inventory = json.loads(run("inventory", str(tmp_path), "--format", "json", *options, expect_exit=0).stdout)
        found = {f["file"] for f in document["findings"] if f["rule_id"] != "CORS019"}
        assert found == {site["file"] for site in inventory["sites"]}, (found, inventory["sites"])
        return found

    assert files() == {"app.py"}  # [tool.cors-lint] exclude
    assert files("--exclude", "nothing/**") == {"app.py", "legacy/old.py"}  # --exclude replaces it
    assert files("--extend-exclude", "app.py", exit=0) == set()  # --extend-exclude adds to it
    report = run("report", str(tmp_path), "--format", "markdown", "--extend-exclude", "app.py", expect_exit=0).stdout
    assert "app.py" not in report.replace("legacy/old.py", "")


def test_fail_on_never_and_exit_zero_let_unparsable_files_pass(tmp_path):
    write(tmp_path, {"app.py": "from flask import Flask\napp = Flask(__name__)\n", "bad.py": "import flask\ndef (:\n"})
    assert "cannot analyse" in run("check", str(tmp_path), "--no-cache", expect_exit=1).stdout
    for option in (("--fail-on", "never"), ("--exit-zero",)):
        assert "cannot analyse" in run("check", str(tmp_path), "--no-cache", *option, expect_exit=0).stdout


def test_every_package_directory_is_declared_in_pyproject():
    import tomllib

    root = Path(__file__).parent.parent
    declared = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "cors_lint").rglob("__init__.py")}
    assert found | {"cors_lint.schemas"} == declared


def test_named_files_agree_with_a_full_run_on_those_files():
    full = json.loads(run(str(EXAMPLE), "--format", "json", expect_exit=1).stdout)["findings"]
    for changed in ("shop/admin.py", "shop/api/views.py", "shop/__init__.py"):
        hook = json.loads(run(str(EXAMPLE / changed), "--format", "json", expect_exit=1).stdout)["findings"]
        assert hook == [f for f in full if f["file"] == changed
                        or any(place["file"] == changed for place in f.get("related", ()))]
        assert [f for f in hook if f["file"] == changed]  # each of these files has findings of its own


def test_inventory_takes_the_same_analysis_options_as_check(tmp_path):
    write(tmp_path, {"app.py": "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app)\n",
                     "bad.py": "def f(:\n"})
    default = run("inventory", str(tmp_path), "--format", "json", expect_exit=0)
    full = run("inventory", str(tmp_path), "--format", "json", "--no-prefilter", "--jobs", "2", expect_exit=1)
    assert json.loads(default.stdout)["errors"] == []
    assert [e["file"] for e in json.loads(full.stdout)["errors"]] == ["bad.py"]
    routes = json.loads(default.stdout)["routes"]
    assert routes == json.loads(full.stdout)["routes"]
    assert [(r["path"], [layer["source"]["kind"] for layer in r["cors"]]) for r in routes] == [
        ("/static/<path:filename>", ["extension"]),
        ({"unlisted": "/*", "reason": "no route of this app was found"}, ["extension"])]
