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


def proven(fixes: list[Fix], root: Path, check: Callable[[Path], Counter], before: Counter) -> list[Fix]:
    """The ``fixes`` re-analysis proves. ``check(root)`` counts the findings of a project root
    (all environments) by fingerprint; ``before`` is that of ``root`` itself. Several findings can
    share a fingerprint (the same option misspelt on three decorators of a file): a fix must leave
    one fewer of its own, and no more of any."""
    if not fixes:
        return []
    with tempfile.TemporaryDirectory(prefix="cors-lint-fix-") as scratch:
        copy = Path(scratch) / root.name
        shutil.copytree(root, copy, ignore=_NOT_COPIED, symlinks=True)
        kept = []
        for fix in fixes:
            target = copy / fix.file
            target.write_bytes(fix.after.encode("utf-8"))
            try:
                after = check(copy)
            finally:
                target.write_bytes(fix.before.encode("utf-8"))
            if after[fix.fingerprint] < before[fix.fingerprint] and not after - before:
                kept.append(fix)
        return kept
