"""What a run imports: --help, --version and a run with nothing to parse never load libcst,
and a cached result loads neither libcst nor the rule catalogue, YAML or jsonschema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cors_lint import __version__

PROBE = """
import json, sys
from cors_lint.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
heavy = ("libcst", "cors_lint.rules", "yaml", "jsonschema")
sys.stdout.flush()
sys.stderr.write("\\nEXIT=%s MODULES=%s\\n" % (code, json.dumps([name for name in heavy if name in sys.modules])))
"""
APP = "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app)\n"


def loaded(*args: str, expect_exit: int, expect_output: str, cwd: Path | None = None) -> list[str]:
    """The heavy modules the run imported, once it exited as expected having printed ``expect_output``
    (a run that fails early imports little, so that alone proves nothing)."""
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=300,
                            cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    code, modules = result.stderr.strip().splitlines()[-1].split(" ", 1)
    assert code == f"EXIT={expect_exit}", result.stderr
    assert expect_output in result.stdout, result.stdout + result.stderr
    return json.loads(modules.removeprefix("MODULES="))


@pytest.mark.parametrize("args, output", [(["--help"], "Usage: cors-lint [OPTIONS] COMMAND [ARGS]..."),
                                          (["--version"], f"cors-lint {__version__}\n"),
                                          (["check", "--help"], "Usage: cors-lint check [OPTIONS] [PATH]...")],
                         ids=["help", "version", "check-help"])
def test_help_and_version_do_not_load_libcst(args, output):
    assert "libcst" not in loaded(*args, expect_exit=0, expect_output=output)


CLEAN = "0 findings (0 errors, 0 warnings, 0 notes) in 2 files, 0 routes; 0 files not analysed"
WILDCARD = "app.py:4:1: CORS007 "


def test_a_tree_with_nothing_to_parse_does_not_load_libcst(tmp_path):
    (tmp_path / "util.py").write_text("import json\n\ndef dump(x):\n    return json.dumps(x)\n")
    (tmp_path / "cli.py").write_text("import argparse\nparser = argparse.ArgumentParser()\n")
    assert "libcst" not in loaded("check", str(tmp_path), "--no-cache", expect_exit=0, expect_output=CLEAN)
    (tmp_path / "app.py").write_text(APP)  # the same probe sees libcst as soon as there is an app
    assert "libcst" in loaded("check", str(tmp_path), "--no-cache", expect_exit=1, expect_output=WILDCARD)


def test_a_cached_result_loads_no_parser_rules_yaml_or_schema(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    first = loaded("check", str(tmp_path), expect_exit=1, expect_output=WILDCARD)
    assert "libcst" in first and "cors_lint.rules" in first
    assert loaded("check", str(tmp_path), expect_exit=1, expect_output=WILDCARD) == []
