"""Run the rule catalogue over a project, per environment, under a policy."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cors_lint.analysis import Inventory, analyze
from cors_lint.custom_rules import build_rule
from cors_lint.findings import Finding, group
from cors_lint.interpreter import Assumptions
from cors_lint.inventory import inventory_json
from cors_lint.policy import Policy, path_matches, route_matches
from cors_lint.project import project_root
from cors_lint.rules import RULES
from cors_lint.rules.base import Issue, Rule, RuleContext


@dataclass
class CheckResult:
    findings: list[Finding]  # active findings (suppression problems included)
    inventory: Inventory  # the default environment's
    environments: list[str]
    suppressed: list[tuple[Finding, Any]] = field(default_factory=list)  # (finding, Suppression)
    baselined: list[Finding] = field(default_factory=list)  # known findings hidden by --baseline
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # per environment: its part of the model


def assumptions_for(policy: Policy, environment: str) -> Assumptions:
    settings = policy.environments.get(environment, {})
    return Assumptions(tuple(sorted(settings.get("env", {}).items())), settings.get("debug"))


def check_paths(paths: list[Path], policy: Policy, environment: str | None = None,
                flask_cors_version: str | None = None, inline_suppressions: bool = True,
                exclude: tuple[str, ...] = ()) -> CheckResult:
    order = [policy.default_environment] + sorted(e for e in policy.environments if e != policy.default_environment)
    first = analyze(paths, flask_cors_version, assumptions_for(policy, order[0]), exclude)
    env_dependent = bool(first.env_reads & (_assumed_names(policy) | {"app.debug"}))
    documents = {order[0]: inventory_json(first)}
    for name in order[1:]:
        documents[name] = documents[order[0]] if not env_dependent else inventory_json(
            analyze(paths, flask_cors_version, assumptions_for(policy, name), exclude))
    attribution = attribute_apps(documents, policy, env_dependent)
    findings: list[Finding] = []
    seen: set[tuple[Any, ...]] = set()
    selected = [environment] if environment else order
    restricted = {}
    for name in selected:
        document = restricted[name] = restrict(documents[name], policy, name, attribution)
        current = run_rules(document, policy, name)
        findings += [f for f in current if f.identity not in seen]  # reported in the first environment it holds
        seen |= {f.identity for f in current}
    active, suppressed, problems = _suppress(findings, policy, first, inline_suppressions)
    return CheckResult(sorted(active + problems, key=Finding.sort_key), first, selected, suppressed,
                       documents=restricted)


def _suppress(findings: list[Finding], policy: Policy, inventory: Inventory, inline: bool):
    from cors_lint import suppressions

    entries = suppressions.policy_suppressions(policy.data, policy.source)
    if inline:
        files = set(inventory.file_paths) | {f.file for f in findings}
        entries += suppressions.inline_suppressions(inventory.root, files)
    known = {rule.id: rule.name for rule in active_rules(policy)}
    known.update({name: rule_id for rule_id, name in list(known.items())})
    return suppressions.apply(findings, entries, known)


def _assumed_names(policy: Policy) -> set[str]:
    return {var for settings in policy.environments.values() for var in settings.get("env", {})}


def attribute_apps(documents: dict[str, dict[str, Any]], policy: Policy, env_dependent: bool
                   ) -> dict[str, set[str]]:
    """The environments each app (by id) belongs to.

    An app that loads a config class mapped to an environment in any environment's run
    belongs to exactly those environments (a run where the class lookup failed does not
    count). Otherwise its file decides; otherwise every environment when the code reads
    environment-dependent values, else the default one.
    """
    by_class: dict[str, set[str]] = {}
    files: dict[str, str] = {}
    for name, document in documents.items():
        for app in document.get("apps", []):
            files[app["id"]] = app["file"]
            if name in policy.class_environments(app.get("config_classes", [])):
                by_class.setdefault(app["id"], set()).add(name)
    attribution = {}
    for app_id, file in files.items():
        if app_id in by_class:
            attribution[app_id] = by_class[app_id]
        else:
            attribution[app_id] = policy.file_environments(file) or (
                set(policy.environments) if env_dependent else {policy.default_environment})
    return attribution


def restrict(document: dict[str, Any], policy: Policy, environment: str, attribution: dict[str, set[str]]
             ) -> dict[str, Any]:
    """The part of an inventory that belongs to one environment: its apps' routes, its files' sites."""
    routes = [route for route in document["routes"] if environment in attribution.get(route["app"], set())]
    sites = [site for site in document["sites"]
             if environment in (policy.file_environments(site["file"]) or set(policy.environments))]
    return {**document, "routes": routes, "sites": sites}


def active_rules(policy: Policy) -> list[Rule]:
    return list(RULES.values()) + [build_rule(spec) for spec in policy.data.get("custom_rules", [])]


def run_rules(document: dict[str, Any], policy: Policy, environment: str) -> list[Finding]:
    settings = policy.environments.get(environment, {})
    context = RuleContext(document, environment, settings, policy)
    findings: list[Finding] = []
    for rule in active_rules(policy):
        setting = policy.rule_setting(rule.id)
        if not setting.enabled:
            continue
        scope = setting.environments if setting.environments is not None else rule.environments
        if scope and environment not in scope:
            continue
        issues = [issue for issue in rule.check(context) if _in_scope(issue, setting.paths, setting.exclude)]
        findings.extend(group(rule, issues, setting.severity, environment))
    return findings


def _in_scope(issue: Issue, paths: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    if paths and not any(path_matches(issue.file, pattern) for pattern in paths):
        return False
    if any(path_matches(issue.file, pattern) for pattern in exclude):
        return False
    if issue.routes and exclude and all(any(route_matches(r, p) for p in exclude) for r in issue.routes):
        return False
    return True


def check_targets(paths: list[Path], policy: Policy, environment: str | None = None,
                  flask_cors_version: str | None = None, inline_suppressions: bool = True,
                  exclude: tuple[str, ...] = ()) -> CheckResult:
    """``check_paths`` for what a user names on the command line.

    Files named one by one (as pre-commit passes them) are checked in the context of their
    whole project, found upward, so routes and config in other modules count; the findings
    located in those files are reported, the same as a full run reports for them. A changed
    policy or pyproject.toml (also passed by pre-commit) reports everything.
    """
    changed = [p.resolve() for p in paths] if paths and all(p.is_file() for p in paths) else None
    if changed is None:
        return check_paths(paths, policy, environment, flask_cors_version, inline_suppressions, exclude)
    roots = {project_root(f) for f in changed}
    root = Path(os.path.commonpath([str(r) for r in roots]))
    result = check_paths([root], policy, environment, flask_cors_version, inline_suppressions, exclude)
    if any(f.suffix in (".yaml", ".yml", ".toml") for f in changed):
        return result
    wanted = set(changed)
    base = result.inventory.root

    def named(file: str) -> bool:
        return (base / file).resolve() in wanted

    result.findings = [f for f in result.findings if named(f.file)]
    result.suppressed = [(f, s) for f, s in result.suppressed if named(f.file)]
    result.inventory.errors = [e for e in result.inventory.errors if named(e.file)]
    return result
