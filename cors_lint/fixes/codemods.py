"""The edit that removes a finding, per fixable rule, in the project's own terms.

Each codemod reads a file with libcst (comments and formatting are kept: only the edited span
changes) and returns the file's new text, or None when it sees no edit it can make. Most edit the
finding's own file; those about a value also edit where the finding's related places say the
value is written, in another module (a settings module's `CORS_SUPPORTS_CREDENTIALS = "False"`
behind `from_object`).
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
# a codemod: (the file's text, the finding, the lines the finding names in that file) -> the new text
Codemod = Callable[[str, Finding, set[int]], str | None]
# strings flask-cors reads as true although their author evidently meant false (and the others)
MEANT = {"false": False, "no": False, "off": False, "0": False, "true": True, "yes": True, "on": True, "1": True}


@dataclass(frozen=True)
class Fix:
    """A proposed edit for one finding: the edited file's text before and after it."""

    rule_id: str
    fingerprint: str
    file: str  # the edited file: the finding's, or one its related places name
    finding_at: tuple[str, int]  # the finding's file and line
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


class _InStatements(cst.CSTTransformer):
    """A transformer that edits only within the statements that start on ``lines`` (and the
    functions whose decorators do): ``depth`` is non-zero there."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, lines: set[int]):
        super().__init__()
        self.lines, self.depth, self.done = lines, 0, False

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


class _Rename(_InStatements):
    """In the statements that start on ``lines``: the keyword argument, the string (a config or
    resource key) and the assigned name (a config class's attribute) spelt ``old`` -> ``new``."""

    def __init__(self, lines: set[int], old: str, new: str):
        super().__init__(lines)
        self.old, self.new = old, new

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        if self.depth and updated.keyword is not None and updated.keyword.value == self.old:
            self.done = True
            return updated.with_changes(keyword=cst.Name(self.new))
        return updated

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.BaseExpression) -> cst.BaseExpression:
        if self.depth and original.evaluated_value == self.old:
            literal = _literal(original, self.new)
            if literal is not None:
                self.done = True
                return literal
        return updated

    def leave_AssignTarget(self, original: cst.AssignTarget, updated: cst.AssignTarget) -> cst.AssignTarget:
        if self.depth and isinstance(updated.target, cst.Name) and updated.target.value == self.old:
            self.done = True
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


def _places(finding: Finding, follows_values: bool) -> list[tuple[str, set[int]]]:
    """The files a codemod may edit for ``finding``, each with the lines the finding names there:
    its own file first (its line, and its related places there), then, when the codemod
    ``follows_values``, each other file its related places name, in their order. Where routes
    are registered is never one (those places say which routes, not what they get), nor a file
    outside the project (a proof copies the project only)."""
    places: dict[str, set[int]] = {finding.file: {finding.line}}
    for file, line, what in finding.related:
        outside = Path(file).is_absolute() or ".." in Path(file).parts
        if what.startswith("route ") or outside or (file != finding.file and not follows_values):
            continue
        places.setdefault(file, set()).add(line)
    return list(places.items())


def _edited(source: str, transformer: cst.CSTTransformer) -> str | None:
    """``source`` as ``transformer`` (with positions) leaves it, or None when it edited nothing
    (each transformer here sets ``done`` when it edits)."""
    changed = MetadataWrapper(cst.parse_module(source)).visit(transformer)
    return changed.code if transformer.done else None


def _rename_in(source: str, lines: set[int], old: str, new: str | None) -> str | None:
    """``source`` with ``old`` renamed ``new`` in the statements that start on ``lines`` (see
    ``_Rename``); None when there is no ``new`` or nothing to rename."""
    if new is None:
        return None
    return _edited(source, _Rename(lines, old, new))


def _renamed(pattern: re.Pattern[str]) -> Codemod:
    """A codemod renaming what the finding's message names (``old``) to what it suggests
    (``new``); None when the message suggests nothing (which name was meant is then the
    author's to say)."""
    def codemod(source: str, finding: Finding, lines: set[int]) -> str | None:
        match = pattern.match(finding.message)
        return _rename_in(source, lines, match["old"], match["new"]) if match else None
    return codemod


class _Split(cst.CSTTransformer):
    """In the statements that start on ``lines``: the string literal ``"a,b"`` -> ``["a", "b"]``
    (each part stripped, quoted as the original was)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, lines: set[int], value: str):
        super().__init__()
        self.lines, self.value, self.done = lines, value, False

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.BaseExpression) -> cst.BaseExpression:
        if original.evaluated_value != self.value or \
                self.get_metadata(PositionProvider, original).start.line not in self.lines:
            return updated
        quote = original.quote
        parts = [part.strip() for part in self.value.split(",") if part.strip()]
        if any(quote in part or "\\" in part for part in parts):
            return updated
        self.done = True
        return cst.List([cst.Element(cst.SimpleString(f"{quote}{part}{quote}")) for part in parts])


def _environment_read(node: cst.BaseExpression, variable: str) -> bool:
    """Is ``node`` ``os.environ["VARIABLE"]``, or ``os.environ.get`` / ``os.getenv`` of it with a
    string default (spelt as imported: ``environ[...]``, ``getenv(...)``)? Without a default,
    the unset variable gives None, which has no ``split``."""
    def named(argument: cst.BaseExpression) -> bool:
        return isinstance(argument, cst.SimpleString) and argument.evaluated_value == variable

    if isinstance(node, cst.Subscript):
        index = node.slice[0].slice if len(node.slice) == 1 else None
        return _dotted(node.value).rpartition(".")[2] == "environ" and isinstance(index, cst.Index) and \
            named(index.value)
    if not isinstance(node, cst.Call) or _dotted(node.func).rpartition(".")[2] not in ("get", "getenv"):
        return False
    if _dotted(node.func).endswith("get") and not _dotted(node.func).endswith("environ.get"):
        return False
    return len(node.args) == 2 and named(node.args[0].value) and \
        isinstance(node.args[1].value, (cst.SimpleString, cst.ConcatenatedString))


# what a value read from the environment becomes: (the read, the quote its variable's name is
# written with) -> the expression that gives flask-cors what the variable's text means
Conversion = Callable[[cst.BaseExpression, str], cst.BaseExpression]


class _ConvertRead(_InStatements):
    """In the statements that start on ``lines``: the read of environment variable ``variable``
    that is a whole value (a keyword argument's, an assignment's, a dict entry's) -> what
    ``convert`` makes of it."""

    def __init__(self, lines: set[int], variable: str, convert: Conversion):
        super().__init__(lines)
        self.variable, self.convert = variable, convert

    def _converted(self, value: cst.BaseExpression) -> cst.BaseExpression:
        if not self.depth or not _environment_read(value, self.variable):
            return value
        self.done = True
        name = value.slice[0].slice.value if isinstance(value, cst.Subscript) else value.args[0].value
        return self.convert(value, name.quote)

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        return updated.with_changes(value=self._converted(updated.value)) if updated.keyword is not None else updated

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        return updated.with_changes(value=self._converted(updated.value))

    def leave_AnnAssign(self, original: cst.AnnAssign, updated: cst.AnnAssign) -> cst.AnnAssign:
        return updated.with_changes(value=self._converted(updated.value)) if updated.value is not None else updated

    def leave_DictElement(self, original: cst.DictElement, updated: cst.DictElement) -> cst.DictElement:
        return updated.with_changes(value=self._converted(updated.value))


def _split(item: str, strip: bool) -> Conversion:
    """``read.split(",")``, or ``[item.strip() for item in read.split(",")]`` when ``strip``."""
    def convert(read: cst.BaseExpression, quote: str) -> cst.BaseExpression:
        split = cst.Call(cst.Attribute(read, cst.Name("split")), [cst.Arg(cst.SimpleString(f"{quote},{quote}"))])
        if not strip:
            return split
        return cst.ListComp(cst.Call(cst.Attribute(cst.Name(item), cst.Name("strip"))),
                            cst.CompFor(target=cst.Name(item), iter=split))
    return convert


def _parsed_boolean(read: cst.BaseExpression, quote: str) -> cst.BaseExpression:
    """``read.lower() in ("true", "yes", "on", "1")``: the strings that mean true (``MEANT``)."""
    meaning_true = [text for text, meant in MEANT.items() if meant]
    return cst.Comparison(
        cst.Call(cst.Attribute(read, cst.Name("lower"))),
        [cst.ComparisonTarget(cst.In(), cst.Tuple([cst.Element(cst.SimpleString(f"{quote}{text}{quote}"))
                                                   for text in meaning_true]))])


# CORS006's message: "origins value `https://a.example.com/` ends with `/`: ...", with
# "(read from $VARIABLE)" after the value when the environment holds it
_MALFORMED = re.compile(r"^(?P<option>origins|allow_headers) value `(?P<value>[^`]*)`"
                        r"(?: \(read from \$(?P<variable>\w+)\))? (?P<problem>contains a comma|"
                        r"has surrounding whitespace|ends with `/`)")


def _malformed(source: str, finding: Finding, lines: set[int]) -> str | None:
    """The literal written as flask-cors can match it; a comma-joined value read from the
    environment split where it is read (its parts stripped when they have spaces around them).
    Other flaws of a value read from the environment are in the variable's text: left alone."""
    match = _MALFORMED.match(finding.message)
    if match is None:
        return None
    value = match["value"]
    if match["variable"]:
        if match["problem"] != "contains a comma":
            return None
        strip = any(part != part.strip() for part in value.split(","))
        item = "origin" if match["option"] == "origins" else "header"
        return _edited(source, _ConvertRead(lines, match["variable"], _split(item, strip)))
    if match["problem"] == "contains a comma":
        return _edited(source, _Split(lines, value))
    return _rename_in(source, lines, value,
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


def _permissive_regex(source: str, finding: Finding, lines: set[int]) -> str | None:
    match = re.search(r"the regex origin `(?P<old>[^`]+)` is matched with re.match", finding.message)
    return _rename_in(source, lines, match["old"], anchored_regex(match["old"])) if match else None


def _glob_origin(source: str, finding: Finding, lines: set[int]) -> str | None:
    match = re.match(r"^`(?P<old>[^`]+)` looks like a glob", finding.message)
    return _rename_in(source, lines, match["old"], glob_regex(match["old"])) if match else None


def _legacy_import(source: str, finding: Finding, lines: set[int]) -> str | None:
    return cst.parse_module(source).visit(_LegacyImport()).code


def _string_boolean(source: str, finding: Finding, lines: set[int]) -> str | None:
    """The finding points at the CORS setup; the string is the one its message quotes, found at
    the place the finding's related locations name (or on the finding's own line). A string
    read from the environment is parsed where it is read: the default alone would leave a
    deployment's `CREDS=false` true."""
    variable = re.search(r"\(from \$(?P<name>\w+)\)", finding.message)
    if variable is not None:
        return _edited(source, _ConvertRead(lines, variable["name"], _parsed_boolean))
    wrapper = MetadataWrapper(cst.parse_module(source))
    for line, column in _string_places(wrapper, finding, lines):
        changer = _StringBoolean(line, column)
        changed = wrapper.visit(changer)
        if changer.done:
            return changed.code
    return None


def _string_places(wrapper: MetadataWrapper, finding: Finding, lines: set[int]) -> list[tuple[int, int]]:
    """The string literals on ``lines`` whose text the finding quotes."""
    positions = wrapper.resolve(PositionProvider)
    return sorted((position.start.line, position.start.column) for node, position in positions.items()
                  if isinstance(node, cst.SimpleString) and position.start.line in lines
                  and isinstance(node.evaluated_value, str) and repr(node.evaluated_value) in finding.message)


ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}  # app.route and Flask 2's shortcuts


def _is_cross_origin(expression: cst.BaseExpression) -> bool:
    target = expression.func if isinstance(expression, cst.Call) else expression
    return _dotted(target).rpartition(".")[2] == "cross_origin"


def _is_route(decorator: cst.Decorator) -> bool:
    call = decorator.decorator
    return isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and \
        call.func.attr.value in ROUTE_DECORATORS


class _CrossOriginDecorator(cst.CSTTransformer):
    """The ``@cross_origin`` decorator on ``line`` (CORS010's site), as flask-cors needs it:
    moved just below the view's lowest route decorator (``below``), called (``call``), or its one
    positional argument passed as ``origins=`` (``keyword``). Comments above it stay in place."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, line: int, change: str):
        super().__init__()
        self.line, self.change, self.done = line, change, False

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        index = next((i for i, decorator in enumerate(original.decorators)
                      if self.get_metadata(PositionProvider, decorator).start.line == self.line
                      and _is_cross_origin(decorator.decorator)), None)
        if self.done or index is None:
            return updated
        decorators = list(updated.decorators)
        ours = decorators[index]
        if self.change == "below":
            routes = [i for i, decorator in enumerate(decorators) if i > index and _is_route(decorator)]
            if not routes:
                return updated
            following = decorators[index + 1]
            decorators[index + 1] = following.with_changes(
                leading_lines=[*ours.leading_lines, *following.leading_lines])
            decorators.insert(routes[-1] + 1, ours.with_changes(leading_lines=[]))
            del decorators[index]
        elif self.change == "call" and not isinstance(ours.decorator, cst.Call):
            decorators[index] = ours.with_changes(decorator=cst.Call(func=ours.decorator))
        elif self.change == "keyword" and isinstance(ours.decorator, cst.Call):
            args = ours.decorator.args
            positional = [i for i, arg in enumerate(args) if arg.keyword is None and not arg.star]
            if len(positional) != 1 or any(arg.keyword is not None and arg.keyword.value == "origins" for arg in args):
                return updated
            named = args[positional[0]].with_changes(
                keyword=cst.Name("origins"), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
            decorators[index] = ours.with_changes(decorator=ours.decorator.with_changes(
                args=[named if i == positional[0] else arg for i, arg in enumerate(args)]))
        else:
            return updated
        self.done = True
        return updated.with_changes(decorators=decorators)


# CORS010's messages, by what the fix changes
_DECORATOR_CHANGES = {"is above the route decorator": "below", "without parentheses replaces the view": "call",
                      "ignores positional arguments": "keyword"}


def _decorator_misuse(source: str, finding: Finding, lines: set[int]) -> str | None:
    change = next((change for fragment, change in _DECORATOR_CHANGES.items() if fragment in finding.message), None)
    if change is None:
        return None
    return _edited(source, _CrossOriginDecorator(finding.line, change))


class _Names(cst.CSTVisitor):
    """The names a statement mentions (``used``), and those it may bind (``bound``): assignment
    and loop targets, definitions, imports."""

    def __init__(self) -> None:
        super().__init__()
        self.used: set[str] = set()
        self.bound: set[str] = set()

    @classmethod
    def of(cls, statement: cst.CSTNode) -> _Names:
        names = cls()
        statement.visit(names)
        return names

    def _bind(self, target: cst.CSTNode) -> None:
        self.bound |= _Names.of(target).used

    def visit_Name(self, node: cst.Name) -> None:
        self.used.add(node.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._bind(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bound.add(node.name.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.bound.add(node.name.value)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        self.bound.add(_dotted(node.asname.name if node.asname is not None else node.name).partition(".")[0])


class _ConfigBeforeInit(cst.CSTTransformer):
    """The statement on ``line`` (CORS011's config write) moved just above the statement on
    ``init`` (the ``CORS(app)`` that read the config before it), when both are in one block and
    nothing in between binds a name the config statement uses. Comments above each statement stay
    with it; blank lines above ``CORS(app)`` go above the moved statement."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, line: int, init: int):
        super().__init__()
        self.line, self.init, self.done = line, init, False

    def _reordered(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:
        starts = [self.get_metadata(PositionProvider, statement).start.line for statement in original.body]
        if self.done or self.line not in starts or self.init not in starts:
            return updated
        config, init = starts.index(self.line), starts.index(self.init)
        used = _Names.of(original.body[config]).used
        if config < init or any(used & _Names.of(statement).bound for statement in original.body[init:config]):
            return updated
        body = list(updated.body)
        moved, anchor = body[config], body[init]
        blank = 0
        while blank < len(anchor.leading_lines) and anchor.leading_lines[blank].comment is None:
            blank += 1
        body[init] = anchor.with_changes(leading_lines=anchor.leading_lines[blank:])
        del body[config]
        body.insert(init, moved.with_changes(leading_lines=[*anchor.leading_lines[:blank], *moved.leading_lines]))
        self.done = True
        return updated.with_changes(body=body)

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return self._reordered(original, updated)

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        return self._reordered(original, updated)


# CORS011's message: "CORS_ORIGINS set after CORS(app) at app.py:4 read app.config: ..."
_AFTER_INIT = re.compile(r" set after CORS\(app\) at (?P<file>.+):(?P<line>\d+) read app\.config")


def _config_after_init(source: str, finding: Finding, lines: set[int]) -> str | None:
    match = _AFTER_INIT.search(finding.message)
    if match is None or match["file"] != finding.file:
        return None
    return _edited(source, _ConfigBeforeInit(finding.line, int(match["line"])))


def _header_write(node: cst.CSTNode, header: str) -> tuple[cst.BaseExpression, cst.SimpleString] | None:
    """``X`` and the header's name as written when ``node`` writes ``header`` through ``X.headers``
    (``X.headers["H"] = v``, ``X.headers.set("H", v)`` / ``add`` / ``setdefault``), else None."""
    owner, name = None, None
    if isinstance(node, cst.Assign) and len(node.targets) == 1:
        target = node.targets[0].target
        if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Attribute) and \
                target.value.attr.value == "headers" and len(target.slice) == 1 and \
                isinstance(target.slice[0].slice, cst.Index):
            owner, name = target.value.value, target.slice[0].slice.value
    elif isinstance(node, cst.Expr) and isinstance(node.value, cst.Call):
        func, args = node.value.func, node.value.args
        if isinstance(func, cst.Attribute) and func.attr.value in ("set", "add", "setdefault") and \
                isinstance(func.value, cst.Attribute) and func.value.attr.value == "headers" and args:
            owner, name = func.value.value, args[0].value
    if isinstance(name, cst.SimpleString) and isinstance(name.evaluated_value, str) and \
            name.evaluated_value.lower() == header:
        return owner, name
    return None


class _VaryOrigin(cst.CSTTransformer):
    """In the function that writes Access-Control-Allow-Origin through ``X.headers`` on ``line``
    and ends with ``return X``: ``X.vary.add("Origin")`` just before that return, so every
    response of the function names Origin in Vary, allowed or not, added to any Vary it already
    has (where ``return X`` can run, so can the line before it)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, line: int):
        super().__init__()
        self.line, self.done = line, False
        # per enclosing function, innermost last: the write on ``line`` found in it so far
        self.writes: list[tuple[cst.BaseExpression, cst.SimpleString] | None] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.writes.append(None)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if self.writes and self.writes[-1] is None and \
                self.get_metadata(PositionProvider, node).start.line == self.line:
            self.writes[-1] = next(filter(None, (_header_write(small, "access-control-allow-origin")
                                                 for small in node.body)), None)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        write = self.writes.pop()
        if self.writes and self.writes[-1] is None:
            self.writes[-1] = write  # a function that does not return X leaves the write to the one around it
        if self.done or write is None or not isinstance(original.body, cst.IndentedBlock):
            return updated
        owner, name = write
        body = list(updated.body.body)
        last = body[-1] if body else None
        if not isinstance(last, cst.SimpleStatementLine) or not isinstance(last.body[0], cst.Return) or \
                last.body[0].value is None or not last.body[0].value.deep_equals(owner):
            return updated
        code = cst.Module([]).code_for_node(owner)
        added = cst.parse_statement(f"{code}.vary.add({name.quote}Origin{name.quote})\n")
        body.insert(len(body) - 1, added)
        self.done = True
        return updated.with_changes(body=updated.body.with_changes(body=body))


def _reflected_origin_without_vary(source: str, finding: Finding, lines: set[int]) -> str | None:
    return _edited(source, _VaryOrigin(finding.line))


SAFE_RELEASE = "6.0.4"  # CORS019's advice: 6.0.1 fixes every advisory, 6.0.4 also fails fast on invalid regexes
# a flask-cors pin on one line: `flask-cors==4.0.1` (requirements, setup.cfg, pyproject's
# dependencies), `flask-cors = "==4.0.1"` (Pipfile), `flask-cors = "4.0.1"` (Poetry)
_PIN = re.compile(r'(?P<name>flask[-_.]?cors)(?P<extras>\s*\[[^\]]*\])?(?P<between>\s*(?:"?\s*=\s*")?\s*)'
                  r'(?P<operator>===?)?\s*(?P<version>\d+(?:\.\d+)*)\b', re.IGNORECASE)


def _pinned_version(source: str, finding: Finding, lines: set[int]) -> str | None:
    """The exact pin on the finding's line raised to ``SAFE_RELEASE``, its spelling kept; None for
    a lock file (re-lock instead) or a line without an exact pin."""
    if finding.file.endswith(".lock") or not 0 < finding.line <= source.count("\n") + 1:
        return None
    lines = source.splitlines(keepends=True)
    line = lines[finding.line - 1]
    match = _PIN.search(line)
    if match is None or (match["operator"] is None and '"' not in match["between"]):
        return None
    lines[finding.line - 1] = line[:match.start("version")] + SAFE_RELEASE + line[match.end("version"):]
    return "".join(lines)


@dataclass(frozen=True)
class Fixer:
    """A rule's fix: what it does, whether it is safe (changes no CORS decision), the codemod,
    and whether it may edit where the finding's value is written in another file."""

    description: str
    safe: bool
    codemod: Codemod
    follows_values: bool = False


CODEMODS: dict[str, Fixer] = {
    "CORS012": Fixer("spell the option as flask-cors knows it", False, _renamed(_MISSPELT), True),
    "CORS002": Fixer("anchor the regex to the domain it names", False, _permissive_regex, True),
    "CORS005": Fixer("write the anchored regex the glob means", False, _glob_origin, True),
    "CORS006": Fixer("write the value flask-cors can match", False, _malformed, True),
    "CORS010": Fixer("use @cross_origin as flask-cors reads it", False, _decorator_misuse),
    "CORS011": Fixer("set the config before CORS(app) reads it", False, _config_after_init),
    "CORS015": Fixer("match the paths under the prefix only", False, _renamed(_PREFIX), True),
    "CORS018": Fixer("write the boolean the string says", False, _string_boolean, True),
    "CORS019": Fixer(f"pin flask-cors {SAFE_RELEASE}, the release the advisories advise", False, _pinned_version),
    "CORS022": Fixer(f"import from flask_cors instead of {LEGACY}", True, _legacy_import),
    "CORS033": Fixer("name Origin in the Vary header of every response the function returns", True,
                     _reflected_origin_without_vary),
}


def candidate(finding: Finding, root: Path) -> Fix | None:
    """The edit a codemod proposes for ``finding`` (not yet proven): in the first of its places
    (``_places``) where the codemod sees one; or None."""
    fixer = CODEMODS.get(finding.rule_id)
    if fixer is None:
        return None
    for file, lines in _places(finding, fixer.follows_values):
        try:
            source = (root / file).read_bytes().decode("utf-8")  # line endings as they are
            after = fixer.codemod(source, finding, lines)
        except (OSError, UnicodeDecodeError, cst.ParserSyntaxError):
            continue
        if after is not None and after != source:
            return Fix(finding.rule_id, finding.fingerprint, file, (finding.file, finding.line), fixer.description,
                       fixer.safe, source, after)
    return None
