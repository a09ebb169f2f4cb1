"""`cors-lint check`: the policy and settings, the (cached) check, and baselines."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cors_lint.commands import CommandError
from cors_lint.commands.context import excluded, hide_baselined, known_environment, policy_for, settings_for


@dataclass
class CheckRun:
    result: object  # check.result.CheckResult
    policy: object  # policy.loader.Policy
    output_format: str
    fail_on: str
    baseline_written: Path | None = None  # --write-baseline: where the findings went (nothing is printed)
    fixes: list = field(default_factory=list)  # --diff: the proven fixes (nothing written); --fix: those applied


def run(paths: list[Path], *, output_format: str | None, policy_file: Path | None, environment: str | None,
        fail_on: str | None, flask_cors_version: str | None, inline_suppressions: bool, baseline: Path | None,
        write_baseline: Path | None, cache: bool, cache_dir: Path | None, demand_driven: bool, jobs: int,
        include_tests: bool, exclude: list[str] | None = None, extend_exclude: list[str] | None = None,
        fix: bool = False, unsafe_fixes: bool = False, diff: bool = False, show_fixes: bool = False) -> CheckRun:
    """The check; with ``fix``, the proven fixes are applied first (``--unsafe-fixes``: the unsafe
    ones too) and the result is that of the fixed project; with ``diff``, they are only proposed;
    with ``show_fixes``, the fixes proven for the findings reported are in ``result.fixes``."""
    settings = settings_for(paths)
    if cache:
        from cors_lint.core.store import shared_key_problem

        problem = shared_key_problem()  # refused before any cache entry (the policy memo's too) is read
        if problem is not None:
            raise CommandError(problem)
    policy = policy_for(policy_file, paths, cache=cache, cache_dir=cache_dir)
    known_environment(policy, environment)
    from cors_lint.check.checker import check_targets
    from cors_lint.engine.source.project import UsageError

    def checked_now():
        try:
            return check_targets(paths, policy, environment, flask_cors_version, inline_suppressions=inline_suppressions,
                                 exclude=excluded(settings, exclude, extend_exclude), demand_driven=demand_driven,
                                 cache=cache, workers=jobs,
                                 cache_dir=cache_dir, include_tests=include_tests or settings.include_tests)
        except (UsageError, ValueError) as exc:
            raise CommandError(str(exc)) from None

    def proven(result, unsafe: bool) -> list:
        from cors_lint.commands.fix import proven_fixes

        return proven_fixes(result, policy, unsafe, flask_cors_version, inline_suppressions,
                            excluded(settings, exclude, extend_exclude), include_tests or settings.include_tests)

    result = checked_now()
    applied: list = []
    if diff:  # proposed, not applied
        applied = proven(result, unsafe_fixes)
    elif fix:
        from cors_lint.commands.fix import PASSES, apply

        for _ in range(PASSES):
            found = proven(result, unsafe_fixes)
            if not found:
                break
            apply(found, result.inventory.root)
            applied += found
            result = checked_now()
    if show_fixes:  # every proven fix, safe or not, shown with its finding
        result.fixes = proven(result, True)
    checked = CheckRun(result, policy, output_format or settings.format or "text", fail_on or settings.fail_on or "warning",
                       fixes=applied)
    if write_baseline is not None:
        from cors_lint.check import baseline as baselines

        baselines.write(write_baseline, result.findings)
        checked.baseline_written = write_baseline
    elif baseline is not None:
        hide_baselined(result, baseline)
    return checked
