"""Parse workers: the same answer with 1 or N processes, and a dying worker costs one file.

The death is real: the file needs far more memory than the parse budget allows, so the
parser's allocation fails and the worker process aborts (no fault is injected).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent.parent.parent / "fixtures" / "example_app"
APP = """from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app, supports_credentials=True)
@app.route("/me")
def me(): return "me"
"""


def lint(project: Path, *options: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cors_lint", "check", str(project), "--no-cache", "--format", "json",
                           *options], capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})


def big_project(root: Path, views: int = 24) -> Path:
    """An app whose routes live in many modules, so there is plenty to parse in parallel."""
    package = root / "big"
    (package / "views").mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
        "CORS(app, resources={r'/api/*': {'origins': r'https://.*\\.example\\.com'}}, supports_credentials=True)\n"
        + "".join(f"from big.views import v{i}\n" for i in range(views)))
    (package / "views" / "__init__.py").write_text("")
    for i in range(views):
        routes = "".join(f"\n@app.route('/api/v{i}/r{j}', methods=['GET', 'POST'])\ndef r{i}_{j}():\n"
                         f"    return {{'n': {j}}}\n" for j in range(12))
        cross = f"\n@app.route('/open{i}')\n@cross_origin(origins='*')\ndef open{i}():\n    return 'x'\n" if i % 5 else ""
        (package / "views" / f"v{i}.py").write_text(
            "from flask import request\nfrom flask_cors import cross_origin\nfrom big import app\n" + routes + cross)
    return root


@pytest.mark.slow
@pytest.mark.parametrize("project", ["fixture", "many-modules"])
def test_output_is_identical_with_one_or_more_workers(project, tmp_path):
    if project == "fixture":
        root = tmp_path / "example_app"
        shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns(".cors-lint-cache"))
    else:
        root = big_project(tmp_path)
    outputs = {jobs: lint(root, "--jobs", jobs) for jobs in ("1", "2", "3")}
    assert all(run.returncode == 1 and "Traceback" not in run.stderr for run in outputs.values()), outputs
    assert outputs["1"].stdout == outputs["2"].stdout == outputs["3"].stdout
    document = json.loads(outputs["1"].stdout)
    assert document["findings"] and document["errors"] == []
    routes = document["summary"]["routes"]
    assert routes == 9 if project == "fixture" else routes > 24 * 12, routes  # every module was analysed


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_worker_that_dies_costs_one_file_and_the_run_finishes(jobs, tmp_path):
    big_project(tmp_path, views=3)
    (tmp_path / "app.py").write_text(APP)
    # ~1.7 MB of list literal: libcst needs ~650 MiB for it, the budget allows 200 MiB
    (tmp_path / "data_table.py").write_text(
        "from flask import Flask\nTABLE = [\n" + "".join(f"    {i},\n" for i in range(150_000)) + "]\n")
    result = lint(tmp_path, "--jobs", jobs, env={"CORS_LINT_PARSE_MEMORY_MIB": "200"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    document = json.loads(result.stdout)
    assert [(e["file"], e["kind"]) for e in document["errors"]] == [("data_table.py", "too-large")]
    assert "parse memory budget" in document["errors"][0]["message"]
    assert ("CORS001", "app.py") in {(f["rule_id"], f["file"]) for f in document["findings"]}
    assert document["summary"]["routes"] > 36  # the other files were all analysed


MEMORY_BOUND_MIB = 150  # the stated bound for a run whose CORS slice is small (docs/guarantees.md)


def test_a_run_over_a_large_tree_stays_within_the_memory_bound(tmp_path):
    """5,000 ordinary modules and one app: the run's peak memory must not grow with the files
    that cannot matter (measured as the child's max RSS, not timed)."""
    for index in range(5000):
        package = tmp_path / f"pkg{index // 250}"
        package.mkdir(exist_ok=True)
        (package / f"mod{index}.py").write_text(
            f"import json\n\nclass Record{index}:\n    def __init__(self, values):\n        self.values = values\n\n"
            f"    def dump(self):\n        return json.dumps(self.values)\n" * 4)
    (tmp_path / "app.py").write_text(APP)
    probe = ("import json, resource, subprocess, sys\n"
             "run = subprocess.run([sys.executable, '-m', 'cors_lint', 'check', sys.argv[1], '--no-cache'],"
             " capture_output=True, text=True)\n"
             "print(json.dumps({'exit': run.returncode, 'stdout': run.stdout, 'stderr': run.stderr,"
             " 'peak_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n")
    probed = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert probed.returncode == 0, probed.stderr
    run = json.loads(probed.stdout)
    # a run that stops early stays under any bound: first, it must have done the whole job
    assert run["exit"] == 1 and "Traceback" not in run["stderr"], run
    lines = run["stdout"].splitlines()
    assert [line.split(" ", 2)[:2] for line in lines[:-1] if not line.startswith(" ") and line] == [
        ["app.py:4:1:", "CORS001"]], run["stdout"]
    assert lines[-1].startswith("1 finding (1 error, 0 warnings, 0 notes) in 5001 files, 2 routes; "
                                "0 files not analysed"), run["stdout"]
    peak_kib = run["peak_kib"]
    assert peak_kib / 1024 < MEMORY_BOUND_MIB, f"peak {peak_kib / 1024:.0f} MiB"
