"""Every output format, registered once: for each kind of document, its formats in the order
``--help`` lists them and the renderer that makes the text. Renderers are pure (a result in,
text out) and imported when used, so a run pays only for the format it prints."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Presentation:
    """How a check is shown beyond its format: ANSI colours in the text (for a terminal), and the
    SARIF run's category (``automationDetails.id``: none unless asked, so an upload's own wins)."""

    color: bool = False
    sarif_category: str | None = None


def _check_json(result, policy, presentation: Presentation) -> str:
    from cors_lint.output.report import check_document

    return json.dumps(check_document(result, policy), indent=2) + "\n"


def _check_text(frames: bool) -> Callable[[Any, Any, Presentation], str]:
    def render(result, policy, presentation: Presentation) -> str:
        from cors_lint.output.report import check_text

        return check_text(result, policy, color=presentation.color, frames=frames)
    return render


def _sarif(result, policy, presentation: Presentation) -> str:
    from cors_lint.output import sarif

    return json.dumps(sarif.render(result, policy, presentation.sarif_category), indent=2) + "\n"


def _ci(name: str) -> Callable[[Any, Any, Presentation], str]:
    def render(result, policy, presentation: Presentation) -> str:
        from cors_lint.output import ci

        return getattr(ci, name)(result)
    return render


def _review(name: str) -> Callable[[Any, Any, Any], str]:
    def render(result, policy, provenance) -> str:
        from cors_lint.output import review

        built = review.build(result, policy, provenance)
        return review.html_page(built) if name == "html" else review.markdown(built)
    return render


def _inventory(name: str) -> Callable[[Any], str]:
    def render(analysis) -> str:
        from cors_lint.engine.inventory import dumps, inventory_json, inventory_text

        return dumps(inventory_json(analysis)) if name == "json" else inventory_text(analysis)
    return render


# `check`: (CheckResult, Policy, Presentation) -> text; "text" with code frames, "concise" a line each
CHECK: dict[str, Callable[[Any, Any, Presentation], str]] = {
    "text": _check_text(frames=True), "concise": _check_text(frames=False), "json": _check_json, "sarif": _sarif,
    "github": _ci("github"), "gitlab": _ci("gitlab"), "junit": _ci("junit"),
}
# `report`, the security review: (CheckResult, Policy, review.Provenance) -> text
REVIEW: dict[str, Callable[[Any, Any, Any], str]] = {"html": _review("html"), "markdown": _review("markdown")}
# `inventory`: (the analysis) -> text
INVENTORY: dict[str, Callable[[Any], str]] = {"json": _inventory("json"), "text": _inventory("text")}
