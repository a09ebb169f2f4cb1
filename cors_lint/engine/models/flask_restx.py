"""Flask-RESTX (and Flask-RESTPlus, its former name: the same API under ``flask_restplus``):
``Api(app | blueprint, prefix=, doc=, decorators=, default=, default_swagger_filename=)``,
``Api()`` + ``init_app(app | blueprint, add_specs=)``, ``api.namespace(name, path=)``,
``Namespace(name, path=, decorators=)`` + ``api.add_namespace(ns, path=)``, ``@ns.route(*urls)``
/ ``@api.route(*urls)`` / ``add_resource`` on Resource classes, project subclasses of ``Api``
and ``Resource``, and the routes the library adds by itself.

As flask_restx 1.3 does it: ``init_app`` registers ``swagger.json`` (endpoint ``specs``, a
resource of the default namespace, behind the Api's decorators: unless ``add_specs=False``),
the documentation page (``doc``, unless ``doc`` is false) and the API root (``root``: at the
Api's prefix, it always answers 404) on the app or blueprint it is given; initialising on an app
registers the ``restx_doc`` blueprint (its static files under ``/swaggerui``) once per app. A
resource's endpoint is ``camel_to_dash`` of its class name, after ``<namespace>_`` outside the
default namespace, made unique with ``_2``, ``_3``...; its url is the namespace's path (or the
path given to ``add_namespace``) and the url, after the Api's prefix. On a blueprint, the
rules of resources added before it is registered are completed then (``"".join`` of the
registration prefix, the Api's prefix and the url), those registered later get the
registration prefix and the url only, and their endpoints are named after the blueprint
object's own name.

Flask-RESTPlus (which cannot be installed with Flask >= 2) is modelled from its 0.13 source:
the same, except that its documentation blueprint is ``restplus_doc``, ``swagger.json`` has no
configurable name, and ``swagger.json``, the doc page and the root are registered when the Api
is initialised on an app (for an Api on a blueprint: when the blueprint is registered, on the
patched setup state, so without the Api's prefix)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cors_lint.core.values import Unknown, strip_env
from cors_lint.engine.app.app_objects import (
    AppObj,
    BlueprintObj,
    FrameworkView,
    LibraryDecorator,
    PrefixedRule,
    RouteDecl,
)
from cors_lint.engine.models.rest_api import (
    LIBRARY_METHOD,
    RESOURCE_ATTRIBUTES,
    PendingResource,
    RestApi,
    api_blueprint,
    add_rules,
    answered_layers,
    api_decorators,
    bind,
    concat,
    conditions_of,
    install_router,
    make_view,
    name_api,
    name_decorator_sites,
    name_method_decorators,
    overridden_init,
    record_deferred_init,
    resource_decorator,
    resource_name,
    run_deferred,
)
from cors_lint.engine.interpreter.objects import ClassObj, LibSymbol, Location
from cors_lint.engine.interpreter.registry import Call, Model

RESTX, RESTPLUS = "flask_restx", "flask_restplus"
LIBRARIES = (RESTX, RESTPLUS)
MODEL = Model(RESTX)
for _library in LIBRARIES:
    MODEL.aliases.update({
        f"{_library}.api.Api": f"{_library}.Api",
        f"{_library}.namespace.Namespace": f"{_library}.Namespace",
        f"{_library}.resource.Resource": f"{_library}.Resource",
    })
    MODEL.star_exports[_library] = (
        "Api", "Resource", "Namespace", "apidoc", "marshal", "marshal_with", "marshal_with_field", "Mask", "Model",
        "OrderedModel", "SchemaModel", "abort", "cors", "fields", "inputs", "reqparse", "RestError", "SpecsError",
        "ValidationError", "Swagger")
    MODEL.class_attributes[f"{_library}.Resource"] = dict(RESOURCE_ATTRIBUTES)
_API_PARAMETERS = (
    "app", "version", "title", "description", "terms_url", "license", "license_url", "contact", "contact_url",
    "contact_email", "authorizations", "security", "doc", "default_id", "default", "default_label", "validate",
    "tags", "prefix", "ordered", "default_mediatype", "decorators", "catch_all_404s", "serve_challenge_on_401",
    "format_checker", "url_scheme", "default_swagger_filename")
_NAMESPACE_PARAMETERS = ("name", "description", "path", "decorators", "validate", "authorizations", "ordered")
API_DECORATORS_NOTE = "decorators=[...] of a Flask-RESTX Api: applied to each of its resources"
NAMESPACE_DECORATORS_NOTE = "decorators=[...] of a Flask-RESTX Namespace: applied to each of its resources"
ROOT_NOTE = "the API root of a Flask-RESTX Api: every request to it is answered 404 (an HTTP error)"
_FIRST_CAP = re.compile("(.)([A-Z][a-z]+)")
_ALL_CAP = re.compile("([a-z0-9])([A-Z])")


@dataclass(eq=False)
class ErrorView(FrameworkView):
    """A view that answers every request with an HTTP error (the API root aborts with 404): its
    responses are error responses, whatever the request."""

    name: str
    reason: str
    inner: None = None
    wrappers: list[Any] = field(default_factory=list)
    error_router: None = None

    def layers(self, app: AppObj, route: Any, methods: Any, provide: bool, chain: list[Any],
               intercepting: list[Any], version: Any) -> list[Any]:
        route.notes.append(self.reason)
        has_options = isinstance(methods, list) and "OPTIONS" in methods
        preflight = "chain" if provide or not has_options else "error"
        return answered_layers("error", preflight, app, route, chain, intercepting, version)


@dataclass(eq=False)
class NamespaceObj:
    """A ``Namespace``: its resources are registered on each Api it is added to."""

    name: Any
    path: Any  # the ``path=`` given (``Namespace._path``)
    decorators: list[Any]
    location: Location
    resources: list[PendingResource] = field(default_factory=list)
    apis: list[Any] = field(default_factory=list)

    @property
    def full_path(self) -> Any:
        """``(self._path or "/" + self.name).rstrip("/")``."""
        path = strip_env(self.path)
        if isinstance(path, Unknown):
            return path
        if not path:
            name = strip_env(self.name)
            if not isinstance(name, str):
                return Unknown("the namespace's name cannot be known statically")
            path = "/" + name
        return path.rstrip("/") if isinstance(path, str) else Unknown("the namespace's path is not a string")


class RestxApi(RestApi):
    """A ``flask_restx.Api`` (or ``flask_restplus.Api``)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.doc: Any = "/"
        self.add_specs: Any = True
        self.swagger_filename: Any = "swagger.json"
        self.default_namespace: NamespaceObj | None = None
        self.namespaces: list[NamespaceObj] = []
        self.ns_paths: dict[int, Any] = {}


MODEL.object_types |= {RestxApi, NamespaceObj}
MODEL.bind_hooks[RestxApi] = name_api
MODEL.attributes[(RestxApi, "blueprint")] = api_blueprint
MODEL.class_hooks.append(name_method_decorators)


# ---------------------------------------------------------------------------- the Api
@MODEL.function(f"{RESTX}.Api", f"{RESTPLUS}.Api", subclasses=True)
def create_api(call: Call) -> RestxApi:
    library = call.qualname.split(".", 1)[0] if call.qualname.split(".", 1)[0] in LIBRARIES else RESTX
    bound = bind(call, _API_PARAMETERS)
    api = RestxApi(library, call.location, conditions=call.frame.conditions)
    api.prefix = bound.get("prefix", "")
    api.doc = bound.get("doc", "/")
    api.decorators = api_decorators(bound.get("decorators"), "Api(decorators=...)")
    if library == RESTX:
        api.swagger_filename = bound.get("default_swagger_filename", "swagger.json")
    replaced = overridden_init(call, f"{library}.Api")
    if replaced:
        api.prefix = api.doc = Unknown(replaced)
        api.decorators = [Unknown(replaced)]
    name_decorator_sites(api.decorators, "Flask-RESTX Api resources", API_DECORATORS_NOTE)
    default = NamespaceObj(bound.get("default", "default"), "/", [], call.location, apis=[api])
    api.default_namespace = default
    _add_namespace(call.engine, api, default, None, call)
    app = strip_env(bound.get("app"))
    if app is not None:
        _init(api, app, {}, call)
    return api


@MODEL.method(RestxApi, "init_app")
def init_app(api: RestxApi, name: str, call: Call) -> None:
    app = call.args[0] if call.args else call.kwargs.get("app")
    _init(api, strip_env(app), call.kwargs, call)


def _init(api: RestxApi, app: Any, kwargs: dict[str, Any], call: Call) -> None:
    """``Api.init_app``."""
    api.app = app
    api.add_specs = strip_env(kwargs.get("add_specs", True))
    if api.library == RESTX:
        _register_specs(call.engine, api, app, call)
        _register_doc(api, app, call)
    if isinstance(app, BlueprintObj):
        record_deferred_init(api.library, app, lambda registered_on, registration: _deferred_init(
            api, registered_on, registration))
        api.blueprint = app
    elif isinstance(app, AppObj):
        _init_app(api, app, call)


def _deferred_init(api: RestxApi, app: AppObj, call: Call) -> None:
    api.registered = True  # blueprint_setup
    _init_app(api, app, call)


def _init_app(api: RestxApi, app: AppObj, call: Call) -> None:
    if api.library == RESTPLUS:
        _register_specs(call.engine, api, api.blueprint or app, call)
        _register_doc(api, api.blueprint or app, call)
    install_router(api, app)
    for pending in api.pending:  # not cleared: a later init registers them again
        _register_view(call.engine, api, app, pending, call.frame.conditions)
    name = "restx_doc" if api.library == RESTX else "restplus_doc"
    if not any(isinstance(bp, BlueprintObj) and bp.name == name for bp, _options, _where in app.blueprints):
        apidoc = BlueprintObj(name, api.location, static_url_path="/swaggerui")
        app.blueprints.append((apidoc, {}, call.location))


def _register_specs(engine, api: RestxApi, target: Any, call: Call) -> None:
    if _falsy(api.add_specs):
        return
    swagger_view = ClassObj(node=None, name="SwaggerView", namespace={"methods": {"GET"}, "get": LIBRARY_METHOD},
                            bases=[LibSymbol(f"{api.library}.Resource")])
    urls = (concat(["/", api.swagger_filename]),)
    pending = PendingResource(swagger_view, urls, {"endpoint": "specs"}, call.location, call.frame.conditions,
                              api.default_namespace)
    _register_view(engine, api, target, pending, ())
    api.endpoints.add("specs")


def _register_doc(api: RestxApi, target: Any, call: Call) -> None:
    """The documentation page (``doc``) and the API root (``root``), plain Flask rules."""
    doc = strip_env(api.doc)
    rules: list[tuple[Any, str, Any]] = []
    if not _falsy(api.add_specs) and not _falsy(doc):
        rules.append((doc if not isinstance(doc, Unknown) else Unknown(f"doc= cannot be known ({doc.reason})"),
                      "doc", None))
    prefix = strip_env(api.prefix)
    root = prefix if isinstance(prefix, Unknown) else (prefix or "/")
    rules.append((root, "root", ErrorView("root", ROOT_NOTE)))
    condition = " and ".join(conditions_of(api.conditions, call.frame.conditions)) or None
    for rule, endpoint, view in rules:
        if isinstance(target, BlueprintObj) and api.registered:  # on the patched setup state
            rule = PrefixedRule(lambda prefix, rule=rule: concat([prefix, rule]), str(rule))
        if isinstance(target, (AppObj, BlueprintObj)):
            target.routes.append(RouteDecl(rule=rule, endpoint=endpoint, view=view, methods=None,
                                           provide_automatic_options=None, location=call.location,
                                           condition=condition))


def _falsy(value: Any) -> bool:
    """Known to be false (an unknown value may be true)."""
    plain = strip_env(value)
    return not isinstance(plain, Unknown) and not plain


# ---------------------------------------------------------------------------- namespaces and resources
@MODEL.method(RestxApi, "namespace")
def api_namespace(api: RestxApi, name: str, call: Call) -> NamespaceObj:
    ns = _create_namespace(call)
    _add_namespace(call.engine, api, ns, None, call)
    return ns


@MODEL.function(f"{RESTX}.Namespace", f"{RESTPLUS}.Namespace", subclasses=True)
def create_namespace(call: Call) -> NamespaceObj:
    ns = _create_namespace(call)
    api = strip_env(call.kwargs.get("api"))
    if isinstance(api, RestxApi):
        ns.apis.append(api)
    return ns


def _create_namespace(call: Call) -> NamespaceObj:
    bound = bind(call, _NAMESPACE_PARAMETERS)
    decorators = api_decorators(bound.get("decorators"), "Namespace(decorators=...)")
    name_decorator_sites(decorators, "Flask-RESTX Namespace resources", NAMESPACE_DECORATORS_NOTE)
    return NamespaceObj(bound.get("name", Unknown("a namespace without a name")), bound.get("path"), decorators,
                        call.location)


@MODEL.method(RestxApi, "add_namespace")
def add_namespace(api: RestxApi, name: str, call: Call) -> None:
    ns = strip_env(call.args[0] if call.args else call.kwargs.get("ns"))
    path = call.args[1] if len(call.args) > 1 else call.kwargs.get("path")
    if isinstance(ns, NamespaceObj):
        _add_namespace(call.engine, api, ns, path, call)


def _add_namespace(engine, api: RestxApi, ns: NamespaceObj, path: Any, call: Call) -> None:
    if ns not in api.namespaces:
        api.namespaces.append(ns)
        if api not in ns.apis:
            ns.apis.append(api)
        if path is not None:
            api.ns_paths[id(ns)] = path
    for resource in ns.resources:
        _register_resource(engine, api, ns, resource, call.frame.conditions)


@MODEL.method(RestxApi, "route")
def api_route(api: RestxApi, name: str, call: Call) -> LibraryDecorator:
    return _route(api.default_namespace, call)


@MODEL.method(NamespaceObj, "route")
def ns_route(ns: NamespaceObj, name: str, call: Call) -> LibraryDecorator:
    return _route(ns, call)


def _route(ns: NamespaceObj | None, call: Call) -> LibraryDecorator:
    urls, kwargs, location = tuple(call.args), dict(call.kwargs), call.location
    kwargs.pop("doc", None)

    def register(engine, cls: Any, frame) -> None:
        if ns is not None:
            _ns_add_resource(engine, ns, PendingResource(cls, urls, dict(kwargs), location, frame.conditions, ns),
                             frame.conditions)
    return resource_decorator(register, "route()")


@MODEL.method(RestxApi, "add_resource")
def api_add_resource(api: RestxApi, name: str, call: Call) -> None:
    if api.default_namespace is not None:
        ns_add_resource(api.default_namespace, name, call)


@MODEL.method(NamespaceObj, "add_resource")
def ns_add_resource(ns: NamespaceObj, name: str, call: Call) -> None:
    if not call.args:
        return
    urls = tuple(call.args[1:]) + tuple(Unknown(f"urls from `*{star}`") for star in call.unknown_star)
    kwargs = dict(call.kwargs)
    kwargs.pop("route_doc", None)
    pending = PendingResource(call.args[0], urls, kwargs, call.location, call.frame.conditions, ns)
    _ns_add_resource(call.engine, ns, pending, call.frame.conditions)
    return


def _ns_add_resource(engine, ns: NamespaceObj, pending: PendingResource, conditions: tuple[str, ...]) -> None:
    """``Namespace.add_resource``: kept, and registered on each Api the namespace is on."""
    ns.resources.append(pending)
    for api in list(ns.apis):
        _register_resource(engine, api, ns, pending, conditions)


def _register_resource(engine, api: RestxApi, ns: NamespaceObj, resource: PendingResource,
                       conditions: tuple[str, ...]) -> None:
    """``Api.register_resource``: the namespace's urls, a unique endpoint, then registered now or at init."""
    path = api.ns_paths.get(id(ns))
    if _falsy(path) or path is None:
        path = ns.full_path
    urls = tuple(concat([path, url]) if isinstance(strip_env(url), str) else url for url in resource.urls)
    kwargs = dict(resource.kwargs)
    endpoint = strip_env(kwargs.pop("endpoint", None)) or _default_endpoint(api, resource.resource, ns)
    kwargs["endpoint"] = endpoint
    if isinstance(endpoint, str):
        api.endpoints.add(endpoint)
    pending = PendingResource(resource.resource, urls, kwargs, resource.location,
                              conditions_of(resource.conditions, conditions), ns)
    if api.app is not None:
        _register_view(engine, api, api.app, pending, ())
    else:
        api.pending.append(pending)


def _default_endpoint(api: RestxApi, resource: Any, ns: NamespaceObj) -> Any:
    name = resource_name(resource)
    if isinstance(name, Unknown):
        return Unknown(f"endpoint of a resource: {name.reason}")
    endpoint = camel_to_dash(name)
    if ns is not api.default_namespace:
        ns_name = strip_env(ns.name)
        if not isinstance(ns_name, str):
            return Unknown("endpoint of a resource in a namespace whose name cannot be known statically")
        endpoint = f"{ns_name}_{endpoint}"
    if endpoint in api.endpoints:
        suffix = 2
        while f"{endpoint}_{suffix}" in api.endpoints:
            suffix += 1
        endpoint = f"{endpoint}_{suffix}"
    return endpoint


def camel_to_dash(value: str) -> str:
    """flask_restx.utils.camel_to_dash."""
    return _ALL_CAP.sub(r"\1_\2", _FIRST_CAP.sub(r"\1_\2", value)).lower()


def _register_view(engine, api: RestxApi, target: Any, pending: PendingResource, conditions: tuple[str, ...]) -> None:
    kwargs = dict(pending.kwargs)
    endpoint = strip_env(kwargs.pop("endpoint", None))
    if not endpoint:
        name = resource_name(pending.resource)
        endpoint = camel_to_dash(name) if isinstance(name, str) else Unknown(f"endpoint of a resource: {name.reason}")
    ns = pending.namespace
    decorators = (list(ns.decorators) if isinstance(ns, NamespaceObj) else []) + list(api.decorators)
    view = make_view(engine, api, pending.resource, endpoint, decorators)
    add_rules(api, target, view, pending.urls, endpoint, kwargs, pending.location,
              conditions_of(api.conditions, pending.conditions, conditions),
              lambda url, prefix: concat([prefix, api.prefix, url]))


@MODEL.method(RestxApi, None)
def other_api_method(api: RestxApi, name: str, call: Call) -> Unknown:
    return Unknown(f".{name}() of a Flask-RESTX Api")


@MODEL.method(NamespaceObj, None)
def other_namespace_method(ns: NamespaceObj, name: str, call: Call) -> Unknown:
    return Unknown(f".{name}() of a Flask-RESTX Namespace")


@MODEL.observe(AppObj, "register_blueprint")
def blueprint_registered(app: AppObj, name: str, call: Call, result: Any) -> None:
    run_deferred(LIBRARIES, app, call)
