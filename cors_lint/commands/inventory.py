"""`cors-lint inventory`: the analysis, under a policy environment's assumptions when one is named."""

from __future__ import annotations

from pathlib import Path

from cors_lint.commands import CommandError
from cors_lint.commands.context import assumptions_for, excluded, settings_for


def run(paths: list[Path], flask_cors_version: str | None, demand_driven: bool, jobs: int, environment: str | None,
        include_tests: bool, exclude: list[str] | None = None, extend_exclude: list[str] | None = None):
    """The analysis (``engine.analysis.Analysis``) for ``formats.INVENTORY``."""
    settings = settings_for(paths)
    assumptions = assumptions_for(None, paths, environment)
    return analyze(paths, flask_cors_version, demand_driven=demand_driven, workers=jobs, assumptions=assumptions,
                   include_tests=include_tests or settings.include_tests,
                   exclude=excluded(settings, exclude, extend_exclude))


def analyze(paths: list[Path], flask_cors_version: str | None, demand_driven: bool = True, workers: int = 0,
            assumptions=None, include_tests: bool = False, exclude: tuple[str, ...] = ()):
    """``engine.analysis.analyze``, with a bad path or version as a ``CommandError``."""
    from cors_lint.engine.analysis import analyze as analyze_paths
    from cors_lint.engine.source.project import UsageError

    try:
        return analyze_paths(paths, flask_cors_version, assumptions, exclude, demand_driven=demand_driven,
                             workers=workers, include_tests=include_tests)
    except (UsageError, ValueError) as exc:
        raise CommandError(str(exc)) from None
