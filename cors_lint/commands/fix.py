"""`cors-lint check --fix / --unsafe-fixes / --diff`: the proven fixes of a check's findings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

PASSES = 5  # a fix can make another one possible (ruff's fix loop); each pass is a full check


def proven_fixes(result, policy, unsafe: bool, flask_cors_version: str | None, inline_suppressions: bool,
                 exclude: tuple[str, ...], include_tests: bool) -> list:
    """The fixes (``fixes.codemods.Fix``) re-analysis proves for ``result``'s findings: at most
    one per file, the first one proven (a file's next fix is proposed again once that one is
    applied); safe ones only, unless ``unsafe``."""
    from cors_lint.check.checker import check_paths
    from cors_lint.fixes.codemods import candidate
    from cors_lint.fixes.proof import proven

    root = result.inventory.root

    def fingerprints(project: Path) -> Counter:
        checked = check_paths([project], policy, None, flask_cors_version, inline_suppressions, exclude=exclude,
                              include_tests=include_tests)
        return Counter((finding.fingerprint, finding.rule_id, finding.file, finding.line)
                       for finding in checked.findings)

    candidates = [fix for fix in (candidate(finding, root) for finding in result.findings)
                  if fix is not None and (fix.safe or unsafe)]
    return proven(candidates, root, fingerprints, fingerprints(root)) if candidates else []


def unified_diff(fixes: list) -> str:
    """The fixes as one unified diff, paths relative to the project (``a/`` and ``b/`` as git writes them)."""
    return "".join(fix.as_json()["diff"] for fix in sorted(fixes, key=lambda fix: fix.file))


def apply(fixes: list, root: Path) -> None:
    """Write each fixed file (atomically)."""
    from cors_lint.core.files import write_atomic

    for fix in fixes:
        write_atomic(root / fix.file, fix.after.encode("utf-8"))
