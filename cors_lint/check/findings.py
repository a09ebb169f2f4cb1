"""Findings: what the checker reports, with stable fingerprints and a deterministic order."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cors_lint.core.conditions import in_words
from cors_lint.core.route_order import describe_routes

if TYPE_CHECKING:  # the rule catalogue is loaded only when rules run (a cached result needs none)
    from cors_lint.rules.base import Issue, Rule


@dataclass(frozen=True)
class Finding:
    rule_id: str
    rule_name: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    environment: str
    routes: tuple[str, ...]
    attacker_origin: str | None
    fingerprint: str
    identity: tuple[Any, ...] = ()  # (rule, place, key): the same issue seen from another environment
    condition: str | None = None  # the finding holds only when this does (code under `if` on a flag)
    apps: tuple[str, ...] = ()  # the apps it is about ("file:line factory()"): a project may build several
    # the other places that decide it, (file, line, what): where its values are written, the config
    # loading them, its routes' registrations, the pin; a change to any of them changes the finding
    related: tuple[tuple[str, int, str], ...] = ()
    # the CORS setup (the call, or the config loading) a finding placed at its value's line is about:
    # its fingerprint is computed from it, and a suppression comment there still applies
    anchor: tuple[str, int] | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "environment": self.environment,
            "routes": list(self.routes),
            "attacker_origin": self.attacker_origin,
            "fingerprint": self.fingerprint,
            **({"condition": self.condition} if self.condition else {}),
            **({"apps": list(self.apps)} if self.apps else {}),
            **({"related": [{"file": file, "line": line, "message": what} for file, line, what in self.related]}
               if self.related else {}),
        }

    def with_condition(self) -> str:
        """The message, and the condition it holds under (for text formats)."""
        return f"{self.message} (only if {in_words(self.condition)})" if self.condition else self.message

    def sort_key(self) -> tuple[Any, ...]:
        return (self.file, self.line, self.column, self.rule_id, self.environment, self.message)


def _common_condition(issues: list[Issue]) -> str | None:
    """A finding is conditional only if every issue behind it is; several conditions: any of them."""
    conditions = [issue.condition for issue in issues]
    if not conditions or any(c is None for c in conditions):
        return None
    conjuncts = {tuple(dict.fromkeys(c.split(" and "))) for c in conditions}
    # `A or (B and A)` is `A`: keep the conditions no other one implies
    weakest = sorted(c for c in conjuncts if not any(set(other) < set(c) for other in conjuncts))
    texts = [" and ".join(c) for c in weakest]
    return texts[0] if len(texts) == 1 else " or ".join(f"({t})" for t in texts)


def fingerprint(rule_id: str, environment: str, file: str, key: tuple[Any, ...]) -> str:
    """What the finding is about, not where it is: moving code keeps the fingerprint."""
    payload = json.dumps([rule_id, environment, file, list(key)], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def group(rule: Rule, issues: list[Issue], override: str | None, environment: str) -> list[Finding]:
    """One finding per (place, key): the routes an issue affects are merged.

    The severity is the policy's override, else the issue's own, else the rule's default."""
    merged: dict[tuple[Any, ...], list[Issue]] = {}
    for issue in issues:
        merged.setdefault((issue.file, issue.line, issue.column, issue.key, issue.message), []).append(issue)
    findings = []
    for (file, line, column, key, message), same in merged.items():
        routes = tuple(sorted({r for issue in same for r in issue.routes}))
        anchor = next((issue.anchor for issue in same if issue.anchor), None)
        attacker = next((issue.attacker_origin for issue in same if issue.attacker_origin), None)
        level = override or next((issue.severity for issue in same if issue.severity), None) or rule.severity
        text = message.replace("{routes}", describe_routes(routes))
        findings.append(Finding(rule.id, rule.name, level, text, file, line, column, environment, routes, attacker,
                                fingerprint(rule.id, environment, anchor[0] if anchor else file, key or (message,)),
                                (rule.id, file, line, column, key or (message,)), _common_condition(same),
                                anchor=anchor))
    return findings
