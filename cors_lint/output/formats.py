"""Every output format, registered once: for each kind of document, its formats in the order
``--help`` lists them and the renderer that makes the text. Renderers are pure (a result in,
text out) and imported when used, so a run pays only for the format it prints."""

from __future__ import annotations

import json
from typing import Any, Callable


def _check_json(result, policy) -> str:
    from cors_lint.output.report import check_document

    return json.dumps(check_document(result, policy), indent=2) + "\n"


def _check_text(result, policy) -> str:
    from cors_lint.output.report import check_text

    return check_text(result, policy)


def _sarif(result, policy) -> str:
    from cors_lint.output import sarif

    return json.dumps(sarif.render(result, policy), indent=2) + "\n"


def _ci(name: str) -> Callable[[Any, Any], str]:
    def render(result, policy) -> str:
        from cors_lint.output import ci

        return getattr(ci, name)(result)
    return render


def _review(name: str) -> Callable[[Any, Any], str]:
    def render(result, policy) -> str:
        from cors_lint.output import review

        built = review.build(result, policy)
        return review.html_page(built) if name == "html" else review.markdown(built)
    return render


def _inventory(name: str) -> Callable[[Any], str]:
    def render(analysis) -> str:
        from cors_lint.engine.inventory import dumps, inventory_json, inventory_text

        return dumps(inventory_json(analysis)) if name == "json" else inventory_text(analysis)
    return render


# `check`: (CheckResult, Policy) -> text
CHECK: dict[str, Callable[[Any, Any], str]] = {
    "json": _check_json, "text": _check_text, "sarif": _sarif,
    "github": _ci("github"), "gitlab": _ci("gitlab"), "junit": _ci("junit"),
}
# `report`, the security review: (CheckResult, Policy) -> text
REVIEW: dict[str, Callable[[Any, Any], str]] = {"html": _review("html"), "markdown": _review("markdown")}
# `inventory`: (the analysis) -> text
INVENTORY: dict[str, Callable[[Any], str]] = {"json": _inventory("json"), "text": _inventory("text")}
