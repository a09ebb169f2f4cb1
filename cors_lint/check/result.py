"""A check's result: the findings, what was suppressed or baselined, the per-environment
documents, and a summary of the analysis; and its JSON form for the result cache."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cors_lint.check.findings import Finding
from cors_lint.check.suppressions import Suppression
from cors_lint.core.versions import FlaskCorsVersion
from cors_lint.engine.source.project import FileError

if TYPE_CHECKING:
    from cors_lint.engine.inventory import Inventory


@dataclass
class RunSummary:
    """What reports need from the analysis, apart from the engine's objects (so it can be cached)."""

    root: Path
    version: FlaskCorsVersion
    files: int
    route_count: int
    errors: list[FileError]
    comment_files: frozenset[str]  # files that mention cors-lint (may hold suppression comments)
    consulted: frozenset[str]
    notes: list[dict[str, Any]] = field(default_factory=list)  # where the analysis stopped following the code
    skipped: list[FileError] = field(default_factory=list)  # templates, not Python: no error
    tests_not_run: int = 0  # test files not run as entry points (see project.survey)
    app_count: int = 0  # apps the default environment's analysis found

    @classmethod
    def of(cls, inventory: Inventory, consulted: frozenset[str]) -> RunSummary:
        return cls(inventory.root, inventory.version, inventory.files, inventory.listed_route_count, list(inventory.errors),
                   inventory.comment_files, consulted, [note.as_json() for note in inventory.analysis_notes],
                   list(inventory.skipped), len(inventory.tests_not_run), len({app.id for app in inventory.apps}))


@dataclass(frozen=True)
class RuleFailure:
    """A rule that raised while judging one environment's inventory: an internal error (exit 2).

    The other rules' findings are reported all the same (and the failed rule's issues found
    before it raised); ``file``/``line`` name what the rule was judging when the traceback's
    frames show it (a site, layer or route being processed), else None."""

    rule_id: str
    rule_name: str
    environment: str
    error: str  # "TypeError: unhashable type: 'dict'"
    file: str | None = None
    line: int | None = None
    traceback: str = ""  # printed with --verbose; kept in the cache so a cached run can print it too

    def describe(self) -> str:
        where = f" while judging {self.file}:{self.line}" if self.file is not None else ""
        return (f"rule {self.rule_id} ({self.rule_name}) failed in environment {self.environment}{where}: "
                f"{self.error}; its findings may be incomplete")

    def as_json(self) -> dict[str, Any]:
        """The report's form (the traceback is for --verbose, not for reports)."""
        return {"rule_id": self.rule_id, "rule_name": self.rule_name, "environment": self.environment,
                "file": self.file, "line": self.line, "message": self.describe()}


@dataclass
class CheckResult:
    findings: list[Finding]  # active findings (suppression problems included)
    inventory: RunSummary  # the default environment's analysis
    environments: list[str]
    suppressed: list[tuple[Finding, Any]] = field(default_factory=list)  # (finding, Suppression)
    baselined: list[Finding] = field(default_factory=list)  # known findings hidden by --baseline
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)  # per environment: its part of the model
    failures: list[RuleFailure] = field(default_factory=list)  # rules that raised (internal errors, exit 2)
    # the source lines findings point at (theirs and their related places'): file -> line -> text
    lines: dict[str, dict[int, str]] = field(default_factory=dict)
    # the fixes re-analysis proved for these findings (fixes.codemods.Fix), when they were asked for
    fixes: list[Any] = field(default_factory=list)

    def fix(self, finding: Finding) -> Any:
        """The proven fix of ``finding``, or None."""
        return next((fix for fix in self.fixes if (fix.fingerprint, fix.finding_at) ==
                     (finding.fingerprint, (finding.file, finding.line))), None)

    def fix_json(self, finding: Finding) -> dict[str, Any] | None:
        """The proven fix of ``finding`` as the JSON and the review write it, or None."""
        fix = self.fix(finding)
        return fix.as_json() if fix is not None else None

    def line(self, file: str, number: int) -> str | None:
        """The text of a line a finding points at, as the check read it (None: not quoted)."""
        return self.lines.get(file, {}).get(number)


def result_to_json(result: CheckResult) -> dict[str, Any]:
    """A check result as JSON (for the cache); ``result_from_json`` gives back an equal result."""
    summary = result.inventory
    return {
        "findings": [f.as_json() for f in result.findings],
        "suppressed": [[f.as_json(), asdict(s)] for f, s in result.suppressed],
        "environments": list(result.environments),
        "documents": result.documents,
        "failures": [asdict(f) for f in result.failures],  # a failed rule fails the same way until the code changes
        "lines": {file: {str(number): text for number, text in lines.items()} for file, lines in result.lines.items()},
        "summary": {"root": str(summary.root), "version": [list(summary.version.version), summary.version.source],
                    "files": summary.files, "route_count": summary.route_count,
                    "errors": [asdict(e) for e in summary.errors], "comment_files": sorted(summary.comment_files),
                    "consulted": sorted(summary.consulted), "notes": summary.notes,
                    "skipped": [asdict(e) for e in summary.skipped], "tests_not_run": summary.tests_not_run,
                    "app_count": summary.app_count},
    }


def result_from_json(document: dict[str, Any]) -> CheckResult | None:
    """None when the document is not a result this version wrote (the caller recomputes)."""
    try:
        summary = document["summary"]
        version = FlaskCorsVersion(tuple(summary["version"][0]), summary["version"][1])
        run = RunSummary(Path(summary["root"]), version, summary["files"], summary["route_count"],
                         [FileError(**e) for e in summary["errors"]], frozenset(summary["comment_files"]),
                         frozenset(summary["consulted"]), list(summary["notes"]),
                         [FileError(**e) for e in summary["skipped"]], summary["tests_not_run"],
                         summary["app_count"])
        suppressed = [(_finding(f), Suppression(**{**s, "rules": tuple(s["rules"])})) for f, s in document["suppressed"]]
        lines = {file: {int(number): text for number, text in found.items()}
                 for file, found in document["lines"].items()}
        return CheckResult([_finding(f) for f in document["findings"]], run, list(document["environments"]),
                           suppressed, documents=document["documents"],
                           failures=[RuleFailure(**f) for f in document["failures"]], lines=lines)
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _finding(data: dict[str, Any]) -> Finding:
    related = tuple((r["file"], r["line"], r["message"]) for r in data.get("related", ()))
    return Finding(**{**data, "routes": tuple(data["routes"]), "apps": tuple(data.get("apps", ())), "related": related})
