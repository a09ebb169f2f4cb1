"""Hostile inputs: each gives a per-file error with a reason, and the rest of the run completes.

Every case sits next to a real app with a known finding; the run must still report it.
Subprocess timeouts are hang guards, not speed assertions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

APP = """from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app, supports_credentials=True)
@app.route("/me")
def me(): return "me"
"""


def make(directory: Path, name: str) -> None:
    path = directory / name
    if name == "syntax.py":
        path.write_text("def (:\n")
    elif name == "python2.py":
        path.write_text('print "hello"\nexec "x = 1"\n')
    elif name == "latin1.py":
        path.write_bytes("x = 'caf\xe9'\n".encode("latin-1"))
    elif name == "nul.py":
        path.write_bytes(b"from flask import Flask\x00\n")
    elif name == "huge.py":
        with path.open("w") as handle:
            handle.write("# flask\nDATA = [\n")
            line = '    "' + "x" * 70 + '",\n'
            handle.write(line * (20 * 1024 * 1024 // len(line)))
            handle.write("]\n")
    elif name == "nested.py":
        path.write_text("from flask import Flask\nx = " + "(" * 1000 + "1" + ")" * 1000 + "\n")
    elif name == "loop.py":
        os.symlink("loop_twin.py", path)
        os.symlink("loop.py", directory / "loop_twin.py")
    elif name == "dangling.py":
        os.symlink("nowhere.py", path)
    elif name == "fifo.py":
        os.mkfifo(path)
    elif name == "binary.py":
        path.write_bytes(bytes(range(1, 256)) * 16)
    elif name == "empty.py":
        path.write_text("")


EXPECTED = {
    "syntax.py": ("syntax", "syntax error"),
    "python2.py": ("syntax", "Missing parentheses in call to 'print'"),
    "latin1.py": ("encoding", "cannot decode source"),
    "nul.py": ("encoding", "NUL bytes"),
    "huge.py": ("too-large", "20.0 MiB > 5 MiB"),
    "nested.py": ("syntax", "too many nested parentheses"),
    "loop.py": ("unreadable", "Too many levels of symbolic links"),
    "dangling.py": ("unreadable", "No such file or directory"),
    "fifo.py": ("unreadable", "not a regular file"),
    "binary.py": ("encoding", "cannot decode source"),
    "empty.py": ("empty", "empty file"),
}


def check(directory: Path) -> tuple[int, dict]:
    result = subprocess.run([sys.executable, "-m", "cors_lint", str(directory), "--format", "json"],
                            capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_is_reported_and_the_run_goes_on(name, tmp_path):
    (tmp_path / "app.py").write_text(APP)
    make(tmp_path, name)
    code, document = check(tmp_path)
    assert code == 1
    errors = {e["file"]: e for e in document["errors"]}
    kind, text = EXPECTED[name]
    assert errors[name]["kind"] == kind and text in errors[name]["message"], errors
    assert [f["rule_id"] for f in document["findings"]] == ["CORS001"]  # the real app is still analysed


def test_all_hostile_files_together(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    for name in EXPECTED:
        make(tmp_path, name)
    (tmp_path / "dir_named.py").mkdir()
    (tmp_path / "bom_crlf.py").write_bytes(b"\xef\xbb\xbffrom flask import Flask\r\nfrom flask_cors import CORS\r\n"
                                           b"other = Flask(__name__)\r\nCORS(other, origins='null')\r\n")
    code, document = check(tmp_path)
    assert code == 1
    assert {e["file"] for e in document["errors"]} == set(EXPECTED) | {"loop_twin.py"}
    found = {(f["rule_id"], f["file"], f["line"]) for f in document["findings"]}
    assert ("CORS001", "app.py", 4) in found
    assert ("CORS004", "bom_crlf.py", 4) in found  # BOM and CRLF: parsed, lines right
