"""What Flask-RESTful and Flask-RESTX (and Flask-RESTPlus, its former name) share: an ``Api``
that registers view classes (``Resource``) on an app or a blueprint.

Both build each view as ``output(cls.as_view(endpoint))`` wrapped by the Api's ``decorators``
(``ResourceView``), patch their error router over the app's error handlers when they are
initialised on an app (``ErrorRouter``), and, on a blueprint, record a deferred init that runs
when the blueprint is registered: it patches the setup state's ``add_url_rule`` so that the
rules they add are completed by plain string concatenation (``PrefixedRule``). Which of these
paths a resource takes depends on when it is added (before or after ``init_app``, before or
after the blueprint is registered): the models follow the libraries' own state machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from cors_lint.core.values import Unknown, strip_env
from cors_lint.engine.app.app_objects import (
    AppObj,
    BlueprintObj,
    ClassView,
    CrossOriginFactory,
    ErrorRouter,
    LibraryDecorator,
    PrefixedRule,
    ResourceView,
    RouteDecl,
    next_seq,
)
from cors_lint.engine.models.flask_views import class_view
from cors_lint.engine.interpreter.objects import ClassObj, Location
from cors_lint.engine.interpreter.registry import Call

# What a library's ``Resource`` defines that a project subclass inherits (the registry's
# ``class_attributes``): a MethodView with ``method_decorators`` and ``representations``.
LIBRARY_METHOD = Unknown("a method the library class defines")
RESOURCE_ATTRIBUTES = {"__bases__": ("flask.views.MethodView",), "representations": None, "method_decorators": [],
                       "dispatch_request": LIBRARY_METHOD}
METHOD_DECORATORS_NOTE = "method_decorators=[...] of a Resource class"


@dataclass
class PendingResource:
    """One ``add_resource`` call, kept until the Api can register it (``Api.resources``)."""

    resource: Any
    urls: tuple[Any, ...]
    kwargs: dict[str, Any]
    location: Location
    conditions: tuple[str, ...]
    namespace: Any = None  # Flask-RESTX


@dataclass(eq=False)
class RestApi:
    """A Flask-RESTful / Flask-RESTX ``Api``: the state its registration methods depend on."""

    library: str  # the module it comes from: flask_restful, flask_restx, flask_restplus
    location: Location
    name: str = ""
    prefix: Any = ""
    decorators: list[Any] = field(default_factory=list)
    app: Any = None  # ``Api.app``
    blueprint: BlueprintObj | None = None  # ``Api.blueprint``: initialised on a blueprint
    registered: bool = False  # ``Api.blueprint_setup`` is set: that blueprint was registered
    pending: list[PendingResource] = field(default_factory=list)  # ``Api.resources``
    endpoints: set[str] = field(default_factory=set)
    router: ErrorRouter = field(default_factory=lambda: ErrorRouter(""))
    conditions: tuple[str, ...] = ()


def resource_decorator(register: Callable[[Any, Any, Any], None], name: str) -> LibraryDecorator:
    """``@api.resource(...)`` / ``@ns.route(...)``: ``register(engine, cls, frame)`` adds the class
    it decorates, and the class itself is returned."""
    def apply(engine, value: Any, node, frame) -> Any:
        register(engine, value, frame)
        return value
    return LibraryDecorator(apply, name)


def api_blueprint(engine, api: RestApi) -> Any:
    """``api.blueprint``: the blueprint the Api was initialised on (None on an app), as both
    libraries keep it (cellxgene registers ``base_resources.blueprint``)."""
    return api.blueprint


def name_api(api: RestApi, name: str) -> None:
    if not api.name:
        api.name = name


# ---------------------------------------------------------------------------- arguments
def bind(call: Call, parameters: tuple[str, ...]) -> dict[str, Any]:
    """The call's arguments by parameter name (positional ones first)."""
    bound = dict(zip(parameters, call.args))
    bound.update({k: v for k, v in call.kwargs.items() if k in parameters})
    return bound


def api_decorators(value: Any, what: str) -> list[Any]:
    """``self.decorators = decorators if decorators else []``."""
    plain = strip_env(value)
    if isinstance(plain, Unknown):
        return [Unknown(f"{what} cannot be known statically ({plain.reason})")]
    if not plain:
        return []
    if isinstance(plain, (list, tuple)):
        return list(plain)
    return [Unknown(f"{what} is not a list")]


def name_decorator_sites(decorators: list[Any], target: str, note: str) -> None:
    for item in decorators:
        if isinstance(item, CrossOriginFactory):
            item.site.target = target
            if note not in item.site.notes:
                item.site.notes.append(note)


def overridden_init(call: Call, library_class: str) -> str | None:
    """The project subclass whose ``__init__`` replaces the library's, when the call builds one:
    what the library's constructor receives is then unknown."""
    func = call.node.func if isinstance(call.node, cst.Call) else None
    if not isinstance(func, (cst.Name, cst.Attribute)):
        return None
    with call.engine.peek():
        value = strip_env(call.engine.eval(func, call.frame))
    if not isinstance(value, ClassObj):
        return None
    for klass in call.engine.mro(value):
        if "__init__" in klass.namespace:
            return f"{klass.name}.__init__ replaces {library_class}.__init__: the arguments it passes on cannot be known"
    return None


def conditions_of(*groups: tuple[str, ...]) -> tuple[str, ...]:
    seen: list[str] = []
    for group in groups:
        seen.extend(c for c in group if c not in seen)
    return tuple(seen)


# ---------------------------------------------------------------------------- rules and views
def concat(parts: list[Any]) -> Any:
    """``"".join(part for part in parts if part)``, on values that may be unknown. Behind an unknown
    part (an API prefix), the rule's known end is kept as the unknown value's ``suffix``."""
    out: list[str] = []
    unknown: Unknown | None = None
    for part in parts:
        plain = strip_env(part)
        if isinstance(plain, Unknown):
            unknown, out = plain, [plain.suffix or ""]
            continue
        if not plain:
            continue
        if not isinstance(plain, str):
            return Unknown("route rule cannot be known statically (a part is not a string)")
        out.append(plain)
    if unknown is not None:
        return Unknown(f"route rule cannot be known statically ({unknown.reason})", "".join(out) or None)
    return "".join(out)


def resource_name(resource: Any) -> Any:
    plain = strip_env(resource)
    if isinstance(plain, ClassObj):
        return plain.name
    return Unknown("the resource class cannot be known statically")


def make_view(engine, api: RestApi, resource: Any, endpoint: Any, decorators: list[Any]) -> ResourceView:
    plain = strip_env(resource)
    if isinstance(plain, ClassObj):
        inner = class_view(engine, plain, endpoint)
    else:
        inner = ClassView(plain, endpoint)
    return ResourceView(inner, list(decorators), api.router, api.library)


def add_rules(api: RestApi, target: Any, view: ResourceView, urls: tuple[Any, ...], endpoint: Any,
              kwargs: dict[str, Any], location: Location, conditions: tuple[str, ...],
              complete: Callable[[Any, Any], Any]) -> None:
    """``_register_view``'s loop over the urls. ``complete(url, registration_prefix)`` is the
    library's ``_complete_url``."""
    methods = strip_env(kwargs.get("methods"))
    if methods is None and not isinstance(view.view.cls, ClassObj):
        methods = Unknown("the methods of a resource class that cannot be known statically")
    provide = strip_env(kwargs.get("provide_automatic_options"))
    condition = " and ".join(conditions) or None
    for url in urls:
        owner = target
        if api.blueprint is not None:
            owner = api.blueprint
            if api.registered:  # blueprint_setup.add_url_rule(url): the setup state's prefix + url
                rule: Any = PrefixedRule(lambda prefix, url=url: concat([prefix, url]), str(url))
            else:  # a callable rule the patched setup state calls with its prefix
                rule = PrefixedRule(lambda prefix, url=url: complete(url, prefix), str(url))
        else:
            rule = complete(url, "")
        if not isinstance(owner, (AppObj, BlueprintObj)):
            continue
        owner.routes.append(RouteDecl(rule=rule, endpoint=endpoint, view=view, methods=methods,
                                      provide_automatic_options=provide, location=location, condition=condition))


def install_router(api: RestApi, app: AppObj) -> None:
    """``app.handle_exception = partial(self.error_router, app.handle_exception)`` (and
    ``handle_user_exception``): from now on the Api answers its endpoints' errors first."""
    api.router.library = api.library
    api.router.installed[id(app)] = next_seq()


def record_deferred_init(library: str, blueprint: BlueprintObj, init: Callable[[AppObj, Call], None]) -> None:
    """``blueprint.record(self._deferred_blueprint_init)``. When the blueprint is registered, that
    function patches the registration's setup state, through which the rules the blueprint
    recorded after it are then added too (Flask routes included): each is its registration
    prefix + the rule as written, and its endpoint takes the blueprint object's own name."""
    start = len(blueprint.routes)

    def deferred(app: AppObj, call: Call) -> None:
        for decl in blueprint.routes[start:]:
            if not isinstance(decl.rule, PrefixedRule):
                decl.rule = PrefixedRule(lambda prefix, rule=decl.rule: concat([prefix, rule]), str(decl.rule))
        init(app, call)
    blueprint.deferred.append((library, deferred))


def run_deferred(library: tuple[str, ...], app: AppObj, call: Call) -> None:
    """``app.register_blueprint(bp)`` just ran: the functions the library recorded on the blueprint
    and on the blueprints nested in it run now, as Flask runs them (parent first)."""
    if not app.blueprints:
        return
    blueprint = strip_env(app.blueprints[-1][0])
    pending: list[Any] = [blueprint]
    seen: set[int] = set()
    while pending:
        bp = pending.pop(0)
        if not isinstance(bp, BlueprintObj) or id(bp) in seen:
            continue
        seen.add(id(bp))
        for owner, callback in list(bp.deferred):
            if owner in library:
                callback(app, call)
        pending.extend(strip_env(child) for child, _options, _location in bp.children)


def name_method_decorators(engine, cls: ClassObj) -> None:
    """Name the ``cross_origin`` sites in a Resource class's ``method_decorators`` after the class."""
    found = strip_env(cls.namespace.get("method_decorators"))
    items = found.values() if isinstance(found, dict) else [found]
    for group in items:
        group = strip_env(group)
        if isinstance(group, (list, tuple)):
            name_decorator_sites([strip_env(d) for d in group], cls.name, METHOD_DECORATORS_NOTE)
