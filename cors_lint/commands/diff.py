"""`cors-lint diff BASE..HEAD`: each revision is extracted with ``git archive`` into a temporary
directory (the working tree is not touched) and analysed; ``output.diff`` compares and renders."""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from cors_lint.commands import CommandError
from cors_lint.commands.context import assumptions_for
from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json
from cors_lint.output.diff import Change, compare


def _git(repo: Path, *args: str) -> bytes:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, timeout=300)
    if result.returncode != 0:
        raise CommandError(f"git {' '.join(args)}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def _extract(repo: Path, ref: str, target: Path) -> None:
    data = _git(repo, "archive", "--format=tar", ref)
    with tarfile.open(fileobj=BytesIO(data)) as archive:
        archive.extractall(target, filter="data")


def diff_refs(repo_path: Path, refs: str, flask_cors_version: str | None = None, environment: str | None = None,
              policy_file: Path | None = None) -> list[Change]:
    """The routes whose CORS posture differs between two revisions, both analysed under the
    assumptions of the policy ``environment`` named (as ``inventory --env``), if any."""
    assumptions = assumptions_for(policy_file, [repo_path], environment)
    base, _, head = refs.partition("..")
    if not base:
        raise CommandError(f"expected BASE..HEAD, got {refs!r}")
    top = Path(_git(repo_path, "rev-parse", "--show-toplevel").decode().strip())
    sub = repo_path.resolve().relative_to(top) if repo_path.resolve() != top else Path(".")
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        _extract(top, base, Path(a))
        if head:
            _extract(top, head, Path(b))
            head_root = Path(b) / sub
        else:
            head_root = repo_path.resolve()  # BASE.. : against the working tree
        before = inventory_json(analyze([Path(a) / sub], flask_cors_version, assumptions), with_account=False)
        after = inventory_json(analyze([head_root], flask_cors_version, assumptions), with_account=False)
    return compare(before, after)
