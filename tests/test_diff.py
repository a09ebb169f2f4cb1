"""`cors-lint diff BASE..HEAD` on a real git repository in a temporary directory."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

from helpers import run_cli


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

    def run(*args, expect_exit=0):
        return run_cli("diff", *args, expect_exit=expect_exit, cwd=repo)

    result = run("HEAD~1..HEAD", "svc")
    assert result.stdout.startswith("# CORS changes in HEAD~1..HEAD\n")
    assert "## Routes that gained origins or credentials" in result.stdout
    assert ("- `/api/me` (app.py): https://app.example.com -> https://app.example.com, "
            "https://partner.example.org with credentials") in result.stdout
    assert "## New routes with CORS\n\n- `/export` (app.py): (no route) -> any origin" in result.stdout
    assert run("HEAD~1..HEAD", "svc", "--fail-on-widening", expect_exit=1).stdout == result.stdout
    back = run("HEAD..HEAD~1", "svc", "--fail-on-widening").stdout  # narrowing only: exit 0
    assert "## Routes that lost origins or credentials" in back and "## Routes with CORS that were removed" in back
    assert "- `/export` (app.py): any origin -> (no route)" in back
    assert run("HEAD..HEAD", "svc").stdout == "No route changed its CORS posture in HEAD..HEAD.\n"
    bad = run("nope..HEAD", "svc", expect_exit=2)
    assert bad.stdout == "" and bad.stderr.startswith("cors-lint: error: ") and "nope" in bad.stderr


def test_diff_as_json_and_under_an_environments_assumptions(tmp_path):
    """`--format json` for scripts; `--env` analyses both revisions under a policy environment's
    assumptions: a CORS setup behind a flag the environment leaves unset changes nothing there."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "cors-policy.yaml").write_text("version: 1\nextends: [recommended]\nenvironments:\n  default: production\n"
                                           "  production: {env: {ENABLE_DEV_CORS: ''}}\n")
    (repo / "app.py").write_text(APP.format(api='["https://app.example.com"]', creds="False", extra=""))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    (repo / "app.py").write_text(APP.format(api='["https://app.example.com"]', creds="False", extra="") +
                                 "import os\nif os.environ.get('ENABLE_DEV_CORS'):\n    CORS(app)\n")
    git(repo, "commit", "-qam", "head")
    import json

    document = json.loads(run_cli("diff", "HEAD~1..HEAD", ".", "--format", "json", cwd=repo, expect_exit=0).stdout)
    assert document["refs"] == "HEAD~1..HEAD"
    assert {(c["route"], c["kind"]) for c in document["changes"]} == {("/api/me", "widened"),
                                                                      ("/api/orders", "widened")}
    assert document["changes"][0]["after"] == {"origins": [], "any_origin": True, "credentials": False}
    production = json.loads(run_cli("diff", "HEAD~1..HEAD", ".", "--format", "json", "--env", "production",
                                    cwd=repo, expect_exit=0).stdout)
    assert production["changes"] == []
    unknown = run_cli("diff", "HEAD~1..HEAD", ".", "--env", "nope", cwd=repo, expect_exit=2)
    assert "unknown environment 'nope'" in unknown.stderr
