"""The rules a policy runs, in one place: the built-in catalogue plus the policy's custom rules
(``custom_rules:``), each with the policy's setting for it (``rules:``).

Checking runs them (``runs_in``, ``severity``), SARIF lists them, the review report explains
them, and suppressions take the names they may use from it and report their own problems
through the meta-rules' objects (CORS028-CORS030), enabled and at the severity the policy sets.
"""

from __future__ import annotations

from dataclasses import dataclass

from cors_lint.policy.custom_rules import build_rule
from cors_lint.policy.loader import Policy, RuleSetting
from cors_lint.rules import RULES
from cors_lint.rules.base import Rule


@dataclass(frozen=True)
class Catalogue:
    rules: tuple[Rule, ...]
    policy: Policy

    @classmethod
    def of(cls, policy: Policy) -> Catalogue:
        custom = tuple(build_rule(spec) for spec in policy.data.get("custom_rules", []))
        return cls(tuple(RULES.values()) + custom, policy)

    def lookup(self, id_or_name: str) -> Rule | None:
        """A rule by id (any case) or name."""
        wanted = id_or_name.upper()
        return next((rule for rule in self.rules if rule.id.upper() == wanted or rule.name == id_or_name), None)

    def names(self) -> dict[str, str]:
        """What a suppression may name: each rule's id -> its name, and its name -> its id."""
        names = {rule.id: rule.name for rule in self.rules}
        names.update({name: rule_id for rule_id, name in list(names.items())})
        return names

    def setting(self, rule: Rule) -> RuleSetting:
        return self.policy.rule_setting(rule.id)

    def runs_in(self, rule: Rule, environment: str) -> bool:
        """Is the rule enabled, and is the environment in its scope (the policy's, else the rule's own)?"""
        setting = self.setting(rule)
        scope = setting.environments if setting.environments is not None else rule.environments
        return setting.enabled and (not scope or environment in scope)

    def severity(self, rule: Rule) -> str | None:
        """The policy's severity for the rule, if it sets one (else each finding's own, else the rule's)."""
        return self.setting(rule).severity
