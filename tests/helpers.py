"""Small helpers shared by the tests: write a project, analyse it, look things up."""

from __future__ import annotations

import contextlib
import gc
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return directory


def inventory_of(directory: Path, files: dict[str, str], demand_driven: bool = True,
                 include_tests: bool = False) -> dict[str, Any]:
    write(directory, files)
    return inventory_json(analyze([directory], demand_driven=demand_driven, include_tests=include_tests))


def route(document: dict[str, Any], path: str) -> dict[str, Any]:
    matches = [r for r in document["routes"] if r["path"] == path]
    assert len(matches) == 1, (path, [r["path"] for r in document["routes"]])
    return matches[0]


def sites(document: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [s for s in document["sites"] if kind is None or s["kind"] == kind]


def run_cli(*args: str, expect_exit: int, to_file: bool = False, cwd: Path | None = None,
            env: dict[str, str] | None = None, timeout: float = 300, process: bool = False
            ) -> subprocess.CompletedProcess[str]:
    """Run ``cors-lint ARGS`` as a user would and check what every run must satisfy: the
    expected exit code, no traceback, and that it printed something (on stderr for exit 2, the
    usage / configuration / internal error code). ``to_file``: the run writes its output to a
    file (``--output``), so stdout must stay empty; the caller checks the file.
    Callers then check *what* it printed.

    The command runs in this process (``run_in_process``): starting Python and importing
    cors-lint again for each test was most of the suite's time. ``process`` (or an ``env``,
    which replaces the whole environment) runs ``python -m cors_lint`` as its own process, for
    what is about the process itself: exit codes as the shell sees them, the environment."""
    if process or env is not None:
        result = subprocess.run([sys.executable, "-m", "cors_lint", *args], capture_output=True, text=True,
                                cwd=cwd, env=env, timeout=timeout)
    else:
        result = run_in_process(*args, cwd=cwd)
    shown = (f"cors-lint {' '.join(args)}: exit {result.returncode}\n--- stdout\n{result.stdout[-4000:]}"
             f"\n--- stderr\n{result.stderr[-4000:]}")
    assert result.returncode == expect_exit, f"expected exit {expect_exit}; {shown}"
    assert "Traceback" not in result.stderr, shown
    if to_file:
        assert result.stdout == "", shown
    else:
        printed = result.stderr if expect_exit == 2 else result.stdout + result.stderr
        assert printed.strip(), f"printed nothing; {shown}"
    return result


def run_in_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``cors-lint ARGS`` through the command's own ``cli.main``, in this process: stdout and
    stderr captured apart, the working directory ``cwd`` for the run, the exit code as
    ``SystemExit`` carries it (a message: printed on stderr, exit 1, as Python does). An
    exception that escapes ``main`` (its error envelope failed) is raised to the test. The run
    starts without the trees earlier analyses kept in this process, as a new process does."""
    from typer.testing import CliRunner

    from cors_lint import cli
    from cors_lint.engine.source.parse_memo import RECENT

    RECENT.clear()

    collecting = gc.isenabled()  # main() turns the cyclic GC off for its run
    before = os.getcwd()
    code: object = 0
    with CliRunner().isolation() as (stdout, stderr, _):
        try:
            if cwd is not None:
                os.chdir(cwd)
            cli.main(list(args))
        except SystemExit as exit:
            code = exit.code
        finally:
            os.chdir(before)
            if collecting:
                gc.enable()
            sys.stdout.flush()
            sys.stderr.flush()
        if code is not None and not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
            sys.stderr.flush()
        out, err = stdout.getvalue().decode(), stderr.getvalue().decode("utf-8", "replace")
    return subprocess.CompletedProcess(["cors-lint", *args], code or 0, out, err)


@contextlib.contextmanager
def environment(variables: dict[str, str] | None):
    """``os.environ`` is exactly ``variables`` inside (unchanged for None), restored after."""
    if variables is None:
        yield
        return
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(variables)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def counting(owner: object, name: str):
    """The calls made to ``owner.name`` inside (a list of their arguments)."""
    original = getattr(owner, name)
    calls: list[tuple] = []

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    setattr(owner, name, counted)
    try:
        yield calls
    finally:
        setattr(owner, name, original)


def plain(text: str) -> str:
    """Terminal output as one line of words: no ANSI colours, no Rich box drawing, no wrapping."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    text = re.sub(r"[\u2500-\u257f]", " ", text)
    return " ".join(text.split())


def config_class_app(module: str) -> str:
    """``app.py`` of a project whose CORS comes from a config class: ``<module>.Config`` loaded
    into app.config, then ``CORS(app)``; one route, ``/api/me``."""
    return (f'from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n'
            f'app.config.from_object("{module}.Config")\nCORS(app)\n\n\n@app.route("/api/me")\n'
            f'def me():\n    return "me"\n')
