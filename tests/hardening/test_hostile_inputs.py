"""Hostile inputs: each gives a per-file error with a reason, and the rest of the run completes.

Every case sits next to a real app with a known finding; the run must still report it.
By default cors-lint parses only the files that can affect CORS (the prefilter) and what
they import, so a hostile file is reported when it is one of those, or when it cannot even
be read; ``--no-prefilter`` parses every file and reports every broken one.
The command runs in this process (``helpers.run_in_process``): what is checked is the run's
output and exit code, and an exception escaping the error envelope fails the test.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))

from helpers import run_in_process  # noqa: E402

APP = """from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app, supports_credentials=True)
@app.route("/me")
def me(): return "me"
"""


def make(directory: Path, name: str, relevant: bool = False) -> None:
    """Write a hostile file; ``relevant`` starts text files with a Flask import (the prefilter selects them)."""
    path = directory / name
    head = "from flask import Flask\n" if relevant else ""
    if name == "syntax.py":
        path.write_text(head + "def (:\n")
    elif name == "python2.py":
        path.write_text(head + 'print "hello"\nexec "x = 1"\n')
    elif name == "latin1.py":
        path.write_bytes((head + "x = 'caf\xe9'\n").encode("latin-1"))
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
}


# Files that cannot affect CORS (no Flask import, no CORS_ key, no Access-Control- header) and
# that no entry point imports are not parsed by default, so they cannot be reported.
NEVER_RELEVANT = {"binary.py"}


def check(directory: Path, *options: str) -> tuple[int, dict]:
    result = run_in_process(str(directory), "--format", "json", *options)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr  # callers check which; 2 would be a usage or internal error
    return result.returncode, json.loads(result.stdout)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_is_reported_and_the_run_goes_on(name, tmp_path):
    (tmp_path / "app.py").write_text(APP)
    make(tmp_path, name)
    code, document = check(tmp_path, "--no-prefilter")
    assert code == 1
    errors = {e["file"]: e for e in document["errors"]}
    kind, text = EXPECTED[name]
    assert errors[name]["kind"] == kind and text in errors[name]["message"], errors
    assert [f["rule_id"] for f in document["findings"]] == ["CORS001"]  # the real app is still analysed


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - NEVER_RELEVANT))
def test_hostile_file_the_prefilter_selects_is_reported(name, tmp_path):
    (tmp_path / "app.py").write_text(APP)
    make(tmp_path, name, relevant=True)
    code, document = check(tmp_path)
    assert code == 1
    errors = {e["file"]: e for e in document["errors"]}
    kind, text = EXPECTED[name]
    assert errors[name]["kind"] == kind and text in errors[name]["message"], errors
    assert [f["rule_id"] for f in document["findings"]] == ["CORS001"]


@pytest.mark.parametrize("name", sorted(NEVER_RELEVANT))
def test_file_that_cannot_matter_is_not_parsed_by_default(name, tmp_path):
    (tmp_path / "app.py").write_text(APP)
    make(tmp_path, name)
    code, document = check(tmp_path)
    assert code == 1  # the CORS001 finding
    assert document["errors"] == [] and [f["rule_id"] for f in document["findings"]] == ["CORS001"]


def test_broken_module_the_app_uses_is_reported(tmp_path):
    (tmp_path / "app.py").write_text("from helpers import ORIGINS\n" + APP.replace("CORS(app, ", "CORS(app, origins=ORIGINS, "))
    (tmp_path / "helpers.py").write_text("ORIGINS = [\n")  # no marker of its own: analysed because it is used
    code, document = check(tmp_path)
    assert code == 1
    assert [(e["file"], e["kind"]) for e in document["errors"]] == [("helpers.py", "syntax")]


@pytest.mark.parametrize("options", [(), ("--no-prefilter",)])
def test_all_hostile_files_together(tmp_path, options):
    (tmp_path / "app.py").write_text(APP)
    for name in EXPECTED:
        make(tmp_path, name, relevant=not options)
    (tmp_path / "dir_named.py").mkdir()
    (tmp_path / "bom_crlf.py").write_bytes(b"\xef\xbb\xbffrom flask import Flask\r\nfrom flask_cors import CORS\r\n"
                                           b"other = Flask(__name__)\r\nCORS(other, origins='null')\r\n")
    code, document = check(tmp_path, *options)
    assert code == 1
    expected = set(EXPECTED) | {"loop_twin.py"}
    assert {e["file"] for e in document["errors"]} == (expected if options else expected - NEVER_RELEVANT)
    found = {(f["rule_id"], f["file"], f["line"]) for f in document["findings"]}
    assert ("CORS001", "app.py", 4) in found
    assert ("CORS004", "bom_crlf.py", 4) in found  # BOM and CRLF: parsed, lines right


def test_an_empty_module_and_templates_fail_nothing(tmp_path):
    """An empty module is valid Python; a Jinja or cookiecutter template (template syntax in its
    path or around the syntax error) is skipped with a note, not counted as unanalysable."""
    (tmp_path / "main.py").write_text("from flask import Flask\nimport empty\napp = Flask(__name__)\n")
    (tmp_path / "empty.py").write_text("")
    (tmp_path / "{{cookiecutter.name}}").mkdir()
    (tmp_path / "{{cookiecutter.name}}" / "app.py").write_text("from flask import Flask\napp = Flask(\n")
    (tmp_path / "wsgi.py").write_text("from flask import Flask\n{% if cookiecutter.cors %}\nfrom flask_cors import CORS\n"
                                       "{% endif %}\n")
    (tmp_path / "broken.py").write_text("from flask import Flask\napp = Flask(\n")
    code, document = check(tmp_path, "--no-prefilter")
    assert code == 1  # broken.py alone
    assert [e["file"] for e in document["errors"]] == ["broken.py"]
    assert [(s["file"], s["kind"]) for s in document["skipped"]] == [("wsgi.py", "template"),
                                                                   ("{{cookiecutter.name}}/app.py", "template")]
    (tmp_path / "broken.py").unlink()
    code, document = check(tmp_path, "--no-prefilter")
    assert code == 0 and document["errors"] == []


def test_a_file_that_is_not_utf8_is_reported_at_the_line_and_column_of_the_bad_byte(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "latin1.py").write_bytes("from flask import Flask\n\nNAME = 'café'\n".encode("latin-1"))
    code, document = check(tmp_path)
    [error] = [e for e in document["errors"] if e["file"] == "latin1.py"]
    assert (error["kind"], error["line"], error["column"]) == ("encoding", 3, 12), error
    assert error["message"] == "cannot decode source: byte 0xe9 is not utf-8 (invalid continuation byte)"
