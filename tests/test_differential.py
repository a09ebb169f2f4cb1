"""Differential test: the inventory's prediction equals real flask-cors, header for header.

Generated projects (see ``appgen.py``) are analysed statically, then imported for real and
exercised with Flask's test client: simple and preflight requests from many origins, with
and without credentials-relevant headers. Any disagreement fails the test.

About a third of the projects also use API frameworks (Flask-RESTful, Flask-RESTX,
flask-smorest, APIFlask, pluggable views, plugins imported by name), mixed with the forms above.

Routes that cannot be compared (a rule with the same path answers every request sent to
them) are counted; the test reports the counts (projects, routes, requests sent, skips,
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
from oracle import ENVIRONMENT_VARIABLES, RUNTIME, compare_app, load_app, write_project

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json

CASES = int(os.environ.get("CORS_LINT_DIFF_CASES", "150"))
SCHEMA = jsonschema.Draft202012Validator(load("inventory.schema.json"))
# measured (with the API frameworks): 26 of 1211 routes (2.1%) at 150 cases, 102 of 4926 (2.1%) at 600,
# 240 of 12045 (2.0%) at 1500
MAX_SKIPPED_SHARE = 0.05
# what a generated project contains when it uses each framework
FRAMEWORKS = {"Flask-RESTful": "RestfulApi(", "Flask-RESTX": "RestxApi(", "flask-smorest": "SmorestApi",
              "APIFlask": "APIFlask(__name__", "pluggable views": "from views.pluggable import",
              "import_module": "importlib.import_module("}


def compare_project(seed: int, directory) -> tuple[list[str], Counter]:
    """The disagreements between the engine and real flask-cors on one generated project, and
    what was compared (routes, requests sent, skips, frameworks used)."""
    files = generate_project(seed)
    write_project(directory, files)
    document = inventory_json(analyze([directory], flask_cors.__version__, RUNTIME))
    assert document["errors"] == [], (seed, document["errors"])
    SCHEMA.validate(document)
    app = load_app(directory)
    apps = {route["app"] for route in document["routes"]}
    assert len(apps) == 1, (seed, apps)
    counts: Counter = Counter()
    problems = compare_app(app, document, counts)
    text = "\n".join(files.values())
    used = [name for name, marker in FRAMEWORKS.items() if marker in text]
    for name in used:
        counts[f"framework: {name}"] += 1
    if used:
        counts["framework projects"] += 1
        counts["framework project routes"] += counts["routes"]
    if problems:
        sources = "\n".join(f"# --- {name}\n{text}" for name, text in sorted(files.items()))
        problems = problems[:5] + ["", sources]
    return problems, counts


@pytest.mark.slow
def test_generated_projects_match_flask_cors(tmp_path, monkeypatch, capsys, record_property):
    """Every generated project agrees with flask-cors; then the counts over all of them.

    One test, not one per project: the counts need every project, and a single test keeps them
    whole however pytest-xdist spreads the suite. A failure names each disagreeing seed (and
    shows the first one's requests and sources); ``CORS_LINT_DIFF_CASES`` sets how many run."""
    for var in ENVIRONMENT_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    stats: Counter = Counter()
    failed: dict[int, list[str]] = {}
    for seed in range(CASES):
        problems, counts = compare_project(seed, tmp_path / f"seed{seed}")
        stats.update(counts)
        if problems:
            failed[seed] = problems
    assert not failed, (f"{len(failed)} of {CASES} generated projects disagree with flask-cors: seeds "
                        f"{sorted(failed)}; seed {min(failed)}:\n" + "\n".join(failed[min(failed)]))
    routes = stats["routes"]
    skipped = {reason.removeprefix("skipped: "): n for reason, n in stats.items() if reason.startswith("skipped: ")}
    summary = (f"differential: {CASES} projects, {routes} routes: compared {stats['compared']} "
               f"(sharing a path with another rule {stats['shared_path']}, of which "
               f"{stats['preflight_answered_by_another_rule']} get their preflights answered by another rule; "
               f"with hand-written headers "
               f"{stats['manual_headers']}, of which {stats['manual_either_order']} set Access-Control-Allow-Origin "
               f"so either hook order is accepted); skipped {sum(skipped.values())} of {routes} "
               f"({', '.join(f'{reason}: {n}' for reason, n in sorted(skipped.items())) or 'none'})"
               + "".join(f"; {reason}: {n}" for reason, n in sorted(stats.items()) if reason.startswith("requests "))
               + f"; using frameworks: {stats['framework projects']} projects, "
               f"{stats['framework project routes']} routes ("
               + ", ".join(f"{name} {stats['framework: ' + name]}" for name in FRAMEWORKS) + ")")
    record_property("differential_counts", dict(stats))
    with capsys.disabled():
        print(f"\n{summary}")
    assert stats["compared"] + sum(skipped.values()) == routes, summary
    if CASES >= 100:  # enough projects for the shares to be stable
        assert sum(skipped.values()) <= MAX_SKIPPED_SHARE * routes, summary
        assert stats["shared_path"] and stats["manual_via_view"] and stats["manual_via_after_request"], summary
        assert stats["manual_headers"] > stats["manual_either_order"] > 0, summary
        assert stats["manual_unknown_value"] == 0, summary  # the generator writes literals and the Origin
        assert all(stats[f"framework: {name}"] for name in FRAMEWORKS), summary
