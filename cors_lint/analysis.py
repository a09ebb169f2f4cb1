"""The engine's entry point: paths in, an ``Inventory`` (apps, sites, routes, errors) out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cors_lint.objects import AppObj, LibSymbol, Site
from cors_lint.project import FileError, Survey, scan, survey
from cors_lint.resolve import Route, resolve_app
from cors_lint.values import Assumptions, Unknown, strip_env
from cors_lint.versions import FlaskCorsVersion, detect, parse_version

if TYPE_CHECKING:  # the interpreter (and libcst) is imported only when there is something to parse
    from cors_lint.interpreter import Interpreter
    from cors_lint.project import ParseMemo


@dataclass
class Inventory:
    root: Path
    version: FlaskCorsVersion
    files: int
    apps: list[AppObj]
    sites: list[Site]
    routes: list[Route]
    errors: list[FileError] = field(default_factory=list)
    env_reads: frozenset[str] = frozenset()
    file_paths: tuple[str, ...] = ()  # the analysed files, relative to root
    consulted: frozenset[str] = frozenset()  # the files read beyond the prefilter (parsed or import-checked)
    comment_files: frozenset[str] = frozenset()  # the files that mention cors-lint (suppression comments)


def analyze(paths: list[Path], flask_cors_version: str | None = None,
            assumptions: Assumptions | None = None, exclude: tuple[str, ...] = (),
            demand_driven: bool = True, workers: int = 0, parse_memo: ParseMemo | None = None,
            files: Survey | None = None) -> Inventory:
    """Analyse a project. ``flask_cors_version`` overrides the version read from its pins;
    ``assumptions`` are one environment's environment-variable values and ``app.debug``;
    ``demand_driven=False`` parses and runs every file (the slow reference analysis);
    ``workers`` parse processes (0: as many as cores when there is enough to parse);
    ``parse_memo`` shares parsed files between analyses of the same tree, ``files`` the
    discovery (``paths`` and ``exclude`` are then not walked again)."""
    files = files or survey(paths, exclude)
    root = files.root
    if flask_cors_version:
        version = FlaskCorsVersion(parse_version(flask_cors_version), "--flask-cors-version")
    else:
        version = detect(root)
    scanned = scan(files.files, demand_driven, files.verdicts)
    if not scanned.entries:  # nothing can affect CORS: no parsing at all
        return Inventory(root=root, version=version, files=len(files.files), apps=[], sites=[], routes=[],
                         errors=sorted(scanned.problems, key=lambda e: e.file),
                         file_paths=tuple(source.rel for source in files.files),
                         comment_files=frozenset(scanned.comment_files))
    from cors_lint.interpreter import Interpreter

    interpreter = Interpreter(root, files.files, files.index, assumptions, demand_driven, workers, parse_memo)
    interpreter.errors.extend(scanned.problems)
    interpreter.run(scanned.entries)
    manual_sites = _manual_header_sites(interpreter)
    sites = _dedupe_sites(interpreter.sites + manual_sites)
    apps = interpreter.apps
    routes: list[Route] = []
    for app in apps:
        routes.extend(resolve_app(app, version))
    routes = _dedupe_routes(routes)
    errors = sorted(interpreter.errors, key=lambda e: e.file)
    return Inventory(root=root, version=version, files=len(files.files), apps=apps, sites=sites, routes=routes,
                     errors=errors, env_reads=frozenset(interpreter.env_reads),
                     file_paths=tuple(source.rel for source in files.files),
                     consulted=frozenset(interpreter.consulted), comment_files=frozenset(scanned.comment_files))


def _manual_header_sites(interpreter: Interpreter) -> list[Site]:
    from typing import Any

    import libcst as cst

    from cors_lint.interpreter import Frame
    from cors_lint.manual_headers import ManualHeaderFinder
    from cors_lint.walk import walk

    sites: list[Site] = []
    for rel in sorted(interpreter.parsed):
        parsed = interpreter.parsed[rel]
        if b"access-control-" not in parsed.data.lower():
            continue
        state = next((m for m in interpreter.modules.values() if m.source.rel == rel), None)
        if state is None:
            continue
        frame = Frame(state)

        def evaluate(node: cst.BaseExpression, frame=frame) -> Any:
            value = strip_env(interpreter.eval(node, frame))
            return value if not isinstance(value, Unknown) else Unknown(f"`{interpreter.code(node)}`")

        def qualname(node: cst.BaseExpression, frame=frame) -> str | None:
            if not isinstance(node, (cst.Name, cst.Attribute)):
                return None
            with interpreter.peek():
                value = interpreter.eval(node, frame)
            return interpreter.canonical(value.qualname) if isinstance(value, LibSymbol) else None

        finder = ManualHeaderFinder(rel, parsed.positions, evaluate, qualname)
        walk(parsed.module, finder)
        for site in finder.sites:
            node = getattr(site, "function_node", None)
            for function in interpreter.function_objects.get(id(node), []):
                function.attrs.setdefault("manual_headers", []).append(site)
        sites.extend(finder.sites)
    return sites


def _dedupe_sites(sites: list[Site]) -> list[Site]:
    """A factory that runs twice yields its sites twice; keep one per (kind, place)."""
    seen: dict[tuple[str, str, int, int], Site] = {}
    for site in sites:
        key = (site.kind, site.location.file, site.location.line, site.location.column)
        seen.setdefault(key, site)
    return sorted(seen.values(), key=lambda s: (s.location.file, s.location.line, s.location.column, s.kind))


def _dedupe_routes(routes: list[Route]) -> list[Route]:
    """Routes of apps that were built more than once by the same code are listed once."""
    from cors_lint.inventory import route_json

    seen: dict[str, Route] = {}
    for route in routes:
        key = repr(sorted(route_json(route, include_app=True).items()))
        seen.setdefault(key, route)
    return list(seen.values())
