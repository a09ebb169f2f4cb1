"""A fix is offered only when re-analysis proves it: the project, copied with the edit applied,
is checked again in every environment of the policy; the fixed finding must be gone and no
finding may appear that the project did not have."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Callable

from cors_lint.fixes.codemods import Fix

# what a copy for re-analysis leaves out: what the check never reads
_NOT_COPIED = shutil.ignore_patterns(".git", ".hg", ".cors-lint-cache", "__pycache__", "node_modules", ".venv",
                                     ".tox", "*.pyc")


Found = tuple[str, str, str, int]  # a finding as the proof counts it: (fingerprint, rule id, file, line)


def proven(fixes: list[Fix], root: Path, check: Callable[[Path], Counter], before: Counter) -> list[Fix]:
    """The first of ``fixes`` re-analysis proves in each file (each is proven against the project
    as it is). ``check(root)`` counts the findings of a project root (all environments) as
    ``Found``; ``before`` is that of ``root`` itself (see ``holds``)."""
    if not fixes:
        return []
    with tempfile.TemporaryDirectory(prefix="cors-lint-fix-") as scratch:
        copy = Path(scratch) / root.name
        shutil.copytree(root, copy, ignore=_NOT_COPIED, symlinks=True)
        kept = []
        for fix in fixes:
            if any(done.file == fix.file for done in kept):
                continue
            target = copy / fix.file
            target.write_bytes(fix.after.encode("utf-8"))
            try:
                after = check(copy)
            finally:
                target.write_bytes(fix.before.encode("utf-8"))
            if holds(fix, before, after):
                kept.append(fix)
        return kept


def holds(fix: Fix, before: Counter, after: Counter) -> bool:
    """Is ``fix`` proven by the findings ``before`` and ``after`` it? One fewer finding with its
    fingerprint (several can share one: the same option misspelt on three decorators of a file),
    and nothing new; except that another rule's finding at the same place may name the new value
    (CORS008's "this regex trusts plain http" after CORS002's regex is anchored): that is the
    same finding re-keyed, not a new one. A finding of the fixed rule itself is always new: the
    fix did not remove the problem (an anchored regex that still accepts another domain)."""
    def own(found: Counter) -> int:
        return sum(count for (fingerprint, *_), count in found.items() if fingerprint == fix.fingerprint)

    if own(after) >= own(before):
        return False
    rekeyed = Counter((rule, file, line) for _, rule, file, line in (before - after).elements() if rule != fix.rule_id)
    for _, rule, file, line in (after - before).elements():
        if rule == fix.rule_id or not rekeyed[(rule, file, line)]:
            return False
        rekeyed[(rule, file, line)] -= 1
    return True
