"""`cors-lint report`: the check the security review report is made of."""

from __future__ import annotations

from pathlib import Path

from cors_lint.commands import CommandError
from cors_lint.commands.context import excluded, hide_baselined, known_environment, policy_for, settings_for


def run(paths: list[Path], policy_file: Path | None, flask_cors_version: str | None, include_tests: bool,
        exclude: list[str] | None = None, extend_exclude: list[str] | None = None, cache: bool = True,
        cache_dir: Path | None = None, environment: str | None = None, baseline: Path | None = None):
    """(the check result, the policy, the ``provenance``) of every environment (or the one named),
    for ``formats.REVIEW``; with ``cache``, the result cache ``check`` uses (an unchanged project is
    not analysed again); with ``baseline``, the findings it knows are set apart (as check does)."""
    from cors_lint.check.checker import check_paths
    from cors_lint.engine.source.project import UsageError

    settings = settings_for(paths)
    policy = policy_for(policy_file, paths, cache=cache, cache_dir=cache_dir)
    known_environment(policy, environment)
    try:
        result = check_paths(paths, policy, environment, flask_cors_version,
                             exclude=excluded(settings, exclude, extend_exclude),
                             include_tests=include_tests or settings.include_tests, cache=cache, cache_dir=cache_dir)
    except (UsageError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    if baseline is not None:
        hide_baselined(result, baseline)
    from cors_lint.commands.fix import proven_fixes

    result.fixes = proven_fixes(result, policy, True, flask_cors_version, True,
                                excluded(settings, exclude, extend_exclude), include_tests or settings.include_tests)
    return result, policy, provenance(result.inventory.root, baseline)


def provenance(root: Path, baseline: Path | None = None):
    """Today, and (when the project is in a git repository) its commit and its folder there; the
    baseline the findings were read against."""
    import datetime
    import subprocess

    from cors_lint.output.review import Provenance

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD")
    if commit and git("status", "--porcelain", "--untracked-files=no", "."):
        commit += " with uncommitted changes"
    prefix = git("rev-parse", "--show-prefix")
    path = (prefix.rstrip("/") or f"{root.name} (the repository's top)") if prefix is not None else None
    return Provenance(datetime.date.today().isoformat(), commit, path, str(baseline.resolve()) if baseline else None)
