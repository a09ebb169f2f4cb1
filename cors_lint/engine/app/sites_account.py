"""The sites account: every place in the project's analysed files that looks like CORS (a byte
search, independent of the interpreter) against the sites the engine modelled, and for each
place that is not a site, why not.

A reviewer's first question about a linter that says nothing is "did it even see it?". The
account answers it place by place: `CORS(`, `cross_origin`, `CORS_*` keys, `Access-Control-*`
strings and Flask-SocketIO's `cors_allowed_origins`, each either a modelled site or explained
(a comment, a docstring, a request header, a read of a key, a setting an app loads, code that
never runs, a template...). What cannot be explained is listed as unaccounted.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from cors_lint.core.plurals import plural
from cors_lint.core.semantics import CONFIG_KEYS
from cors_lint.engine.source.spans import first_line, last_line, python_ast

LOOKS_LIKE_CORS = re.compile(
    rb"\bCORS\(|\bcross_origin\b|(?<![A-Za-z0-9_])CORS_[A-Z][A-Z_]*|[Aa]ccess-[Cc]ontrol-[A-Za-z-]+"
    rb"|ACCESS-CONTROL-[A-Z-]+|cors_allowed_origins")
MAX_PLACES = 2_000  # per run: a generated file full of headers does not make the account huge

# why a place is not a site (the account's reasons, in the order they are tried)
REASONS = {
    "comment": "a comment",
    "import": "an import",
    "docstring": "a string statement (a docstring, or code kept in a string)",
    "other-name": "a CORS_* name that is not a flask-cors config key (a project variable, a dict key)",
    "other-framework": "a header written through another framework's API (Tornado's set_header)",
    "header-read": "a header read, not written (`headers.get(...)`)",
    "not-flask-cors": "a `CORS` of the project's own (the module does not import flask_cors)",
    "template": "a template, skipped",
    "not-analysable": "a file that cannot be analysed (see errors)",
    "socketio": "a Flask-SocketIO option no served app takes (a message-queue emitter, a SocketIO() never given "
                "an app)",
    "request-header": "a request header (read from a request, or sent by a client)",
    "config-read": "a read of the key (see config_reads)",
    "config-setting": "a setting loaded into app.config (its config site names it)",
    "setting": "a CORS_* setting of a settings module or config class (what an app loads of it is a config site)",
    "not-imported": "a module no entry point imports",
    "never-called": "in a function nothing calls",
    "never-runs": "in code that never runs (its enclosing function or class is never run)",
    "test": "test code",
    "unaccounted": "not modelled, and no reason is known",
}


@dataclass
class Place:
    file: str
    line: int
    text: str  # what matched
    reason: str = "site"  # "site", or a key of REASONS
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file, "line": self.line, "text": self.text, "reason": self.reason}
        if self.detail:
            data["detail"] = self.detail
        return data


@dataclass
class SitesAccount:
    places: list[Place] = field(default_factory=list)
    truncated: bool = False

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for place in self.places:
            counts[place.reason] = counts.get(place.reason, 0) + 1
        return dict(sorted(counts.items()))

    def as_json(self) -> dict[str, Any]:
        return {"places": len(self.places), "counts": self.counts(), "truncated": self.truncated,
                "not_sites": [p.as_json() for p in self.places if p.reason != "site"]}

    def text(self) -> list[str]:
        counts = self.counts()
        if not self.places:
            return []
        parts = [f"{counts.get('site', 0)} modelled"] + [f"{n} {REASONS[k]}" for k, n in counts.items() if k != "site"]
        look = "looks" if len(self.places) == 1 else "look"
        lines = [f"sites account: {plural(len(self.places), 'place')} {look} like CORS: " + "; ".join(parts)]
        for place in self.places:
            if place.reason == "unaccounted":
                lines.append(f"  unaccounted: {place.file}:{place.line}: {place.text}")
        return lines


@dataclass
class ModuleFacts:
    """What the account needs of one module."""

    rel: str
    data: bytes
    analysed: bool  # parsed and run by the interpreter
    function_runs: dict[int, bool]  # a def's first line (decorators included) -> may it run; absent: never defined
    tree: ast.Module | None = None  # CPython's tree of the bytes, when the parser has it already


def looks_like_cors(data: bytes) -> bool:
    """Does a file hold any place the account lists? (The cheap test before its facts are gathered.)"""
    return LOOKS_LIKE_CORS.search(data) is not None


def account(modules: Iterable[ModuleFacts], sites: list[Any], config_reads: Iterable[Any],
            skipped: set[str], errors: set[str], test_file) -> SitesAccount:
    """``sites``: the inventory's sites (file, line, kind, options); ``test_file(rel)``: is it test code."""
    site_lines: dict[str, set[int]] = {}
    loaded_keys: set[str] = set()
    for site in sites:
        site_lines.setdefault(site.location.file, set()).add(site.location.line)
        if site.kind == "socketio":  # `SocketIO(cors_allowed_origins=...)` that a later init_app serves
            for where in site.defined_at.values():
                site_lines.setdefault(where.file, set()).add(where.line)
        if site.kind == "config":
            loaded_keys.update(k for k in site.options if isinstance(k, str))
    read_lines = {(read.location.file, read.location.line) for read in config_reads}
    result = SitesAccount()
    for module in sorted(modules, key=lambda m: m.rel):
        hits = list(_hits(module.data))
        if not hits:
            continue
        tree = None if module.rel in skipped else module.tree or python_ast(module.data)
        shape = _Shape(tree) if tree is not None else None
        lines = module.data.splitlines()
        for line, text in hits:
            if len(result.places) >= MAX_PLACES:
                result.truncated = True
                return result
            place = Place(module.rel, line, text)
            place.reason, place.detail = _reason(module, line, text, lines, shape, site_lines.get(module.rel, set()),
                                                 read_lines, loaded_keys, skipped, errors, test_file)
            result.places.append(place)
    return result


def _hits(data: bytes) -> Iterable[tuple[int, str]]:
    if not LOOKS_LIKE_CORS.search(data):
        return
    for number, line in enumerate(data.splitlines(), start=1):
        seen: set[str] = set()
        for match in LOOKS_LIKE_CORS.finditer(line):
            text = match.group().decode("ascii", "replace")
            if text not in seen:
                seen.add(text)
                yield number, text


class _Shape:
    """Line facts from CPython's tree: the simple statement around each line, docstrings,
    functions and module/class-level assignments."""

    def __init__(self, tree: ast.Module):
        self.statements: list[tuple[int, int]] = []
        self.docstrings: list[tuple[int, int]] = []
        self.functions: list[tuple[int, int, int]] = []  # (first line incl. decorators, last line, def line)
        self.classes: list[tuple[int, int]] = []
        self.assignments: dict[int, tuple[int, set[str]]] = {}  # module/class-level: first line -> (last, names)
        self.imports: list[tuple[int, int]] = []
        self._walk(tree.body, top=True)

    def _walk(self, body: list[ast.stmt], top: bool) -> None:
        for index, node in enumerate(body):
            end = last_line(node)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                self.docstrings.append((node.lineno, end))  # a docstring, or code kept in a string
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.append((first_line(node), end, node.lineno))
                self._walk(node.body, top=False)
                continue
            if isinstance(node, ast.ClassDef):
                self.classes.append((first_line(node), end))
                self._walk(node.body, top=True)
                continue
            blocks = [getattr(node, name) for name in ("body", "orelse", "finalbody") if isinstance(getattr(node, name, None), list)]
            blocks += [handler.body for handler in getattr(node, "handlers", [])]
            blocks += [case.body for case in getattr(node, "cases", [])]
            if blocks:
                for block in blocks:
                    self._walk(block, top)
                continue
            self.statements.append((node.lineno, end))
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.imports.append((node.lineno, end))
            if top and isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = {t.id for t in targets if isinstance(t, ast.Name)}
                self.assignments[node.lineno] = (end, names)

    def statement(self, line: int) -> tuple[int, int]:
        found = [(s, e) for s, e in self.statements if s <= line <= e]
        return min(found, key=lambda span: span[1] - span[0]) if found else (line, line)

    def in_docstring(self, line: int) -> bool:
        return any(s <= line <= e for s, e in self.docstrings)

    def function_at(self, line: int) -> tuple[int, int, int] | None:
        found = [f for f in self.functions if f[0] <= line <= f[1]]
        return min(found, key=lambda f: f[1] - f[0]) if found else None

    def setting_at(self, line: int) -> set[str]:
        for start, (end, names) in self.assignments.items():
            if start <= line <= end:
                return names
        return set()


def _reason(module: ModuleFacts, line: int, text: str, lines: list[bytes], shape: _Shape | None,
            sites: set[int], reads: set[tuple[str, int]], loaded_keys: set[str], skipped: set[str],
            errors: set[str], test_file) -> tuple[str, str]:
    rel = module.rel
    start, end = shape.statement(line) if shape is not None else (line, line)
    if line in sites or any(start <= site <= end for site in sites):
        return "site", ""
    raw = lines[line - 1] if line - 1 < len(lines) else b""
    before = raw.split(text.encode(), 1)[0]
    if rel in skipped:
        return "template", ""
    if rel in errors:
        return "not-analysable", ""
    if b"#" in before and before.count(b'"') % 2 == 0 and before.count(b"'") % 2 == 0:
        return "comment", ""
    if shape is not None and shape.in_docstring(line):
        return "docstring", ""
    if shape is not None and any(s <= line <= e for s, e in shape.imports):
        return "import", ""
    if text == "cors_allowed_origins":
        return "socketio", ""
    if text.lower().startswith("access-control-request-"):
        return "request-header", ""
    if b".set_header(" in raw:  # tornado.web.RequestHandler.set_header: not a Flask response
        return "other-framework", ""
    if before.rstrip().endswith((b".get(", b".getlist(")) or before.rstrip().endswith((b".get('", b'.get("')):
        return "header-read", ""
    if text == "CORS(" and b"flask_cors" not in module.data and b"flask.ext.cors" not in module.data:
        return "not-flask-cors", ""
    if (rel, line) in reads or any((rel, n) in reads for n in range(start, end + 1)):
        return "config-read", ""
    if text.startswith("CORS_") and before.rstrip()[-1:] in (b'"', b"'") and raw.split(text.encode(), 1)[1][:1] in b"\"'" \
            and (b" in " in raw or b".get(" in raw):
        return "config-read", "a test or lookup of the key"
    if text.startswith("CORS_") and text not in CONFIG_KEYS:
        return "other-name", ""
    setting = {name for name in shape.setting_at(line) if name.startswith("CORS_")} if shape is not None else set()
    if setting:  # `CORS_ALLOW_HEADERS = ["Access-Control-Allow-Origin", ...]`: each hit in it is the setting's
        return ("config-setting", "") if setting & loaded_keys else ("setting", "")
    if not module.analysed:
        return "not-imported", ""
    function = shape.function_at(line) if shape is not None else None
    if function is not None:
        ran = module.function_runs.get(function[0])
        if ran is None:
            return "never-runs", ""
        if ran is False:
            return "never-called", ""
    if text in loaded_keys and re.search(rb"\[\s*['\"]" + text.encode() + rb"['\"]\s*\]\s*=(?!=)", raw):
        # `config["CORS_ORIGINS"] = ...` on a config object that is merged into app.config later
        return "config-setting", "written to a config object; the app's config site names the key"
    if test_file(rel):
        return "test", ""
    return "unaccounted", ""
