"""Per-route resolution: which CORS layers flask-cors evaluates for each route, in order.

For each route of each app: a ``@cross_origin`` view is answered by the decorator alone
(terminal), except on OPTIONS requests that Flask answers itself; otherwise the
``after_request`` hooks run, blueprint hooks (innermost blueprint first) before app hooks,
each scope in reverse registration order, and a later hook only acts when no earlier one
sent ``Access-Control-Allow-Origin``. Each hook applies the first resource that matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cors_lint.core.conditions import conjoin
from cors_lint.core.semantics import (
    AFTER_CORS_HOOK,
    BOOLEAN_OPTIONS,
    DEFAULT_OPTIONS,
    LAYER_OPTIONS,
    compile_pattern,
    ensure_list,
    invalid_regexes,
    is_wildcard,
    match_path,
    parse_resources,
    probably_regex,
)
from cors_lint.core.url_rules import sample_path
from cors_lint.core.values import Provenance, Regex, TimeDelta, Unknown, Unlisted, contains_unknown, strip_env, unwrap
from cors_lint.core.versions import DEFAULT, FlaskCorsVersion
from cors_lint.engine.app.app_objects import (
    AppObj,
    BlueprintObj,
    BrokenView,
    ClassView,
    ConfigDecoratedView,
    CorsHook,
    CrossOriginFactory,
    CrossOriginView,
    FrameworkView,
    ManualHook,
    Site,
    is_method_view,
    project_mro,
)
from cors_lint.engine.interpreter.objects import ClassObj, FunctionObj, LibSymbol, Location
from cors_lint.engine.app.routes import (
    RegisteredRule,
    class_attr,
    class_cross_origins,
    expand_routes,
    route_methods,
    truthy,
)


@dataclass
class Layer:
    kind: str  # decorator | extension
    source: Location
    terminal: bool
    preflight: bool
    options: dict[str, Any]
    env: dict[str, list[str]] = field(default_factory=dict)
    resource: Any = None
    scope: str = "app"
    error: str | None = None
    unknown: list[str] = field(default_factory=list)
    condition: str | None = None
    hook: Any = None
    note: str | None = None
    resource_options: Any = None
    config_sources: dict[str, Location] = field(default_factory=dict)  # options that came from app.config


@dataclass
class Route:
    app: AppObj
    path: Any
    endpoint: Any
    methods: list[str]
    location: Location
    blueprint: str | None
    layers: list[Layer]
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    condition: str | None = None
    # Layers for responses Flask builds from an HTTP error (abort(), a missing static file) and
    # for preflights answered 405; None where they are the same as ``layers``.
    http_error_layers: list[Layer] | None = None
    preflight_layers: list[Layer] | None = None
    # Hand-written Access-Control-* headers that reach this route: (site, "view" | "after_request")
    manual_headers: list[tuple[Site, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------- options
def effective_options(raw: dict[str, Any], version: FlaskCorsVersion = DEFAULT
                      ) -> tuple[dict[str, Any], dict[str, list[str]], list[str]]:
    """flask-cors's merged options for one layer, in flask-cors's own names and JSON-able forms.

    Returns the options, the environment variables each came from, and unknown reasons.
    """
    options: dict[str, Any] = {}
    env: dict[str, list[str]] = {}
    unknown: list[str] = []
    defaults = dict(DEFAULT_OPTIONS, allow_private_network=version.private_network_default)
    if version.version < (4, 0, 2) and "allow_private_network" in raw:
        raw = {k: v for k, v in raw.items() if k != "allow_private_network"}  # not an option yet
    for name in LAYER_OPTIONS:
        provenance = Provenance()
        value = unwrap(raw.get(name, defaults[name]), provenance)
        if provenance.env:
            env[name] = sorted(provenance.env)
        missing = contains_unknown(value) or _opaque(value)
        if missing is not None:
            options[name] = missing
            unknown.append(f"{name}: {missing.reason}")
            continue
        if name in ("origins", "allow_headers"):
            value = ensure_list(value)
        elif name in BOOLEAN_OPTIONS:
            value = _bool(value)
        elif name == "max_age" and isinstance(value, TimeDelta):
            value = str(int(value.seconds))
        elif name in ("methods", "expose_headers") and isinstance(value, (set, frozenset, tuple)):
            value = sorted(value, key=str)
        options[name] = value
    return options, env, unknown


_VALUE_TYPES = (str, int, float, bool, type(None), Regex, TimeDelta)


def _opaque(value: Any) -> Unknown | None:
    """An object inside an option's value that is no value flask-cors reads the same whatever
    it is (a name imported from a library cors-lint does not model, a project object): unknown."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return next((found for item in value if (found := _opaque(item)) is not None), None)
    if isinstance(value, dict):
        return next((found for pair in value.items() for item in pair if (found := _opaque(item)) is not None),
                    None)
    if isinstance(value, _VALUE_TYPES):
        return None
    if isinstance(value, LibSymbol):
        return Unknown(f"`{value.qualname}` is a name from a library cors-lint does not model")
    return Unknown(f"a {type(value).__name__} object, not a value")


def _bool(value: Any) -> bool:
    if isinstance(value, (Regex, TimeDelta)):
        return True
    return bool(value)


def options_error(options: dict[str, Any], version: FlaskCorsVersion = DEFAULT) -> str | None:
    """The ValueError flask-cors raises when it resolves these options, if any."""
    origins = options.get("origins")
    if isinstance(origins, list):
        if is_wildcard(origins) and options.get("supports_credentials") is True and options.get("send_wildcard") is True:
            return "ValueError: supports_credentials with the origin '*' and send_wildcard=True"
    if not version.invalid_regex_raises:
        return None
    for name in ("origins", "allow_headers"):
        patterns = options.get(name)
        if isinstance(patterns, list):
            bad = invalid_regexes(patterns, ignore_case=True)
            if bad:
                return f"ValueError: invalid regular expression in {name}: {bad[0]!r}"
    return None


def invalid_regex_note(options: dict[str, Any], version: FlaskCorsVersion) -> str | None:
    """Before 6.0.4 bad patterns do not raise at configure time: say what they do instead."""
    if version.invalid_regex_raises:
        return None
    for name in ("origins", "allow_headers"):
        patterns = options.get(name)
        if isinstance(patterns, list):
            odd = [p for p in patterns if not isinstance(p, (str, Regex))]
            if odd:
                return (f"{name} contains {odd[0]!r}: on flask-cors {version.text} requests that reach it raise "
                        "TypeError (500)")
            bad = invalid_regexes(patterns, ignore_case=True)
            if bad:
                effect = ("requests that reach it answer 500" if version.version <= (5, 0, 1)
                          else "it silently never matches")
                return f"invalid regular expression in {name}: {bad[0]!r}: on flask-cors {version.text} {effect}"
    return None


def decorator_options(factory: CrossOriginFactory, app: AppObj) -> tuple[dict[str, Any], dict[str, Location]]:
    """cross_origin resolves on every request: defaults < live app.config < its kwargs.

    Also returns where each option taken from app.config was set."""
    from_config, sources = app.config.cors_options()
    raw = {**DEFAULT_OPTIONS, **from_config, **factory.kwargs}
    for name in factory.kwargs:
        sources.pop(name, None)
    return raw, sources


# ---------------------------------------------------------------------------- layers
def resolve_app(app: AppObj, version: FlaskCorsVersion = DEFAULT) -> list[Route]:
    registered, blueprints = expand_routes(app)
    routes = []
    for entry in registered:
        routes.append(_resolve_route(app, entry, blueprints, version))
    stand_ins = unlisted_routes(app, app, routes, version)
    for name, blueprint in sorted(blueprints.items()):
        if blueprint.unlisted:  # an extension cors-lint does not model added routes to it
            stand_ins += unlisted_routes(app, blueprint, [], version, name)
    return routes + stand_ins


def unlisted_routes(app: AppObj, owner: AppObj | BlueprintObj, listed: list[Route], version: FlaskCorsVersion,
                    blueprint: str | None = None) -> list[Route]:
    """Routes cors-lint cannot list still get CORS: one entry per resource pattern of each
    ``CORS(app, ...)`` (or ``CORS(blueprint, ...)``), standing for the routes it may match. Used
    when something registers routes the engine does not model, or when no route of the app was
    found at all."""
    reasons = list(owner.unlisted)
    if not reasons and blueprint is None and not any(route.endpoint != "static" for route in listed):
        reasons.append(("no route of this app was found", owner.location))
    hooks = [hook for hook in owner.hooks if isinstance(hook, CorsHook)]
    if not reasons or not hooks:
        return []
    reason, where = reasons[0]
    if len(reasons) > 1:
        reason = f"{reason} (and {len(reasons) - 1} more)"
    routes = []
    for hook in hooks:
        resources = parse_resources(strip_env(hook.options.get("resources", r"/*")), version)
        if isinstance(resources, Unknown):
            continue  # the resource is unknown: CORS027 reports that already, on the hook's listed routes
        for pattern, resource_options in resources:
            unknown = list(getattr(hook, "unknown_options", []))
            layer = _resource_layer(hook, pattern, resource_options, unknown, blueprint or "app", version)
            layer.hook = hook
            text = pattern.pattern if isinstance(pattern, Regex) else str(unwrap(pattern))
            routes.append(Route(app=app, path=Unlisted(text, reason), endpoint=Unknown("not listed"), methods=[],
                                location=where, blueprint=blueprint, layers=[layer], condition=hook.site.condition))
    return routes


def _resolve_route(app: AppObj, entry: RegisteredRule, blueprints: dict[str, BlueprintObj],
                   version: FlaskCorsVersion) -> Route:
    decl = entry.decl
    methods, provide_automatic = route_methods(decl, app, entry.automatic_options)
    route = Route(app=app, path=entry.path, endpoint=entry.endpoint,
                  methods=methods if isinstance(methods, list) else [], location=decl.location,
                  blueprint=entry.blueprint_names[0] if entry.blueprint_names else None, layers=[],
                  condition=conjoin(entry.condition, decl.condition))
    if isinstance(methods, Unknown):
        route.notes.append(methods.reason)
    view = decl.view
    options_dispatched = isinstance(methods, list) and "OPTIONS" in methods and not provide_automatic
    outer = _outer_preflight_layer(view, app, options_dispatched, route, version)
    decorator = _decorator_layer(view, app, options_dispatched and outer is None, route, version)
    has_options = isinstance(methods, list) and "OPTIONS" in methods
    scopes: list[tuple[str, list[Any]]] = [(name, blueprints[name].hooks) for name in entry.blueprint_names
                                           if name in blueprints]
    scopes.append(("app", app.hooks))
    chain: list[Layer] = []
    for scope, hooks in scopes:
        for hook in reversed(hooks):  # in the order Flask runs them
            if isinstance(hook, ManualHook):
                _note_manual_hook(hook, route, after_cors=bool(chain))
                continue
            layer = _extension_layer(hook, route.path, scope, version)
            if layer is None:
                continue
            if scope != "app":
                layer.preflight = has_options
            chain.append(layer)
    if decorator is not None:
        route.layers.append(decorator)
        if outer is not None:  # preflights: an outer cross_origin; other requests: the innermost
            route.layers.append(outer)
    decorator_answers_everything = decorator is not None and decorator.terminal and (
        decorator.preflight or outer is not None)
    normal_chain = [] if decorator_answers_everything else chain
    route.layers.extend(normal_chain)
    # HTTP errors (abort(), a missing static file) skip the decorator; flask-cors's wrapped error
    # handlers apply the app hooks first, in registration order
    app_chain = [layer for layer in chain if layer.scope == "app"]
    intercepting = [layer for layer in reversed(app_chain) if _intercepts(layer.hook)]
    router = getattr(view, "error_router", None)
    if router is not None and id(app) in router.installed:
        # an extension's error router answers this view's errors: flask-cors's exception wrappers
        # installed before it never see them (those installed after it still do)
        intercepting = [layer for layer in intercepting if layer.hook.seq > router.installed[id(app)]]
    if isinstance(view, FrameworkView):  # its extension's model says what answers
        route.layers = view.layers(app, route, methods, provide_automatic, chain, intercepting, version)
        normal_chain = route.layers
    http_error = unique_layers(intercepting + chain)
    if [id(x) for x in http_error] != [id(x) for x in normal_chain]:
        route.http_error_layers = http_error
    if not has_options:  # preflights are answered 405 by routing: no blueprint hooks
        preflight = unique_layers(intercepting + app_chain)
        if [id(x) for x in preflight] != [id(x) for x in app_chain]:
            route.preflight_layers = preflight
    inner = _innermost(view)
    written: list[tuple[Site, str | None]] = []
    seen: set[int] = set()
    for function in _view_functions(inner):
        for site, helper in written_headers(function):
            if id(site) not in seen:
                seen.add(id(site))
                written.append((site, helper))
    if written:
        route.manual_headers.extend((site, "view" if helper is None else f"view, through {helper}()")
                                    for site, helper in written)
        route.notes.append("the view sets Access-Control-* headers itself")
    if isinstance(view, FunctionObj) and view.attrs.get("unknown_decorators"):
        route.notes.append("view is wrapped by decorators cors-lint does not model: "
                           + ", ".join(view.attrs["unknown_decorators"]))
    return route


def factory_layer(factory: CrossOriginFactory, app: AppObj, preflight: bool, route: Route,
                   version: FlaskCorsVersion) -> Layer:
    """The terminal layer of one ``cross_origin``: its options resolved on each request."""
    raw, sources = decorator_options(factory, app)
    options, env, unknown = effective_options(raw, version)
    if "**" in factory.site.options:
        unknown.append("options passed with ** cannot be known")
    if app.config.unknown_sources:
        unknown.extend(f"app.config: {reason}" for reason in app.config.unknown_sources)
    layer = Layer(kind="decorator", source=factory.site.location, terminal=True, preflight=preflight,
                  options=options, env=env, unknown=unknown, condition=factory.site.condition, config_sources=sources)
    layer.error = options_error(options, version)
    layer.note = invalid_regex_note(options, version)
    if layer.error:
        layer.terminal = False
        route.error = f"the view answers 500: cross_origin raises {layer.error}"
    return layer


def _intercepts(hook: CorsHook) -> bool:
    """``intercept_exceptions`` (top-level only): the hook also wraps the app's error handlers."""
    return truthy(hook.options.get("intercept_exceptions", True)) is not False


def unique_layers(layers: list[Layer]) -> list[Layer]:
    """A hook evaluated twice gives the same answer the second time: keep its first place."""
    seen: set[int] = set()
    result = []
    for layer in layers:
        if id(layer.hook) not in seen:
            seen.add(id(layer.hook))
            result.append(layer)
    return result


def _innermost(view: Any) -> Any:
    while isinstance(view, (CrossOriginView, BrokenView)):
        view = view.inner
    return view


def written_headers(function: FunctionObj) -> list[tuple[Site, str | None]]:
    """A function's hand-written header sites, with the project helper each is written through
    (None: the function's own; see execution._through_helpers)."""
    return [(site, None) for site in function.attrs.get("manual_headers", ())] + \
        list(function.attrs.get("manual_headers_via", ()))


def _view_functions(view: Any) -> list[FunctionObj]:
    """The project functions that answer a view's requests: a view function, or the methods of a
    view class (a class view, one an extension dispatches to) and of its project bases."""
    if isinstance(view, FunctionObj):
        return [view]
    if isinstance(view, FrameworkView):
        view = view.inner
    if isinstance(view, ClassView) and isinstance(view.cls, ClassObj):
        seen: dict[int, FunctionObj] = {}
        for klass in project_mro(view.cls):
            for value in klass.namespace.values():
                if isinstance(value, FunctionObj):
                    seen.setdefault(id(value), value)
        return list(seen.values())
    return []


def _note_manual_hook(hook: ManualHook, route: Route, after_cors: bool = False) -> None:
    function = hook.function
    written = written_headers(function) if isinstance(function, FunctionObj) else []
    if written:
        later = f", {AFTER_CORS_HOOK}" if after_cors else ""
        route.manual_headers.extend((site, ("after_request" if helper is None else
                                            f"after_request, through {helper}()") + later) for site, helper in written)
        route.notes.append(f"after_request hook {function.name}() at {hook.location.file}:{hook.location.line} "
                           "sets Access-Control-* headers")


def _config_cross_origin(view: ConfigDecoratedView, app: AppObj, route: Route) -> CrossOriginFactory | None:
    """The ``cross_origin`` among the decorators ``app.config[view.key]`` lists when the app serves
    (applied in order: the first is the innermost, the one that sets the headers)."""
    entry = app.config.values.get(view.key)
    decorators = strip_env(entry[0]) if entry is not None else None
    if decorators is None and app.config.unknown_sources:
        decorators = Unknown(f"app.config: {app.config.unknown_sources[0]}")
    if isinstance(decorators, Unknown):
        route.notes.append(f"the view applies the decorators of app.config[{view.key!r}], which cannot be known "
                           f"({decorators.reason}): a cross_origin there would answer its requests")
        return None
    if not isinstance(decorators, (list, tuple)):
        return None
    factories = [d for d in (strip_env(d) for d in decorators) if isinstance(d, CrossOriginFactory)]
    return factories[0] if factories else None


def _outer_preflight_layer(view: Any, app: AppObj, options_dispatched: bool, route: Route,
                           version: FlaskCorsVersion) -> Layer | None:
    """Nested ``cross_origin`` (stacked on a function, or several in a view class's ``decorators``):
    a preflight Flask sends to the view is answered by the outermost one whose ``automatic_options``
    is true, without calling what it wraps; other requests by the innermost one. The layer of that
    outer decorator, when it is not the innermost."""
    if not options_dispatched:
        return None
    chain: list[CrossOriginFactory] = []  # outermost first
    if isinstance(view, CrossOriginView):
        while isinstance(view, CrossOriginView):
            chain.append(view.factory)
            view = view.inner
    elif isinstance(view, ClassView):
        chain = list(reversed(class_cross_origins(view.cls, view.mro)))  # as_view applies them in order
    for factory in chain[:-1]:
        automatic = effective_options(decorator_options(factory, app)[0], version)[0].get("automatic_options")
        if automatic is not False:  # true (or unknown: taken as the default, and shown as unknown)
            return factory_layer(factory, app, True, route, version)
    return None


def _decorator_layer(view: Any, app: AppObj, options_dispatched: bool, route: Route,
                     version: FlaskCorsVersion) -> Layer | None:
    factory: CrossOriginFactory | None = None
    if isinstance(view, CrossOriginView):
        while isinstance(view.inner, CrossOriginView):
            view = view.inner  # nested decorators: the innermost one sets the headers
        factory = view.factory
    elif isinstance(view, ClassView):
        factories = class_cross_origins(view.cls, view.mro)
        factory = factories[0] if factories else None
    elif isinstance(view, BrokenView):
        route.error = view.reason
        return None
    elif isinstance(view, ConfigDecoratedView):
        factory = _config_cross_origin(view, app, route)
    if factory is None:
        return None
    raw, sources = decorator_options(factory, app)
    options, env, unknown = effective_options(raw, version)
    for key in ("**",):
        if key in factory.site.options:
            unknown.append("options passed with ** cannot be known")
    layer = Layer(kind="decorator", source=factory.site.location, terminal=True, preflight=options_dispatched,
                  options=options, env=env, unknown=unknown, condition=factory.site.condition, config_sources=sources)
    if options_dispatched and options.get("automatic_options") is False:
        if (isinstance(view, ClassView) and is_method_view(view.mro or [])
                and class_attr(view.cls, "options", view.mro) is None):
            layer.preflight = False
            route.notes.append("OPTIONS requests reach the MethodView, which has no options(): they fail with 500 "
                               "and get no headers from the decorator")
        else:
            route.notes.append("the view body runs for OPTIONS requests (automatic_options is false)")
    layer.error = options_error(options, version)
    layer.note = invalid_regex_note(options, version)
    if layer.error:
        layer.terminal = False
        route.error = f"the view answers 500: cross_origin raises {layer.error}"
    if app.config.unknown_sources:
        layer.unknown.extend(f"app.config: {reason}" for reason in app.config.unknown_sources)
    return layer


def _extension_layer(hook: CorsHook, path: Any, scope: str, version: FlaskCorsVersion) -> Layer | None:
    layer = _match_resource(hook, path, scope, version)
    if layer is not None:
        layer.hook = hook
        resource_options = strip_env(layer.resource_options) if layer.resource_options is not None else {}
        layer.config_sources = {name: where for name, where in hook.config_sources.items()
                                if not (isinstance(resource_options, dict) and name in resource_options)}
    return layer


def _match_resource(hook: CorsHook, path: Any, scope: str, version: FlaskCorsVersion) -> Layer | None:
    site: Site = hook.site
    resources = parse_resources(strip_env(hook.options.get("resources", r"/*")), version)
    unknown = list(getattr(hook, "unknown_options", []))
    if hook.config is not None and hook.config.unknown_sources:
        unknown.extend(f"app.config: {reason}" for reason in hook.config.unknown_sources)
    if not isinstance(path, str) and not isinstance(resources, Unknown) and resources:
        first = unwrap(resources[0][0])
        if match_path("", first, version) is True:  # the first pattern matches every path (e.g. the default "/*")
            path = ""
    if isinstance(resources, Unknown) or isinstance(path, Unknown) or not isinstance(path, str):
        reason = resources.reason if isinstance(resources, Unknown) else "route path cannot be known statically"
        options, env, more = effective_options(hook.options, version)
        return Layer("extension", site.location, False, True, options, env,
                     resource=Unknown(reason), scope=scope, unknown=unknown + more + [reason],
                     condition=site.condition)
    request_path = sample_path(path) if path else ""
    for pattern, resource_options in resources:
        matched = match_path(request_path, unwrap(pattern), version)
        if isinstance(matched, Unknown):
            options, env, more = effective_options(hook.options, version)
            return Layer("extension", site.location, False, True, options, env, resource=matched, scope=scope,
                         unknown=unknown + more + [matched.reason], condition=site.condition)
        if not matched:
            continue
        return _resource_layer(hook, pattern, resource_options, unknown, scope, version)
    return None


def _resource_layer(hook: CorsHook, pattern: Any, resource_options: Any, unknown: list[str], scope: str,
                    version: FlaskCorsVersion) -> Layer:
    """The layer of a hook for requests its resource ``pattern`` matched."""
    site: Site = hook.site
    raw = dict(hook.options)
    resource_options = strip_env(resource_options)
    error = None
    if isinstance(resource_options, dict):
        raw.update(resource_options)
    elif isinstance(resource_options, Unknown):
        unknown.append(f"resource options: {resource_options.reason}")
    else:
        error = "ValueError: resource options must be a dict"
    options, env, more = effective_options(raw, version)
    layer = Layer("extension", site.location, False, True, options, env, resource=pattern, scope=scope,
                  unknown=unknown + more, condition=site.condition)
    layer.resource_options = resource_options
    layer.error = error or options_error(options, version)
    layer.note = invalid_regex_note(options, version)
    return layer


def resource_is_regex(pattern: Any) -> bool:
    return isinstance(pattern, Regex) or (isinstance(pattern, str) and probably_regex(pattern))


def resource_compiles(pattern: Any) -> bool:
    if isinstance(pattern, str) and not probably_regex(pattern):
        return True
    return compile_pattern(pattern, ignore_case=False) is not None
