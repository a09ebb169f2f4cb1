"""What a rule sees: the inventory document as small frozen types.

The document (``engine.inventory.inventory_json``) stays the contract that is cached, printed by
``inventory`` and read by the policy's custom rules; rules read these types, built from it once
per environment (``Inventory.of``). Option values, paths and endpoints stay as the document
writes them (a string, a list, ``{"regex": ...}``, ``{"unknown": ...}``): what a value means is
each rule's business. Optional fields the document leaves out read as empty (or None).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from cors_lint.core.guards import Guard
from cors_lint.core.route_order import unknown_path_label


@dataclass(frozen=True)
class Place:
    """Where something is written in the project."""

    file: str
    line: int
    column: int = 0

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Place:
        return cls(data["file"], data["line"], data.get("column", 0))


def _places(data: Any) -> dict[str, Place]:
    return {key: Place.of(where) for key, where in data.items()} if isinstance(data, dict) else {}


def _steps(data: Any) -> dict[str, tuple[tuple[str, Place], ...]]:
    """``defined_via``: option -> the (name, place) steps its value is written through."""
    if not isinstance(data, dict):
        return {}
    return {key: tuple((step.get("name", ""), Place.of(step)) for step in steps if isinstance(step, dict))
            for key, steps in data.items() if isinstance(steps, list)}


def _mapping(data: Any) -> Mapping[str, Any]:
    return data if isinstance(data, dict) else {}


def _list(data: Any) -> list[Any]:
    return data if isinstance(data, list) else []


def _place(data: Any) -> Place | None:
    return Place.of(data) if isinstance(data, dict) else None


@dataclass(frozen=True, eq=False)
class Site:
    """A place in the code that configures CORS (``kind``: extension, decorator, config, manual-header,
    socketio, ...), with the options it passes as written."""

    kind: str
    file: str
    line: int
    column: int
    target: Any
    options: Mapping[str, Any]
    condition: str | None = None
    notes: tuple[str, ...] = ()
    env: Mapping[str, Any] = field(default_factory=dict)  # option -> the environment variables it reads
    defined_at: Mapping[str, Place] = field(default_factory=dict)  # option -> where its value is written
    guards: tuple[Guard, ...] = ()  # manual headers: what restricts a copied Origin
    otherwise: tuple[Any, ...] = ()  # manual headers: the values written when the guards fail
    other_headers: Any = None  # manual headers: Vary / Cache-Control written in the same function
    after_cors_init: Place | None = None  # config sites: the CORS(app) call this setting comes after
    replaced_by: Place | None = None  # Socket.IO: the init_app that replaced this server
    # option -> the places a value written by naming another comes from ((name, where) each)
    defined_via: Mapping[str, tuple[tuple[str, Place], ...]] = field(default_factory=dict)

    @property
    def place(self) -> tuple[str, int]:
        return self.file, self.line

    @property
    def header(self) -> str:
        """A hand-written header's name, lower-cased (HTTP header names are case-insensitive)."""
        return str(self.options.get("header", "")).lower()

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Site:
        guards = data.get("guards") or ()
        return cls(data["kind"], data["file"], data["line"], data.get("column", 0), data.get("target"),
                   _mapping(data.get("options")), data.get("condition"), tuple(_list(data.get("notes"))),
                   data.get("env") or {}, _places(data.get("defined_at")),
                   tuple(Guard.from_json(g) for g in guards if isinstance(g, dict)) if isinstance(guards, list) else (),
                   tuple(_list(data.get("otherwise"))), data.get("other_headers"),
                   _place(data.get("after_cors_init")), _place(data.get("replaced_by")),
                   _steps(data.get("defined_via")))


@dataclass(frozen=True, eq=False)
class Layer:
    """One CORS setup a route's responses go through (``engine.app.resolve.Layer``): a
    ``cross_origin`` (``kind`` "decorator") or a ``CORS(app)``/blueprint hook ("extension"), with the
    options flask-cors resolves for the route."""

    kind: str
    source: Place  # the CORS call
    terminal: bool
    preflight: bool
    options: Mapping[str, Any]
    scope: str | None = None  # extension: "app" or the blueprint's name
    resource: Any = None  # extension: the resource pattern that matched (None: none recorded)
    config_sources: Mapping[str, Place] = field(default_factory=dict)  # option -> the config loading it
    defined_at: Mapping[str, Place] = field(default_factory=dict)  # option -> where its value is written
    env: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None  # flask-cors raises with these options
    note: str | None = None
    unknown: tuple[str, ...] = ()  # what cannot be known of its options
    condition: str | None = None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Layer:
        source = data["source"]
        return cls(source.get("kind", ""), Place.of(source), bool(data.get("terminal")), bool(data.get("preflight")),
                   _mapping(data.get("options")), data.get("scope"), data.get("resource"),
                   _places(data.get("config_sources")), _places(data.get("defined_at")), data.get("env") or {},
                   data.get("error"), data.get("note"), tuple(data.get("unknown") or ()), data.get("condition"))


@dataclass(frozen=True)
class ManualHeader:
    """An ``Access-Control-*`` header written by hand that reaches a route: where, which header,
    and how (``via``: "view", "view, through helper()", an after_request hook...)."""

    file: str
    line: int
    header: Any
    via: str

    @property
    def place(self) -> tuple[str, int]:
        return self.file, self.line


@dataclass(frozen=True, eq=False)
class Route:
    """A route of an app's url_map (or the stand-in for routes cors-lint could not list), with the
    CORS layers its responses go through, in the order flask-cors evaluates them."""

    app: str
    path: Any
    endpoint: Any
    methods: tuple[str, ...]
    file: str
    line: int
    cors: tuple[Layer, ...]
    cors_on_http_error: tuple[Layer, ...] | None = None  # None: the same as ``cors``
    preflight_cors: tuple[Layer, ...] | None = None  # None: the same as ``cors``
    manual_headers: tuple[ManualHeader, ...] = ()
    blueprint: str | None = None
    error: str | None = None
    notes: tuple[str, ...] = ()
    condition: str | None = None

    @property
    def label(self) -> str:
        """How findings name the route."""
        return path_label(self.path, self.endpoint)

    @property
    def listed(self) -> bool:
        """A route of the app's url_map (not the stand-in for routes cors-lint could not list)."""
        return not is_unlisted(self.path)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Route:
        def layers(key: str) -> tuple[Layer, ...] | None:
            return tuple(Layer.of(layer) for layer in data[key]) if isinstance(data.get(key), list) else None

        manual = tuple(ManualHeader(m["file"], m["line"], m.get("header"), str(m.get("via", "")))
                       for m in data.get("manual_headers") or () if isinstance(m, dict))
        return cls(data.get("app", ""), data["path"], data.get("endpoint"), tuple(data.get("methods") or ()),
                   data["file"], data["line"], layers("cors") or (), layers("cors_on_http_error"),
                   layers("preflight_cors"), manual, data.get("blueprint"), data.get("error"),
                   tuple(_list(data.get("notes"))), data.get("condition"))


@dataclass(frozen=True, eq=False)
class Inventory:
    """One environment's inventory, typed: its routes and sites, the flask-cors version modelled and
    the reads of ``app.config["CORS_*"]`` (as the document writes them)."""

    routes: tuple[Route, ...]
    sites: tuple[Site, ...]
    flask_cors: Mapping[str, Any]
    config_reads: tuple[Mapping[str, Any], ...]

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> Inventory:
        return cls(tuple(Route.of(route) for route in document.get("routes", ())),
                   tuple(Site.of(site) for site in document.get("sites", ())),
                   _mapping(document.get("flask_cors")), tuple(_list(document.get("config_reads"))))


def is_unlisted(path: Any) -> bool:
    return isinstance(path, dict) and "unlisted" in path


def path_label(path: Any, endpoint: Any = None) -> str:
    """How findings name a route, from its path (and endpoint) as the document writes them."""
    if is_unlisted(path):
        return f"routes matching `{path['unlisted']}` that cors-lint could not list ({path['reason']})"
    return path if isinstance(path, str) else unknown_path_label(path, endpoint)
