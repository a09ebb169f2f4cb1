"""Differential test: the inventory's prediction equals real flask-cors, header for header.

Generated projects (see ``appgen.py``) are analysed statically, then imported for real and
exercised with Flask's test client: simple and preflight requests from many origins, with
and without credentials-relevant headers. Any disagreement fails the test.

About a third of the projects also use API frameworks (Flask-RESTful, Flask-RESTX,
flask-smorest, APIFlask, pluggable views, plugins imported by name), mixed with the forms above.

Routes that cannot be compared (a rule with the same path answers every request sent to
them) are counted; the last test reports the counts (projects, routes, requests sent, skips,
projects and routes per framework) and fails when the skipped share grows past
``MAX_SKIPPED_SHARE``, or when the generator stops producing rules that share a path,
hand-written headers or any of the frameworks.
"""

from __future__ import annotations

import os
from collections import Counter

import flask_cors
import jsonschema
import pytest
from appgen import generate_project
from cors_lint.schemas import load
from flask.testing import FlaskClient
from oracle import ENVIRONMENT_VARIABLES, RUNTIME, compare_app, load_app, write_project

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json

CASES = int(os.environ.get("CORS_LINT_DIFF_CASES", "150"))
SCHEMA = jsonschema.Draft202012Validator(load("inventory.schema.json"))
# measured (with the API frameworks): 26 of 1211 routes (2.1%) at 150 cases, 102 of 4926 (2.1%) at 600,
# 240 of 12045 (2.0%) at 1500
MAX_SKIPPED_SHARE = 0.05
STATS: Counter = Counter()
SEEDS_COUNTED: set[int] = set()
# what a generated project contains when it uses each framework
FRAMEWORKS = {"Flask-RESTful": "RestfulApi(", "Flask-RESTX": "RestxApi(", "flask-smorest": "SmorestApi",
              "APIFlask": "APIFlask(__name__", "pluggable views": "from views.pluggable import",
              "import_module": "importlib.import_module("}


class CountingClient(FlaskClient):
    """Flask's test client, counting the requests the oracle sends."""

    sent = 0

    def open(self, *args, **kwargs):
        CountingClient.sent += 1
        return super().open(*args, **kwargs)


@pytest.mark.parametrize("seed", range(CASES))
def test_generated_project_matches_flask_cors(seed, tmp_path, monkeypatch):
    for var in ENVIRONMENT_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    files = generate_project(seed)
    write_project(tmp_path, files)
    document = inventory_json(analyze([tmp_path], flask_cors.__version__, RUNTIME))
    assert document["errors"] == []
    SCHEMA.validate(document)
    app = load_app(tmp_path)
    apps = {route["app"] for route in document["routes"]}
    assert len(apps) == 1, apps
    counts: Counter = Counter()
    app.test_client_class = CountingClient
    before = CountingClient.sent
    problems = compare_app(app, document, counts)
    counts["requests sent"] = CountingClient.sent - before
    text = "\n".join(files.values())
    used = [name for name, marker in FRAMEWORKS.items() if marker in text]
    for name in used:
        counts[f"framework: {name}"] += 1
    if used:
        counts["framework projects"] += 1
        counts["framework project routes"] += counts["routes"]
    if seed not in SEEDS_COUNTED:
        SEEDS_COUNTED.add(seed)
        STATS.update(counts)
    sources = "\n".join(f"# --- {name}\n{text}" for name, text in sorted(files.items()))
    assert not problems, "\n".join(problems[:5]) + "\n\n" + sources


def test_skipped_routes_are_counted_and_bounded(capsys, record_property):
    """Runs after the generated projects (pytest keeps the order of a module's tests)."""
    if len(SEEDS_COUNTED) < CASES:
        pytest.skip(f"counts need every generated project ({len(SEEDS_COUNTED)} of {CASES} ran)")
    routes = STATS["routes"]
    skipped = {reason.removeprefix("skipped: "): n for reason, n in STATS.items() if reason.startswith("skipped: ")}
    summary = (f"differential: {CASES} projects, {routes} routes: compared {STATS['compared']} "
               f"(sharing a path with another rule {STATS['shared_path']}, of which "
               f"{STATS['preflight_answered_by_another_rule']} get their preflights answered by another rule; "
               f"with hand-written headers "
               f"{STATS['manual_headers']}, of which {STATS['manual_either_order']} set Access-Control-Allow-Origin "
               f"so either hook order is accepted); skipped {sum(skipped.values())} of {routes} "
               f"({', '.join(f'{reason}: {n}' for reason, n in sorted(skipped.items())) or 'none'})"
               + "".join(f"; {reason}: {n}" for reason, n in sorted(STATS.items()) if reason.startswith("requests "))
               + f"; using frameworks: {STATS['framework projects']} projects, "
               f"{STATS['framework project routes']} routes ("
               + ", ".join(f"{name} {STATS['framework: ' + name]}" for name in FRAMEWORKS) + ")")
    record_property("differential_counts", dict(STATS))
    with capsys.disabled():
        print(f"\n{summary}")
    assert STATS["compared"] + sum(skipped.values()) == routes, summary
    if CASES >= 100:  # enough projects for the shares to be stable
        assert sum(skipped.values()) <= MAX_SKIPPED_SHARE * routes, summary
        assert STATS["shared_path"] and STATS["manual_via_view"] and STATS["manual_via_after_request"], summary
        assert STATS["manual_headers"] > STATS["manual_either_order"] > 0, summary
        assert STATS["manual_unknown_value"] == 0, summary  # the generator writes literals and the Origin
        assert all(STATS[f"framework: {name}"] for name in FRAMEWORKS), summary
