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
from dataclasses import dataclass, field, replace
from typing import Any

import libcst as cst

from cors_lint.core.values import Unknown, strip_env
from cors_lint.core.versions import FlaskCorsVersion
from cors_lint.engine.app.app_objects import (
    AppObj,
    BlueprintObj,
    ClassView,
    CrossOriginFactory,
    ErrorRouter,
    FrameworkView,
    LibraryDecorator,
    PrefixedRule,
    RouteDecl,
    next_seq,
)
from cors_lint.engine.app.resolve import (Layer, Route, decorator_options, effective_options, factory_layer,
                                          unique_layers)
from cors_lint.engine.app.routes import class_attr, class_cross_origins, truthy
from cors_lint.engine.models.flask_views import class_view
from cors_lint.engine.interpreter.objects import BoundMethod, ClassObj, FunctionObj, LibSymbol, Location
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


# ---------------------------------------------------------------------------- what answers a resource's requests
@dataclass(eq=False)
class ResourceView(FrameworkView):
    """A view class as the Api registers it: ``view`` (``cls.as_view(endpoint)``, the class's own
    ``decorators`` inside) wrapped by the framework's output function, then by ``decorators`` (the
    Api's, a namespace's; innermost first). Each request runs the method it dispatches to through
    the class's ``method_decorators``; errors of the view are answered by ``error_router``."""

    view: ClassView
    decorators: list[Any] = field(default_factory=list)
    error_router: ErrorRouter | None = None
    library: str = ""

    @property
    def inner(self) -> ClassView:
        return self.view

    @property
    def wrappers(self) -> list[Any]:
        return self.decorators

    def layers(self, app: AppObj, route: Route, methods: Any, provide: bool, chain: list[Layer],
               intercepting: list[Layer], version: FlaskCorsVersion) -> list[Layer]:
        """What answers a request: for OPTIONS requests Flask answers (when ``provide``), else the
        outermost ``cross_origin`` wrapper whose ``automatic_options`` is true; past those, the
        resource dispatches to its method through ``method_decorators`` (a ``cross_origin`` applied
        first to the bound method raises AttributeError, as it sets attributes on it), and the
        innermost ``cross_origin`` the request went through sets the headers."""
        has_options = isinstance(methods, list) and "OPTIONS" in methods
        verbs = sorted(set(methods) - {"HEAD", "OPTIONS"}) if isinstance(methods, list) else []
        verb = "GET" if "GET" in verbs else (verbs[0] if verbs else "GET")
        outcomes = {method: _resource_outcome(self, method, route) for method in verbs or [verb]}
        simple = outcomes[verb]
        differing = sorted(m for m, outcome in outcomes.items() if outcome is not simple and outcome != simple)
        if differing:
            route.notes.append(f"method_decorators differ by method: the layers are those of {verb} requests; "
                               f"{', '.join(differing)} requests are answered differently")
        preflight = "chain" if provide or not has_options else _resource_preflight(self, app, route, version)
        if simple == "error":
            route.error = ("requests other than preflights fail with 500: cross_origin in method_decorators is "
                           "applied to the bound method, on which it cannot set attributes (AttributeError)")
        _note_wrappers(self, route)
        return answered_layers(simple, preflight, app, route, chain, intercepting, version)


def answered_layers(simple: Any, preflight: Any, app: AppObj, route: Route, chain: list[Layer],
                    intercepting: list[Layer], version: FlaskCorsVersion) -> list[Layer]:
    """A framework view's layers from what answers its requests other than preflights
    (``simple``) and its preflights (``preflight``): a ``cross_origin``, "chain" (none: the
    ``after_request`` hooks) or "error" (the request fails). A request that fails (an HTTP error,
    a missing ``options()``, a ``cross_origin`` on a bound method) gets the error-path layers:
    the flask-cors exception wrappers that see it, then the ``after_request`` chain."""
    errors = unique_layers(intercepting + chain)
    if isinstance(simple, CrossOriginFactory):
        if preflight is simple:
            return [factory_layer(simple, app, True, route, version)]
        layers = [factory_layer(simple, app, False, route, version)]
        if isinstance(preflight, CrossOriginFactory):
            return layers + [factory_layer(preflight, app, True, route, version)]
        return layers + (errors if preflight == "error" else chain)
    if simple == "error":
        if preflight == "error":
            return errors
        # every request but a preflight fails: the exception wrappers come first, for them only
        _note_unshown_preflight(preflight, route)
        return [replace(layer, preflight=False) for layer in intercepting] + chain
    _note_unshown_preflight(preflight, route)
    return chain


def _note_unshown_preflight(preflight: Any, route: Route) -> None:
    """Preflights answered otherwise than the layers can say (rare combinations)."""
    if isinstance(preflight, CrossOriginFactory):
        route.notes.append(f"preflight requests are answered by the cross_origin at "
                           f"{preflight.site.location.file}:{preflight.site.location.line}")
    elif preflight == "error":
        route.notes.append("preflight requests fail with 500 (the view has no options()): they get the headers of "
                           "an error response")


def _resource_outcome(view: ResourceView, method: str, route: Route) -> Any:
    """What answers a non-OPTIONS request: the innermost ``cross_origin`` it goes through, "chain"
    (none: the after_request hooks), or "error" (the request fails)."""
    cls, mro = view.view.cls, view.view.mro
    method_decorators = _method_decorators(cls, mro, method, route)
    if method_decorators == "error":
        return "error"
    passed = _outer_cross_origins(view) + [d for d in reversed(method_decorators) if isinstance(d, CrossOriginFactory)]
    return passed[-1] if passed else "chain"


def _resource_preflight(view: ResourceView, app: AppObj, route: Route, version: FlaskCorsVersion) -> Any:
    """What answers an OPTIONS request that Flask sends to the view."""
    passed = []
    for factory in _outer_cross_origins(view):
        automatic = effective_options(decorator_options(factory, app)[0], version)[0].get("automatic_options")
        if automatic is not False:  # true (or unknown: taken as the default, and shown as unknown)
            return factory
        passed.append(factory)
    cls, mro = view.view.cls, view.view.mro
    if not isinstance(class_attr(cls, "options", mro), FunctionObj):
        return "error"  # dispatch_request asserts the method exists: 500
    method_decorators = _method_decorators(cls, mro, "OPTIONS", route)
    if method_decorators == "error":
        return "error"
    passed += [d for d in reversed(method_decorators) if isinstance(d, CrossOriginFactory)]
    return passed[-1] if passed else "chain"


def _outer_cross_origins(view: ResourceView) -> list[CrossOriginFactory]:
    """The ``cross_origin`` wrappers outside the dispatch, outermost first: the framework's
    (the last applied is outermost), then the class's ``decorators``."""
    outer = [d for d in reversed(view.decorators) if isinstance(d, CrossOriginFactory)]
    return outer + list(reversed(class_cross_origins(view.view.cls, view.view.mro)))


def _method_decorators(cls: Any, mro: Any, method: str, route: Route) -> Any:
    """The ``method_decorators`` that wrap the method of a request (innermost first), or "error"
    when applying them raises (``cross_origin`` sets attributes on what it decorates: on the bound
    method itself that is an AttributeError, unless ``automatic_options=False``)."""
    found = class_attr(cls, "method_decorators", mro) if isinstance(cls, ClassObj) else None
    found = strip_env(found)
    if isinstance(found, dict):
        found = strip_env(found.get(method.lower(), []))
    if found is None:
        return []
    if not isinstance(found, (list, tuple)):
        route.notes.append("method_decorators cannot be known statically")
        return []
    decorators = [strip_env(d) for d in found]
    first = decorators[0] if decorators else None
    if isinstance(first, CrossOriginFactory) and truthy(first.kwargs.get("automatic_options", True)) is not False:
        return "error"
    return decorators


def _note_wrappers(view: ResourceView, route: Route) -> None:
    cls, mro = view.view.cls, view.view.mro
    method_decorators = strip_env(class_attr(cls, "method_decorators", mro)) if isinstance(cls, ClassObj) else None
    if isinstance(method_decorators, dict):
        method_decorators = [d for ds in method_decorators.values() if isinstance(ds, (list, tuple)) for d in ds]
    others = [d for d in list(view.decorators) + list(method_decorators or []) if not isinstance(d, CrossOriginFactory)]
    if others:
        route.notes.append("view is wrapped by decorators cors-lint does not model: "
                           + ", ".join(sorted({_decorator_label(d) for d in others})))


def _decorator_label(value: Any) -> str:
    value = strip_env(value)
    if isinstance(value, (FunctionObj, ClassObj)):
        return value.name
    if isinstance(value, LibSymbol):
        return value.qualname
    if isinstance(value, BoundMethod):
        return f".{value.name}"
    if isinstance(value, Unknown):
        return f"<{value.reason}>"
    return f"<{type(value).__name__}>"
