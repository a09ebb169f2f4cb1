"""The engine's result (``Inventory``), its document (``cors-lint inventory --format json``)
and its text table.

The JSON form is described by ``schemas/inventory.schema.json``. Output is sorted so that
the same tree always gives the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cors_lint import __version__
from cors_lint.core.plurals import plural
from cors_lint.core.route_order import unknown_path_label
from cors_lint.core.semantics import config_key, split_resource_option_key
from cors_lint.core.values import Provenance, Unknown, Unlisted, to_json, unwrap
from cors_lint.core.versions import FlaskCorsVersion
from cors_lint.engine.app.app_objects import AppObj, Site
from cors_lint.engine.source.project import TEMPLATE, FileError
from cors_lint.engine.app.resolve import Layer, Route

SCHEMA_VERSION = 1


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
    config_reads: tuple[Any, ...] = ()  # config_reads.ConfigRead: the CORS_* keys the project's code reads
    analysis_notes: tuple[Any, ...] = ()  # bounds.AnalysisNote: where the analysis stopped following the code
    steps: int = 0  # interpreter steps (statements and calls) the analysis took: what the bounds limit
    skipped: list[FileError] = field(default_factory=list)  # templates (Jinja, cookiecutter): not Python, no error
    tests_not_run: tuple[str, ...] = ()  # test code that was not run as an entry point (see project.survey)
    scripts_not_run: tuple[str, ...] = ()  # `__main__` scripts that reach no app (see engine.scripts)
    # makes the sites account (what looks like CORS, and why each place is or is not a site) when it
    # is first asked for: only the inventory shows it, so `check` never pays for it
    make_account: Any = field(default=None, repr=False, compare=False)

    @cached_property
    def sites_account(self) -> Any:
        """sites_account.SitesAccount, or None when the analysis had nothing to account for."""
        return self.make_account() if self.make_account is not None else None

    def __post_init__(self) -> None:
        """Templates that failed to parse are skipped files, not errors (they fail no CI run)."""
        self.skipped = sorted(self.skipped + [e for e in self.errors if e.kind == TEMPLATE], key=lambda e: e.file)
        self.errors = [e for e in self.errors if e.kind != TEMPLATE]

    @property
    def listed_route_count(self) -> int:
        """Routes of the apps' url_maps (not the stand-ins for routes that could not be listed)."""
        return sum(1 for route in self.routes if not isinstance(route.path, Unlisted))


def site_json(site: Site) -> dict[str, Any]:
    env: dict[str, list[str]] = {}
    options: dict[str, Any] = {}
    for key, value in site.options.items():
        provenance = Provenance()
        plain = unwrap(value, provenance)
        if provenance.env:
            env[key] = sorted(provenance.env)
        options[key] = to_json(plain)
    data: dict[str, Any] = {
        **site.location.as_json(),
        "kind": site.kind,
        "target": site.target,
        "options": options,
    }
    if env:
        data["env"] = env
    if site.notes:
        data["notes"] = list(site.notes)
    if site.condition:
        data["condition"] = site.condition
    guards = getattr(site, "guards", None)  # manual headers: what restricts a copied Origin
    if guards:
        data["guards"] = [guard.as_json() for guard in guards]
    if getattr(site, "otherwise", None):
        data["otherwise"] = [to_json(value) for value in site.otherwise]
    if getattr(site, "other_headers", None):  # manual headers: Vary / Cache-Control written in the same function
        data["other_headers"] = site.other_headers
    after = getattr(site, "after_cors_init", None)
    if after is not None:
        data["after_cors_init"] = {"file": after.file, "line": after.line}
    replaced = getattr(site, "replaced_by", None)  # a Socket.IO server another init_app call replaced
    if replaced is not None:
        data["replaced_by"] = {"file": replaced.file, "line": replaced.line}
    if site.defined_at:
        data["defined_at"] = {key: {"file": where.file, "line": where.line}
                              for key, where in sorted(site.defined_at.items())}
    if site.defined_via:
        data["defined_via"] = {key: [{"name": name, "file": where.file, "line": where.line} for name, where in chain]
                               for key, chain in sorted(site.defined_via.items())}
    return data


def layer_json(layer: Layer) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source": {**_short_location(layer), "kind": layer.kind},
        "terminal": layer.terminal,
        "preflight": layer.preflight,
        "options": {name: to_json(value) for name, value in layer.options.items()},
    }
    if layer.kind == "extension":
        data["scope"] = layer.scope
        data["resource"] = to_json(layer.resource)
    sources = {name: where.as_json() for name, where in sorted(layer.config_sources.items())}
    return _with_present(data, config_sources=sources, env=layer.env, error=layer.error, note=layer.note,
                         unknown=sorted(set(layer.unknown)), condition=layer.condition)


def _with_present(data: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """Add the optional fields that have a value (empty ones are left out of the document)."""
    data.update({key: value for key, value in optional.items() if value})
    return data


def _short_location(layer: Layer) -> dict[str, Any]:
    return {"file": layer.source.file, "line": layer.source.line, "column": layer.source.column}


def route_json(route: Route, include_app: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "path": to_json(route.path),
        "endpoint": to_json(route.endpoint),
        "methods": list(route.methods),
        "file": route.location.file,
        "line": route.location.line,
        "cors": [layer_json(layer) for layer in route.layers],
    }
    if route.http_error_layers is not None:
        data["cors_on_http_error"] = [layer_json(layer) for layer in route.http_error_layers]
    if route.preflight_layers is not None:
        data["preflight_cors"] = [layer_json(layer) for layer in route.preflight_layers]
    if route.manual_headers:
        data["manual_headers"] = sorted(
            ({"file": site.location.file, "line": site.location.line, "header": site.options.get("header"),
              "via": via} for site, via in route.manual_headers),
            key=lambda m: (m["file"], m["line"], m["header"]),
        )
    if include_app:
        data["app"] = route.app.id
    return _with_present(data, blueprint=route.blueprint, error=route.error, notes=sorted(set(route.notes)),
                         condition=route.condition)


def _route_sort_key(route: dict[str, Any]) -> tuple:
    return (route["app"], json.dumps(route["path"]), json.dumps(route["endpoint"]), route["methods"], route["line"])


def inventory_json(inventory: Inventory, with_account: bool = True) -> dict[str, Any]:
    """The inventory document; ``with_account``: with the sites account (made on demand)."""
    apps = {}
    for app in inventory.apps:
        apps.setdefault(app.id, {"id": app.id, "name": app.name or "app", "file": app.location.file,
                                 "line": app.location.line, "config_classes": sorted(set(app.config_classes))})
        if app.factory:
            apps[app.id]["factory"] = app.factory
        if app.config.unknown_sources:
            apps[app.id]["config_unknown"] = sorted(set(app.config.unknown_sources))
        if app.config_chosen_by:
            chosen = apps[app.id].setdefault("config_chosen_by", {})
            for name, variables in sorted(app.config_chosen_by.items()):
                chosen[name] = sorted(set(chosen.get(name, [])) | set(variables))
    routes = sorted((route_json(route) for route in inventory.routes), key=_route_sort_key)
    sites = [site_json(site) for site in inventory.sites]
    _locate_layer_values(routes, sites)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "cors-lint", "version": __version__},
        "root": inventory.root.as_posix(),
        "flask_cors": inventory.version.as_json(),
        "apps": sorted(apps.values(), key=lambda a: a["id"]),
        "sites": sites,
        "routes": routes,
        "errors": [error.as_json() for error in inventory.errors],
        **({"skipped": [error.as_json() for error in inventory.skipped]} if inventory.skipped else {}),
        **({"tests_not_run": list(inventory.tests_not_run)} if inventory.tests_not_run else {}),
        **({"scripts_not_run": list(inventory.scripts_not_run)} if inventory.scripts_not_run else {}),
        **_config_reads_json(inventory),
        **_analysis_notes_json(inventory),
        **({"sites_account": inventory.sites_account.as_json()}
           if with_account and inventory.sites_account is not None else {}),
    }


def _locate_layer_values(routes: list[dict[str, Any]], sites: list[dict[str, Any]]) -> None:
    """Each layer's ``defined_at``: where the value of each of its options is written, when that
    is not the CORS call itself: the settings line of a key it took from app.config (the config
    site's ``defined_at``), the definition of the name passed as a keyword argument, or that of
    the name its own entry of a ``resources=`` mapping gives (which flask-cors lets win over
    both). A finding about an option is placed there, where a developer edits it."""
    by_place = {(site["file"], site["line"]): site for site in sites}
    for route in routes:
        for layer in route.get("cors", []) + route.get("cors_on_http_error", []) + route.get("preflight_cors", []):
            found: dict[str, Any] = {}
            for option, where in layer.get("config_sources", {}).items():
                place = by_place.get((where["file"], where["line"]), {}).get("defined_at", {}).get(config_key(option))
                if place is not None:
                    found[option] = place
            source = layer.get("source") or {}
            site = by_place.get((source.get("file"), source.get("line")), {})
            for option, place in site.get("defined_at", {}).items():
                if option not in layer.get("config_sources", {}) and split_resource_option_key(option) is None:
                    found.setdefault(option, place)
            for option in _resource_options(site, layer.get("resource")):  # written in the resources mapping
                found.setdefault(option, site["defined_at"]["resources"])
            for key, place in site.get("defined_at", {}).items():
                entry = split_resource_option_key(key)  # `{r"/api/.*": {"origins": API_ORIGINS}}`
                if entry is not None and entry[0] == layer.get("resource"):
                    found[entry[1]] = place
            if found:
                layer["defined_at"] = dict(sorted(found.items()))


def _resource_options(site: dict[str, Any], resource: Any) -> list[str]:
    """The options the layer's own entry of a ``resources=`` mapping sets, when that mapping is
    written elsewhere (``{r"/api/*": {"origins": "*"}}`` in a settings module)."""
    resources = site.get("options", {}).get("resources")
    if "resources" not in site.get("defined_at", {}) or not isinstance(resources, dict) or \
            not isinstance(resource, str):
        return []
    entry = resources.get(resource)
    return [option for option in entry if isinstance(option, str)] if isinstance(entry, dict) else []


def _analysis_notes_json(inventory: Inventory) -> dict[str, Any]:
    """``analysis_notes``: where the analysis bounds stopped following the code (left out when none)."""
    return {"analysis_notes": [note.as_json() for note in inventory.analysis_notes]} if inventory.analysis_notes \
        else {}


def _config_reads_json(inventory: Inventory) -> dict[str, Any]:
    """``config_reads``: where the project's own code reads CORS_* config keys (left out when none)."""
    reads = {(r.key, r.location.file, r.location.line, r.location.column): r.as_json() for r in inventory.config_reads}
    return {"config_reads": [reads[place] for place in sorted(reads)]} if reads else {}


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------- text
def _origins_text(options: dict[str, Any]) -> str:
    origins = options.get("origins")
    if isinstance(origins, Unknown):
        return f"unknown ({origins.reason})"
    if not isinstance(origins, list):
        return str(origins)
    parts = []
    for origin in origins:
        rendered = to_json(origin)
        parts.append(rendered if isinstance(rendered, str) else f"re.compile({rendered['regex']!r})")
    return ", ".join(parts)


def layer_summary(layer: Layer) -> str:
    options = layer.options
    where = f"{layer.source.file}:{layer.source.line}"
    bits = [f"{layer.kind}@{where}", f"origins: {_origins_text(options)}"]
    if options.get("supports_credentials") is True:
        bits.append("credentials")
    if options.get("allow_private_network") is True:
        bits.append("private-network")
    if layer.kind == "decorator" and not layer.preflight:
        bits.append("not on preflight")
    if layer.error:
        bits.append(layer.error)
    if layer.unknown:
        bits.append("partly unknown")
    if layer.condition:
        bits.append(f"if {layer.condition}")
    return " | ".join(bits)


def _methods_text(route: Route) -> str:
    return ",".join(m for m in route.methods if m not in ("HEAD", "OPTIONS")) or "-"


def _path_text(route: Route) -> str:
    if isinstance(route.path, Unlisted):
        return f"[not listed] {route.path.pattern}"
    if isinstance(route.path, Unknown):
        return unknown_path_label(to_json(route.path), route.endpoint)
    return str(to_json(route.path))


def _socket_endpoints(sites: list[Site]) -> list[str]:
    """The Socket.IO endpoints (Flask-SocketIO) the apps serve: not Flask routes, but reached
    with the same cookies (CORS036 judges who may connect)."""
    lines = []
    for site in sorted((s for s in sites if s.kind == "socketio"), key=lambda s: (s.location.file, s.location.line)):
        options = ", ".join(f"{key}={to_json(value)!r}" for key, value in sorted(site.options.items())) or "no options"
        lines.append(f"Socket.IO endpoint of {site.target} ({site.location.file}:{site.location.line}): {options}")
        lines += [f"  note: {note}" for note in site.notes]
    return lines + [""] if lines else []


def inventory_text(inventory: Inventory) -> str:
    lines: list[str] = []
    by_app: dict[str, list[Route]] = {}
    names: dict[str, str] = {}
    for route in inventory.routes:
        by_app.setdefault(route.app.id, []).append(route)
        names[route.app.id] = route.app.name or "app"
    for app_id in sorted(by_app):
        lines.append(f"app {names[app_id]} ({app_id})")
        routes = sorted(by_app[app_id], key=lambda r: (str(to_json(r.path)), str(to_json(r.endpoint))))
        width = max(len(_path_text(r)) for r in routes)
        method_width = max(len(_methods_text(r)) for r in routes)
        indent = " " * (width + method_width + 5)
        for route in routes:
            path = _path_text(route)
            head = f"  {path:<{width}}  {_methods_text(route):<{method_width}}"
            if not route.layers:
                lines.append(f"{head} no CORS")
            for index, layer in enumerate(route.layers):
                lines.append(f"{head if index == 0 else indent} {layer_summary(layer)}")
            if route.error:
                lines.append(f"{indent} ! {route.error}")
            for note in sorted(set(route.notes)):
                lines.append(f"{indent} note: {note}")
            if isinstance(route.path, Unlisted):
                lines.append(f"{indent} note: stands for the routes cors-lint could not list: {route.path.reason}")
        lines.append("")
    lines.extend(_socket_endpoints(inventory.sites))
    lines.append(f"flask-cors {inventory.version.text} modelled ({inventory.version.source})")
    lines.append(f"{plural(inventory.listed_route_count, 'route')} in {plural(len(by_app), 'app')}, "
                 f"{plural(len(inventory.sites), 'CORS site')}, {plural(inventory.files, 'file')}, "
                 f"{plural(len(inventory.errors), 'file')} not analysed")
    if inventory.tests_not_run:
        lines.append(f"{len(inventory.tests_not_run)} test files not run as entry points (--include-tests runs "
                     "them and the apps they build)")
    if inventory.scripts_not_run:
        lines.append(f"{len(inventory.scripts_not_run)} `__main__` scripts not run: nothing they import reaches an "
                     "app (listed in --format json)")
    for error in inventory.errors:
        lines.append(f"error: {error.file}: {error.message}")
    for skipped in inventory.skipped:
        lines.append(f"skipped: {skipped.file}: {skipped.message}")
    if inventory.sites_account is not None:
        lines.extend(inventory.sites_account.text())
    for note in inventory.analysis_notes:
        lines.append(f"note: {note.file}:{note.line}: {note.message}")
    return "\n".join(lines) + "\n"
