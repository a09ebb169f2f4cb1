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
from cors_lint.core.values import Unknown, strip_env, unwrap
from cors_lint.engine.interpreter.objects import ClassObj, FunctionObj, Location

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
    # where an option's (or a config key's) value is written, when that is not the site itself:
    # the `CORS_ORIGINS = [...]` line of the settings module a config site loads, the constant an
    # `origins=ALLOWED` argument names (filled in after the run: see execution.locate_values)
    defined_at: dict[str, Location] = field(default_factory=dict)
    # where a value written there by naming others comes from, step by step: for
    # `CORS_ORIGINS = ORIGINS`, the `ORIGINS = [...]` line of the module it is imported from
    # (key -> (the name as written, where it is set); see execution.follow_references)
    defined_via: dict[str, list[tuple[str, Location]]] = field(default_factory=dict)


@dataclass
class ConfigState:
    """``app.config``: the CORS_* keys known so far, and what else may have written to it."""

    values: dict[str, tuple[Any, Site | None]] = field(default_factory=dict)
    unknown_sources: list[str] = field(default_factory=list)
    # where each key's value was written: the class or module ``from_object`` loaded it from, or
    # the place of the call that set it (see models.flask_config.config_set)
    origins: dict[str, Any] = field(default_factory=dict)

    def snapshot(self) -> ConfigState:
        return ConfigState(dict(self.values), list(self.unknown_sources), dict(self.origins))

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
    # app.config["PROVIDE_AUTOMATIC_OPTIONS"] when an app route was added (a 1-tuple)
    automatic_options: tuple[Any] | None = None


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
    # config classes that are the code's default for environment variables (class -> variables):
    # a deployment that sets them loads another class
    config_chosen_by: dict[str, list[str]] = field(default_factory=dict)
    # why some of the app's routes cannot be listed (an extension cors-lint does not model, an app
    # object it cannot see), and where
    unlisted: list[tuple[str, Location]] = field(default_factory=list)
    factory: str | None = None  # the function (or Class.method) that builds it; None: module level


@dataclass(eq=False)
class BlueprintObj:
    name: Any
    location: Location
    url_prefix: Any = None
    static_url_path: Any = None
    routes: list[RouteDecl] = field(default_factory=list)
    hooks: list[Any] = field(default_factory=list)
    children: list[tuple[Any, dict[str, Any], Location]] = field(default_factory=list)
    # what extensions recorded with ``Blueprint.record``, run when the blueprint (or a parent) is
    # registered on an app: (library, callback(app, call)); each library's model runs its own
    deferred: list[tuple[str, Any]] = field(default_factory=list)
    unlisted: list[tuple[str, Location]] = field(default_factory=list)  # as AppObj.unlisted


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
    # the class's MRO when as_view ran: project classes, and the library classes' known attributes
    # (``models.flask_views.linearize``); None: look through the project classes only
    mro: list[Any] | None = None


@dataclass(eq=False)
class LibraryDecorator:
    """What a library's decorator factory returns (``@blp.route(...)``, ``@app.input(...)``):
    ``apply(engine, value, node, frame)`` does what the library does to the decorated value and
    returns what the name is bound to."""

    apply: Any
    name: str = ""


@dataclass(eq=False)
class ErrorRouter:
    """An extension's error router, patched over ``app.handle_exception`` / ``handle_user_exception``
    (Flask-RESTful's and Flask-RESTX's ``Api``): it answers the errors of its own endpoints itself
    and passes the others on. ``installed`` maps each app (by id) to the statement clock when it
    was patched in: flask-cors's exception wrappers installed before it never see those errors."""

    library: str
    installed: dict[int, int] = field(default_factory=dict)


class FrameworkView:
    """A view an extension registers and answers through its own machinery (a Flask-RESTful /
    RESTX resource, Flask-RESTX's API root): its model says which CORS layers each request meets.

    ``inner``: the class view it dispatches to (whose methods answer, and whose attributes the
    extension's ``wrappers`` copy), or None (then ``name`` is its name); ``error_router``: the
    extension's handler that answers the view's errors before the app's, or None."""

    name: Any
    inner: ClassView | None
    wrappers: list[Any]
    error_router: ErrorRouter | None

    def layers(self, app: AppObj, route: Any, methods: Any, provide: bool, chain: list[Any],
               intercepting: list[Any], version: Any) -> list[Any]:
        """The route's layers (``engine.app.resolve.Layer``): ``methods`` and ``provide`` as Flask
        registered the rule, ``chain`` the ``after_request`` layers in the order they run,
        ``intercepting`` the flask-cors exception wrappers that see the view's errors."""
        raise NotImplementedError


@dataclass(eq=False)
class PrefixedRule:
    """A rule an extension completes when its blueprint is registered (Flask-RESTful and
    Flask-RESTX patch ``BlueprintSetupState.add_url_rule``): ``build(url_prefix)`` gives the path
    (parts concatenated as they are), and the endpoint is named after the blueprint object's own
    name, not the name it is registered under nor its parents'."""

    build: Any  # Callable[[str | None], Any]
    text: str = ""  # the rule as written, for messages


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
    if isinstance(view, FrameworkView):
        return view_name(view.inner) if view.inner is not None else view.name
    return None


def view_attributes(view: Any) -> dict[str, Any]:
    """The function attributes Flask reads in add_url_rule (mutable for plain functions)."""
    if isinstance(view, FunctionObj):
        return view.attrs
    if isinstance(view, CrossOriginView):
        return view.attrs
    return {}


# ---------------------------------------------------------------------------- view classes
# a class fact a model states in its ``class_attributes`` (never an attribute Python code reads): the class
# dispatches each request to the method named after its HTTP method (Flask's MethodView)
DISPATCHES_BY_METHOD = "__dispatches_by_method__"
MISSING = object()  # an attribute no class in the MRO defines


@dataclass(eq=False)
class LibraryClass:
    """A library class in a view class's MRO: what it defines (the registry's ``class_attributes``),
    or None when no model says."""

    qualname: str
    attributes: dict[str, Any] | None


def lookup(mro: list[Any], name: str) -> Any:
    """``getattr(cls, name)`` along an MRO (``ClassObj`` and ``LibraryClass`` entries): the value,
    ``MISSING``, or Unknown when a class on the way is one cors-lint cannot see."""
    for klass in mro:
        if isinstance(klass, ClassObj):
            if name in klass.namespace:
                return unwrap(klass.namespace[name])
        elif klass.attributes is None:
            return Unknown(f"{name} may come from {klass.qualname.strip('<>')}, which cors-lint does not model")
        elif name in klass.attributes and name != "__bases__":
            return klass.attributes[name]
    return MISSING


def class_lookup(cls: ClassObj, name: str, mro: list[Any] | None = None) -> Any:
    """``getattr(cls, name)``: along ``mro`` when known (``ClassView.mro``), else through the
    project classes only (library bases taken to define nothing)."""
    return lookup(mro if mro is not None else project_mro(cls), name)


def project_mro(cls: ClassObj) -> list[ClassObj]:
    """A class and its project bases, nearest first (library bases left out)."""
    mro: list[ClassObj] = []
    pending: list[Any] = [cls]
    while pending:
        klass = strip_env(pending.pop(0))
        if isinstance(klass, ClassObj) and klass not in mro:
            mro.append(klass)
            pending.extend(klass.bases)
    return mro


def is_method_view(mro: list[Any]) -> bool:
    return any(isinstance(k, LibraryClass) and (k.attributes or {}).get(DISPATCHES_BY_METHOD) is True for k in mro)


@dataclass(eq=False)
class ConfigDecoratedView:
    """A view that wraps itself, on each request, in the decorators listed in ``app.config[key]``
    (APIFlask's spec and docs views: ``SPEC_DECORATORS``...): Flask sees a plain function (no
    ``required_methods``), and the decorators are the config's when the app serves."""

    name: str
    key: str
