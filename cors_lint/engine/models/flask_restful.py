"""Flask-RESTful: ``Api(app | blueprint, prefix=, decorators=, url_part_order=)``, ``Api()`` +
``init_app(app | blueprint)``, ``add_resource(Resource, *urls, endpoint=, ...)``,
``@api.resource(*urls)``, and project subclasses of ``Api`` and ``Resource``.

As flask_restful 0.3.10 does it: ``Api.app`` is set only by the constructor, so resources
added after ``Api()`` + ``init_app(...)`` wait for a later init (on an app, they are never
registered); on a blueprint the rules are completed at registration, ``"".join`` of the
registration prefix, the Api's prefix and the url in ``url_part_order``, except for resources
registered once the blueprint is (or while it is being) registered, which get the prefix and
the url only; their endpoints are named after the blueprint object's own name. A resource's
errors (HTTP errors, exceptions, 405s) are answered by the Api's error router."""

from __future__ import annotations

from typing import Any

from cors_lint.core.values import Unknown, strip_env
from cors_lint.engine.app.app_objects import AppObj, BlueprintObj, LibraryDecorator
from cors_lint.engine.models.rest_api import (
    RESOURCE_ATTRIBUTES,
    PendingResource,
    RestApi,
    api_blueprint,
    add_rules,
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
from cors_lint.engine.interpreter.registry import Call, Model

LIBRARY = "flask_restful"
MODEL = Model(LIBRARY)
MODEL.aliases.update({
    "flask.ext.restful.Api": "flask_restful.Api",
    "flask.ext.restful.Resource": "flask_restful.Resource",
})
MODEL.star_exports["flask_restful"] = ("Api", "Resource", "marshal", "marshal_with", "marshal_with_field", "abort")
MODEL.class_attributes["flask_restful.Resource"] = dict(RESOURCE_ATTRIBUTES)
_API_PARAMETERS = ("app", "prefix", "default_mediatype", "decorators", "catch_all_404s", "serve_challenge_on_401",
                   "url_part_order", "errors")
API_DECORATORS_NOTE = "decorators=[...] of a Flask-RESTful Api: applied to each of its resources"


class RestfulApi(RestApi):
    """A ``flask_restful.Api``."""

    url_part_order: Any = "bae"


MODEL.object_types.add(RestfulApi)
MODEL.bind_hooks[RestfulApi] = name_api
MODEL.attributes[(RestfulApi, "blueprint")] = api_blueprint
MODEL.class_hooks.append(name_method_decorators)


@MODEL.function("flask_restful.Api", subclasses=True)
def create_api(call: Call) -> RestfulApi:
    bound = bind(call, _API_PARAMETERS)
    api = RestfulApi(LIBRARY, call.location, conditions=call.frame.conditions)
    api.prefix = bound.get("prefix", "")
    api.decorators = api_decorators(bound.get("decorators"), "Api(decorators=...)")
    api.url_part_order = bound.get("url_part_order", "bae")
    replaced = overridden_init(call, "flask_restful.Api")
    if replaced:
        api.prefix = Unknown(replaced)
        api.decorators = [Unknown(replaced)]
    name_decorator_sites(api.decorators, "Flask-RESTful Api resources", API_DECORATORS_NOTE)
    app = strip_env(bound.get("app"))
    if app is not None:
        api.app = app
        _init(api, app, call)
    return api


@MODEL.method(RestfulApi, "init_app")
def init_app(api: RestfulApi, name: str, call: Call) -> None:
    app = call.args[0] if call.args else call.kwargs.get("app")
    _init(api, strip_env(app), call)


def _init(api: RestfulApi, app: Any, call: Call) -> None:
    """``Api.init_app``: a blueprint records the init for its registration; an app is initialised now."""
    if isinstance(app, BlueprintObj):
        record_deferred_init(LIBRARY, app, lambda registered_on, registration: _deferred_init(
            api, registered_on, registration))
        api.blueprint = app
    elif isinstance(app, AppObj):
        _init_app(api, app, call)


def _deferred_init(api: RestfulApi, app: AppObj, call: Call) -> None:
    api.registered = True  # blueprint_setup
    _init_app(api, app, call)


def _init_app(api: RestfulApi, app: AppObj, call: Call) -> None:
    install_router(api, app)
    for pending in api.pending:  # not cleared: a later init registers them again
        _register_view(call.engine, api, app, pending, call.frame.conditions)


@MODEL.method(RestfulApi, "add_resource")
def add_resource(api: RestfulApi, name: str, call: Call) -> None:
    if not call.args:
        return
    urls = tuple(call.args[1:]) + tuple(Unknown(f"urls from `*{star}`") for star in call.unknown_star)
    _add_resource(call.engine, api, PendingResource(call.args[0], urls, dict(call.kwargs), call.location,
                                                    call.frame.conditions))
    return


def _add_resource(engine, api: RestfulApi, pending: PendingResource) -> None:
    if api.app is not None:
        _register_view(engine, api, api.app, pending, ())
    else:
        api.pending.append(pending)


@MODEL.method(RestfulApi, "resource")
def resource(api: RestfulApi, name: str, call: Call) -> LibraryDecorator:
    urls, kwargs, location = tuple(call.args), dict(call.kwargs), call.location

    def register(engine, cls: Any, frame) -> None:
        _add_resource(engine, api, PendingResource(cls, urls, dict(kwargs), location, frame.conditions))
    return resource_decorator(register, "resource()")


@MODEL.method(RestfulApi, None)
def other_method(api: RestfulApi, name: str, call: Call) -> Unknown:
    return Unknown(f".{name}() of a Flask-RESTful Api")


def _register_view(engine, api: RestfulApi, target: Any, pending: PendingResource,
                   conditions: tuple[str, ...]) -> None:
    kwargs = dict(pending.kwargs)
    endpoint = strip_env(kwargs.pop("endpoint", None))
    if not endpoint:
        name = resource_name(pending.resource)
        endpoint = name.lower() if isinstance(name, str) else Unknown(f"endpoint of a resource: {name.reason}")
    if isinstance(endpoint, str):
        api.endpoints.add(endpoint)
    view = make_view(engine, api, pending.resource, endpoint, api.decorators)
    add_rules(api, target, view, pending.urls, endpoint, kwargs, pending.location,
              conditions_of(api.conditions, pending.conditions, conditions),
              lambda url, prefix: _complete_url(api, url, prefix))


def _complete_url(api: RestfulApi, url: Any, registration_prefix: Any) -> Any:
    order = strip_env(api.url_part_order)
    if not isinstance(order, str):
        return Unknown("url_part_order cannot be known statically")
    parts = {"b": registration_prefix, "a": api.prefix, "e": url}
    if any(key not in parts for key in order):
        return Unknown(f"url_part_order {order!r}: flask-restful raises KeyError")
    return concat([parts[key] for key in order])


@MODEL.observe(AppObj, "register_blueprint")
def blueprint_registered(app: AppObj, name: str, call: Call, result: Any) -> None:
    run_deferred((LIBRARY,), app, call)
