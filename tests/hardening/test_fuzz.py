"""Fuzzing with Hypothesis, at a small budget in CI (CORS_LINT_FUZZ_EXAMPLES raises it).

- Generated Flask projects (random shapes, aliases, factories, blueprints, partially
  dynamic values): analysis never raises, output is the same bytes twice, and the
  inventory still agrees with real flask-cors.
- Mutated versions of the example app (truncated, re-indented, random tokens inserted):
  analysis and checking never raise; broken files become per-file errors.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import flask_cors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent.parent))

from appgen import generate_project  # noqa: E402
from oracle import ENVIRONMENT_VARIABLES, RUNTIME, compare_app, load_app, write_project  # noqa: E402

from cors_lint.check.checker import check_paths  # noqa: E402
from cors_lint.engine.analysis import analyze  # noqa: E402
from cors_lint.engine.inventory import inventory_json  # noqa: E402
from cors_lint.policy.loader import load  # noqa: E402

EXAMPLES = int(os.environ.get("CORS_LINT_FUZZ_EXAMPLES", "15"))
FIXTURE = Path(__file__).parent.parent.parent / "fixtures" / "example_app"
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("CORS_LINT_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TOKENS = ["(", ")", "[", "]", "{", "}", ":", ",", "CORS(", "app", "@", "def", "lambda", "'", '"', "\\", "#", "\n",
          "    ", "import", "*", "**", "=", "if", "else", "yield", "await", "\x0c", "\t", "é", "𝔘", ";"]


@FUZZ
@given(seed=st.integers(min_value=10_000, max_value=10**9))
def test_generated_projects_analyse_deterministically_and_match_flask_cors(seed, tmp_path_factory):
    directory = tmp_path_factory.mktemp("fuzz")
    write_project(directory, generate_project(seed))
    first = json.dumps(inventory_json(analyze([directory], flask_cors.__version__, RUNTIME)))
    second = json.dumps(inventory_json(analyze([directory], flask_cors.__version__, RUNTIME)))
    assert first == second
    document = json.loads(first)
    assert document["errors"] == []
    for var in ENVIRONMENT_VARIABLES:
        os.environ.pop(var, None)
    problems = compare_app(load_app(directory), document)
    assert not problems, problems[:3]


@st.composite
def mutations(draw):
    files = sorted(str(p.relative_to(FIXTURE)) for p in FIXTURE.rglob("*.py"))
    target = draw(st.sampled_from(files))
    kind = draw(st.sampled_from(["truncate", "reindent", "insert", "delete-line", "duplicate-line"]))
    return target, kind, draw(st.integers(min_value=0, max_value=10_000)), draw(st.sampled_from(TOKENS))


@FUZZ
@given(mutation=mutations())
def test_mutated_example_never_crashes_the_linter(mutation, tmp_path_factory):
    target, kind, position, token = mutation
    project = tmp_path_factory.mktemp("mutant") / "app"
    shutil.copytree(FIXTURE, project)
    path = project / target
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    where = position % max(len(text), 1)
    line = position % max(len(lines), 1)
    if kind == "truncate":
        text = text[:where]
    elif kind == "reindent":
        lines[line] = "   " + lines[line] if lines else ""
        text = "".join(lines)
    elif kind == "insert":
        text = text[:where] + token + text[where:]
    elif kind == "delete-line" and lines:
        del lines[line]
        text = "".join(lines)
    elif lines:
        lines.insert(line, lines[line])
        text = "".join(lines)
    path.write_text(text)
    inventory = inventory_json(analyze([project]))
    assert all(error["kind"] in ("syntax", "encoding", "empty") for error in inventory["errors"]), inventory["errors"]
    result = check_paths([project], load("recommended"))
    assert not result.failures, [failure.traceback for failure in result.failures]  # no rule raised
    assert json.dumps([f.as_json() for f in result.findings]) == json.dumps(
        [f.as_json() for f in check_paths([project], load("recommended")).findings])
