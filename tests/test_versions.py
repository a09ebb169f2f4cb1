"""Version-specific behaviour, checked against the real older flask-cors releases.

Each release is downloaded from PyPI as a wheel and put first on ``sys.path`` of a
subprocess, which imports the apps and compares them with the inventory built for that
version (resource order, path case, private-network defaults differ between releases).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from appgen import generate_project
from oracle import RUNTIME, write_project
from test_ground_truth import CASES, HEAD

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json
from cors_lint.engine.source.pins import detect

VERSIONS = ["4.0.1", "5.0.1", "6.0.0"]
ORDER_CASES = ["resource_specificity", "compiled_resource_outranks_regex_strings", "literal_resource_wins",
               "prefix_resource_pattern", "private_network", "two_cors_calls_form_a_union",
               "blueprint_falls_through_to_app", "config_resources_and_origins"]
EXTRA = {
    "case_insensitive_paths_before_6": r"""
        CORS(app, resources={r"/api/.*": {"origins": "*"}, "/data": {"origins": "https://a.example.com"}})
        @app.route("/API/x")
        def upper(): return "x"
        @app.route("/DATA")
        def data(): return "x"
    """,
    "fewest_slashes_first_in_6_0_0": r"""
        CORS(app, resources={r"/r/*": {"origins": "https://res.example.com"}, r"/*": {}},
             origins="https://first.example.com")
        @app.route("/r/x")
        def r(): return "x"
    """,
}


@pytest.fixture(scope="session")
def wheels(tmp_path_factory) -> dict[str, Path]:
    target = tmp_path_factory.mktemp("flask_cors_wheels")
    unpacked = {}
    for version in VERSIONS:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", f"flask-cors=={version}",
             "-d", str(target / version)],
            capture_output=True, text=True, timeout=300,
        )
        if result.returncode != 0:
            if os.environ.get("CI"):
                pytest.fail(f"cannot download flask-cors {version}: {result.stderr[-500:]}")
            pytest.skip(f"flask-cors {version} cannot be downloaded here (offline?)")
        wheel = next((target / version).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target / version / "site")
        unpacked[version] = target / version / "site"
    return unpacked


def _projects(tmp_path: Path, version: str) -> list[dict]:
    cases = []
    sources = {name: textwrap.dedent(HEAD) + textwrap.dedent(CASES[name]) for name in ORDER_CASES}
    sources.update({name: textwrap.dedent(HEAD) + textwrap.dedent(text) for name, text in EXTRA.items()})
    for name, source in sorted(sources.items()):
        project = tmp_path / name
        write_project(project, {"main.py": source})
        cases.append({"project": str(project), "module": "main",
                      "inventory": inventory_json(analyze([project], version, RUNTIME))})
    for seed in range(40):
        project = tmp_path / f"generated_{seed}"
        write_project(project, generate_project(seed))
        document = inventory_json(analyze([project], version, RUNTIME))
        layers = [layer for route in document["routes"] for layer in route["cors"]]
        if any("note" in layer for layer in layers):
            continue  # the engine itself says these raise on this release, request by request
        cases.append({"project": str(project), "module": "main", "inventory": document})
    return cases


@pytest.mark.slow
@pytest.mark.parametrize("version", VERSIONS)
def test_inventory_matches_older_flask_cors_release(version, wheels, tmp_path):
    cases = _projects(tmp_path, version)
    spec = tmp_path / "cases.json"
    spec.write_text(json.dumps(cases))
    tests_dir = Path(__file__).parent
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(wheels[version]), str(tests_dir)]))
    for var in ("GEN_ORIGIN", "GEN_LIST", "GEN_UNSET", "GEN_MODE", "GEN_CONF"):
        env.pop(var, None)
    result = subprocess.run([sys.executable, str(tests_dir / "old_version_runner.py"), str(spec)],
                            capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    output = json.loads(result.stdout.strip().splitlines()[-1])
    assert output["flask_cors"] == version
    failures = {Path(case["project"]).name: problems for case, problems in zip(cases, output["results"]) if problems}
    assert not failures, json.dumps(failures, indent=1)[:4000]


def test_pins_are_read_from_requirements_and_locks(tmp_path):
    (tmp_path / "requirements.txt").write_text("flask>=3\nFlask-Cors==5.0.1  # pinned\n")
    assert (detect(tmp_path).text, detect(tmp_path).source) == ("5.0.1", "requirements.txt:2")
    (tmp_path / "requirements.txt").write_text("flask-cors>=4\n")
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "flask-cors"\nversion = "6.0.0"\n')
    assert (detect(tmp_path).text, detect(tmp_path).source) == ("6.0.0", "poetry.lock:3")
    (tmp_path / "poetry.lock").unlink()
    assert detect(tmp_path).source.startswith("default")


@pytest.mark.parametrize("where, found", [
    ("libs/Flask_Cors-4.0.1.dist-info", "4.0.1"),
    ("vendor/py/flask_cors-3.0.10.dist-info", "3.0.10"),
    ("a/b/c/Flask-Cors-3.0.9.dist-info", None),  # three levels down: not read
    ("libs/flask-cors-4.0.1.dist-info", None),  # not a spelling a wheel installs
])
def test_an_installed_dist_info_one_or_two_levels_down_gives_the_version(tmp_path, where, found):
    from cors_lint.engine.source.pins import detect, pin_files

    info = tmp_path / where
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: Flask-Cors\n")
    (tmp_path / "unrelated" / "deeper").mkdir(parents=True)
    version = detect(tmp_path)
    assert (version.source == f"{where}" and ".".join(map(str, version.version)) == found) if found else \
        version.source != where
    assert [f.rel for f in pin_files(tmp_path)] == ([f"{where}/METADATA"] if found else [])


def test_a_package_folder_scanned_alone_gets_its_projects_pin_and_vendored_copy(tmp_path):
    """bazarr's `libs/Flask_Cors-5.0.0.dist-info` and a requirements pin sit beside the package
    folder; `cors-lint bazarr/` (the folder alone) models that version, not the latest."""
    from helpers import run_cli

    (tmp_path / "requirements.txt").write_text("flask\nflask-cors==4.0.1\n")
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "app.py").write_text("from flask import Flask\nfrom flask_cors import CORS\n"
                                              "app = Flask(__name__)\nCORS(app, resources={r'/api/*': {}})\n")
    version = detect(tmp_path / "shop")
    assert (version.text, version.source) == ("4.0.1", "../requirements.txt:2")
    result = run_cli("check", str(tmp_path / "shop"), "--format", "json", "--no-cache", expect_exit=1)
    assert json.loads(result.stdout)["flask_cors"]["version"] == "4.0.1"
    (tmp_path / "requirements.txt").write_text("flask\n")
    info = tmp_path / "libs" / "Flask_Cors-5.0.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: Flask-Cors\n")
    version = detect(tmp_path / "shop")
    assert (version.text, version.source) == ("5.0.0", "../libs/Flask_Cors-5.0.0.dist-info")
    (tmp_path / "shop" / "setup.cfg").write_text("[metadata]\nname = shop\n")  # a project of its own
    assert detect(tmp_path / "shop").source.startswith("default")
