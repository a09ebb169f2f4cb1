"""What Flask and flask-cors create at import time: apps, blueprints, their config, CORS hooks,
route declarations and views, and the sites in the source that configure CORS.

The library models (``engine.models``) build them while the interpreter runs; route
resolution reads them afterwards (routes and layers are derived from them).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from cors_lint.core.semantics import CONFIG_KEYS
from cors_lint.core.values import strip_env
from cors_lint.engine.objects import ClassObj, FunctionObj, Location

_sequence = itertools.count()


def next_seq() -> int:
    """A global statement clock: lets 'config set after CORS(app)' be decided by order."""
    return next(_sequence)


@dataclass
class Site:
    """A place in the source that configures CORS (the inventory's ``sites``)."""

    kind: str  # extension | init_app | decorator | config | manual-header
    location: Location
    target: str
    options: dict[str, Any]
    env: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    condition: str | None = None
    seq: int = field(default_factory=next_seq)


@dataclass
class ConfigState:
    """``app.config``: the CORS_* keys known so far, and what else may have written to it."""

    values: dict[str, tuple[Any, Site | None]] = field(default_factory=dict)
    unknown_sources: list[str] = field(default_factory=list)

    def snapshot(self) -> ConfigState:
        return ConfigState(dict(self.values), list(self.unknown_sources))

    def cors_options(self) -> tuple[dict[str, Any], dict[str, Location]]:
        """flask_cors.core.get_app_kwarg_dict: the CORS_* keys whose value is not None, by
        option name, and where each was set."""
        options: dict[str, Any] = {}
        sources: dict[str, Location] = {}
        for key, (value, site) in self.values.items():
            name = CONFIG_KEYS.get(key)
            if name is not None and strip_env(value) is not None:
                options[name] = value
                if site is not None:
                    sources[name] = site.location
        return options, sources


@dataclass
class CorsHook:
    """One ``after_request`` hook registered by ``CORS(...)`` / ``init_app(...)``."""

    site: Site
    options: dict[str, Any]  # defaults < config snapshot < ctor kwargs < init_app kwargs
    env: dict[str, list[str]]
    config: ConfigState | None  # None for blueprints (they have no config)
    seq: int = field(default_factory=next_seq)
    config_sources: dict[str, Location] = field(default_factory=dict)  # options taken from app.config


@dataclass
class ManualHook:
    """A user ``after_request`` function (it may write CORS headers itself)."""

    function: Any
    location: Location
    seq: int = field(default_factory=next_seq)


@dataclass
class RouteDecl:
    rule: Any
    endpoint: Any
    view: Any
    methods: Any
    provide_automatic_options: Any
    location: Location
    condition: str | None = None
    view_attrs: dict[str, Any] | None = None  # the view's attributes when an app route was added


@dataclass(eq=False)
class AppObj:
    id: str
    name: str
    location: Location
    config: ConfigState = field(default_factory=ConfigState)
    hooks: list[Any] = field(default_factory=list)
    routes: list[RouteDecl] = field(default_factory=list)
    blueprints: list[tuple[Any, dict[str, Any], Location]] = field(default_factory=list)
    static_url_path: Any = "/static"
    extra_config: dict[str, Any] = field(default_factory=dict)
    config_classes: list[str] = field(default_factory=list)  # names given to app.config.from_object


@dataclass(eq=False)
class BlueprintObj:
    name: Any
    location: Location
    url_prefix: Any = None
    static_url_path: Any = None
    routes: list[RouteDecl] = field(default_factory=list)
    hooks: list[Any] = field(default_factory=list)
    children: list[tuple[Any, dict[str, Any], Location]] = field(default_factory=list)


@dataclass(eq=False)
class CorsObj:
    """An instance of ``flask_cors.CORS``; ``init_app`` may be called on it later."""

    ctor_kwargs: dict[str, Any]
    location: Location


@dataclass(eq=False)
class CrossOriginFactory:
    """The result of ``cross_origin(...)``: a decorator waiting for its view."""

    site: Site
    kwargs: dict[str, Any]


@dataclass(eq=False)
class CrossOriginView:
    """A view wrapped by ``@cross_origin(...)`` (``update_wrapper`` keeps the name)."""

    inner: Any
    factory: CrossOriginFactory
    registered_before: bool  # the decorator sat above @route: no effect on the route
    attrs: dict[str, Any] = field(default_factory=dict)  # copied from the inner view by update_wrapper


@dataclass(eq=False)
class BrokenView:
    """A view that fails on every request (e.g. ``@cross_origin`` without parentheses)."""

    name: str
    reason: str
    inner: Any = None


@dataclass(eq=False)
class ClassView:
    """``SomeView.as_view("name")``."""

    cls: ClassObj
    name: Any


@dataclass(eq=False)
class ConfigHolder:
    """A standalone ``flask.Config(...)`` (merged into an app later with ``update``)."""

    name: str = "config"
    config: ConfigState = field(default_factory=ConfigState)


@dataclass(eq=False)
class ConfigObj:
    app: Any  # AppObj or ConfigHolder


@dataclass(eq=False)
class RouteDecorator:
    """``app.route(...)`` / ``bp.get(...)``, waiting for its view."""

    owner: Any
    rule: Any
    options: dict[str, Any]
    methods: Any
    location: Location


def view_name(view: Any) -> str | None:
    """``view.__name__`` as Flask sees it (the default endpoint), when it is known."""
    if isinstance(view, (FunctionObj, BrokenView, ClassObj)):
        return view.name
    if isinstance(view, CrossOriginView):
        return view_name(view.inner)  # update_wrapper keeps the name
    if isinstance(view, ClassView):
        return view.name if isinstance(view.name, str) else None
    return None


def view_attributes(view: Any) -> dict[str, Any]:
    """The function attributes Flask reads in add_url_rule (mutable for plain functions)."""
    if isinstance(view, FunctionObj):
        return view.attrs
    if isinstance(view, CrossOriginView):
        return view.attrs
    return {}
