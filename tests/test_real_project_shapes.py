"""Shapes met in real projects (issue 17) that used to leave a CORS risk without a word.

Each project is described in our own words (fetched code is never committed): the test builds the
smallest app that has the shape, and checks what cors-lint reports for it.
"""

from __future__ import annotations

import json

import pytest

from helpers import run_cli, write

REFLECTING_HOOK = """
    from typing import Optional
    from flask import Flask, request

    app = Flask(__name__)


    @app.after_request
    def cors(response):
        {assignment}
        if origin:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
        return response


    @app.route("/api/user")
    def user():
        return {{}}
"""


@pytest.mark.parametrize("assignment", [
    'origin: Optional[str] = request.headers.get("Origin")',  # CKAN's annotated assignment
    'if not (origin := request.headers.get("Origin")): return response',  # a walrus
], ids=["annotated", "walrus"])
def test_an_origin_reflected_through_an_annotated_or_walrus_assignment_is_found(tmp_path, assignment):
    write(tmp_path, {"app.py": REFLECTING_HOOK.format(assignment=assignment)})
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "CORS017"]
    assert finding["line"] == 11 and "/api/user" in finding["routes"]
