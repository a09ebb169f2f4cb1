"""Check a project under a policy: the result cache's fast path, and what a command line names.

A stored result of an identical earlier run is reused without parsing anything; otherwise
``run`` analyses the project and runs the rules. That module (and with it libcst, the
interpreter and the rule catalogue) is imported only on a cache miss.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

from cors_lint.check import cache as caching
from cors_lint.check.result import CheckResult, result_from_json, result_to_json
from cors_lint.core.store import CACHE_DIR_NAME, shared_key_problem
from cors_lint.engine.source.pins import pin_files
from cors_lint.engine.source.project import Survey, namespace_packages, project_root, survey
from cors_lint.policy.loader import Policy

CACHE_DIR_VARIABLE = "CORS_LINT_CACHE_DIR"


def cache_directory(start: Path, configured: Path | None = None) -> Path:
    """Where the cache of the project holding ``start`` lives.

    By default ``<project>/.cors-lint-cache/``. With ``--cache-dir DIR`` (``configured``) or
    ``$CORS_LINT_CACHE_DIR``, a directory of its own under DIR, named after the project's path,
    and the project's own ``.cors-lint-cache/`` is neither read nor written: DIR can live outside
    the checkout, where a CI cache action saves and restores it. The place comes from the command
    line or the environment only, never from a file of the project under review. Either way an
    entry is used only when it verifies with the signing key (``core.store``)."""
    root = project_root(start)
    chosen = configured if configured is not None else (os.environ.get(CACHE_DIR_VARIABLE) or None)
    if chosen is None:
        return root / CACHE_DIR_NAME
    base = Path(chosen).expanduser().absolute()
    tag = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return base / f"{root.name or 'root'}-{tag}" / CACHE_DIR_NAME


def check_paths(paths: list[Path], policy: Policy, environment: str | None = None,
                flask_cors_version: str | None = None, inline_suppressions: bool = True,
                exclude: tuple[str, ...] = (), demand_driven: bool = True, cache: bool = False,
                workers: int = 0, cache_dir: Path | None = None, include_tests: bool = False) -> CheckResult:
    """Check a project; with ``cache``, reuse the stored result of an identical earlier run (kept
    in ``cache_directory(root, cache_dir)``); ``include_tests``: see ``project.survey``."""
    files = survey(paths, exclude, include_tests)
    if not cache:
        return _check(files, policy, environment, flask_cors_version, inline_suppressions, demand_driven, workers,
                      None)
    problem = shared_key_problem()
    if problem is not None:  # a $CORS_LINT_CACHE_KEY too short to be a key: exit 2, nothing read or written
        raise ValueError(problem)
    root, index = files.root, files.index
    pins = pin_files(root)
    directory = cache_directory(root, cache_dir)
    store = caching.ResultCache(directory)
    states = store.snapshot(index + [f for f in pins if f.rel not in {s.rel for s in index}])
    files.verdicts = {rel: state.verdict for rel, state in states.items()}
    # today's date: suppressions expire
    key = store.key([str(root), [f.rel for f in files.files], json.dumps(policy.data, sort_keys=True, default=str),
                     str(policy.source), environment, flask_cors_version, inline_suppressions, list(exclude),
                     demand_driven, include_tests, date.today().isoformat(), namespace_packages(index)], states)
    stored = store.lookup(key, states)
    result = result_from_json(stored) if stored is not None else None
    if result is None:
        result = _check(files, policy, environment, flask_cors_version, inline_suppressions, demand_driven, workers,
                        directory)
        consulted = (set(result.inventory.consulted) | {f.rel for f in pins} | _suppression_files(result)
                     | {rel for rel, state in states.items() if state.verdict.comments})
        store.store(key, states, consulted, result_to_json(result))
    store.save()
    return result


def _check(files: Survey, policy: Policy, environment: str | None, flask_cors_version: str | None,
           inline_suppressions: bool, demand_driven: bool, workers: int, directory: Path | None) -> CheckResult:
    """``directory``: the cache's, where parsed files are kept between runs (None: not kept)."""
    from cors_lint.check import run  # the stage boundary: the engine's heavy half and the rules load here

    return run.check_project(files, policy, environment, flask_cors_version, inline_suppressions, demand_driven,
                             workers, directory)


def _suppression_files(result: CheckResult) -> set[str]:
    """Files whose comments can suppress a finding: the ones findings are in."""
    return {f.file for f in result.findings} | {f.file for f, _ in result.suppressed}


def _configures_cors(path: Path) -> bool:
    """A pyproject.toml that holds [tool.cors-lint] settings or a flask-cors requirement: a change
    to it can change every finding (one that does neither, e.g. a version bump, changes none)."""
    try:
        data = path.read_bytes().lower()
    except OSError:
        return True
    return b"[tool.cors-lint]" in data or b"flask-cors" in data or b"flask_cors" in data


def check_targets(paths: list[Path], policy: Policy, environment: str | None = None,
                  flask_cors_version: str | None = None, inline_suppressions: bool = True,
                  exclude: tuple[str, ...] = (), demand_driven: bool = True, cache: bool = False,
                  workers: int = 0, cache_dir: Path | None = None, include_tests: bool = False) -> CheckResult:
    """``check_paths`` for what a user names on the command line.

    Files named one by one (as pre-commit passes them) are checked in the context of their
    whole project, found upward, so routes and config in other modules count; the findings
    those files can change are reported, the same as a full run reports them: the ones located
    in them, and the ones whose related places are in them (a settings module's `CORS_ORIGINS`
    line, the constant passed as `origins=`, a blueprint registering the routes, the pin in a
    requirements file). A changed policy, or a pyproject.toml with [tool.cors-lint] settings or
    a flask-cors requirement (also passed by pre-commit), reports everything.
    """
    changed = [p.resolve() for p in paths] if paths and all(p.is_file() for p in paths) else None
    if changed is None:
        return check_paths(paths, policy, environment, flask_cors_version, inline_suppressions, exclude,
                           demand_driven, cache, workers, cache_dir, include_tests)
    roots = {project_root(f) for f in changed}
    root = Path(os.path.commonpath([str(r) for r in roots]))
    result = check_paths([root], policy, environment, flask_cors_version, inline_suppressions, exclude,
                         demand_driven, cache, workers, cache_dir, include_tests)
    if any(f.suffix in (".yaml", ".yml") or (f.suffix == ".toml" and _configures_cors(f)) for f in changed):
        return result
    wanted = set(changed)
    base = result.inventory.root

    def named(file: str) -> bool:
        return (base / file).resolve() in wanted

    def touched(finding) -> bool:  # its place, or a place that decides it (a settings line, a pin)
        return named(finding.file) or any(named(file) for file, _line, _what in finding.related)

    result.findings = [f for f in result.findings if touched(f)]
    result.suppressed = [(f, s) for f, s in result.suppressed if touched(f)]
    result.inventory.errors = [e for e in result.inventory.errors if named(e.file)]
    return result
