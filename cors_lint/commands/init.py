"""`cors-lint init`: a starter cors-policy.yaml drawn from what the project already does, and the
policy's schema beside it (for editors)."""

from __future__ import annotations

import json
from pathlib import Path

from cors_lint.commands import CommandError
from cors_lint.core.files import write_atomic
from cors_lint.core.origins import is_regex
from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json
from cors_lint.output.starter_policy import SCHEMA_FILE, starter_policy
from cors_lint.schemas import load as load_schema


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


def write_starter(directory: Path, force: bool = False) -> list[Path]:
    target = directory / "cors-policy.yaml"
    if target.exists() and not force:
        raise CommandError(f"{target} exists; use --force to replace it")
    write_atomic(target, starter_policy(observed_origins(directory)))
    schema = directory / SCHEMA_FILE
    write_atomic(schema, json.dumps(load_schema("policy.schema.json"), indent=2) + "\n")
    return [target, schema]
