"""flask-smorest (0.4x): ``Api(app)`` / ``Api()`` + ``init_app(app)``, ``api.register_blueprint(blp,
url_prefix=..., name=...)``, its ``Blueprint`` (a ``flask.Blueprint``) with ``@blp.route`` /
``add_url_rule`` / the verb shortcuts on view functions and ``MethodView`` classes, the decorators
that keep the view (``arguments``, ``response``, ``alt_response``, ``paginate``, ``etag``,
``doc``), and the routes of the OpenAPI blueprint that ``init_app`` registers when the app's
config asks for them.

What the library does that decides the url_map (flask_smorest/__init__.py, blueprint.py,
spec/__init__.py):

- ``Blueprint.add_url_rule``: the endpoint defaults to the view's ``__name__``; an endpoint the
  blueprint already has becomes ``f"{endpoint}_{n}"`` (n: endpoints registered so far); a class
  is turned into its view with ``as_view(endpoint)``; ``provide_automatic_options`` is accepted
  and dropped. ``route`` pops ``endpoint`` from its options when it is applied.
- ``Api.init_app`` reads the config through its prefix once, when it runs: with
  ``OPENAPI_URL_PREFIX`` set (not None) it registers the blueprint ``{prefix}api-docs`` at that
  prefix (a leading slash added) with ``OPENAPI_JSON_PATH`` (default ``openapi.json``, endpoint
  ``openapi_json``), and ReDoc / Swagger UI / RapiDoc pages (``openapi_redoc`` ...) each only when
  both its ``*_PATH`` and its ``*_URL`` are set.
- ``Api.register_blueprint`` registers the blueprint on the app it was initialised with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cors_lint.core.values import Unknown, env_vars, strip_env
from cors_lint.engine.app.app_objects import AppObj, BlueprintObj, LibraryDecorator, RouteDecl, view_name
from cors_lint.engine.models import flask as flask_model
from cors_lint.engine.models.flask_views import class_view
from cors_lint.engine.interpreter.objects import ClassObj, Location
from cors_lint.engine.interpreter.registry import Call, Model
from cors_lint.engine.app.routes import AUTOMATIC_OPTIONS_AT

MODEL = Model("flask_smorest")
MODEL.aliases.update({
    "flask_smorest.blueprint.Blueprint": "flask_smorest.Blueprint",
})
MODEL.star_exports["flask_smorest"] = ("Api", "Blueprint", "Page", "abort", "current_api")
_VERBS = {"get": "GET", "post": "POST", "put": "PUT", "delete": "DELETE", "patch": "PATCH"}
# Blueprint methods that decorate a view (or a MethodView's methods) and keep it
KEEPING_DECORATORS = ("arguments", "response", "alt_response", "paginate", "etag", "doc")
# the pages of the OpenAPI blueprint after the JSON spec: endpoint, path key, script URL key
DOC_PAGES = (("openapi_redoc", "OPENAPI_REDOC_PATH", "OPENAPI_REDOC_URL"),
             ("openapi_swagger_ui", "OPENAPI_SWAGGER_UI_PATH", "OPENAPI_SWAGGER_UI_URL"),
             ("openapi_rapidoc", "OPENAPI_RAPIDOC_PATH", "OPENAPI_RAPIDOC_URL"))


@dataclass(eq=False)
class SmorestBlueprint(BlueprintObj):
    """A ``flask_smorest.Blueprint``: a Flask blueprint that renames duplicate endpoints."""

    endpoints: list[Any] = field(default_factory=list)  # Blueprint._endpoints


@dataclass(eq=False)
class SmorestApi:
    """A ``flask_smorest.Api``: the app it was initialised with, and its config prefix."""

    location: Location
    config_prefix: Any = ""
    app: Any = None


MODEL.object_types |= {SmorestBlueprint, SmorestApi}


# ---------------------------------------------------------------------------- the blueprint
@MODEL.function("flask_smorest.Blueprint", subclasses=True)
def create_blueprint(call: Call) -> BlueprintObj:
    """``Blueprint(name, import_name, ..., description=...)``: Flask's arguments, less ``description``."""
    kwargs = {k: v for k, v in call.kwargs.items() if k != "description"}
    flask_call = Call(call.engine, call.args, kwargs, call.node, call.frame, call.unknown_star, call.qualname)
    return flask_model.create_blueprint(flask_call, SmorestBlueprint)


def add_rule(engine, bp: SmorestBlueprint, rule: Any, endpoint: Any, view: Any, options: dict[str, Any],
             location: Location, frame) -> None:
    """``flask_smorest.Blueprint.add_url_rule``."""
    view = strip_env(view)
    endpoint = strip_env(endpoint)
    if endpoint is None:
        endpoint = view_name(view)
        if endpoint is None:
            endpoint = Unknown("the endpoint is the view's __name__, which cannot be known statically")
    if isinstance(endpoint, str):
        if endpoint in bp.endpoints:
            endpoint = f"{endpoint}_{len(bp.endpoints)}"
        elif any(not isinstance(known, str) for known in bp.endpoints):
            endpoint = Unknown(f"endpoint {endpoint!r} is renamed if an earlier endpoint of the blueprint, which cannot "
                               "be known, has the same name")
    bp.endpoints.append(endpoint)
    if isinstance(view, ClassObj):  # a MethodView class: its view function, named after the endpoint
        view = class_view(engine, view, endpoint)
    options = dict(options)
    for dropped in ("provide_automatic_options", "parameters", "tags"):
        options.pop(dropped, None)
    methods = options.pop("methods", None)
    flask_model.register_route(bp, rule, endpoint, view, methods, None, options, location, frame)


@MODEL.method(SmorestBlueprint, "add_url_rule")
def blueprint_add_url_rule(bp: SmorestBlueprint, name: str, call: Call) -> None:
    names = ("rule", "endpoint", "view_func", "provide_automatic_options")
    bound = dict(zip(names, call.args))
    options = dict(call.kwargs)
    bound.update({k: options.pop(k) for k in names if k in options})
    if strip_env(bound.get("view_func")) is None:
        return None  # flask-smorest raises TypeError: view_func must be provided
    add_rule(call.engine, bp, bound.get("rule", Unknown("route rule")), bound.get("endpoint"), bound["view_func"],
             options, call.location, call.frame)
    return None


@MODEL.method(SmorestBlueprint, "route", *_VERBS)
def blueprint_route(bp: SmorestBlueprint, name: str, call: Call) -> Any:
    """``@blp.route(rule, **options)`` and Flask's verb shortcuts, which call it with ``methods``."""
    options = dict(call.kwargs)
    rule = call.args[0] if call.args else options.pop("rule", Unknown("route rule"))
    if name in _VERBS:
        if "methods" in options:
            return Unknown(f"blp.{name}() with methods= raises TypeError")
        options["methods"] = [_VERBS[name]]
    location = call.location

    def apply(engine, value: Any, node, frame) -> Any:
        endpoint = options.pop("endpoint", None)  # popped from the decorator's own options, as flask-smorest does
        add_rule(engine, bp, rule, endpoint, value, options, location, frame)
        return value

    return LibraryDecorator(apply, f"{name}()")


def keep_view(engine, decorator: Any, value: Any, node, frame) -> Any:
    """A decorator that wraps the view with ``functools.wraps`` or only records documentation."""
    return value


@MODEL.method(SmorestBlueprint, *KEEPING_DECORATORS)
def keeping_decorator(bp: SmorestBlueprint, name: str, call: Call) -> LibraryDecorator:
    return LibraryDecorator(lambda engine, value, node, frame: value, f"{name}()")


MODEL.decorator_methods[(SmorestBlueprint, "etag")] = keep_view  # `@blp.etag` without arguments


# ---------------------------------------------------------------------------- the Api
@MODEL.function("flask_smorest.Api", subclasses=True)
def create_api(call: Call) -> SmorestApi:
    app = call.args[0] if call.args else call.kwargs.get("app")
    prefix = call.kwargs.get("config_prefix", "")
    if call.unknown_star and "config_prefix" not in call.kwargs:
        prefix = Unknown("config_prefix passed with ** cannot be known")
    api = SmorestApi(call.location, strip_env(prefix))
    if strip_env(app) is not None:
        init_app(api, call, app)
    return api


@MODEL.method(SmorestApi, "init_app")
def api_init_app(api: SmorestApi, name: str, call: Call) -> None:
    app = call.args[0] if call.args else call.kwargs.get("app", Unknown("init_app() without an app"))
    init_app(api, call, app)
    return None


def init_app(api: SmorestApi, call: Call, app: Any) -> None:
    app = strip_env(app)
    api.app = app
    if isinstance(app, AppObj):
        _register_doc_blueprint(api, app, call)


@MODEL.method(SmorestApi, "register_blueprint")
def api_register_blueprint(api: SmorestApi, name: str, call: Call) -> None:
    """``api.register_blueprint(blp, parameters=..., **options)``: on the app of ``init_app``."""
    if not isinstance(api.app, AppObj):
        return None  # flask-smorest fails before init_app; an app that cannot be seen has no listed routes
    kwargs = {k: v for k, v in call.kwargs.items() if k != "parameters"}
    flask_call = Call(call.engine, call.args[:1], kwargs, call.node, call.frame, call.unknown_star, call.qualname)
    return flask_model.register_blueprint(api.app, "register_blueprint", flask_call)


@MODEL.method(SmorestApi, None)
def api_other(api: SmorestApi, name: str, call: Call) -> Any:
    return Unknown(f"Api.{name}() of flask-smorest")


# ---------------------------------------------------------------------------- the OpenAPI blueprint
_NOT_SET = None


def _normalize_prefix(prefix: Any) -> Any:
    """``flask_smorest.utils.normalize_config_prefix``."""
    if not isinstance(prefix, str):
        return Unknown("the Api's config_prefix cannot be known")
    result = prefix.strip().upper()
    if result and not result.endswith("_"):
        result += "_"
    return result


def env_optional(engine, value: Any, what: str) -> Any:
    """A value read from the environment whose fallback in the code is None: a deployment that sets
    the variable turns on what the fallback leaves off, so it is unknown (unless the policy pins it)."""
    variables = [var for var in env_vars(value) if var not in getattr(engine, "pinned_env", ())]
    if variables and strip_env(value) is None:
        return Unknown(f"{what} comes from ${variables[0]}, which the code leaves unset")
    return strip_env(value)


def _config(engine, app: AppObj, key: str) -> Any:
    """``app.config.get(key)`` as ``init_app`` sees it now: the value, None, or Unknown."""
    entry = app.config.values.get(key)
    if entry is not None:
        return env_optional(engine, entry[0], key)
    if app.config.unknown_sources:
        return Unknown(f"app.config may set {key}: {app.config.unknown_sources[0]}")
    return _NOT_SET


def _leading_slash(value: Any) -> Any:
    if isinstance(value, str):
        return value if value.startswith("/") else "/" + value
    if isinstance(value, Unknown):
        return value
    return Unknown(f"{value!r} is not a string: flask-smorest fails on it")


def _set_condition(key: str, value: Unknown) -> str:
    return f"app.config[{key!r}] is set (cors-lint cannot know: {value.reason})"


def _register_doc_blueprint(api: SmorestApi, app: AppObj, call: Call) -> None:
    """``DocBlueprintMixin._register_doc_blueprint``, with the config as it is when ``init_app`` runs."""
    prefix = _normalize_prefix(api.config_prefix)
    if isinstance(prefix, Unknown):
        app.unlisted.append(("flask-smorest's OpenAPI routes depend on a config prefix cors-lint cannot know",
                             call.location))
        return
    conditions = list(call.frame.conditions)
    url_prefix = _config(call.engine, app, prefix + "OPENAPI_URL_PREFIX")
    if url_prefix is _NOT_SET:
        return
    if isinstance(url_prefix, Unknown):
        conditions.append(_set_condition(prefix + "OPENAPI_URL_PREFIX", url_prefix))
    name = f"{prefix}api-docs".replace("_", "-").lower()
    bp = BlueprintObj(name=name, location=call.location, url_prefix=_leading_slash(url_prefix))
    json_path = _config(call.engine, app, prefix + "OPENAPI_JSON_PATH")
    if json_path is _NOT_SET and prefix + "OPENAPI_JSON_PATH" not in app.config.values:
        json_path = "openapi.json"  # the default of config.get(..., "openapi.json")
    _doc_rule(bp, json_path, "openapi_json", conditions, call.location)
    for endpoint, path_key, url_key in DOC_PAGES:
        path, url = _config(call.engine, app, prefix + path_key), _config(call.engine, app, prefix + url_key)
        if path is _NOT_SET or url is _NOT_SET:
            continue
        extra = [_set_condition(prefix + key, value) for key, value in ((path_key, path), (url_key, url))
                 if isinstance(value, Unknown)]
        _doc_rule(bp, path, endpoint, conditions + extra, call.location)
    app.blueprints.append((bp, {AUTOMATIC_OPTIONS_AT: flask_model.automatic_options_now(app)}, call.location))


def _doc_rule(bp: BlueprintObj, path: Any, endpoint: str, conditions: list[str], location: Location) -> None:
    bp.routes.append(RouteDecl(rule=_leading_slash(path), endpoint=endpoint, view=None, methods=None,
                               provide_automatic_options=None, location=location,
                               condition=" and ".join(conditions) or None))
