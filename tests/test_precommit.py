"""The pre-commit hook, installed from this repository by the real `pre-commit` tool.

A throwaway hook repository is made from the current working tree (so uncommitted changes
are what gets tested), a project repository installs it, a commit that adds a credentialed
wildcard is blocked with the finding, and the fixed commit goes through. The project keeps
its CORS config in a module the commit does not touch, which the hook must still resolve.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", PRE_COMMIT_HOME=str(cwd.parent / "pre-commit-home"))
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=check,
                          timeout=900)


def make_hook_repo(target: Path) -> str:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split("\n")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file() and not name.startswith(("tests/", ".ci/")):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-qm", "hook repository snapshot")
    return git(target, "rev-parse", "HEAD").stdout.strip()


@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed next to this Python")
def test_commit_with_a_bad_app_is_blocked_and_the_fixed_one_passes(tmp_path):
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    rev = make_hook_repo(hooks)
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(textwrap.dedent(f"""
        repos:
          - repo: {hooks}
            rev: {rev}
            hooks:
              - id: cors-lint
              - id: cors-lint-policy
    """))
    (project / "settings.py").write_text("CREDENTIALS = True\n")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "settings", "--no-verify")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    subprocess.run([str(PRE_COMMIT), "install"], cwd=project, check=True, capture_output=True, env=env)

    (project / "app.py").write_text(textwrap.dedent("""
        from flask import Flask
        from flask_cors import CORS
        from settings import CREDENTIALS
        app = Flask(__name__)
        CORS(app, supports_credentials=CREDENTIALS)
        @app.route("/me")
        def me(): return "me"
    """))
    git(project, "add", "app.py")
    blocked = git(project, "commit", "-m", "add the app", check=False)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert re.search(r"^cors-lint\.+Failed\n- hook id: cors-lint\n- exit code: 1$", output, re.M), output
    assert "app.py:6:1: CORS001" in output and "/me" in output

    (project / "app.py").write_text((project / "app.py").read_text().replace(
        "supports_credentials=CREDENTIALS", 'origins=["https://app.example.com"], supports_credentials=CREDENTIALS'))
    git(project, "add", "app.py")
    passed = git(project, "commit", "-m", "add the app", check=False)
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert re.search(r"^cors-lint\.+Passed$", output, re.M), output  # the hook ran (and was not skipped)

    (project / "cors-policy.yaml").write_text("rules:\n  CORS007:\n    severity: fatal\n")
    git(project, "add", "cors-policy.yaml")
    bad_policy = git(project, "commit", "-m", "policy", check=False)
    output = bad_policy.stdout + bad_policy.stderr
    assert bad_policy.returncode != 0, output
    assert re.search(r"^cors-lint policy\.+Failed\n- hook id: cors-lint-policy\n- exit code: 1$", output, re.M), output
    assert "cors-policy.yaml:3: $.rules.CORS007.severity" in output
