"""Analyse a project in each of the policy's environments and run the rules over each
environment's part of the inventory; then apply suppressions."""

from __future__ import annotations

import traceback
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any, Sequence

from cors_lint.check import suppressions
from cors_lint.check.findings import Finding, group
from cors_lint.check.result import CheckResult, RuleFailure, RunSummary
from cors_lint.check.source_lines import quoted
from cors_lint.core.semantics import config_key, split_resource_option_key
from cors_lint.core.globs import path_matches, route_matches
from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json
from cors_lint.engine.source.parse_memo import ParseMemo
from cors_lint.engine.source.project import Survey
from cors_lint.engine.source.tree_cache import TreeCache
from cors_lint.policy.catalogue import Catalogue
from cors_lint.policy.loader import Policy
from cors_lint.rules.base import Issue, RuleContext
from cors_lint.rules.inventory import Layer, Place, Route, Site, path_label


def check_project(files: Survey, policy: Policy, environment: str | None, flask_cors_version: str | None,
                  inline_suppressions: bool, demand_driven: bool, workers: int = 0,
                  cache_dir: Path | None = None) -> CheckResult:
    """``cache_dir``: keep parsed files there between runs (``engine.source.tree_cache``)."""
    order = [policy.default_environment] + sorted(e for e in policy.environments if e != policy.default_environment)
    trees = TreeCache(cache_dir) if cache_dir is not None else None
    parse_memo = ParseMemo(trees)  # each environment's analysis reuses the parsed files
    first = analyze([files.root], flask_cors_version, policy.assumptions(order[0]), (), demand_driven, workers,
                    parse_memo, files)
    consulted = set(first.consulted)
    env_dependent = bool(first.env_reads & (_assumed_names(policy) | {"app.debug"}))
    documents = {order[0]: inventory_json(first, with_account=False)}
    analysed = [(policy.assumptions(order[0]), first.env_reads, documents[order[0]])]
    for name in order[1:]:  # (code that reads no assumed variable runs alike everywhere: `same` is the first)
        assumptions = policy.assumptions(name)
        same = next((document for done, reads, document in analysed if _same_for(reads, done, assumptions)), None)
        if same is not None:
            documents[name] = same
            continue
        other = analyze([files.root], flask_cors_version, assumptions, (), demand_driven, workers, parse_memo, files)
        consulted |= other.consulted
        documents[name] = inventory_json(other, with_account=False)
        analysed.append((assumptions, other.env_reads, documents[name]))
    attribution = attribute_apps(documents, policy, env_dependent)
    findings: list[Finding] = []
    seen: set[tuple[Any, ...]] = set()
    selected = [environment] if environment else order
    restricted = {}
    failures: list[RuleFailure] = []
    for name in selected:
        document = restricted[name] = restrict(documents[name], policy, name, attribution)
        failed: list[RuleFailure] = []
        current = with_evidence(with_apps(run_rules(document, policy, name, failed), document), document)
        findings += [f for f in current if f.identity not in seen]  # reported in the first environment it holds
        seen |= {f.identity for f in current}
        failures += [f for f in failed if _same_failure(f) not in {_same_failure(g) for g in failures}]
    if trees is not None:
        trees.save(list(parse_memo.values()))
    summary = RunSummary.of(first, frozenset(consulted))
    active, suppressed, problems = _suppress(findings, policy, summary, inline_suppressions, failures)
    reported = sorted(active + problems, key=Finding.sort_key)
    return CheckResult(reported, summary, selected, suppressed, documents=restricted, failures=failures,
                       lines=quoted(reported + [finding for finding, _ in suppressed], files.root))


def _suppress(findings: list[Finding], policy: Policy, inventory: RunSummary, inline: bool,
              failures: Sequence[RuleFailure] = ()):
    entries = suppressions.policy_suppressions(policy.data, policy.source)
    if inline:
        files = set(inventory.comment_files) | {f.file for f in findings}
        entries += suppressions.inline_suppressions(inventory.root, files)
    failed = {name for f in failures for name in (f.rule_id, f.rule_name)}
    for entry in entries:  # whether a failed rule's suppression is used cannot be known: never "unused"
        if failed & set(entry.rules):
            entry.used = True
    return suppressions.apply(findings, entries, Catalogue.of(policy))


def _same_for(reads: frozenset[str], done: Any, assumptions: Any) -> bool:
    """Would an analysis under ``assumptions`` run exactly as the one done under ``done``, which
    read ``reads``? Yes when they agree on every variable it read (and on ``app.debug`` if read):
    the same values take the same branches, so no other variable is read either."""
    if "app.debug" in reads and done.debug != assumptions.debug:
        return False
    return all(done.value(var) == assumptions.value(var) and done.pins(var) == assumptions.pins(var)
               for var in reads if var != "app.debug")


def _assumed_names(policy: Policy) -> set[str]:
    return {var for settings in policy.environments.values() for var in settings.get("env", {})}


def attribute_apps(documents: dict[str, dict[str, Any]], policy: Policy, env_dependent: bool
                   ) -> dict[str, set[str]]:
    """The environments each app (by id) belongs to.

    An app that loads a config class mapped to an environment in any environment's run
    belongs to exactly those environments (a run where the class lookup failed does not
    count; nor does a class that is only the code's default for environment variables that
    run does not pin). Otherwise its file decides; otherwise every environment when the code reads
    environment-dependent values, else the default one.
    """
    by_class: dict[str, set[str]] = {}
    files: dict[str, str] = {}
    for name, document in documents.items():
        pinned = set(policy.environments.get(name, {}).get("env", {}))
        for app in document.get("apps", []):
            files[app["id"]] = app["file"]
            chosen_by = app.get("config_chosen_by", {})
            # a class that is only the code's default for variables this environment does not pin
            # (`os.getenv("CONFIG") or "LocalConfig"`) says nothing of where the app is deployed
            classes = [c for c in app.get("config_classes", []) if set(chosen_by.get(c, ())) <= pinned]
            if name in policy.class_environments(classes):
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



def run_rules(document: dict[str, Any], policy: Policy, environment: str,
              failures: list[RuleFailure] | None = None) -> list[Finding]:
    """The findings of every active rule (built-in and the policy's custom rules) on one environment.

    Each rule runs in an error envelope: one that raises is appended to ``failures`` (named,
    with what it was judging and the traceback) and the others still run; the issues it
    yielded before raising are kept. Without a ``failures`` list the exception propagates."""
    settings = policy.environments.get(environment, {})

    context = RuleContext(document, environment, settings, policy)
    catalogue = Catalogue.of(policy)
    findings: list[Finding] = []
    for rule in catalogue.rules:
        if not catalogue.runs_in(rule, environment):
            continue
        setting = catalogue.setting(rule)
        issues: list[Issue] = []
        try:
            for issue in rule.check(context):
                if _in_scope(issue, setting.paths, setting.exclude):
                    issues.append(issue)
            findings.extend(group(rule, issues, setting.severity, environment))
        except Exception as exc:  # the envelope: a rule never takes the run down
            if failures is None:
                raise
            failures.append(_failure(rule, environment, exc))
            try:
                findings.extend(group(rule, issues, setting.severity, environment))
            except Exception:  # noqa: S110 - the failure is reported; these issues cannot be
                pass
    return findings


def _routes_by_label(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The document's routes by the label findings name them with (``Finding.routes``)."""
    by_label: dict[str, list[dict[str, Any]]] = {}
    for route in document["routes"]:
        by_label.setdefault(path_label(route["path"], route.get("endpoint")), []).append(route)
    return by_label


def _is_about(layer: dict[str, Any], finding: Finding) -> bool:
    """Is the CORS layer the one a finding is about: from the finding's place (its CORS call, a
    config loading it reads, a line that writes one of its values) or from the CORS setup the
    finding is anchored to?"""
    source = layer.get("source") or {}
    places = {(source.get("file"), source.get("line")),
              *((where["file"], where["line"]) for where in layer.get("config_sources", {}).values()),
              *((where["file"], where["line"]) for where in layer.get("defined_at", {}).values())}
    return (finding.file, finding.line) in places or finding.anchor in places


def app_label(app: dict[str, Any]) -> str:
    """How a finding names an app: where it is built, and by which function."""
    return f"{app['file']}:{app['line']}" + (f" {app['factory']}()" if app.get("factory") else "")


def with_apps(findings: list[Finding], document: dict[str, Any]) -> list[Finding]:
    """Each finding with the apps it is about: those of its routes whose CORS comes from the
    finding's place (else all of its routes' apps), or, for a finding without routes, the app built
    at its place or the apps whose routes its place configures. A project may build several apps
    (a web app, a worker's, a CLI's) that share code."""
    labels = {app["id"]: app_label(app) for app in document.get("apps", [])}
    by_label = _routes_by_label(document)

    def from_here(route: dict[str, Any], finding: Finding) -> bool:
        return any(_is_about(layer, finding) for layer in route.get("cors", [])) or any(
            isinstance(manual, dict) and (manual.get("file"), manual.get("line")) in {(finding.file, finding.line),
                                                                                     finding.anchor}
            for manual in route.get("manual_headers", []))  # a header written by hand there

    result = []
    for finding in findings:
        candidates = [route for label in finding.routes for route in by_label.get(label, [])]
        chosen = [route for route in candidates if from_here(route, finding)] or candidates
        apps = {route["app"] for route in chosen}
        if not apps and f"{finding.file}:{finding.line}" in labels:
            apps = {f"{finding.file}:{finding.line}"}
        if not apps:
            apps = {route["app"] for route in document["routes"] if from_here(route, finding)}
        result.append(replace(finding, apps=tuple(sorted(labels.get(app, app) for app in apps))))
    return result


def _value_of(key: str) -> str:
    """What a key of a site's ``defined_at`` names, in a related place's words: a config key, a
    keyword argument's value, or an option of one entry of a ``resources=`` mapping."""
    entry = split_resource_option_key(key)
    if entry is not None:
        return f"the value of `{entry[1]}` for the resource `{entry[0]}`"
    return f"`{key}`" if key.isupper() else f"the value of `{key}=`"


def with_evidence(findings: list[Finding], document: dict[str, Any]) -> list[Finding]:
    """Each finding with the other places that decide it (``Finding.related``): where the values of
    the CORS setup at its place are written (a settings module's `CORS_ORIGINS` line, the constant
    passed as `origins=`), the config loading that its routes' CORS reads from app.config (and
    where those keys are written), and where its routes are registered. The pre-commit hook
    reports a finding when any of these is in a file it is given. (The flask-cors pin is not one:
    every finding depends on it, and a commit bumping another requirement should stay quiet; the
    findings about the pinned version itself are located at the pin.)"""
    sites = {(site["file"], site["line"]): site for site in document["sites"]}
    by_label = _routes_by_label(document)
    result = []
    for finding in findings:
        related: dict[tuple[str, int], str] = {}

        def add(file: str, line: int, what: str) -> None:
            if (file, line) != (finding.file, finding.line):
                related.setdefault((file, line), what)

        def values_of(site: dict[str, Any] | None, keys: Any = None) -> None:
            for key, where in sorted((site or {}).get("defined_at", {}).items()):
                if keys is None or key in keys:
                    add(where["file"], where["line"], f"{_value_of(key)} is set here")
                    for step in (site or {}).get("defined_via", {}).get(key, []):  # `CORS_ORIGINS = ORIGINS`
                        add(step["file"], step["line"], f"{_value_of(key)} comes from `{step['name']}`, set here")

        values_of(sites.get((finding.file, finding.line)))
        if finding.anchor is not None and sites.get(finding.anchor, {}).get("kind") != "config":
            values_of(sites.get(finding.anchor))  # the CORS call's other values
        loaded: dict[tuple[str, int], set[str]] = {}
        calls: set[tuple[str, int]] = set()
        registered: dict[str, list[tuple[int, str]]] = {}
        for label in finding.routes:
            for route in by_label.get(label, []):
                for layer in route.get("cors", []):
                    if _is_about(layer, finding):
                        source = layer.get("source") or {}
                        calls.add((source.get("file"), source.get("line")))
                        for option, where in layer.get("config_sources", {}).items():
                            loaded.setdefault((where["file"], where["line"]), set()).add(config_key(option))
                registered.setdefault(route["file"], []).append((route["line"], label))
        if finding.anchor is not None:  # placed at its value's line: the CORS calls that read it are related
            setups: dict[str, list[tuple[int, str]]] = {}
            for file, line in calls:
                setups.setdefault(file, []).append((line, str(line)))
            for file, line, _, more in _once_per_file(setups):
                add(file, line, f"the CORS setup that applies this value is here{more}")
        for (file, line), keys in sorted(loaded.items()):
            add(file, line, f"{', '.join(f'`{key}`' for key in sorted(keys))} "
                            f"{'is' if len(keys) == 1 else 'are'} loaded into app.config here")
            values_of(sites.get((file, line)), keys)
        for file, line, label, more in _once_per_file(registered):  # one place per file: enough to know it decides
            add(file, line, f"route {label} is registered here{more}")
        if finding.anchor is not None:
            loading = sites.get(finding.anchor, {}).get("kind") == "config"
            add(*finding.anchor, "app.config loads this value here" if loading
                else "the CORS setup that applies this value is here")
        result.append(replace(finding, related=tuple((file, line, what) for (file, line), what in sorted(related.items()))))
    return result


def _once_per_file(places: dict[str, list[tuple[int, str]]]):
    """For each file (in order) of ``file -> [(line, label)]``: its first line, that line's label,
    and " (and N more in this file)" for the other labels."""
    for file, found in sorted(places.items()):
        line, label = min(found)
        more = len({other for _, other in found}) - 1
        yield file, line, label, f" (and {more} more in this file)" if more else ""


def _failure(rule: Any, environment: str, exc: Exception) -> RuleFailure:
    file, line = _judged(exc.__traceback__)
    return RuleFailure(rule.id, rule.name, environment, f"{type(exc).__name__}: {exc}", file, line,
                       "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))


_JUDGED = ("site", "layer", "route")  # the locals rules name what they are judging


def _judged(tb: TracebackType | None) -> tuple[str | None, int | None]:
    """The place the rule was judging when it raised: the innermost frame's ``site``, ``layer``
    (its source) or ``route`` local; else any inventory element (a dict with a file and a line)."""
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for names in (_JUDGED, None):
        for frame in reversed(frames):
            local = frame.f_locals
            for value in ([local.get(name) for name in names] if names else list(local.values())):
                place = _place(value)
                if place is not None:
                    return place
    return None, None


def _place(value: Any) -> tuple[str, int] | None:
    """Where an inventory element is: a route, site or place (typed, or as the document writes it),
    or a layer's CORS call."""
    if isinstance(value, dict):
        where = value.get("source") if isinstance(value.get("source"), dict) else value
        file, line = where.get("file"), where.get("line")
    elif isinstance(value, (Route, Site, Place, Layer)):
        where = value.source if isinstance(value, Layer) else value
        file, line = where.file, where.line
    else:
        return None
    return (file, line) if isinstance(file, str) and isinstance(line, int) else None


def _same_failure(failure: RuleFailure) -> tuple[Any, ...]:
    """A failure seen again in another environment (the same document): reported once, in the first."""
    return failure.rule_id, failure.error, failure.file, failure.line


def _in_scope(issue: Issue, paths: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    if paths and not any(path_matches(issue.file, pattern) for pattern in paths):
        return False
    if any(path_matches(issue.file, pattern) for pattern in exclude):
        return False
    if issue.routes and exclude and all(any(route_matches(r, p) for p in exclude) for r in issue.routes):
        return False
    return True
