"""Run the rule catalogue over a project, per environment, under a policy."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cors_lint.findings import Finding, group
from cors_lint.policy import Policy, path_matches, route_matches
from cors_lint.project import FileError, Survey, project_root
from cors_lint.values import Assumptions
from cors_lint.versions import FlaskCorsVersion

if TYPE_CHECKING:  # the engine (and libcst) and the rules are imported only when a result is not in the cache
    from cors_lint.analysis import Inventory
    from cors_lint.rules.base import Issue, Rule


@dataclass
class RunSummary:
    """What reports need from the analysis, apart from the engine's objects (so it can be cached)."""

    root: Path
    version: FlaskCorsVersion
    files: int
    route_count: int
    errors: list[FileError]
    comment_files: frozenset[str]  # files that mention cors-lint (may hold suppression comments)
    consulted: frozenset[str]

    @classmethod
    def of(cls, inventory: Inventory, consulted: frozenset[str]) -> RunSummary:
        return cls(inventory.root, inventory.version, inventory.files, len(inventory.routes), list(inventory.errors),
                   inventory.comment_files, consulted)


@dataclass
class CheckResult:
    findings: list[Finding]  # active findings (suppression problems included)
    inventory: RunSummary  # the default environment's analysis
    environments: list[str]
    suppressed: list[tuple[Finding, Any]] = field(default_factory=list)  # (finding, Suppression)
    baselined: list[Finding] = field(default_factory=list)  # known findings hidden by --baseline
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # per environment: its part of the model


def assumptions_for(policy: Policy, environment: str) -> Assumptions:
    settings = policy.environments.get(environment, {})
    return Assumptions(tuple(sorted(settings.get("env", {}).items())), settings.get("debug"))


def check_paths(paths: list[Path], policy: Policy, environment: str | None = None,
                flask_cors_version: str | None = None, inline_suppressions: bool = True,
                exclude: tuple[str, ...] = (), demand_driven: bool = True, cache: bool = False,
                workers: int = 0) -> CheckResult:
    """Check a project; with ``cache``, reuse the stored result of an identical earlier run."""
    from cors_lint.project import survey

    files = survey(paths, exclude)
    if not cache:
        return _check(files, policy, environment, flask_cors_version, inline_suppressions, demand_driven, workers)
    from cors_lint import cache as caching
    from cors_lint.versions import pin_files

    root, index = files.root, files.index
    pins = pin_files(root)
    store = caching.ResultCache(project_root(root) / caching.CACHE_DIR_NAME)
    states = store.snapshot(index + [f for f in pins if f.rel not in {s.rel for s in index}])
    files.verdicts = {rel: state.verdict for rel, state in states.items()}
    # today's date: suppressions expire
    key = store.key([str(root), [f.rel for f in files.files], json.dumps(policy.data, sort_keys=True, default=str),
                     str(policy.source), environment, flask_cors_version, inline_suppressions, list(exclude),
                     demand_driven, date.today().isoformat()], states)
    stored = store.lookup(key, states)
    result = result_from_json(stored) if stored is not None else None
    if result is None:
        result = _check(files, policy, environment, flask_cors_version, inline_suppressions, demand_driven, workers)
        consulted = (set(result.inventory.consulted) | {f.rel for f in pins} | _suppression_files(result)
                     | {rel for rel, state in states.items() if state.verdict.comments})
        store.store(key, states, consulted, result_to_json(result))
    store.save()
    return result


def _suppression_files(result: CheckResult) -> set[str]:
    """Files whose comments can suppress a finding: the ones findings are in."""
    return {f.file for f in result.findings} | {f.file for f, _ in result.suppressed}


def _check(files: Survey, policy: Policy, environment: str | None, flask_cors_version: str | None,
           inline_suppressions: bool, demand_driven: bool, workers: int = 0) -> CheckResult:
    from cors_lint.analysis import analyze
    from cors_lint.inventory import inventory_json
    from cors_lint.project import ParseMemo

    order = [policy.default_environment] + sorted(e for e in policy.environments if e != policy.default_environment)
    parse_memo = ParseMemo()  # each environment's analysis reuses the parsed files
    first = analyze([files.root], flask_cors_version, assumptions_for(policy, order[0]), (), demand_driven, workers,
                    parse_memo, files)
    consulted = set(first.consulted)
    env_dependent = bool(first.env_reads & (_assumed_names(policy) | {"app.debug"}))
    documents = {order[0]: inventory_json(first)}
    for name in order[1:]:
        if env_dependent:
            other = analyze([files.root], flask_cors_version, assumptions_for(policy, name), (), demand_driven,
                            workers, parse_memo, files)
            consulted |= other.consulted
            documents[name] = inventory_json(other)
        else:
            documents[name] = documents[order[0]]
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
    summary = RunSummary.of(first, frozenset(consulted))
    active, suppressed, problems = _suppress(findings, policy, summary, inline_suppressions)
    return CheckResult(sorted(active + problems, key=Finding.sort_key), summary, selected, suppressed,
                       documents=restricted)


def result_to_json(result: CheckResult) -> dict[str, Any]:
    """A check result as JSON (for the cache); ``result_from_json`` gives back an equal result."""
    summary = result.inventory
    return {
        "findings": [f.as_json() for f in result.findings],
        "suppressed": [[f.as_json(), asdict(s)] for f, s in result.suppressed],
        "environments": list(result.environments),
        "documents": result.documents,
        "summary": {"root": str(summary.root), "version": [list(summary.version.version), summary.version.source],
                    "files": summary.files, "route_count": summary.route_count,
                    "errors": [asdict(e) for e in summary.errors], "comment_files": sorted(summary.comment_files),
                    "consulted": sorted(summary.consulted)},
    }


def result_from_json(document: dict[str, Any]) -> CheckResult | None:
    """None when the document is not a result this version wrote (the caller recomputes)."""
    from cors_lint.suppressions import Suppression

    try:
        summary = document["summary"]
        version = FlaskCorsVersion(tuple(summary["version"][0]), summary["version"][1])
        run = RunSummary(Path(summary["root"]), version, summary["files"], summary["route_count"],
                         [FileError(**e) for e in summary["errors"]], frozenset(summary["comment_files"]),
                         frozenset(summary["consulted"]))
        suppressed = [(_finding(f), Suppression(**{**s, "rules": tuple(s["rules"])})) for f, s in document["suppressed"]]
        return CheckResult([_finding(f) for f in document["findings"]], run, list(document["environments"]),
                           suppressed, documents=document["documents"])
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _finding(data: dict[str, Any]) -> Finding:
    return Finding(**{**data, "routes": tuple(data["routes"])})


def _suppress(findings: list[Finding], policy: Policy, inventory: RunSummary, inline: bool):
    from cors_lint import suppressions

    entries = suppressions.policy_suppressions(policy.data, policy.source)
    if inline:
        files = set(inventory.comment_files) | {f.file for f in findings}
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
    from cors_lint.custom_rules import build_rule
    from cors_lint.rules import RULES

    return list(RULES.values()) + [build_rule(spec) for spec in policy.data.get("custom_rules", [])]


def run_rules(document: dict[str, Any], policy: Policy, environment: str) -> list[Finding]:
    settings = policy.environments.get(environment, {})
    from cors_lint.rules.base import RuleContext

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
                  exclude: tuple[str, ...] = (), demand_driven: bool = True, cache: bool = False,
                workers: int = 0) -> CheckResult:
    """``check_paths`` for what a user names on the command line.

    Files named one by one (as pre-commit passes them) are checked in the context of their
    whole project, found upward, so routes and config in other modules count; the findings
    located in those files are reported, the same as a full run reports for them. A changed
    policy or pyproject.toml (also passed by pre-commit) reports everything.
    """
    changed = [p.resolve() for p in paths] if paths and all(p.is_file() for p in paths) else None
    if changed is None:
        return check_paths(paths, policy, environment, flask_cors_version, inline_suppressions, exclude,
                           demand_driven, cache, workers)
    roots = {project_root(f) for f in changed}
    root = Path(os.path.commonpath([str(r) for r in roots]))
    result = check_paths([root], policy, environment, flask_cors_version, inline_suppressions, exclude,
                         demand_driven, cache, workers)
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
