"""The text output as people read it: snapshots of every rule's example, with and without colour,
and colour only where it belongs (a terminal, unless NO_COLOR; FORCE_COLOR and --color).

The snapshots are in tests/snapshots/text/<rule>.txt; after a deliberate change of the output,
``CORS_LINT_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_text_output.py`` rewrites
them (read the diff before committing it)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from helpers import environment, run_cli, write

from cors_lint.check.checker import check_paths
from cors_lint.output.formats import CHECK, Presentation
from cors_lint.policy.loader import load
from cors_lint.rules import RULES
from cors_lint.testing import example_files

SNAPSHOTS = Path(__file__).parent / "snapshots" / "text"
EXAMPLE = Path(__file__).parent.parent / "fixtures" / "example_app"
ANSI = "\x1b["


def rendered(rule) -> str:
    """The text output of each of a rule's invalid examples, plain and in colour."""
    parts = []
    policy = load("recommended")
    for index, example in enumerate(rule.invalid):
        with tempfile.TemporaryDirectory() as directory:
            root = write(Path(directory), example_files(example.code))
            result = check_paths([root], policy)
            for color in (False, True):
                text = CHECK["text"](result, policy, Presentation(color=color))
                parts.append(f"=== example {index}{' (colour)' if color else ''}\n{text}")
    return "".join(parts)


@pytest.mark.parametrize("rule_id", [rule.id for rule in RULES.values() if rule.invalid])
def test_the_text_output_of_every_rule_example_matches_its_snapshot(rule_id):
    snapshot = SNAPSHOTS / f"{rule_id}.txt"
    text = rendered(RULES[rule_id])
    if os.environ.get("CORS_LINT_UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(text)
    assert snapshot.exists(), f"no snapshot: run with CORS_LINT_UPDATE_SNAPSHOTS=1 to write {snapshot}"
    assert text == snapshot.read_text()


def test_colour_follows_the_option_and_the_environment():
    variables = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    cases = [((), {}, False),  # not a terminal (captured)
             (("--color", "always"), {}, True), (("--color", "never"), {"FORCE_COLOR": "1"}, False),
             ((), {"FORCE_COLOR": "1"}, True), ((), {"FORCE_COLOR": "0"}, False),
             ((), {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False), (("--color", "always"), {"NO_COLOR": "1"}, True)]
    for options, extra, coloured in cases:
        with environment({**variables, **extra}):
            out = run_cli("check", str(EXAMPLE), "--no-cache", *options, expect_exit=1).stdout
        assert (ANSI in out) == coloured, (options, extra)
        assert "CORS019" in out


def test_colour_appears_in_a_terminal_only(tmp_path):
    """The real process on a pseudo-terminal gets colours; piped, the same run gets none."""
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    command = [sys.executable, "-m", "cors_lint", "check", str(EXAMPLE), "--no-cache"]
    main, secondary = pty.openpty()
    try:
        child = subprocess.Popen(command, stdout=secondary, stderr=subprocess.DEVNULL, env=env, cwd=tmp_path)
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed: the child is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert child.wait(timeout=120) == 1
    finally:
        os.close(main)
    on_terminal = b"".join(chunks).decode()
    piped = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert piped.returncode == 1 and "CORS019" in piped.stdout and ANSI not in piped.stdout
    assert "CORS019" in on_terminal and ANSI in on_terminal


def test_a_frame_quotes_the_line_python_numbers_after_a_form_feed_and_crlf(tmp_path):
    """Lines are numbered as Python numbers them: a form feed does not end a line, \\r\\n does."""
    source = ("from flask import Flask\r\nfrom flask_cors import CORS\r\n\x0c\r\napp = Flask(__name__)\r\n"
              "CORS(app, supports_credentials=True)\r\n")
    (tmp_path / "app.py").write_bytes(source.encode())
    text = run_cli("check", str(tmp_path), "--no-cache", expect_exit=1).stdout
    assert "app.py:5:1: CORS001 error: " in text and "\n 5 | CORS(app, supports_credentials=True)\n" in text


def test_a_route_whose_path_cannot_be_known_is_named_by_its_endpoint(tmp_path):
    """Not `<unknown path>`: the endpoint is the name url_for knows the route by; the counts
    read as words (`1 app`, `1 CORS site`)."""
    write(tmp_path, {"settings.py": "class _P:\n    def path(self):\n        return open('x').read()\nDOCS = _P()\n",
                     "app.py": """
        from flask import Flask
        from flask_cors import CORS
        from settings import DOCS

        app = Flask(__name__)
        CORS(app, supports_credentials=True)

        def docs():
            return "docs"

        app.add_url_rule(DOCS.path(), "docs", docs)
    """})
    text = run_cli("check", str(tmp_path), "--no-cache", "--format", "concise", expect_exit=1).stdout
    assert "is reflected on endpoint `docs` (path unknown), /static/<path:filename>" in text, text
    assert "<unknown path>" not in text
    inventory = run_cli("inventory", str(tmp_path), expect_exit=0).stdout
    assert "endpoint `docs` (path unknown)  GET" in inventory, inventory
    assert "2 routes in 1 app, 1 CORS site, 2 files, 0 files not analysed" in inventory, inventory
