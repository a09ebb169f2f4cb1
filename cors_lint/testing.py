"""Run a rule's own examples: the source of its VALID / INVALID test cases."""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

from cors_lint.check.checker import check_paths
from cors_lint.check.findings import Finding
from cors_lint.policy.loader import Policy, load


def example_files(example: str | dict[str, str]) -> dict[str, str]:
    if isinstance(example, str):
        return {"app.py": textwrap.dedent(example).lstrip("\n")}
    return {name: textwrap.dedent(text).lstrip("\n") for name, text in example.items()}


def findings_for(example: str | dict[str, str], policy: Policy | None = None,
                 environment: str | None = None) -> list[Finding]:
    """Write an example project to a temporary directory and check it (default: recommended policy)."""
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, text in example_files(example).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        result = check_paths([root], policy or load("recommended"), environment)
        if result.failures:  # a rule that raised: the example's findings are incomplete
            raise AssertionError(result.failures[0].traceback)
        return result.findings
