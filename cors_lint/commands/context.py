"""What every command that scans needs: the project's ``[tool.cors-lint]`` settings and its policy."""

from __future__ import annotations

from pathlib import Path

from cors_lint.commands import CommandError


def settings_for(paths: list[Path]):
    """The ``[tool.cors-lint]`` settings found upward from the first path."""
    from cors_lint.policy.settings import SettingsError, find

    try:
        return find(paths[0] if paths else Path("."))
    except SettingsError as exc:
        raise CommandError(str(exc), "configuration error") from None


def assumptions_for(policy_file: Path | None, paths: list[Path], environment: str | None):
    """The assumptions (its `env:` values and `debug`) of the policy environment named, for an
    analysis outside ``check``; None when none is named."""
    if environment is None:
        return None
    policy = policy_for(policy_file, list(paths))
    known_environment(policy, environment)
    return policy.assumptions(environment)


def excluded(settings, exclude: list[str] | None, extend_exclude: list[str] | None) -> tuple[str, ...]:
    """The globs of files to leave out: ``--exclude`` (else [tool.cors-lint] exclude), then
    ``--extend-exclude``."""
    return tuple(exclude if exclude else settings.exclude) + tuple(extend_exclude or ())


def policy_for(policy_file: Path | None, paths: list[Path], cache: bool = False, cache_dir: Path | None = None):
    """The policy to check against; with ``cache``, a policy validated before is read from the
    project's cache directory (no YAML parsing, no schema validation)."""
    from cors_lint.policy import PolicyError
    from cors_lint.policy.loader import discover, load

    start = paths[0] if paths else Path(".")
    memo = None
    if cache and start.exists():
        from cors_lint.check.checker import cache_directory

        memo = cache_directory(start, cache_dir)
    try:
        return load(policy_file, memo) if policy_file is not None else discover(start, memo)
    except PolicyError as exc:
        raise CommandError(str(exc), "policy error") from None


def known_environment(policy, environment: str | None) -> None:
    if environment is not None and environment not in policy.environments:
        raise CommandError(f"unknown environment {environment!r} (the policy has: "
                           f"{', '.join(sorted(policy.environments))})")


def hide_baselined(result, baseline: Path) -> None:
    """Move the findings the baseline file knows from ``result.findings`` to ``result.baselined``."""
    from cors_lint.check import baseline as baselines

    try:
        result.findings, result.baselined = baselines.split(result.findings, baselines.read(baseline))
    except baselines.BaselineError as exc:
        raise CommandError(str(exc)) from None
