"""The command line, run as users run it: the console script and ``python -m cors_lint``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from cors_lint.schemas import load
from helpers import write

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "example_app"
CONSOLE_SCRIPT = shutil.which("cors-lint", path=str(Path(sys.executable).parent))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cors_lint", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_console_script_is_installed_and_reports_its_version():
    assert CONSOLE_SCRIPT, "the cors-lint console script is not installed next to this Python"
    result = subprocess.run([CONSOLE_SCRIPT, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("cors-lint ")


def test_inventory_json_is_valid_against_the_schema():
    result = run("inventory", str(EXAMPLE), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(load("inventory.schema.json")).validate(document)
    assert document["tool"]["name"] == "cors-lint"
    assert all(not route["file"].startswith("/") for route in document["routes"])


def test_inventory_text_is_a_table_of_routes():
    result = run("inventory", str(EXAMPLE))
    assert result.returncode == 0
    assert "/api/widgets/embed" in result.stdout
    assert "decorator@shop/api/views.py:22 | origins: *" in result.stdout


def test_default_command_is_check(tmp_path):
    write(tmp_path, {"app.py": "from flask import Flask\napp = Flask(__name__)\n"})
    plain = run(str(tmp_path), "--format", "json")
    explicit = run("check", str(tmp_path), "--format", "json")
    assert plain.returncode == explicit.returncode == 0
    assert plain.stdout == explicit.stdout
    assert json.loads(plain.stdout)["errors"] == []


def test_check_reports_unparsable_files_and_exits_1(tmp_path):
    write(tmp_path, {"good.py": "x = 1\n", "bad.py": "from flask import Flask\ndef f(:\n    pass\n"})
    result = run(str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.startswith("bad.py:2:")
    assert "syntax error" in result.stdout
    assert "Traceback" not in result.stderr


def test_files_that_cannot_affect_cors_are_parsed_only_with_no_prefilter(tmp_path):
    write(tmp_path, {"good.py": "x = 1\n", "bad.py": "def f(:\n    pass\n"})
    assert run(str(tmp_path)).returncode == 0
    result = run(str(tmp_path), "--no-prefilter")
    assert result.returncode == 1 and result.stdout.startswith("bad.py:1:")


@pytest.mark.parametrize("args", [["does-not-exist/"], ["inventory", "nope/"], ["check", "--format", "xml", "."]])
def test_usage_errors_exit_2(args, tmp_path):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2


def test_no_arguments_shows_help():
    result = run()
    assert "Usage" in result.stdout + result.stderr


def test_every_package_directory_is_declared_in_pyproject():
    import tomllib

    root = Path(__file__).parent.parent
    declared = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "cors_lint").rglob("__init__.py")}
    assert found | {"cors_lint.schemas"} == declared


def test_named_files_agree_with_a_full_run_on_those_files():
    full = json.loads(run(str(EXAMPLE), "--format", "json").stdout)["findings"]
    for changed in ("shop/admin.py", "shop/api/views.py", "shop/__init__.py"):
        hook = json.loads(run(str(EXAMPLE / changed), "--format", "json").stdout)["findings"]
        assert hook == [f for f in full if f["file"] == changed]
        assert hook  # each of these files has findings of its own


def test_inventory_takes_the_same_analysis_options_as_check(tmp_path):
    write(tmp_path, {"app.py": "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app)\n",
                     "bad.py": "def f(:\n"})
    default = run("inventory", str(tmp_path), "--format", "json")
    full = run("inventory", str(tmp_path), "--format", "json", "--no-prefilter", "--jobs", "2")
    assert default.returncode == 0 and json.loads(default.stdout)["errors"] == []
    assert full.returncode == 1 and [e["file"] for e in json.loads(full.stdout)["errors"]] == ["bad.py"]
    assert json.loads(default.stdout)["routes"] == json.loads(full.stdout)["routes"]
