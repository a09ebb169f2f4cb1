"""Run inside a subprocess whose ``flask_cors`` is an older release (see test_versions.py).

argv[1] is a JSON file: a list of {"project": dir, "module": name, "inventory": document}.
Prints a JSON list with the problems found for each project (empty lists when all agree).
"""

import json
import sys

import flask_cors  # the old release, first on sys.path
from oracle import compare_app, load_app  # noqa: E402  (uses the old flask_cors's functions)

cases = json.load(open(sys.argv[1]))
results = []
for case in cases:
    from pathlib import Path

    app = load_app(Path(case["project"]), module=case["module"])
    results.append(compare_app(app, case["inventory"]))
print(json.dumps({"flask_cors": getattr(flask_cors, "__version__", "?"), "results": results}))
