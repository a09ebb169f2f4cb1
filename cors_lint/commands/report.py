"""`cors-lint report`: the check the security review report is made of."""

from __future__ import annotations

from pathlib import Path

from cors_lint.commands.context import policy_for, settings_for


def run(paths: list[Path], policy_file: Path | None, flask_cors_version: str | None, include_tests: bool):
    """(the check result, the policy) of every environment, for ``formats.REVIEW``."""
    from cors_lint.check.checker import check_paths

    settings = settings_for(paths)
    policy = policy_for(policy_file, paths)
    result = check_paths(paths, policy, None, flask_cors_version, exclude=settings.exclude,
                         include_tests=include_tests or settings.include_tests)
    return result, policy
