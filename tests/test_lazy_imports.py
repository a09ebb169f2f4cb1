"""What a run imports: --help, --version and a run with nothing to parse never load libcst,
and a cached result loads neither libcst nor the rule catalogue, YAML or jsonschema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
from cors_lint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = ("libcst", "cors_lint.rules", "yaml", "jsonschema")
sys.stderr.write("\\nMODULES=" + json.dumps([name for name in heavy if name in sys.modules]) + "\\n")
"""
APP = "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app)\n"


def loaded(*args: str, cwd: Path | None = None) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=300,
                            cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stderr.strip().splitlines()[-1].removeprefix("MODULES="))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["check", "--help"]])
def test_help_and_version_do_not_load_libcst(args):
    assert "libcst" not in loaded(*args)


def test_a_tree_with_nothing_to_parse_does_not_load_libcst(tmp_path):
    (tmp_path / "util.py").write_text("import json\n\ndef dump(x):\n    return json.dumps(x)\n")
    (tmp_path / "cli.py").write_text("import argparse\nparser = argparse.ArgumentParser()\n")
    assert "libcst" not in loaded("check", str(tmp_path), "--no-cache")
    (tmp_path / "app.py").write_text(APP)  # the same probe sees libcst as soon as there is an app
    assert "libcst" in loaded("check", str(tmp_path), "--no-cache")


def test_a_cached_result_loads_no_parser_rules_yaml_or_schema(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    first = loaded("check", str(tmp_path))
    assert "libcst" in first and "cors_lint.rules" in first
    assert loaded("check", str(tmp_path)) == []
