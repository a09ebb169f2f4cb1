"""JSON Schemas shipped with cors-lint (installed as the ``cors_lint.schemas`` package)."""

import json
from importlib import resources
from typing import Any


def load(name: str) -> dict[str, Any]:
    """Load a bundled schema by file name, e.g. ``load("inventory.schema.json")``."""
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
