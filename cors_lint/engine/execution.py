"""The engine's heavy half: run the interpreter over the entry points with the library
models, find hand-written headers, and resolve every app's routes into an ``Inventory``."""

from __future__ import annotations

import os
from dataclasses import replace
from contextlib import contextmanager
from typing import Any

import libcst as cst

from cors_lint.core.conditions import shared
from cors_lint.core.semantics import resource_option_key
from cors_lint.core.values import Assumptions, Unknown, env_vars, strip_env, unwrap
from cors_lint.core.versions import FlaskCorsVersion, parse_version
from cors_lint.engine.app.app_objects import Site
from cors_lint.engine.app.config_reads import ConfigRead, ConfigReadFinder
from cors_lint.engine.source.entry_points import declared_entry_points
from cors_lint.engine.source.header_names import TRIGGER, header_names, mentions, words_pattern
from cors_lint.engine.interpreter.interpreter import Interpreter, flag_conditions
from cors_lint.engine.inventory import Inventory, route_json
from cors_lint.engine.app.manual_headers import Evaluation, ManualHeaderFinder, find_sites
from cors_lint.engine.models import REGISTRY
from cors_lint.engine.interpreter.objects import ClassObj, FunctionObj, InstanceObj, LibSymbol, Location
from cors_lint.engine.source.parse_memo import ParseMemo
from cors_lint.engine.source.project import TEMPLATE, FileError, Scan, SourceFile, Survey, is_test_module
from cors_lint.engine.app.resolve import Route, resolve_app, written_headers
from cors_lint.engine.interpreter.scopes import Frame, ModuleState
from cors_lint.engine.app.sites_account import ModuleFacts, SitesAccount, account, looks_like_cors
from cors_lint.engine.source.walk import children, walk


def execute(files: Survey, scanned: Scan, version: FlaskCorsVersion, assumptions: Assumptions | None,
            demand_driven: bool, workers: int, parse_memo: ParseMemo | None) -> Inventory:
    interpreter = Interpreter(files.root, files.files, REGISTRY, files.index, assumptions, demand_driven, workers,
                              parse_memo)
    copied = _in_library_copies(interpreter, [source for source, _ in scanned.entries], scanned.problems)
    interpreter.errors.extend(problem for problem in scanned.problems if problem.file not in copied)
    interpreter.run([entry for entry in scanned.entries if entry[0].rel not in copied],
                    declared_entry_points(files.root))
    version = _version_of_copy(interpreter, version)
    locate_values(interpreter, interpreter.sites)
    follow_references(interpreter, interpreter.sites)
    manual_sites = _manual_header_sites(interpreter)
    config_reads = _config_reads(interpreter)
    sites = _dedupe_sites(interpreter.sites + manual_sites)
    apps = interpreter.apps
    routes: list[Route] = []
    for app in apps:
        routes.extend(resolve_app(app, version))
    routes = _dedupe_routes(routes)
    errors = sorted(interpreter.errors, key=lambda e: e.file)
    return Inventory(root=files.root, version=version, files=len(files.files), apps=apps, sites=sites,
                     routes=routes, errors=errors, env_reads=frozenset(interpreter.env_reads),
                     file_paths=tuple(source.rel for source in files.files),
                     consulted=frozenset(interpreter.consulted), comment_files=frozenset(scanned.comment_files),
                     tests_not_run=tuple(scanned.tests_not_run), scripts_not_run=tuple(interpreter.scripts_not_run),
                     config_reads=tuple(config_reads),
                     analysis_notes=tuple(sorted(interpreter.bounds.notes.values(),
                                                 key=lambda n: (n.file, n.line, n.message))),
                     steps=interpreter.bounds.steps,
                     make_account=lambda: _sites_account(interpreter, scanned, sites, config_reads))


def _sites_account(interpreter: Interpreter, scanned: Scan, sites: list[Site], config_reads) -> SitesAccount:
    """The account of the places that look like CORS in the entry points and the modules run
    (only the files that hold such a place are looked at further)."""
    data = {source.rel: content for source, content in scanned.entries}
    data.update((rel, parsed.data) for rel, parsed in interpreter.parsed.items())
    data = {rel: content for rel, content in data.items() if looks_like_cors(content)}
    runs: dict[str, dict[int, bool]] = {}
    for group in interpreter.function_objects.values():
        for function in group:
            parsed = function.module.parsed
            if parsed is None or parsed.source.rel not in data:
                continue
            line = parsed.function_line(function.node)
            if line is None:
                continue
            may_run = function.called or function.registered_as_route or bool(function.node.decorators)
            known = runs.setdefault(parsed.source.rel, {})
            known[line] = known.get(line, False) or may_run
    modules = [ModuleFacts(rel, content, rel in interpreter.parsed, runs.get(rel, {}),
                           interpreter.parsed[rel].syntax if rel in interpreter.parsed else None)
               for rel, content in data.items()]
    skipped = {e.file for e in interpreter.errors if e.kind == TEMPLATE}
    errors = {e.file for e in interpreter.errors if e.kind != TEMPLATE}
    return account(modules, sites, config_reads, skipped, errors, is_test_module)


def _in_library_copies(interpreter: Interpreter, entries: list[SourceFile], problems: list[FileError]) -> set[str]:
    """The files (relative paths) that belong to a copy of a modelled library in the tree (a
    vendored ``libs/flask_cors/``): imports reach the library itself, and its own code is never
    run, reported or searched for sites."""
    by_rel = {source.rel: source for source in interpreter.files}
    candidates = entries + [by_rel[problem.file] for problem in problems if problem.file in by_rel]
    return {source.rel for source in candidates
            if any(REGISTRY.library_copy(name, source.fspath, source.is_package, interpreter.copies_seen)
                   for name in source.module_names)}


def _version_of_copy(interpreter: Interpreter, version: FlaskCorsVersion) -> FlaskCorsVersion:
    """The project's imports reach a copy of flask-cors in the tree: its own files say which
    version runs (a pin in requirements.txt does not; ``--flask-cors-version`` still wins)."""
    if version.source == "--flask-cors-version":
        return version
    for copy in sorted(interpreter.library_copies.values(), key=lambda c: c.path):
        if copy.package != "flask_cors" or not copy.version or not copy.version_file:
            continue
        try:
            number = parse_version(copy.version)
        except ValueError:
            continue
        rel = os.path.relpath(copy.version_file, interpreter.root).replace(os.sep, "/")
        interpreter.consulted.add(rel)
        return FlaskCorsVersion(number, f"{rel}:{copy.version_line}")
    return version


def _modules_mentioning(interpreter: Interpreter, mentions):
    """(path, parsed module, its module state) of the analysed modules whose bytes ``mentions``
    accepts, in path order."""
    for rel in sorted(interpreter.parsed):
        parsed = interpreter.parsed[rel]
        if not mentions(parsed.data):
            continue
        state = next((m for m in interpreter.modules.values() if m.source.rel == rel), None)
        if state is not None:
            yield rel, parsed, state


def _may_read_cors_keys(data: bytes) -> bool:
    """A key is read as `config["CORS_X"]`, `.get('CORS_X')`, `getattr(c, "CORS_X")` or
    `Config.CORS_X`: a quote or a dot before it (a name such as `S3_NO_CORS_CONFIG` is not)."""
    return b'"CORS_' in data or b"'CORS_" in data or b".CORS_" in data


def _library_name_of(interpreter: Interpreter, frame: Frame):
    """A function telling the canonical library name a name or attribute stands for, if any (a
    look only: no lazy module is loaded)."""
    def qualname(node: cst.BaseExpression) -> str | None:
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        with interpreter.peek():
            value = interpreter.eval(node, frame)
        return interpreter.canonical(value.qualname) if isinstance(value, LibSymbol) else None
    return qualname


def _manual_header_sites(interpreter: Interpreter) -> list[Site]:
    sites: list[Site] = []
    pattern = None
    modules = list(_modules_mentioning(interpreter, lambda data: TRIGGER in data.lower()))
    if modules:
        pattern = words_pattern(header_names(interpreter.parsed[rel] for rel in sorted(interpreter.parsed)))
    for rel, parsed, state in modules:
        frame = Frame(state)

        def evaluate(node: cst.BaseExpression, frame=frame) -> Any:
            value = strip_env(interpreter.eval(node, frame))
            return value if not isinstance(value, Unknown) else Unknown(f"`{interpreter.code(node)}`")

        qualname = _library_name_of(interpreter, frame)

        questions = _Questions(interpreter, state)
        evaluation = Evaluation(value=questions.value, definition=questions.definition,
                                condition=questions.condition, code=interpreter.code,
                                function=questions.function, pinned=set(interpreter.pinned_env),
                                response_makers=frozenset(interpreter.registry.response_makers),
                                exit_functions=frozenset(interpreter.registry.exit_functions))
        def reads(node: cst.FunctionDef, parsed=parsed) -> bool:
            """May the function write a header, pass the request's origin to one that does, or
            write ``Vary``?"""
            text = parsed.function_text(node)
            if text is None or mentions(text, pattern):
                return True
            lowered = text.lower()
            return b"origin" in lowered or b"vary" in lowered

        finder = find_sites(parsed.module, lambda: ManualHeaderFinder(rel, parsed.lazy_positions, evaluate, qualname,
                                                                       evaluation, reads))
        for site in finder.sites:
            node = getattr(site, "function_node", None)
            for function in interpreter.function_objects.get(id(node), []):
                function.attrs.setdefault("manual_headers", []).append(site)
        sites.extend(finder.sites)
    _through_helpers(interpreter)
    return sites


MAX_HELPER_DEPTH = 3


def _through_helpers(interpreter: Interpreter) -> None:
    """A function that calls a project helper writing ``Access-Control-*`` headers (a helper that
    receives the response or its headers: ``self.add_cors_headers(response.headers)``) writes
    them too, up to ``MAX_HELPER_DEPTH`` calls deep. Helpers are resolved as Python would: a
    name through the caller's module (imports included), ``self.x`` / ``cls.x`` through the
    caller's class and its project bases."""
    functions = [f for group in interpreter.function_objects.values() for f in group if f.module.parsed is not None]
    for _ in range(MAX_HELPER_DEPTH):
        names = {f.name for f in functions if written_headers(f)}
        if not names:
            return
        encoded = [name.encode() for name in names]
        naming: dict[str, bool] = {}  # per module: do its bytes name a writer?
        changed = False
        for function in functions:
            parsed = function.module.parsed
            if parsed.source.rel not in naming:
                naming[parsed.source.rel] = any(name in parsed.data for name in encoded)
            if not naming[parsed.source.rel] or not interpreter.function_mentions(function, names):
                continue  # cheap first: the module's bytes name no writer
            known = {id(site) for site, _ in written_headers(function)}
            for helper in _helpers_called(interpreter, function, names):
                for site, _ in written_headers(helper):
                    if id(site) not in known:
                        known.add(id(site))
                        function.attrs.setdefault("manual_headers_via", []).append((site, helper.name))
                        changed = True
        if not changed:
            return


def _helpers_called(interpreter: Interpreter, function: FunctionObj, names: set[str]) -> list[FunctionObj]:
    facts = interpreter.facts(function)
    found: list[FunctionObj] = []
    cls = interpreter.classes.get(id(function))
    for call in facts.calls:
        callee = call.func
        if isinstance(callee, cst.Name) and callee.value in names:
            value = function.module.namespace.get(callee.value)
        elif isinstance(callee, cst.Attribute) and isinstance(callee.value, cst.Name) and \
                callee.value.value in ("self", "cls") and callee.attr.value in names and cls is not None:
            value = interpreter.class_attribute(cls, callee.attr.value)
        else:
            continue
        if isinstance(value, FunctionObj) and value is not function and value not in found:
            found.append(value)
    return found


class _Questions:
    """What the manual-header finder asks about one module (see ``manual_headers.Evaluation``):
    values are evaluated without loading lazy modules, and whatever the evaluation records (a
    project function it follows may build an app or a site) is undone."""

    def __init__(self, interpreter: Interpreter, state: ModuleState):
        self.interpreter = interpreter
        self.state = state

    @contextmanager
    def _aside(self):
        """Lazy modules may load (they change nothing but their own namespace: see project.py)."""
        engine = self.interpreter
        kept = (len(engine.sites), len(engine.apps), len(engine.errors))
        try:
            yield
        finally:
            del engine.sites[kept[0]:], engine.apps[kept[1]:], engine.errors[kept[2]:]

    def _eval(self, node: cst.BaseExpression, local: dict[str, Any]) -> Any:
        with self._aside():
            try:
                return self.interpreter.eval(node, Frame(self.state, local))
            except Exception as exc:  # a question about a value never stops the analysis
                return Unknown(f"`{self.interpreter.code(node)}` cannot be evaluated ({type(exc).__name__})")

    def value(self, node: cst.BaseExpression, local: dict[str, Any]) -> Any:
        """The value of ``node`` with the function's locals (their last assignments, evaluated
        as needed); a config key read at request time (``current_app.config["X"]``) is the
        value the project's apps give it, when they agree."""
        bound: dict[str, Any] = {}

        def fill(expression: cst.BaseExpression, depth: int) -> None:
            for name in _names_in(expression):
                if name in local and name not in bound:
                    bound[name] = Unknown(f"`{name}` is a parameter" if local[name] is None else
                                          f"`{name}` is set from itself")
                    if local[name] is not None and depth < MAX_LOCAL_DEPTH:
                        fill(local[name], depth + 1)
                        bound[name] = self._with_config(local[name], dict(bound))

        fill(node, 0)
        return self._with_config(node, bound)

    def _with_config(self, node: cst.BaseExpression, bound: dict[str, Any]) -> Any:
        result = self._eval(node, bound)
        if isinstance(strip_env(result), Unknown):
            key = _config_key(node, lambda key_node: strip_env(self._eval(key_node, bound)))
            found = self._config_value(key) if key is not None else None
            if found is not None:
                return found
        return result

    def _config_value(self, key: str) -> Any:
        values = [app.config.values[key][0] for app in self.interpreter.apps if key in app.config.values]
        distinct = {repr(unwrap(value)) for value in values}
        return values[0] if len(distinct) == 1 else None

    def definition(self, node: cst.BaseExpression) -> Location | None:
        """Where a module-level name, a module's or a class's attribute, or a config key is set."""
        if isinstance(node, cst.Name):
            return _binding(self.interpreter, self.state, node.value, 0)
        key = _config_key(node, lambda key_node: strip_env(self._eval(key_node, {})))
        if key is not None:
            for app in self.interpreter.apps:
                entry = app.config.values.get(key)
                if entry is not None and entry[1] is not None:
                    return entry[1].location
            return _config_assignment(self.interpreter, key)
        if isinstance(node, cst.Attribute):
            owner = strip_env(self._eval(node.value, {}))
            if isinstance(owner, ModuleState):
                return _binding(self.interpreter, owner, node.attr.value, 0)
            if isinstance(owner, InstanceObj):
                owner = owner.cls
            if isinstance(owner, ClassObj):
                for klass in self.interpreter.mro(owner):
                    found = _class_binding(klass, node.attr.value)
                    if found is not None:
                        return found
        return None

    def function(self, node: cst.BaseExpression) -> cst.FunctionDef | None:
        """A function of this module that ``node`` names (its names resolve in this module)."""
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        value = strip_env(self._eval(node, {}))
        return value.node if isinstance(value, FunctionObj) and value.module is self.state else None

    def condition(self, node: cst.BaseExpression, holds: bool, local: dict[str, Any]) -> Any:
        """A condition that does not involve the origin: True/False when it is known, else how a
        reviewer reads it (a flag from the environment: ``$ENABLE_CORS is set``)."""
        raw = self.value(node, local)
        test = self.interpreter.truth(raw)
        plain = strip_env(test)
        if isinstance(plain, Unknown):
            code = self.interpreter.code(node)
            return code if holds else f"not ({code})"
        variables = sorted(set(env_vars(test)) | set(env_vars(raw)))
        if variables and not any(var in self.interpreter.pinned_env for var in variables):
            return flag_conditions(node, raw, variables, self.interpreter.code)[0 if holds else 1]
        return bool(plain) == holds


MAX_LOCAL_DEPTH = 6


def _names_in(node: cst.CSTNode) -> list[str]:
    """The variables an expression reads (not attribute or keyword names)."""
    found: list[str] = []
    stack: list[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            found.append(current.value)
        elif isinstance(current, cst.Attribute):
            stack.append(current.value)
        elif isinstance(current, cst.Arg):
            stack.append(current.value)
        else:
            stack.extend(children(current))
    return found


def _config_key(node: cst.BaseExpression, evaluate) -> str | None:
    """``<x>.config["KEY"]`` / ``<x>.config.get("KEY", ...)``: the key."""
    if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Attribute) and node.value.attr.value == "config" \
            and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        key = evaluate(node.slice[0].slice.value)
    elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get" \
            and isinstance(node.func.value, cst.Attribute) and node.func.value.attr.value == "config" and node.args:
        key = evaluate(node.args[0].value)
    else:
        return None
    return key if isinstance(key, str) else None


def _top_level(body) -> list[cst.CSTNode]:
    """A module's statements, with those in top-level ``if`` / ``try`` / ``with`` blocks."""
    found: list[cst.CSTNode] = []
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(statement.body)
        elif isinstance(statement, (cst.If, cst.Try, cst.With)):
            found.extend(_top_level(statement.body.body) if isinstance(statement.body, cst.IndentedBlock) else [])
            orelse = getattr(statement, "orelse", None)
            if isinstance(orelse, cst.Else) and isinstance(orelse.body, cst.IndentedBlock):
                found.extend(_top_level(orelse.body.body))
            found.append(statement)
        else:
            found.append(statement)
    return found


def _assigns(statement: cst.CSTNode, name: str) -> bool:
    if isinstance(statement, cst.Assign):
        return any(isinstance(t.target, cst.Name) and t.target.value == name for t in statement.targets)
    if isinstance(statement, (cst.AnnAssign, cst.AugAssign)):
        return isinstance(statement.target, cst.Name) and statement.target.value == name
    if isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
        return statement.name.value == name
    return False


def locate_values(interpreter: Interpreter, sites: list[Site]) -> None:
    """Where each site's values are written, when elsewhere (``Site.defined_at``): the CORS_* lines
    of the class or module a config site loads (its class hierarchy included), and the definitions
    of the names and attributes passed as a CORS call's keyword arguments (through imports), or
    as the options of an entry of a ``resources=`` mapping written in the call. A finding's
    evidence: a commit that changes one of these lines changes the finding."""
    for site in sites:
        for key, origin in getattr(site, "config_origins", {}).items():
            if isinstance(origin, ClassObj):
                found = next((where for klass in interpreter.mro(origin)
                              if (where := _class_binding(klass, key)) is not None), None)
            elif isinstance(origin, ModuleState):
                found = _binding(interpreter, origin, key, 0)
            else:  # where the call that set it is (a merged flask.Config's `config[key] = ...`)
                found = origin if isinstance(origin, Location) and origin != site.location else None
            if found is not None:
                site.defined_at[key] = found
    config_sites = {(site.location.file, site.location.line): site for site in sites if site.kind == "config"}
    for site in sites:
        node, module = getattr(site, "node", None), getattr(site, "module", None)
        if isinstance(node, cst.Call) and isinstance(module, ModuleState) and site.kind != "config":
            questions = _Questions(interpreter, module)
            for arg in node.args:
                if arg.keyword is None or arg.keyword.value not in site.options or \
                        not isinstance(arg.value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
                    continue  # (an argument the site does not keep, such as `app=`, decides none of its values)
                found = questions.definition(arg.value)
                key = _config_key(arg.value, lambda n: strip_env(questions.value(n, {})))
                loading = config_sites.get((found.file, found.line)) if found is not None and key else None
                if loading is not None:  # `resources=app.config.get("CORS_RESOURCES")`: the settings line
                    found = loading.defined_at.get(key, found)
                if found is not None and (found.file, found.line) != (site.location.file, site.location.line):
                    site.defined_at[arg.keyword.value] = found
            resources = next((arg.value for arg in node.args if arg.keyword is not None
                              and arg.keyword.value == "resources" and isinstance(arg.value, cst.Dict)), None)
            for pattern, option, value in _resource_entries(resources):
                found = questions.definition(value)
                if found is not None and (found.file, found.line) != (site.location.file, site.location.line):
                    site.defined_at[resource_option_key(pattern, option)] = found


REFERENCE_STEPS = 3  # `CORS_ORIGINS = ORIGINS`, `ORIGINS = settings.ALLOWED`, `ALLOWED = [...]`


def follow_references(interpreter: Interpreter, sites: list[Site]) -> None:
    """``Site.defined_via``: when the line a value is written on names other values
    (``CORS_ORIGINS = ORIGINS``, ``ORIGINS = settings.ALLOWED``, a resources mapping's
    ``{"origins": ORIGINS}``), where those are written, and so on for ``REFERENCE_STEPS``. A
    commit that changes any of these lines changes the value: the finding's evidence, which the
    pre-commit hook matches against the files it is given."""
    states = {state.source.rel: state for state in interpreter.modules.values()
              if isinstance(state, ModuleState) and state.source is not None}
    for site in sites:
        for key, start in site.defined_at.items():
            steps: list[tuple[str, Location]] = []
            seen = {(start.file, start.line)}
            frontier = [start]
            for _ in range(REFERENCE_STEPS):
                following = []
                for where in frontier:
                    state = states.get(where.file)
                    for value in _named_values(state, where.line) if state is not None else ():
                        found = _Questions(interpreter, state).definition(value)
                        if found is not None and (found.file, found.line) not in seen:
                            seen.add((found.file, found.line))
                            steps.append((cst.Module([]).code_for_node(value), found))
                            following.append(found)
                frontier = following
            if steps:
                site.defined_via[key] = steps


def _named_values(state: ModuleState, line: int) -> list[cst.Name | cst.Attribute]:
    """The names and attributes an assignment on ``line`` of the module gives, at its top level or
    in a top-level class body: its whole value, the elements of a list, tuple or set
    (``[FRONTEND_URL, ADMIN_URL]``), or the options of a resources mapping's entries
    (``{r"/api/.*": {"origins": ORIGINS}}``); none for anything else (a literal, a call)."""
    parsed = state.parsed
    if parsed is None:
        return []
    statements = _top_level(parsed.module.body)
    statements += [inner for klass in statements if isinstance(klass, cst.ClassDef)
                   and isinstance(klass.body, cst.IndentedBlock) for inner in _top_level(klass.body.body)]
    for statement in statements:
        position = parsed.positions.get(statement)
        if position is None or position[0] != line or not isinstance(statement, (cst.Assign, cst.AnnAssign)):
            continue
        value = statement.value
        if isinstance(value, (cst.Name, cst.Attribute)):
            return [value]
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            return [element.value for element in value.elements
                    if isinstance(element, cst.Element) and isinstance(element.value, (cst.Name, cst.Attribute))]
        if isinstance(value, cst.Dict):
            return [named for _, _, named in _resource_entries(value) if isinstance(named, (cst.Name, cst.Attribute))]
        return []
    return []


def _resource_entries(mapping: cst.Dict | None) -> list[tuple[str, str, cst.BaseExpression]]:
    """A resources mapping as written (``{r"/api/.*": {"origins": API_ORIGINS}}``, in a call or
    assigned): (pattern, option, value) for each option of each entry whose value is a name, an
    attribute, a call or a subscript."""
    entries = []
    for element in mapping.elements if mapping is not None else ():
        if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString) or \
                not isinstance(element.value, cst.Dict) or not isinstance(element.key.evaluated_value, str):
            continue
        for option in element.value.elements:
            if isinstance(option, cst.DictElement) and isinstance(option.key, cst.SimpleString) and \
                    isinstance(option.key.evaluated_value, str) and \
                    isinstance(option.value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
                entries.append((element.key.evaluated_value, option.key.evaluated_value, option.value))
    return entries


def _config_assignment(interpreter: Interpreter, key: str) -> Location | None:
    """The first ``<x>.config["KEY"] = ...`` in the analysed modules (keys other than CORS_* make
    no config site)."""
    for rel in sorted(interpreter.parsed):
        parsed = interpreter.parsed[rel]
        if key.encode() not in parsed.data:
            continue
        stack: list[cst.CSTNode] = [parsed.module]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Assign):
                for target in current.targets:
                    found = _config_key(target.target, lambda n: n.evaluated_value if isinstance(n, cst.SimpleString)
                                        else None)
                    if found == key:
                        position = parsed.positions.get(current)
                        return Location(rel, *position) if position else None
            stack.extend(reversed(children(current)))
    return None


def _binding(interpreter: Interpreter, state: ModuleState, name: str, depth: int) -> Location | None:
    """Where a module binds ``name``: its last assignment, or (through ``from m import name``)
    where the imported module does."""
    if depth > 5 or not interpreter.force(state):
        return None
    parsed = state.parsed
    if parsed is None:
        return None
    found: Location | None = None
    for statement in _top_level(parsed.module.body):
        if _assigns(statement, name):
            position = parsed.positions.get(statement)
            found = Location(state.source.rel, *position) if position else found
        elif isinstance(statement, cst.ImportFrom) and not isinstance(statement.names, cst.ImportStar):
            for alias in statement.names:
                bound = alias.asname.name if alias.asname else alias.name
                if isinstance(bound, cst.Name) and bound.value == name and isinstance(alias.name, cst.Name):
                    base = interpreter.resolve_from_base(statement, Frame(state))
                    module = interpreter.modules.get(base) if base else None
                    position = parsed.positions.get(statement)
                    found = (_binding(interpreter, module, alias.name.value, depth + 1)
                             if isinstance(module, ModuleState) else None) or \
                        (Location(state.source.rel, *position) if position else found)
    return found


def _class_binding(cls: ClassObj, name: str) -> Location | None:
    module = cls.module
    parsed = getattr(module, "parsed", None)
    if cls.node is None or parsed is None or not isinstance(cls.node.body, cst.IndentedBlock):
        return None
    for statement in _top_level(cls.node.body.body):
        if _assigns(statement, name):
            position = parsed.positions.get(statement)
            return Location(module.source.rel, *position) if position else None
    return None


def _config_reads(interpreter: Interpreter) -> list[ConfigRead]:
    """The CORS_* config keys the project's own code reads, in every module analysed."""
    reads: list[ConfigRead] = []
    for rel, parsed, state in _modules_mentioning(interpreter, _may_read_cors_keys):
        frame = Frame(state)

        def evaluate(node: cst.BaseExpression, frame=frame) -> Any:
            with interpreter.peek():
                return strip_env(interpreter.eval(node, frame))

        qualname = _library_name_of(interpreter, frame)

        finder = ConfigReadFinder(rel, parsed.lazy_positions, evaluate, qualname)
        walk(parsed.module, finder)
        reads.extend(finder.reads)
    return reads


def _dedupe_sites(sites: list[Site]) -> list[Site]:
    """A factory that runs twice yields its sites twice; keep one per (kind, place)."""
    seen: dict[tuple[str, str, int, int], Site] = {}
    for site in sites:
        key = (site.kind, site.location.file, site.location.line, site.location.column)
        seen.setdefault(key, site)
    return sorted(seen.values(), key=lambda s: (s.location.file, s.location.line, s.location.column, s.kind))


def _dedupe_routes(routes: list[Route]) -> list[Route]:
    """Routes of apps that were built more than once by the same code, or reached along several
    ways (a factory called from both branches of an `if` in `__main__`), are listed once: the
    same route under different conditions (its own and its CORS layers') is one route, under the
    clauses its conditions share. Alternatives that share no clause stay apart."""
    variants: dict[str, list[Route]] = {}
    for route in routes:
        document = route_json(route, include_app=True)
        document.pop("condition", None)
        for name in _LAYER_LISTS:
            for layer in document.get(name, ()):
                layer.pop("condition", None)
        variants.setdefault(repr(sorted(document.items())), []).append(route)
    kept: list[Route] = []
    for group in variants.values():
        merged = _merged(group)
        kept.extend([merged] if merged is not None else {_conditions_of(r): r for r in group}.values())
    return kept


_LAYER_LISTS = ("cors", "cors_on_http_error", "preflight_cors")
_LAYER_ATTRIBUTES = ("layers", "http_error_layers", "preflight_layers")


def _conditions_of(route: Route) -> tuple:
    return (route.condition, *(tuple(layer.condition for layer in getattr(route, name) or ()) for name in
                               _LAYER_ATTRIBUTES))


def _merged(group: list[Route]) -> Route | None:
    """One route for routes equal but for their conditions, or None when a condition of theirs
    has no clause in common across them."""
    first = group[0]
    if len(group) == 1:
        return first
    condition = shared([route.condition for route in group])
    if condition is False:
        return None
    layers: dict[str, list | None] = {}
    for name in _LAYER_ATTRIBUTES:
        own = getattr(first, name)
        if own is None:
            layers[name] = None
            continue
        merged = []
        for index, layer in enumerate(own):
            common = shared([getattr(route, name)[index].condition for route in group])
            if common is False:
                return None
            merged.append(replace(layer, condition=common))
        layers[name] = merged
    return replace(first, condition=condition, **layers)
