"""Baselines: accept today's findings, report only new ones.

Findings are matched by fingerprint (rule, environment, file and what the finding is about:
origins, options, keys), never by line number, so moving code does not bring them back.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from cors_lint import __version__
from cors_lint.check.findings import Finding
from cors_lint.core.files import write_atomic
from cors_lint.core.limits import BASELINE_BYTES, InputError, read_bounded

SCHEMA_VERSION = 1


class BaselineError(Exception):
    pass


def write(path: Path, findings: list[Finding]) -> None:
    entries = sorted(({"fingerprint": f.fingerprint, "rule_id": f.rule_id, "file": f.file,
                       "environment": f.environment, "message": f.message} for f in findings),
                     key=lambda e: (e["fingerprint"], e["file"]))
    document = {"schema_version": SCHEMA_VERSION, "tool": {"name": "cors-lint", "version": __version__},
                "findings": entries}
    write_atomic(path, json.dumps(document, indent=2) + "\n")


def read(path: Path) -> set[str]:
    """The fingerprints in a baseline; bounded in size (``BASELINE_BYTES``, checked before it is
    read) and in nesting (the JSON decoder's recursion guard, reported as an error)."""
    text = ""
    try:
        text = read_bounded(path, BASELINE_BYTES, "baseline").decode("utf-8")
        document: Any = json.loads(text)
    except InputError as exc:
        raise BaselineError(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: not a cors-lint baseline: {exc.msg}") from None
    except RecursionError:  # the decoder gives no position: point at the first deep run of brackets
        deep = re.search(r"(?:[\[{]\s*){32}", text)
        line = text.count("\n", 0, deep.start()) + 1 if deep else 1
        raise BaselineError(f"{path}:{line}: not a cors-lint baseline: nested too deeply") from None
    if not isinstance(document, dict) or document.get("schema_version") != SCHEMA_VERSION or not isinstance(
            document.get("findings"), list):
        raise BaselineError(f"{path}: not a cors-lint baseline (schema_version {SCHEMA_VERSION} expected)")
    return {entry["fingerprint"] for entry in document["findings"] if isinstance(entry, dict) and
            isinstance(entry.get("fingerprint"), str)}


def split(findings: list[Finding], known: set[str]) -> tuple[list[Finding], list[Finding]]:
    """(new findings, findings already in the baseline)."""
    new = [f for f in findings if f.fingerprint not in known]
    old = [f for f in findings if f.fingerprint in known]
    return new, old
