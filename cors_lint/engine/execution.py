"""The engine's heavy half: run the interpreter over the entry points with the library
models, find hand-written headers, and resolve every app's routes into an ``Inventory``."""

from __future__ import annotations

from typing import Any

import libcst as cst

from cors_lint.core.values import Assumptions, Unknown, strip_env
from cors_lint.core.versions import FlaskCorsVersion
from cors_lint.engine.app_objects import Site
from cors_lint.engine.interpreter import Interpreter
from cors_lint.engine.inventory import Inventory, route_json
from cors_lint.engine.manual_headers import ManualHeaderFinder
from cors_lint.engine.models import REGISTRY
from cors_lint.engine.objects import LibSymbol
from cors_lint.engine.project import ParseMemo, Scan, Survey
from cors_lint.engine.resolve import Route, resolve_app
from cors_lint.engine.scopes import Frame
from cors_lint.engine.walk import walk


def execute(files: Survey, scanned: Scan, version: FlaskCorsVersion, assumptions: Assumptions | None,
            demand_driven: bool, workers: int, parse_memo: ParseMemo | None) -> Inventory:
    interpreter = Interpreter(files.root, files.files, REGISTRY, files.index, assumptions, demand_driven, workers,
                              parse_memo)
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
    return Inventory(root=files.root, version=version, files=len(files.files), apps=apps, sites=sites,
                     routes=routes, errors=errors, env_reads=frozenset(interpreter.env_reads),
                     file_paths=tuple(source.rel for source in files.files),
                     consulted=frozenset(interpreter.consulted), comment_files=frozenset(scanned.comment_files))


def _manual_header_sites(interpreter: Interpreter) -> list[Site]:
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
    seen: dict[str, Route] = {}
    for route in routes:
        key = repr(sorted(route_json(route, include_app=True).items()))
        seen.setdefault(key, route)
    return list(seen.values())
