"""`cors-lint init`: a starter cors-policy.yaml drawn from what the project already does."""

from __future__ import annotations

import json
from pathlib import Path

from cors_lint.core.files import write_atomic
from cors_lint.core.origins import is_regex
from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json
from cors_lint.schemas import load as load_schema

SCHEMA_FILE = "cors-policy.schema.json"


def observed_origins(root: Path) -> list[str]:
    """The exact https origins the project trusts today (a starting allow-list to review)."""
    document = inventory_json(analyze([root]), with_account=False)
    found = set()
    for route in document["routes"]:
        for layer in route["cors"]:
            origins = layer["options"].get("origins")
            if isinstance(origins, list):
                found |= {o for o in origins if isinstance(o, str) and not is_regex(o) and o.startswith("https://")
                          and "," not in o and o == o.strip()}
    return sorted(found)


def starter_policy(origins: list[str]) -> str:
    allow = "\n".join(f"      - exact: {origin}" for origin in origins) or "      - exact: https://app.example.com"
    return f"""# yaml-language-server: $schema=./{SCHEMA_FILE}
# cors-lint policy: https://github.com/cors-lint/cors-lint#policy (`cors-lint schema` prints the schema)
version: 1
extends: [recommended]

environments:
  default: production
  production:
    # The origins this project trusts today; review them, then keep the list short.
    allowed_origins:
{allow}

# Requirements per route pattern (the first match applies), for example:
# routes:
#   - {{path: "/admin/**", cors: forbidden}}
#   - {{path: "/public/**", wildcard: allowed, credentials: forbidden}}

# Rule settings: off, a severity, or {{severity, environments, paths, exclude}}, for example:
# rules:
#   max-age-zero: off

# Accepted findings, owned here rather than in the code, for example:
# suppressions:
#   - {{rule: CORS007, route: "/status", reason: "public status page", expires: "2027-01-31"}}
"""


def write_starter(directory: Path, force: bool = False) -> list[Path]:
    target = directory / "cors-policy.yaml"
    if target.exists() and not force:
        raise FileExistsError(f"{target} exists; use --force to replace it")
    write_atomic(target, starter_policy(observed_origins(directory)))
    schema = directory / SCHEMA_FILE
    write_atomic(schema, json.dumps(load_schema("policy.schema.json"), indent=2) + "\n")
    return [target, schema]
