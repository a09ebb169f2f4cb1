"""APIFlask (3.x): ``APIFlask`` (a ``Flask`` subclass: everything Flask does, with its own
constructor arguments) and ``APIBlueprint`` (a ``Blueprint``), their verb shortcuts, the decorators
that keep the view (``input``, ``output``, ``doc``, ``auth_required``), view classes given to
``route`` / ``add_url_rule`` directly, and the OpenAPI blueprint the constructor registers.

What the library does that decides the url_map (apiflask/app.py, blueprint.py, route.py,
scaffold.py):

- ``APIFlask.__init__`` registers the blueprint ``openapi`` (at ``openapi_blueprint_url_prefix``)
  when ``enable_openapi`` and ``spec_path`` or ``docs_path`` are set: ``spec_path`` (default
  ``/openapi.json``, endpoint ``spec``), ``docs_path`` (default ``/docs``, endpoint ``docs``) and,
  for the ``swagger-ui`` docs (the default ``docs_ui``), ``docs_oauth2_redirect_path`` (default
  ``/docs/oauth2-redirect``, endpoint ``swagger_ui_oauth_redirect``). These are constructor
  arguments only: no config key moves them in 3.x.
- The patched ``add_url_rule`` (used by ``route``) turns a view class into
  ``cls.as_view(endpoint or cls.__name__)``; the verb shortcuts refuse classes and ``methods=``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst

from cors_lint.core.values import Unknown, env_vars, strip_env
from cors_lint.engine.app.app_objects import AppObj, BlueprintObj, ConfigDecoratedView, LibraryDecorator, RouteDecl
from cors_lint.engine.models import flask as flask_model
from cors_lint.engine.models.flask_views import class_view
from cors_lint.engine.interpreter.objects import ClassObj
from cors_lint.engine.interpreter.registry import Call, Model
from cors_lint.engine.app.routes import AUTOMATIC_OPTIONS_AT, CONSTRUCTION_AUTOMATIC_OPTIONS

MODEL = Model("apiflask")
MODEL.aliases.update({
    "apiflask.app.APIFlask": "apiflask.APIFlask",
    "apiflask.blueprint.APIBlueprint": "apiflask.APIBlueprint",
    "apiflask.MethodView": "flask.views.MethodView",
    "apiflask.views.MethodView": "flask.views.MethodView",
    "apiflask.View": "flask.views.View",
    "apiflask.views.View": "flask.views.View",
})
MODEL.star_exports["apiflask"] = (
    "APIFlask", "APIBlueprint", "MethodView", "View", "abort", "HTTPError", "Schema", "EmptySchema", "FileSchema",
    "PaginationSchema", "PaginationModel", "HTTPBasicAuth", "HTTPTokenAuth", "APIKeyCookieAuth", "APIKeyHeaderAuth",
    "APIKeyQueryAuth", "MultiAuth", "fields", "validators", "get_reason_phrase", "pagination_builder")
MODEL.application_classes.add("apiflask.APIFlask")  # a function that builds one is an app factory
_VERBS = ("get", "post", "put", "patch", "delete")
# APIScaffold / APIFlask methods that decorate a view (or another function) and keep it
KEEPING_DECORATORS = ("input", "output", "doc", "auth_required", "spec_processor", "error_processor")
APP_PARAMETERS = ("import_name", "title", "version", "spec_path", "docs_path", "docs_oauth2_redirect_path",
                  "docs_oauth2_redirect_path_external", "docs_ui", "openapi_blueprint_url_prefix", "json_errors",
                  "enable_openapi", "spec_plugins", "static_url_path", "static_folder", "static_host",
                  "host_matching", "subdomain_matching", "template_folder", "instance_path",
                  "instance_relative_config", "root_path")
APP_DEFAULTS = {"spec_path": "/openapi.json", "docs_path": "/docs", "docs_oauth2_redirect_path": "/docs/oauth2-redirect",
                "docs_ui": "swagger-ui", "openapi_blueprint_url_prefix": None, "enable_openapi": True,
                "static_url_path": None, "static_folder": "static"}
OPENAPI_PARAMETERS = ("spec_path", "docs_path", "docs_oauth2_redirect_path", "docs_ui", "openapi_blueprint_url_prefix",
                      "enable_openapi")
BLUEPRINT_PARAMETERS = ("name", "import_name", "tag", "enable_openapi", "static_folder", "static_url_path",
                        "template_folder", "url_prefix", "subdomain", "url_defaults", "root_path", "cli_group")
# the config key listing the decorators each OpenAPI view applies on every request
DECORATOR_KEYS = {"spec": "SPEC_DECORATORS", "docs": "DOCS_DECORATORS",
                  "swagger_ui_oauth_redirect": "SWAGGER_UI_OAUTH_REDIRECT_DECORATORS"}
DOCS_UIS = ("swagger-ui", "redoc", "elements", "rapidoc", "rapipdf")  # apiflask.ui_templates


@dataclass(eq=False)
class APIFlaskApp(AppObj):
    """An ``apiflask.APIFlask`` app."""


@dataclass(eq=False)
class APIBlueprintObj(BlueprintObj):
    """An ``apiflask.APIBlueprint``."""


MODEL.object_types |= {APIFlaskApp, APIBlueprintObj}


def _bind(call: Call, parameters: tuple[str, ...], defaults: dict[str, Any],
          unpackable: tuple[str, ...] = ()) -> dict[str, Any]:
    """The arguments by parameter name, defaults filled in; the ``unpackable`` ones that ``**x``
    may set are unknown (the others keep their defaults, as Flask's own model does)."""
    bound = dict(defaults)
    if call.unknown_star:
        bound.update({name: Unknown(f"{name} may be set by the arguments unpacked from `{call.unknown_star[0]}`")
                      for name in unpackable})
    bound.update(zip(parameters, call.args))
    bound.update({k: v for k, v in call.kwargs.items() if k in parameters})
    return bound


def _value(engine, value: Any, name: str) -> Any:
    """An argument's value; one read from the environment with None as the code's fallback is
    unknown (a deployment that sets the variable turns the route on), unless the policy pins it."""
    variables = [var for var in env_vars(value) if var not in getattr(engine, "pinned_env", ())]
    if variables and strip_env(value) is None:
        return Unknown(f"{name} comes from ${variables[0]}, which the code leaves unset")
    return strip_env(value)


# ---------------------------------------------------------------------------- constructors
def _own_init(call: Call) -> str | None:
    """The project subclass being built, when it (or a project base) defines ``__init__``: then
    the call's arguments are not APIFlask's, and what it passes on cannot be seen."""
    if not isinstance(call.node.func, (cst.Name, cst.Attribute)):
        return None
    with call.engine.peek():
        callee = call.engine.eval(call.node.func, call.frame)
    if isinstance(callee, ClassObj) and any("__init__" in k.namespace for k in call.engine.mro(callee)):
        return callee.name
    return None


@MODEL.function("apiflask.APIFlask", subclasses=True)
def create_app(call: Call) -> AppObj:
    engine = call.engine
    bound = _bind(call, APP_PARAMETERS, APP_DEFAULTS, OPENAPI_PARAMETERS)
    subclass = _own_init(call)
    if subclass is not None:
        bound.update({name: Unknown(f"{subclass}.__init__ chooses the arguments it passes to APIFlask")
                      for name in OPENAPI_PARAMETERS})
    flask_kwargs = {name: bound[name] for name in ("static_folder", "static_url_path")}
    flask_call = Call(engine, call.args[:1], flask_kwargs, call.node, call.frame, [], call.qualname)
    app = flask_model.create_app(flask_call, APIFlaskApp)
    _register_openapi_blueprint(engine, app, {name: _value(engine, bound[name], name) for name in OPENAPI_PARAMETERS},
                                call)
    return app


@MODEL.function("apiflask.APIBlueprint", subclasses=True)
def create_blueprint(call: Call) -> BlueprintObj:
    bound = _bind(call, BLUEPRINT_PARAMETERS, {"static_folder": None, "static_url_path": None, "url_prefix": None})
    kwargs = {name: bound[name] for name in ("static_folder", "static_url_path", "url_prefix") if name in bound}
    flask_call = Call(call.engine, call.args[:2], kwargs, call.node, call.frame, call.unknown_star, call.qualname)
    if "name" in call.kwargs:
        flask_call.kwargs["name"] = call.kwargs["name"]
    return flask_model.create_blueprint(flask_call, APIBlueprintObj)


# ---------------------------------------------------------------------------- the OpenAPI blueprint
class _Conditions:
    """Whether something exists: False, or True under the conditions that cannot be known."""

    def __init__(self, frame_conditions: tuple[str, ...]):
        self.texts = list(frame_conditions)
        self.impossible = False

    def require(self, value: Any, text: str) -> None:
        if isinstance(value, Unknown):
            condition = f"{text} (cors-lint cannot know: {value.reason})"
            if condition not in self.texts:
                self.texts.append(condition)
        elif not value:
            self.impossible = True

    def copy(self) -> _Conditions:
        other = _Conditions(())
        other.texts, other.impossible = list(self.texts), self.impossible
        return other


def _register_openapi_blueprint(engine, app: AppObj, args: dict[str, Any], call: Call) -> None:
    """``APIFlask._register_openapi_blueprint``: the spec, the docs page and Swagger UI's OAuth2 redirect."""
    spec_path, docs_path, docs_ui = args["spec_path"], args["docs_path"], args["docs_ui"]
    registered = _Conditions(call.frame.conditions)  # (and spec_path or docs_path: each route requires its own)
    registered.require(args["enable_openapi"], "enable_openapi is true")
    if registered.impossible:
        return
    if isinstance(docs_ui, str) and docs_ui not in DOCS_UIS and not isinstance(docs_path, Unknown) and docs_path:
        return  # APIFlask() raises ValueError: there is no app
    bp = BlueprintObj(name="openapi", location=call.location, url_prefix=args["openapi_blueprint_url_prefix"])
    rules = [(spec_path, "spec", [(spec_path, "spec_path is set")]),
             (docs_path, "docs", [(docs_path, "docs_path is set")])]
    swagger = docs_ui == "swagger-ui" if not isinstance(docs_ui, Unknown) else docs_ui
    redirect = args["docs_oauth2_redirect_path"]
    rules.append((redirect, "swagger_ui_oauth_redirect", [(docs_path, "docs_path is set"),
                                                          (swagger, "docs_ui is 'swagger-ui'"),
                                                          (redirect, "docs_oauth2_redirect_path is set")]))
    for path, endpoint, requirements in rules:
        exists = registered.copy()
        for value, text in requirements:
            exists.require(value, text)
        if exists.impossible:
            continue
        view = ConfigDecoratedView(endpoint, DECORATOR_KEYS[endpoint])
        bp.routes.append(RouteDecl(rule=path, endpoint=endpoint, view=view, methods=None,
                                   provide_automatic_options=None, location=call.location,
                                   condition=" and ".join(exists.texts) or None))
    if bp.routes:  # registered by the constructor: PROVIDE_AUTOMATIC_OPTIONS is Flask's default then
        app.blueprints.append((bp, {AUTOMATIC_OPTIONS_AT: CONSTRUCTION_AUTOMATIC_OPTIONS}, call.location))


# ---------------------------------------------------------------------------- routes
def _as_view(engine, view: Any, endpoint: Any) -> Any:
    """The patched ``add_url_rule``: a view class becomes ``cls.as_view(endpoint or cls.__name__)``."""
    plain = strip_env(view)
    if isinstance(plain, ClassObj):
        endpoint = strip_env(endpoint)
        return class_view(engine, plain, endpoint if endpoint is not None else plain.name)
    return view


@MODEL.method(APIFlaskApp, "route")
@MODEL.method(APIBlueprintObj, "route")
def route(owner, name: str, call: Call) -> LibraryDecorator:
    decorator = flask_model.route(owner, name, call)

    def apply(engine, value: Any, node, frame) -> Any:
        flask_model.apply_route(engine, decorator, _as_view(engine, value, decorator.options.get("endpoint")), node,
                                frame)
        return value

    return LibraryDecorator(apply, "route()")


@MODEL.method(APIFlaskApp, *_VERBS)
@MODEL.method(APIBlueprintObj, *_VERBS)
def verb_route(owner, name: str, call: Call) -> Any:
    if "methods" in call.kwargs:
        return Unknown(f".{name}() with methods= raises RuntimeError")
    decorator = flask_model.verb_route(owner, name, call)

    def apply(engine, value: Any, node, frame) -> Any:
        if isinstance(strip_env(value), ClassObj):
            return value  # APIFlask raises RuntimeError: the shortcuts refuse view classes
        flask_model.apply_route(engine, decorator, value, node, frame)
        return value

    return LibraryDecorator(apply, f"{name}()")


@MODEL.method(APIFlaskApp, "add_url_rule")
@MODEL.method(APIBlueprintObj, "add_url_rule")
def add_url_rule(owner, name: str, call: Call) -> None:
    args, kwargs = list(call.args), dict(call.kwargs)
    endpoint = args[1] if len(args) > 1 else kwargs.get("endpoint")
    if len(args) > 2:
        args[2] = _as_view(call.engine, args[2], endpoint)
    elif "view_func" in kwargs:
        kwargs["view_func"] = _as_view(call.engine, kwargs["view_func"], endpoint)
    flask_call = Call(call.engine, args, kwargs, call.node, call.frame, call.unknown_star, call.qualname)
    return flask_model.add_url_rule(owner, name, flask_call)


@MODEL.method(APIFlaskApp, *KEEPING_DECORATORS)
@MODEL.method(APIBlueprintObj, *KEEPING_DECORATORS)
def keeping_decorator(owner, name: str, call: Call) -> LibraryDecorator:
    return LibraryDecorator(lambda engine, value, node, frame: value, f"{name}()")


def keep_view(engine, decorator: Any, value: Any, node, frame) -> Any:
    return value


for _owner in (APIFlaskApp, APIBlueprintObj):  # `@app.spec_processor` / `@app.error_processor` without a call
    MODEL.decorator_methods[(_owner, "spec_processor")] = keep_view
    MODEL.decorator_methods[(_owner, "error_processor")] = keep_view
