"""Recording a place in the source that configures CORS (the inventory's ``sites``)."""

from __future__ import annotations

from typing import Any

import libcst as cst

from cors_lint.engine.app.app_objects import Site


def add_site(engine, kind: str, node: cst.CSTNode, frame, target: str, options: dict[str, Any],
             notes: list[str] | None = None) -> Site:
    condition = " and ".join(frame.conditions) or None
    site = Site(kind, engine.location(node, frame), target, options, notes=list(notes or []), condition=condition)
    site.node, site.module = node, frame.module  # what execution.locate_values looks at
    engine.sites.append(site)
    return site
