"""How the CORS posture of each route changed between two inventories (``commands.diff`` makes
them from two git revisions), and the Markdown that says so. Routes are matched by app file,
rule and endpoint, so moved lines do not count as changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cors_lint.core.origins import accepts_everything
from cors_lint.rules.base import show


@dataclass(frozen=True)
class Posture:
    origins: frozenset[str]
    any_origin: bool
    credentials: bool

    def describe(self) -> str:
        if not self.origins and not self.any_origin:
            return "no CORS"
        who = "any origin" if self.any_origin else ", ".join(sorted(self.origins))
        return who + (" with credentials" if self.credentials else "")


@dataclass
class Change:
    route: str
    app_file: str
    before: Posture | None
    after: Posture | None

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        widened = (self.after.any_origin and not self.before.any_origin) or bool(
            self.after.origins - self.before.origins) or (self.after.credentials and not self.before.credentials)
        return "widened" if widened else "narrowed"


def postures(document: dict[str, Any]) -> dict[tuple[str, str, str], Posture]:
    files = {app["id"]: app["file"] for app in document.get("apps", [])}
    result = {}
    for route in document["routes"]:
        if not isinstance(route["path"], str):
            continue
        origins: set[str] = set()
        any_origin = credentials = False
        for layer in route["cors"]:
            values = layer["options"].get("origins")
            if not isinstance(values, list):
                continue
            any_origin = any_origin or accepts_everything(values)
            origins |= {show(v) for v in values}
            credentials = credentials or layer["options"].get("supports_credentials") is True
        key = (files.get(route["app"], route["app"]), route["path"], str(route["endpoint"]))
        result[key] = Posture(frozenset() if any_origin else frozenset(origins), any_origin, credentials)
    return result


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    old, new = postures(before), postures(after)
    changes = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b or (a is None and b is not None and not b.origins and not b.any_origin) or (
                b is None and a is not None and not a.origins and not a.any_origin):
            continue
        changes.append(Change(key[1], key[0], a, b))
    return changes


def render_json(changes: list[Change], refs: str) -> str:
    """The changes as JSON: each route with its app's file, the kind of change, before and after."""
    import json

    def posture(found: Posture | None) -> dict[str, Any] | None:
        if found is None:
            return None
        return {"origins": sorted(found.origins), "any_origin": found.any_origin, "credentials": found.credentials}

    return json.dumps({"refs": refs, "changes": [
        {"route": c.route, "app_file": c.app_file, "kind": c.kind, "before": posture(c.before),
         "after": posture(c.after)} for c in changes]}, indent=2) + "\n"


def render(changes: list[Change], refs: str) -> str:
    if not changes:
        return f"No route changed its CORS posture in {refs}.\n"
    titles = {"widened": "Routes that gained origins or credentials", "added": "New routes with CORS",
              "narrowed": "Routes that lost origins or credentials", "removed": "Routes with CORS that were removed"}
    out = [f"# CORS changes in {refs}", ""]
    for kind in ("widened", "added", "narrowed", "removed"):
        group = [c for c in changes if c.kind == kind]
        if not group:
            continue
        out += [f"## {titles[kind]}", ""]
        for change in group:
            before = change.before.describe() if change.before else "(no route)"
            after = change.after.describe() if change.after else "(no route)"
            out.append(f"- `{change.route}` ({change.app_file}): {before} -> {after}")
        out.append("")
    return "\n".join(out)
