"""The rule catalogue: every built-in rule, by id (ids are stable and never reused)."""

from __future__ import annotations

from cors_lint.rules import (
    blueprint_fallthrough,
    config_after_init,
    cors_configuration_error,
    credentials_with_any_origin,
    decorator_misuse,
    decorator_widens_policy,
    escaped_literal_origin,
    glob_origin,
    insecure_origin,
    legacy_import,
    malformed_origin,
    manual_cors_header,
    max_age_zero,
    multiple_cors_calls,
    null_origin,
    origin_not_allowed,
    permissive_regex_origin,
    prefix_resource_pattern,
    private_network_access,
    route_requirement,
    string_boolean_option,
    unknown_option,
    vary_header_disabled,
    vulnerable_flask_cors_version,
    wildcard_origin,
)
from cors_lint.rules.base import Rule

_MODULES = (
    credentials_with_any_origin, permissive_regex_origin, escaped_literal_origin, null_origin, glob_origin,
    malformed_origin, wildcard_origin, insecure_origin, decorator_widens_policy, decorator_misuse,
    config_after_init, unknown_option, private_network_access, blueprint_fallthrough, prefix_resource_pattern,
    vary_header_disabled, manual_cors_header, string_boolean_option, vulnerable_flask_cors_version,
    cors_configuration_error, multiple_cors_calls, legacy_import, max_age_zero, origin_not_allowed, route_requirement,
)
RULES: dict[str, Rule] = {module.RULE.id: module.RULE for module in sorted(_MODULES, key=lambda m: m.RULE.id)}
BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES.values()}


def lookup(id_or_name: str) -> Rule | None:
    return RULES.get(id_or_name.upper()) or BY_NAME.get(id_or_name)
