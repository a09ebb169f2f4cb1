"""The edit that removes a finding, per fixable rule, in the project's own terms.

Each codemod reads the finding's file with libcst (comments and formatting are kept: only the
edited span changes) and returns the file's new text, or None when it sees no edit it can make.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from cors_lint.check.findings import Finding

LEGACY = "flask.ext.cors"
# strings flask-cors reads as true although their author evidently meant false (and the others)
MEANT = {"false": False, "no": False, "off": False, "0": False, "true": True, "yes": True, "on": True, "1": True}


@dataclass(frozen=True)
class Fix:
    """A proposed edit for one finding: the file's text before and after it."""

    rule_id: str
    fingerprint: str
    file: str
    line: int  # the finding's
    description: str
    safe: bool
    before: str
    after: str

    def hunks(self) -> list[tuple[int, list[str], list[str]]]:
        """Each changed run of lines: (its first line number, the lines before, the lines after)."""
        old, new = self.before.splitlines(), self.after.splitlines()
        return [(first + 1, old[first:last], new[start:end])
                for kind, first, last, start, end in difflib.SequenceMatcher(None, old, new).get_opcodes()
                if kind != "equal"]

    def as_json(self) -> dict[str, Any]:
        return {"description": self.description, "applicability": "safe" if self.safe else "unsafe",
                "diff": "".join(difflib.unified_diff(self.before.splitlines(keepends=True),
                                                     self.after.splitlines(keepends=True),
                                                     f"a/{self.file}", f"b/{self.file}"))}


class _LegacyImport(cst.CSTTransformer):
    """``from flask.ext.cors import X`` / ``import flask.ext.cors as y`` -> ``flask_cors``."""

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        if updated.module is not None and _dotted(updated.module) == LEGACY:
            return updated.with_changes(module=cst.Name("flask_cors"))
        return updated

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        names = [alias.with_changes(name=cst.Name("flask_cors"))
                 if _dotted(alias.name) == LEGACY and alias.asname is not None else alias for alias in updated.names]
        return updated.with_changes(names=names)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


class _StringBoolean(cst.CSTTransformer):
    """The string literal that starts at (line, column) -> the boolean its text means."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, line: int, column: int):
        super().__init__()
        self.line, self.column, self.done = line, column, False

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.BaseExpression) -> cst.BaseExpression:
        start = self.get_metadata(PositionProvider, original).start
        text = original.evaluated_value if isinstance(original.evaluated_value, str) else None
        if self.done or (start.line, start.column) != (self.line, self.column) or text is None:
            return updated
        meant = MEANT.get(text.strip().lower())
        if meant is None:
            return updated
        self.done = True
        return cst.Name("True" if meant else "False")


class _Rename(cst.CSTTransformer):
    """In the statements that start on ``lines``: the keyword argument, the string (a config or
    resource key) and the assigned name (a config class's attribute) spelt ``old`` -> ``new``."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, lines: set[int], old: str, new: str):
        super().__init__()
        self.lines, self.old, self.new, self.depth, self.renamed = lines, old, new, 0, 0

    def _statement(self, node: cst.CSTNode) -> bool:
        return self.get_metadata(PositionProvider, node).start.line in self.lines

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.depth += self._statement(node)

    def leave_SimpleStatementLine(self, original, updated):
        self.depth -= self._statement(original)
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:  # a decorator's line: @cross_origin(origin=...)
        self.depth += any(self._statement(decorator) for decorator in node.decorators)

    def leave_FunctionDef(self, original, updated):
        self.depth -= any(self._statement(decorator) for decorator in original.decorators)
        return updated

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        if self.depth and updated.keyword is not None and updated.keyword.value == self.old:
            self.renamed += 1
            return updated.with_changes(keyword=cst.Name(self.new))
        return updated

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.BaseExpression) -> cst.BaseExpression:
        if self.depth and original.evaluated_value == self.old:
            literal = _literal(original, self.new)
            if literal is not None:
                self.renamed += 1
                return literal
        return updated

    def leave_AssignTarget(self, original: cst.AssignTarget, updated: cst.AssignTarget) -> cst.AssignTarget:
        if self.depth and isinstance(updated.target, cst.Name) and updated.target.value == self.old:
            self.renamed += 1
            return updated.with_changes(target=cst.Name(self.new))
        return updated


def _literal(original: cst.SimpleString, value: str) -> cst.SimpleString | None:
    """``value`` as a string literal quoted as ``original`` is (raw when it holds a backslash);
    None when that quoting cannot hold it."""
    prefix = original.prefix.replace("u", "").replace("U", "")
    if "\\" in value and "r" not in prefix.lower():
        prefix += "r"
    if original.quote in value or value.endswith("\\") or "\n" in value:
        return None
    return cst.SimpleString(f"{prefix}{original.quote}{value}{original.quote}")


# CORS012's message: "`headers` is not a flask-cors option ...; did you mean `allow_headers`?"
_MISSPELT = re.compile(r"^`(?P<old>[^`]+)`.*? is not a flask-cors (?:option|config key).*?did you mean "
                       r"`(?P<new>[^`]+)`\?")


# CORS015's message: "`/api/*` means `/api` followed by any number of `/`, ...; write `/api/.*`"
_PREFIX = re.compile(r"^`(?P<old>[^`]+)` means `[^`]+` followed by any number of `/`.*?write `(?P<new>[^`]+)`")


def _lines(finding: Finding) -> set[int]:
    """The lines of the finding's file it names: its own, and its related places there."""
    return {finding.line} | {line for file, line, _ in finding.related if file == finding.file}


def _rename_in(source: str, finding: Finding, old: str, new: str | None) -> str | None:
    """``source`` with ``old`` renamed ``new`` in the statements on the finding's lines (see
    ``_Rename``); None when there is no ``new`` or nothing to rename."""
    if new is None:
        return None
    renamer = _Rename(_lines(finding), old, new)
    changed = MetadataWrapper(cst.parse_module(source)).visit(renamer)
    return changed.code if renamer.renamed else None


def _renamed(pattern: re.Pattern[str]) -> Callable[[str, Finding], str | None]:
    """A codemod renaming what the finding's message names (``old``) to what it suggests
    (``new``); None when the message suggests nothing (which name was meant is then the
    author's to say)."""
    def codemod(source: str, finding: Finding) -> str | None:
        match = pattern.match(finding.message)
        return _rename_in(source, finding, match["old"], match["new"]) if match else None
    return codemod


class _Split(cst.CSTTransformer):
    """In the statements that start on ``lines``: the string literal ``"a,b"`` -> ``["a", "b"]``
    (each part stripped, quoted as the original was)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, lines: set[int], value: str):
        super().__init__()
        self.lines, self.value, self.split = lines, value, 0

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.BaseExpression) -> cst.BaseExpression:
        if original.evaluated_value != self.value or \
                self.get_metadata(PositionProvider, original).start.line not in self.lines:
            return updated
        quote = original.quote
        parts = [part.strip() for part in self.value.split(",") if part.strip()]
        if any(quote in part or "\\" in part for part in parts):
            return updated
        self.split += 1
        return cst.List([cst.Element(cst.SimpleString(f"{quote}{part}{quote}")) for part in parts])


# CORS006's message: "origins value `https://a.example.com/` ends with `/`: ..."; a value read
# from the environment is left alone (the variable's text, not the code, holds it)
_MALFORMED = re.compile(r"^(?:origins|allow_headers) value `(?P<value>[^`]*)` (?P<problem>contains a comma|"
                        r"has surrounding whitespace|ends with `/`)")


def _malformed(source: str, finding: Finding) -> str | None:
    match = _MALFORMED.match(finding.message)
    if match is None:
        return None
    value = match["value"]
    if match["problem"] == "contains a comma":
        splitter = _Split(_lines(finding), value)
        changed = MetadataWrapper(cst.parse_module(source)).visit(splitter)
        return changed.code if splitter.split else None
    return _rename_in(source, finding, value,
                      value.strip().rstrip("/") if match["problem"] == "ends with `/`" else value.strip())


_GLOB = re.compile(r"(?:(?P<scheme>[a-z][a-z0-9+.-]*)://)?(?P<host>[^/:*]*\*?[^/:]*)(?::(?P<port>\*|\d+))?")


def glob_regex(glob: str) -> str | None:
    r"""The anchored regex a glob origin was meant as: ``https://*.example.com`` ->
    ``^https://([a-z0-9-]+\.)+example\.com$`` (one or more subdomain labels), ``http://localhost:*``
    -> ``^http://localhost(:\d+)?$`` (any port); without a scheme, http or https. None for a
    ``*`` elsewhere (what it should match is not evident)."""
    match = _GLOB.fullmatch(glob)
    if match is None:
        return None
    host = match["host"]
    if host.startswith("*.") and "*" not in host[2:] and host[2:]:
        host_pattern = r"([a-z0-9-]+\.)+" + re.escape(host[2:])
    elif "*" not in host and host:
        host_pattern = re.escape(host)
    else:
        return None
    scheme = re.escape(match["scheme"]) if match["scheme"] else "https?"
    port = r"(:\d+)?" if match["port"] == "*" else (f":{match['port']}" if match["port"] else "")
    return f"^{scheme}://{host_pattern}{port}$"


def anchored_regex(pattern: str) -> str | None:
    r"""The regex origin its author evidently meant, anchored: ``^`` and ``$`` added, a trailing
    path part that origins never have (``/?.*``, ``/.*``, ``.*``, ``/?``) dropped, ``.*\.`` before
    the domain read as "any subdomain" (``([a-z0-9-]+\.)+``), ``\w*\.?`` as "any subdomain or
    none" and ``:?\d*`` as "any port or none". None when nothing changes."""
    body = pattern.removeprefix("^").removesuffix("$")
    if re.search(r":\*|//\*|^\*", body):  # a glob: CORS005's fix says what it means
        return None
    for tail in ("/?.*", "/.*", ".*", "/?", "/"):
        if body.endswith(tail) and not body.endswith("\\" + tail):
            body = body[:-len(tail)]
            break
    for any_host in (".*\\.", ".+\\."):
        body = body.replace(any_host, r"([a-z0-9-]+\.)+")
    for optional_sub in ("\\w*\\.?", "\\w+\\.?", "[a-z0-9-]*\\.?"):  # "any subdomain, or none"
        body = body.replace(optional_sub, r"([a-z0-9-]+\.)*")
    for any_port in (":?\\d*", ":?\\d+", "(:\\d*)?"):
        body = body.replace(any_port, r"(:\d+)?")
    meant = f"^{body}$"
    return meant if meant != pattern else None


def _permissive_regex(source: str, finding: Finding) -> str | None:
    match = re.search(r"the regex origin `(?P<old>[^`]+)` is matched with re.match", finding.message)
    return _rename_in(source, finding, match["old"], anchored_regex(match["old"])) if match else None


def _glob_origin(source: str, finding: Finding) -> str | None:
    match = re.match(r"^`(?P<old>[^`]+)` looks like a glob", finding.message)
    return _rename_in(source, finding, match["old"], glob_regex(match["old"])) if match else None


def _legacy_import(source: str, finding: Finding) -> str | None:
    return cst.parse_module(source).visit(_LegacyImport()).code


def _string_boolean(source: str, finding: Finding) -> str | None:
    """The finding points at the CORS setup; the string is the one its message quotes, found at
    the place the finding's related locations name (or on the finding's own line)."""
    wrapper = MetadataWrapper(cst.parse_module(source))
    for line, column in _string_places(wrapper, finding):
        changer = _StringBoolean(line, column)
        changed = wrapper.visit(changer)
        if changer.done:
            return changed.code
    return None


def _string_places(wrapper: MetadataWrapper, finding: Finding) -> list[tuple[int, int]]:
    """The string literals on the lines the finding names in its file, whose text it quotes."""
    lines = _lines(finding)
    positions = wrapper.resolve(PositionProvider)
    return sorted((position.start.line, position.start.column) for node, position in positions.items()
                  if isinstance(node, cst.SimpleString) and position.start.line in lines
                  and isinstance(node.evaluated_value, str) and repr(node.evaluated_value) in finding.message)


# rule id -> (what the fix does, whether it is safe, the codemod)
CODEMODS: dict[str, tuple[str, bool, Callable[[str, Finding], str | None]]] = {
    "CORS012": ("spell the option as flask-cors knows it", False, _renamed(_MISSPELT)),
    "CORS002": ("anchor the regex to the domain it names", False, _permissive_regex),
    "CORS005": ("write the anchored regex the glob means", False, _glob_origin),
    "CORS006": ("write the value flask-cors can match", False, _malformed),
    "CORS015": ("match the paths under the prefix only", False, _renamed(_PREFIX)),
    "CORS018": ("write the boolean the string says", False, _string_boolean),
    "CORS022": (f"import from flask_cors instead of {LEGACY}", True, _legacy_import),
}


def candidate(finding: Finding, root: Path) -> Fix | None:
    """The edit a codemod proposes for ``finding`` (not yet proven), or None."""
    if finding.rule_id not in CODEMODS:
        return None
    description, safe, codemod = CODEMODS[finding.rule_id]
    try:
        source = (root / finding.file).read_bytes().decode("utf-8")  # line endings as they are
        after = codemod(source, finding)
    except (OSError, UnicodeDecodeError, cst.ParserSyntaxError):
        return None
    if after is None or after == source:
        return None
    return Fix(finding.rule_id, finding.fingerprint, finding.file, finding.line, description, safe, source, after)
