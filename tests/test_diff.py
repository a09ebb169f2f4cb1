"""`cors-lint diff BASE..HEAD` on a real git repository in a temporary directory."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path


def git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com")
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True, env=env).stdout


APP = textwrap.dedent("""
    from flask import Flask
    from flask_cors import CORS, cross_origin
    app = Flask(__name__, static_folder=None)
    CORS(app, resources={{r"/api/.*": {{"origins": {api}, "supports_credentials": {creds}}}}})
    @app.route("/api/me")
    def me(): return "me"
    @app.route("/api/orders")
    def orders(): return "orders"
    {extra}
""")


def test_diff_reports_widened_added_and_narrowed_routes(tmp_path):
    repo = tmp_path / "repo"
    (repo / "svc").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "svc" / "app.py").write_text(APP.format(api='["https://app.example.com"]', creds="False", extra=""))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    (repo / "svc" / "app.py").write_text("# moved\n\n" + APP.format(
        api='["https://app.example.com", "https://partner.example.org"]', creds="True",
        extra='@app.route("/export")\n@cross_origin()\ndef export(): return "x"'))
    git(repo, "commit", "-qam", "head")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "cors_lint", "diff", *args], capture_output=True, text=True,
                              cwd=repo)

    result = run("HEAD~1..HEAD", "svc")
    assert result.returncode == 0, result.stderr
    assert "## Routes that gained origins or credentials" in result.stdout
    assert ("- `/api/me` (app.py): https://app.example.com -> https://app.example.com, "
            "https://partner.example.org with credentials") in result.stdout
    assert "## New routes with CORS\n\n- `/export` (app.py): (no route) -> any origin" in result.stdout
    assert run("HEAD~1..HEAD", "svc", "--fail-on-widening").returncode == 1
    back = run("HEAD..HEAD~1", "svc").stdout
    assert "## Routes that lost origins or credentials" in back and "## Routes with CORS that were removed" in back
    assert run("HEAD..HEAD", "svc").stdout.startswith("No route changed")
    assert run("nope..HEAD", "svc").returncode == 2
