"""Differential test: the inventory's prediction equals real flask-cors, header for header.

Generated projects (see ``appgen.py``) are analysed statically, then imported for real and
exercised with Flask's test client: simple and preflight requests from many origins, with
and without credentials-relevant headers. Any disagreement fails the test.
"""

from __future__ import annotations

import os

import flask_cors
import jsonschema
import pytest
from appgen import generate_project
from cors_lint.schemas import load
from oracle import compare_app, load_app, write_project

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json

CASES = int(os.environ.get("CORS_LINT_DIFF_CASES", "150"))
SCHEMA = jsonschema.Draft202012Validator(load("inventory.schema.json"))


@pytest.mark.parametrize("seed", range(CASES))
def test_generated_project_matches_flask_cors(seed, tmp_path, monkeypatch):
    for var in ("GEN_ORIGIN", "GEN_LIST", "GEN_UNSET", "GEN_MODE", "GEN_CONF"):
        monkeypatch.delenv(var, raising=False)
    files = generate_project(seed)
    write_project(tmp_path, files)
    document = inventory_json(analyze([tmp_path], flask_cors.__version__))
    assert document["errors"] == []
    SCHEMA.validate(document)
    app = load_app(tmp_path)
    apps = {route["app"] for route in document["routes"]}
    assert len(apps) == 1, apps
    problems = compare_app(app, document)
    sources = "\n".join(f"# --- {name}\n{text}" for name, text in sorted(files.items()))
    assert not problems, "\n".join(problems[:5]) + "\n\n" + sources
