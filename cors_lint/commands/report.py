"""`cors-lint report`: the check the security review report is made of."""

from __future__ import annotations

from pathlib import Path

from cors_lint.commands import CommandError
from cors_lint.commands.context import excluded, policy_for, settings_for


def run(paths: list[Path], policy_file: Path | None, flask_cors_version: str | None, include_tests: bool,
        exclude: list[str] | None = None, extend_exclude: list[str] | None = None, cache: bool = True,
        cache_dir: Path | None = None):
    """(the check result, the policy) of every environment, for ``formats.REVIEW``; with ``cache``,
    the result cache ``check`` uses (an unchanged project is not analysed again)."""
    from cors_lint.check.checker import check_paths
    from cors_lint.engine.source.project import UsageError

    settings = settings_for(paths)
    policy = policy_for(policy_file, paths, cache=cache, cache_dir=cache_dir)
    try:
        result = check_paths(paths, policy, None, flask_cors_version, exclude=excluded(settings, exclude, extend_exclude),
                             include_tests=include_tests or settings.include_tests, cache=cache, cache_dir=cache_dir)
    except (UsageError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    return result, policy
