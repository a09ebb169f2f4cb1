"""Organisation rules written in the policy YAML (``custom_rules:``), as ``Rule`` objects (the
rules a policy runs are ``catalogue.Catalogue``'s)."""

from __future__ import annotations

from typing import Any

from cors_lint.core.globs import route_matches
from cors_lint.core.origins import accepts_any, accepts_everything, is_regex, pattern_text
from cors_lint.rules.base import Rule, RuleContext, layer_issue, origins_of, show
from cors_lint.rules.inventory import Layer, Route


def _origin_holds(condition: dict[str, Any], origins: list[Any]) -> bool:
    checks = {
        "any": lambda: accepts_everything(origins),
        "regex": lambda: any(is_regex(o) for o in origins),
        "http": lambda: any(pattern_text(o).lstrip("^").lower().startswith("http:") for o in origins),
    }
    for key, wanted in condition.items():
        if key == "matches":
            if not accepts_any(origins, wanted):
                return False
        elif checks[key]() != wanted:
            return False
    return True


def _holds(when: dict[str, Any], ctx: RuleContext, route: Route, layer: Layer) -> bool:
    if "environments" in when and ctx.environment not in when["environments"]:
        return False
    if "route" in when and not (isinstance(route.path, str) and route_matches(route.path, when["route"])):
        return False
    if "kind" in when and layer.kind != when["kind"]:
        return False
    for name, value in when.get("options", {}).items():
        if layer.options.get(name) != value:
            return False
    return "origin" not in when or _origin_holds(when["origin"], origins_of(layer))


def build_rule(spec: dict[str, Any]) -> Rule:
    def check(ctx: RuleContext):
        for route, layer in ctx.layers():
            if _holds(spec["when"], ctx, route, layer):
                message = spec["message"].replace("{route}", "{routes}").replace("{environment}", ctx.environment)
                message = message.replace("{origins}", ", ".join(show(o) for o in origins_of(layer)))
                yield layer_issue(route, layer, message, key=(spec["id"],))

    return Rule(id=spec["id"], name=spec.get("name", spec["id"].lower()), severity=spec.get("severity", "error"),
                summary=spec["message"], doc="Defined in the policy file.", check=check)
