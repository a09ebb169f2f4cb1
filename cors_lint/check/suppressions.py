"""Suppressions: inline comments and policy entries, each with a reason, maybe an expiry and a ticket.

Inline, on the finding's line or the line above it::

    # cors-lint: ignore[CORS007] reason="public status page" expires=2027-01-31 ticket=SEC-12

In the policy (owned by the security team, apart from the code)::

    suppressions:
      - {rule: CORS007, path: "status/**", route: "/status/**", reason: "...", expires: 2027-01-31}

A suppression without a reason, with an unknown rule id, past its expiry or matching nothing
is itself reported (CORS028-CORS030); an expired one no longer hides its finding.
"""

from __future__ import annotations

import datetime as dt
import re
import tokenize
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cors_lint.check.findings import Finding, fingerprint
from cors_lint.core.globs import path_matches, route_matches
from cors_lint.engine.source.project import FileError, read_path

if TYPE_CHECKING:  # (the rules load only when findings are made: a cached result never imports them)
    from cors_lint.policy.catalogue import Catalogue
    from cors_lint.rules.base import Rule

_COMMENT = re.compile(r"#\s*cors-lint:\s*ignore\[(?P<ids>[^\]]*)\](?P<rest>.*)$", re.IGNORECASE)
# what looks meant as a suppression (`# cors-lint ignore CORS001`, `# cors-lint: ignore [CORS001]`,
# `# cors-lint: disable=CORS001`): reported when it is not written as _COMMENT reads it
_MEANT = re.compile(r"#\s*cors-lint\b\s*:?\s*(?:ignore|disable|noqa|skip)\b", re.IGNORECASE)
WRITTEN_AS = '`# cors-lint: ignore[RULE] reason="..."`'
_FIELD = re.compile(r'(?P<key>reason|expires|ticket)\s*=\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>\S+))')


@dataclass
class Suppression:
    kind: str  # inSource | external
    rules: tuple[str, ...]
    reason: str | None
    expires: str | None
    ticket: str | None
    file: str
    line: int
    path: str | None = None  # external: glob on files
    route: str | None = None  # external: glob on routes
    used: bool = False
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "justification": self.reason, "expires": self.expires, "ticket": self.ticket,
                "location": f"{self.file}:{self.line}"}

    def expired(self, today: dt.date) -> bool:
        try:
            return self.expires is not None and dt.date.fromisoformat(self.expires) < today
        except ValueError:
            return False


def inline_suppressions(root: Path, files: set[str]) -> list[Suppression]:
    """Suppression comments in the given files (read with the tokenizer: strings are not comments)."""
    found = []
    for rel in sorted(files):
        data = read_path(root / rel, rel)
        if isinstance(data, FileError) or b"cors-lint" not in data:
            continue
        try:
            tokens = list(tokenize.tokenize(BytesIO(data).readline))
        except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
            continue
        for token in tokens:
            if token.type == tokenize.COMMENT:
                match = _COMMENT.search(token.string)
                if match:
                    found.append(_parse(match, rel, token.start[0]))
                elif _MEANT.search(token.string):  # a suppression that would silently do nothing
                    found.append(_malformed(token.string, rel, token.start[0]))
    return found


def _malformed(comment: str, file: str, line: int) -> Suppression:
    suppression = Suppression("inSource", (), None, None, None, file, line)
    written = comment[comment.index("#"):].strip()[:80]
    suppression.problems.append(f"is written `{written}`, which cors-lint does not read; write {WRITTEN_AS}")
    return suppression


def _parse(match: re.Match[str], file: str, line: int) -> Suppression:
    ids = tuple(part.strip() for part in match.group("ids").split(",") if part.strip())
    fields = {m.group("key"): m.group("quoted") if m.group("quoted") is not None else m.group("bare")
              for m in _FIELD.finditer(match.group("rest"))}
    return Suppression("inSource", ids, fields.get("reason") or None, fields.get("expires"), fields.get("ticket"),
                       file, line)


def policy_suppressions(policy_data: dict[str, Any], source: str) -> list[Suppression]:
    entries = []
    for index, entry in enumerate(policy_data.get("suppressions", [])):
        rules = entry["rule"] if isinstance(entry["rule"], list) else [entry["rule"]]
        entries.append(Suppression("external", tuple(rules), entry.get("reason"), entry.get("expires"),
                                   entry.get("ticket"), source, index, entry.get("path"), entry.get("route")))
    return entries


def _matches(suppression: Suppression, finding: Finding, known: dict[str, str]) -> bool:
    wanted = set(suppression.rules) | {known[rule] for rule in suppression.rules if rule in known}
    if finding.rule_id not in wanted and finding.rule_name not in wanted:
        return False
    if suppression.kind == "inSource":  # on the finding's line or the one before; or at the CORS setup it is about
        places = [(finding.file, finding.line), *([finding.anchor] if finding.anchor else [])]
        return any(file == suppression.file and line in (suppression.line, suppression.line + 1)
                   for file, line in places)
    if suppression.path and not path_matches(finding.file, suppression.path):
        return False
    if suppression.route and not (finding.routes and all(route_matches(r, suppression.route) for r in finding.routes)):
        return False
    return True


def apply(findings: list[Finding], suppressions: list[Suppression], catalogue: Catalogue,
          today: dt.date | None = None) -> tuple[list[Finding], list[tuple[Finding, Suppression]], list[Finding]]:
    """Split findings into active and suppressed; return also the findings about the suppressions
    (the meta-rules', as the policy sets them: ``catalogue``, which also gives the names a
    suppression may use)."""
    today = today or dt.date.today()
    known_rules = catalogue.names()
    for suppression in suppressions:
        _validate(suppression, known_rules)
    active, suppressed = [], []
    for finding in findings:
        match = next((s for s in suppressions
                      if not s.problems and not s.expired(today) and _matches(s, finding, known_rules)), None)
        if match is None:
            expired = next((s for s in suppressions if s.expired(today) and _matches(s, finding, known_rules)), None)
            if expired is not None:
                expired.used = True
            active.append(finding)
        else:
            match.used = True
            suppressed.append((finding, match))
    return active, suppressed, _problems(suppressions, today, catalogue)


def _validate(suppression: Suppression, known: dict[str, str]) -> None:
    if suppression.problems:  # malformed: nothing more to say of it
        return
    if not suppression.reason:
        suppression.problems.append("has no reason (add reason=\"...\")")
    if not suppression.rules:
        suppression.problems.append("names no rule")
    for rule in suppression.rules:
        if rule not in known and rule not in known.values():
            suppression.problems.append(f"names an unknown rule {rule!r}")
    if suppression.expires is not None:
        try:
            dt.date.fromisoformat(suppression.expires)
        except ValueError:
            suppression.problems.append(f"has an invalid expiry {suppression.expires!r} (use YYYY-MM-DD)")


def _problems(suppressions: list[Suppression], today: dt.date, catalogue: Catalogue) -> list[Finding]:
    from cors_lint.rules.suppression_problems import EXPIRED, INVALID, UNUSED

    findings = []
    for s in suppressions:
        where = "suppression" if s.kind == "inSource" else f"policy suppression #{s.line + 1}"
        line = s.line if s.kind == "inSource" else 1
        if s.problems:
            found = _meta(INVALID, f"{where} {'; '.join(s.problems)}: it suppresses nothing", s, line, catalogue)
        elif s.expired(today):
            found = _meta(EXPIRED, f"{where} for {', '.join(s.rules)} expired on {s.expires}"
                          + (f" ({s.ticket})" if s.ticket else "") + ": its findings are reported again", s, line,
                          catalogue)
        elif not s.used:
            found = _meta(UNUSED, f"{where} for {', '.join(s.rules)} matches no finding: remove it", s, line, catalogue)
        else:
            found = None
        if found is not None:
            findings.append(found)
    return findings


def _meta(rule: Rule, message: str, s: Suppression, line: int, catalogue: Catalogue) -> Finding | None:
    """A meta-rule's finding about a suppression; None when the policy turns the rule off."""
    if not catalogue.setting(rule).enabled:
        return None
    # what the suppression says, not its line (a line added above keeps the fingerprint); a
    # policy suppression by its place in the policy
    key = (s.kind, s.rules, s.reason) + ((s.line,) if s.kind != "inSource" else ())
    return Finding(rule.id, rule.name, catalogue.severity(rule) or rule.severity, message, s.file, line, 0, "all", (),
                   None, fingerprint(rule.id, "all", s.file, key), (rule.id, s.file, line, 0, key))

