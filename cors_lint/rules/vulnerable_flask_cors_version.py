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
CORS(app, origins="https://app.example.com")
"""


def _version(text: str) -> tuple[int, ...]:
    parts = tuple(int(p) for p in text.split(".")[:3] if p.isdigit())
    return parts + (0,) * (3 - len(parts))


def check(ctx: RuleContext):
    pinned = ctx.document.get("flask_cors", {})
    source = pinned.get("source", "")
    if not source or source.startswith("default") or source.startswith("--"):
        return
    version = _version(pinned["version"])
    found = [(cve, what) for low, high, cve, what in ADVISORIES if low <= version <= high]
    if not found:
        return
    file, _, line = source.rpartition(":")
    names = ", ".join(f"{cve} ({what})" for cve, what in found)
    yield Issue(file, int(line) if line.isdigit() else 1, 0,
                f"flask-cors {pinned['version']} is pinned; it is affected by {names}: upgrade to >=6.0.1 "
                "(6.0.4 or later fails fast on invalid regexes)", key=(pinned["version"],))


RULE = Rule(
    id="CORS019",
    name="vulnerable-flask-cors-version",
    severity="error",
    summary="The pinned flask-cors version has known advisories",
    doc="""
## What it does
Reads the flask-cors pin or lock (`requirements*.txt`, `pyproject.toml`, `Pipfile`,
`setup.py`/`setup.cfg`, `poetry.lock`, `uv.lock`, `Pipfile.lock`) and reports the advisories
that apply to that exact version.

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
            message=("flask-cors 4.0.1", "CVE-2024-6221", "CVE-2024-6839", "CVE-2024-6844", "CVE-2024-6866")),
        Invalid({"poetry.lock": '[[package]]\nname = "flask-cors"\nversion = "5.0.1"\n', "app.py": _APP},
            severity="error", message=("flask-cors 5.0.1", "CVE-2024-6839", "CVE-2024-6844", "CVE-2024-6866")),
    ),
    valid=({"requirements.txt": "flask-cors==6.0.5\n", "app.py": _APP},
           {"requirements.txt": "flask-cors>=4.0\n", "app.py": _APP}),
)
