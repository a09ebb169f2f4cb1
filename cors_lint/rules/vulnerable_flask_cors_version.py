"""CORS019 vulnerable-flask-cors-version."""

from cors_lint.rules.base import Invalid, Issue, Rule, RuleContext

# (first affected, last affected, advisory, what it means): flask-cors-semantics.md §8.1
ADVISORIES = (
    ((0, 0, 0), (3, 0, 8), "CVE-2020-25032", "resource matching on non-canonical paths"),
    ((0, 0, 0), (4, 0, 0), "CVE-2024-1681", "log injection through request paths"),
    ((4, 0, 0), (4, 0, 1), "CVE-2024-6221", "Access-Control-Allow-Private-Network: true by default"),
    ((0, 0, 0), (5, 0, 1), "CVE-2024-6839", "resources ordered by pattern length, not specificity"),
    ((0, 0, 0), (5, 0, 1), "CVE-2024-6844", "`+` in paths matched as a space"),
    ((0, 0, 0), (5, 0, 1), "CVE-2024-6866", "case-insensitive path matching"),
    ((6, 0, 0), (6, 0, 0), "ordering regression", "resources with fewer slashes tried first"),
)


_APP = """
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app, resources={r"/api/*": {"origins": "https://app.example.com"}})
"""

_DEFAULT_RESOURCE_APP = """
from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app, origins="https://app.example.com")
"""


def _version(text: str) -> tuple[int, ...]:
    parts = tuple(int(p) for p in text.split(".")[:3] if p.isdigit())
    return parts + (0,) * (3 - len(parts))


# advisories that only matter when the request path decides which CORS applies: not when every
# resource of the project matches every path (flask-cors's default `/*`)
PATH_MATCHING = {"CVE-2020-25032", "CVE-2024-6839", "CVE-2024-6844", "CVE-2024-6866", "ordering regression"}
MATCH_ALL = {"/*", ".*", "^/.*$", "^.*$", "/.*", r"/\\*"}


def _resources(ctx: RuleContext) -> set[str] | None:
    """The resource patterns of the project's CORS(...) layers (None when one cannot be known)."""
    found: set[str] = set()
    for route in ctx.routes():
        for layer in route.cors:
            if layer.kind != "extension":
                continue
            resource = layer.resource
            if not isinstance(resource, str):
                return None
            found.add(resource)
    return found


def check(ctx: RuleContext):
    pinned = ctx.inventory.flask_cors
    source = pinned.get("source", "")
    if not source or source.startswith("default") or source.startswith("--"):
        return
    version = _version(pinned["version"])
    found = [(cve, what) for low, high, cve, what in ADVISORIES if low <= version <= high]
    if not found:
        return
    file, _, line = source.rpartition(":")
    resources = _resources(ctx)
    setup_matches_all = resources is not None and resources <= MATCH_ALL
    affecting = [(cve, what) for cve, what in found if not (setup_matches_all and cve in PATH_MATCHING)]
    idle = [(cve, what) for cve, what in found if (cve, what) not in affecting]
    names = ", ".join(f"{cve} ({what})" for cve, what in affecting)
    spare = ", ".join(cve for cve, _ in idle)
    upgrade = "upgrade to >=6.0.4 (6.0.1 fixes these; 6.0.4 also fails fast on invalid regexes)"
    if not affecting:
        yield Issue(file, int(line) if line.isdigit() else 1, 0,
                    f"flask-cors {pinned['version']} is pinned; its advisories ({spare}) are about matching "
                    "request paths to resources, and every CORS resource of this project matches every path "
                    f"(`/*`): this setup is not affected, but a resource added later would be; {upgrade}",
                    key=(pinned["version"],), severity="note")
        return
    unaffected = f"; not affected here: {spare} (every CORS resource matches every path)" if idle else ""
    yield Issue(file, int(line) if line.isdigit() else 1, 0,
                f"flask-cors {pinned['version']} is pinned; it is affected by {names}{unaffected}: {upgrade}",
                key=(pinned["version"],))


RULE = Rule(
    id="CORS019",
    name="vulnerable-flask-cors-version",
    severity="error",
    summary="The pinned flask-cors version has known advisories",
    doc="""
## What it does
Reads the flask-cors pin or lock (`requirements*.txt`, `pyproject.toml`, `Pipfile`,
`setup.py`/`setup.cfg`, `poetry.lock`, `uv.lock`, `Pipfile.lock`) and reports the advisories
that apply to that exact version. The advisories about matching request paths to resources
(CVE-2024-6839, -6844, -6866, CVE-2020-25032, 6.0.0's ordering) do not affect a project whose
every CORS resource matches every path (the default `/*`): the finding is then a note that says
so.

## Why is this bad?
Before 6.0.1, resources are ordered by pattern length (CVE-2024-6839) and paths match
case-insensitively (CVE-2024-6866) and with `+` as a space (CVE-2024-6844), so a policy
written for `/api/v1/admin/.*` may not be the one applied; 4.0.0-4.0.2 answer Private
Network Access preflights with `true` (CVE-2024-6221).

## Example
```
flask-cors==4.0.1
```

## Use instead
```
flask-cors>=6.0.4
```
""",
    check=check,
    invalid=(
        Invalid({"requirements.txt": "flask==3.1.3\nflask-cors==4.0.1\n", "app.py": _APP}, severity="error",
            message=("flask-cors 4.0.1", "CVE-2024-6221", "CVE-2024-6839", "CVE-2024-6844", "CVE-2024-6866"),
            fixed={"requirements.txt": "flask==3.1.3\nflask-cors==6.0.4\n",
                   "app.py": _APP.replace("/api/*", "/api/.*")}),
        Invalid({"poetry.lock": '[[package]]\nname = "flask-cors"\nversion = "5.0.1"\n', "app.py": _APP},
            severity="error", message=("flask-cors 5.0.1", "CVE-2024-6839", "CVE-2024-6844", "CVE-2024-6866")),
        Invalid({"requirements.txt": "flask-cors==5.0.1\n", "app.py": _DEFAULT_RESOURCE_APP}, severity="note",
            message=("flask-cors 5.0.1", "this setup is not affected", "CVE-2024-6839"),
            fixed={"requirements.txt": "flask-cors==6.0.4\n", "app.py": _DEFAULT_RESOURCE_APP}),
    ),
    valid=({"requirements.txt": "flask-cors==6.0.5\n", "app.py": _APP},
           {"requirements.txt": "flask-cors>=4.0\n", "app.py": _APP}),
)
