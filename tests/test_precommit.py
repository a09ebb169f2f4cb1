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


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str, Path]:
    """This working tree's hooks as a git repository (its path and revision), and a pre-commit home
    that every test of this module shares: pre-commit builds the hook's environment once."""
    base = tmp_path_factory.mktemp("hook-repository")
    hooks = base / "hooks"
    hooks.mkdir()
    return hooks, make_hook_repo(hooks), base / "pre-commit-home"


def installed_project(tmp_path: Path, hook_repo: tuple[Path, str, Path], files: dict[str, str], *hook_ids: str
                      ) -> Path:
    """A git repository holding ``files`` (committed without the hook), with this working tree's
    hooks installed by the real pre-commit."""
    hooks, rev, home = hook_repo
    (tmp_path / "pre-commit-home").symlink_to(home, target_is_directory=True)  # what `git` passes on
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    listed = "".join(f"\n      - id: {hook}" for hook in hook_ids)
    (project / ".pre-commit-config.yaml").write_text(f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:{listed}\n")
    for name, text in files.items():
        (project / name).write_text(text)
    git(project, "add", "-A")
    git(project, "commit", "-qm", "the project before the hook", "--no-verify")
    env = dict(os.environ, PRE_COMMIT_HOME=str(home))
    subprocess.run([str(PRE_COMMIT), "install"], cwd=project, check=True, capture_output=True, env=env)
    return project


@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed next to this Python")
def test_commit_with_a_bad_app_is_blocked_and_the_fixed_one_passes(tmp_path, hook_repo):
    project = installed_project(tmp_path, hook_repo, {"settings.py": "CREDENTIALS = True\n"}, "cors-lint",
                                "cors-lint-policy")

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


PROJECT = {
    "app.py": """
        from flask import Flask
        from flask_cors import CORS

        from admin import admin
        from config import ProdConfig

        app = Flask(__name__)
        app.config.from_object(ProdConfig)
        app.config.from_object("settings")
        CORS(app)
        app.register_blueprint(admin)


        @app.route("/me")
        def me():
            return "me"
    """,
    "config.py": """
        from origins import APP_ORIGINS


        class BaseConfig:
            CORS_ORIGINS = APP_ORIGINS


        class ProdConfig(BaseConfig):
            DEBUG = False
    """,
    "settings.py": "CORS_SUPPORTS_CREDENTIALS = True\n",
    "origins.py": 'APP_ORIGINS = ["https://app.example.com"]\n',
    "constants.py": 'ADMIN_ORIGINS = ["https://admin.example.com", "https://app.example.com"]\n',
    "admin.py": """
        from flask import Blueprint
        from flask_cors import CORS

        from constants import ADMIN_ORIGINS

        admin = Blueprint("admin", __name__, url_prefix="/admin")
        CORS(admin, origins=ADMIN_ORIGINS, supports_credentials=True)


        @admin.route("/users")
        def users():
            return "users"
    """,
    "requirements.txt": "flask==3.1.0\nflask-cors==6.0.5\n",
    "utils.py": "def helper():\n    return 1\n",
}


@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed next to this Python")
def test_a_commit_that_makes_cors_dangerous_is_blocked_whichever_file_holds_the_risky_value(tmp_path, hook_repo):
    """Issue 18: the risky value sits in another file than the CORS call (a settings module, a
    config class, the module of the constant a config class names, a constant imported into
    `origins=`, the flask-cors pin): a commit touching only
    that file is blocked, with the finding and the line that decides it; a harmless commit passes;
    a commit touching two risky files reports each finding once."""
    sources = {name: textwrap.dedent(text).lstrip("\n") for name, text in PROJECT.items()}
    project = installed_project(tmp_path, hook_repo, sources, "cors-lint")

    def commit(edits: dict[str, tuple[str, str]], message: str) -> tuple[int, str]:
        for name, (old, new) in edits.items():
            text = (project / name).read_text()
            assert old in text, (name, old)
            (project / name).write_text(text.replace(old, new))
        git(project, "add", *edits)
        done = git(project, "commit", "-m", message, check=False)
        return done.returncode, done.stdout + done.stderr

    def undo() -> None:
        git(project, "reset", "-q", "--hard", "HEAD")

    code, output = commit({"utils.py": ("return 1", "return 2")}, "harmless")
    assert code == 0 and re.search(r"^cors-lint\.+Passed$", output, re.M), output

    risky = {
        "settings.py": (("CORS_SUPPORTS_CREDENTIALS = True\n", 'CORS_SUPPORTS_CREDENTIALS = True\nCORS_ORIGINS = "*"\n'),
                        "settings.py:2:1: CORS001", "::: app.py:10 the CORS setup that applies this value is here"),
        "config.py": (("CORS_ORIGINS = APP_ORIGINS", 'CORS_ORIGINS = ["*"]'),
                      "config.py:5:1: CORS001", "::: app.py:10 the CORS setup that applies this value is here"),
        "origins.py": (('["https://app.example.com"]', '["*"]'),  # what config.py's CORS_ORIGINS names
                       "config.py:5:1: CORS001", "::: origins.py:1 `CORS_ORIGINS` comes from `APP_ORIGINS`, set here"),
        "constants.py": (('"https://admin.example.com", ', r'r"https://.*\.example\.com", '),
                         "constants.py:1:1: CORS002", "::: admin.py:7 the CORS setup that applies this value is here"),
        "requirements.txt": (("flask-cors==6.0.5", "flask-cors==4.0.0"), "requirements.txt:2:1: CORS019", None),
    }
    for name, (edit, finding, evidence) in risky.items():
        code, output = commit({name: edit}, f"change {name}")
        assert code != 0, (name, output)
        assert re.search(r"^cors-lint\.+Failed$", output, re.M), output
        assert finding in output, (name, output)
        assert evidence is None or evidence in output, (name, output)
        undo()

    code, output = commit({"settings.py": risky["settings.py"][0], "constants.py": risky["constants.py"][0]}, "both")
    assert code != 0, output
    assert output.count("settings.py:2:1: CORS001") == 1 and output.count("constants.py:1:1: CORS002") == 1, output


API_PROJECT = {
    "app.py": """
        from flask import Flask
        from flask_cors import CORS

        from api import api

        app = Flask(__name__, static_folder=None)
        CORS(app, resources={r"/api/.*": {"supports_credentials": True}})
        app.register_blueprint(api)
    """,
    "api.py": """
        from flask import Blueprint

        api = Blueprint("api", __name__)


        @api.route("/health")
        def health():
            return "ok"
    """,
    "requirements.txt": "flask==3.1.0\nflask-cors==6.0.5\n",
}


@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed next to this Python")
def test_a_route_added_in_a_blueprint_module_under_a_dangerous_resource_is_blocked(tmp_path, hook_repo):
    """The CORS call in app.py lets any origin read /api/* with credentials, but no route matches
    it yet: a commit that only edits the blueprint module harmlessly passes; one that adds a route
    under /api/ there is blocked with the CORS001 finding at the CORS call."""
    sources = {name: textwrap.dedent(text).lstrip("\n") for name, text in API_PROJECT.items()}
    project = installed_project(tmp_path, hook_repo, sources, "cors-lint")
    api = project / "api.py"

    api.write_text(api.read_text().replace('return "ok"', 'return "OK"'))
    git(project, "add", "api.py")
    harmless = git(project, "commit", "-m", "harmless", check=False)
    passed = harmless.stdout + harmless.stderr
    assert harmless.returncode == 0 and re.search(r"^cors-lint\.+Passed$", passed, re.M), passed

    api.write_text(api.read_text() + '\n\n@api.route("/api/export")\ndef export():\n    return "data"\n')
    git(project, "add", "api.py")
    risky = git(project, "commit", "-m", "export", check=False)
    output = risky.stdout + risky.stderr
    assert risky.returncode != 0 and re.search(r"^cors-lint\.+Failed$", output, re.M), output
    assert "app.py:7:1: CORS001 error: " in output and "/api/export" in output, output


@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed next to this Python")
def test_the_fixing_hook_fixes_the_file_and_the_next_commit_passes(tmp_path, hook_repo):
    """cors-lint-fix rewrites a proven safe fix in place: pre-commit stops the commit because the
    hook changed a file (as with ruff --fix); once the fix is added, the commit passes."""
    project = installed_project(tmp_path, hook_repo, {}, "cors-lint-fix")
    source = ("from flask import Flask\nfrom flask.ext.cors import CORS  # from an old tutorial\n"
              "app = Flask(__name__)\nCORS(app, origins=\"https://app.example.com\")\n")
    (project / "app.py").write_text(source)
    git(project, "add", "app.py")
    stopped = git(project, "commit", "-m", "add the app", check=False)
    output = stopped.stdout + stopped.stderr
    assert stopped.returncode != 0, output
    assert re.search(r"^cors-lint \(fix\)\.+Failed\n- hook id: cors-lint-fix\n- files were modified by this hook$",
                     output, re.M), output
    assert "applied 1 fix in 1 file" in output
    assert (project / "app.py").read_text() == source.replace("flask.ext.cors", "flask_cors")
    git(project, "add", "app.py")
    passed = git(project, "commit", "-m", "add the app", check=False)
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert re.search(r"^cors-lint \(fix\)\.+Passed$", output, re.M), output
