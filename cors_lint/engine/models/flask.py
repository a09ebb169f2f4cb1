"""Flask: ``Flask`` and ``Blueprint`` (and project subclasses of them), their route decorators,
``add_url_rule``, ``register_blueprint``, ``after_request``, ``app.debug`` and
``static_url_path``. ``app.config`` is in ``flask_config``; class-based views in ``flask_views``."""

from __future__ import annotations

from typing import Any

import libcst as cst

from cors_lint.core.values import FromEnv, Unknown, env_vars, strip_env
from cors_lint.engine.app.app_objects import (
    AppObj,
    BlueprintObj,
    ConfigHolder,
    ConfigObj,
    CrossOriginView,
    LibraryDecorator,
    ManualHook,
    RouteDecl,
    RouteDecorator,
    view_attributes,
)
from cors_lint.engine.interpreter.objects import BoundMethod, FunctionObj
from cors_lint.engine.interpreter.registry import Call, Model
from cors_lint.engine.app.routes import AUTOMATIC_OPTIONS_AT, REGISTERED_UNDER

MODEL = Model("flask")
MODEL.response_makers.add("flask.make_response")  # make_response(body, status, headers): headers written by hand
MODEL.exit_functions.add("flask.abort")  # raises: the code after it in a block does not run
MODEL.aliases.update({
    "flask.app.Flask": "flask.Flask",
    "flask.blueprints.Blueprint": "flask.Blueprint",
    "flask.sansio.blueprints.Blueprint": "flask.Blueprint",
    "flask.helpers.make_response": "flask.make_response",
})
MODEL.star_exports["flask"] = (
    "Flask", "Blueprint", "Config", "Response", "request", "make_response", "jsonify", "abort", "current_app", "g",
    "session", "redirect", "url_for", "render_template", "send_file", "send_from_directory", "after_this_request",
    "stream_with_context")
MODEL.application_classes.add("flask.Flask")  # a function that builds one is an app factory: it runs
MODEL.entry_names |= {"Flask", "Blueprint", "route", "add_url_rule", "register_blueprint", "after_request"}
MODEL.object_types |= {AppObj, BlueprintObj}
MODEL.instance_types.update({"flask.Flask": AppObj, "flask.Blueprint": BlueprintObj})
MODEL.with_targets.add(AppObj)
_VERBS = {"get": "GET", "post": "POST", "put": "PUT", "delete": "DELETE", "patch": "PATCH"}


def target_name(obj: Any, engine=None, node: cst.CSTNode | None = None) -> str:
    """How a site names what it configures: the app's variable, ``blueprint <name>``, or the code."""
    plain = strip_env(obj)
    if isinstance(plain, AppObj):
        return plain.name or "app"
    if isinstance(plain, BlueprintObj):
        name = strip_env(plain.name)
        return f"blueprint {name}" if isinstance(name, str) else "blueprint"
    if node is not None and engine is not None:
        return engine.code(node)
    return "<unknown>"


# ---------------------------------------------------------------------------- constructors
@MODEL.function("flask.Flask", subclasses=True)
def create_app(call: Call, kind: type[AppObj] = AppObj) -> AppObj:
    """``Flask(...)``; ``kind``: the object for a library's subclass of Flask (its model passes it)."""
    kwargs = call.kwargs
    location = call.location
    app = kind(id=f"{location.file}:{location.line}", name="", location=location)
    function = call.frame.function
    if function is not None:
        cls = call.engine.classes.get(id(function))
        app.factory = f"{cls.name}.{function.name}" if cls is not None else function.name
    static_folder = strip_env(kwargs.get("static_folder", "static"))
    static_url_path = strip_env(kwargs.get("static_url_path"))
    if static_folder is None:
        app.static_url_path = None
    elif isinstance(static_url_path, str):
        app.static_url_path = static_url_path.rstrip("/")
    elif static_url_path is None and isinstance(static_folder, str):
        app.static_url_path = ("/" + static_folder.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]).rstrip("/")
    else:
        app.static_url_path = Unknown("static_url_path cannot be known")
    app.config.values["PROVIDE_AUTOMATIC_OPTIONS"] = (True, None)
    app.conditions = call.frame.conditions
    call.engine.apps.append(app)
    return app


@MODEL.function("flask.Blueprint", subclasses=True)
def create_blueprint(call: Call, kind: type[BlueprintObj] = BlueprintObj) -> BlueprintObj:
    """``Blueprint(...)``; ``kind``: the object for a library's subclass of Blueprint."""
    args, kwargs = call.args, call.kwargs
    name = args[0] if args else kwargs.get("name", Unknown("blueprint name"))
    bp = kind(name=strip_env(name), location=call.location)
    prefix = args[5] if len(args) > 5 else kwargs.get("url_prefix")
    bp.url_prefix = strip_env(prefix)
    static_folder = strip_env(args[2] if len(args) > 2 else kwargs.get("static_folder"))
    static_url_path = strip_env(args[3] if len(args) > 3 else kwargs.get("static_url_path"))
    if isinstance(static_folder, str):
        if isinstance(static_url_path, str):
            bp.static_url_path = static_url_path.rstrip("/")
        else:
            bp.static_url_path = ("/" + static_folder.rstrip("/").rsplit("/", 1)[-1]).rstrip("/")
    return bp


@MODEL.function("flask.Config", "flask.config.Config")
def create_config(call: Call) -> ConfigObj:
    return ConfigObj(ConfigHolder())


def name_app(app: AppObj, name: str) -> None:
    """``app = Flask(...)``: the app is known by its first variable's name."""
    if not app.name:
        app.name = name


MODEL.bind_hooks[AppObj] = name_app


# ---------------------------------------------------------------------------- app and blueprint attributes
@MODEL.attribute(AppObj, "config")
def app_config(engine, app: AppObj) -> ConfigObj:
    return ConfigObj(app)


@MODEL.attribute(AppObj, "debug")
def app_debug(engine, app: AppObj) -> Any:
    engine.env_reads.add("app.debug")
    if engine.assumptions.debug is not None:
        engine.pinned_env.add("FLASK_DEBUG")
        return FromEnv("FLASK_DEBUG", engine.assumptions.debug)
    return Unknown("app.debug depends on how the app is run")


def set_static_url_path(engine, app: AppObj, value: Any) -> None:
    app.static_url_path = value


MODEL.attribute_setters[(AppObj, "static_url_path")] = set_static_url_path


# ---------------------------------------------------------------------------- methods shared by Flask and Blueprint
@MODEL.method(AppObj, "route")
@MODEL.method(BlueprintObj, "route")
def route(owner, name: str, call: Call) -> RouteDecorator:
    kwargs = call.kwargs
    rule = call.args[0] if call.args else kwargs.pop("rule", Unknown("route rule"))
    methods = kwargs.pop("methods", None)
    return RouteDecorator(owner, rule, kwargs, methods, call.location)


@MODEL.method(AppObj, *_VERBS)
@MODEL.method(BlueprintObj, *_VERBS)
def verb_route(owner, name: str, call: Call) -> RouteDecorator:
    rule = call.args[0] if call.args else call.kwargs.pop("rule", Unknown("route rule"))
    return RouteDecorator(owner, rule, call.kwargs, [_VERBS[name]], call.location)


@MODEL.method(AppObj, "add_url_rule")
@MODEL.method(BlueprintObj, "add_url_rule")
def add_url_rule(owner, name: str, call: Call) -> None:
    kwargs = call.kwargs
    names = ("rule", "endpoint", "view_func", "provide_automatic_options")
    bound = dict(zip(names, call.args))
    bound.update({k: kwargs.pop(k) for k in names if k in kwargs})
    methods = kwargs.pop("methods", None)
    register_route(owner, bound.get("rule", Unknown("rule")), bound.get("endpoint"), bound.get("view_func"), methods,
                   bound.get("provide_automatic_options"), kwargs, call.location, call.frame)
    return None


@MODEL.method(AppObj, "register_blueprint")
@MODEL.method(BlueprintObj, "register_blueprint")
def register_blueprint(owner, name: str, call: Call) -> None:
    kwargs = call.kwargs
    blueprint = strip_env(call.args[0]) if call.args else strip_env(kwargs.pop("blueprint", None))
    options = {k: strip_env(v) for k, v in kwargs.items()}
    if call.frame.conditions:
        options[REGISTERED_UNDER] = " and ".join(call.frame.conditions)
    if isinstance(owner, AppObj):
        options[AUTOMATIC_OPTIONS_AT] = automatic_options_now(owner)
    entry = (blueprint, options, call.location)
    if not isinstance(blueprint, BlueprintObj) and isinstance(owner, AppObj):
        code = call.engine.code(call.node.args[0].value) if call.node.args else "a blueprint"
        owner.unlisted.append((f"the blueprint `{code}` is one cors-lint cannot see", call.location))
    (owner.blueprints if isinstance(owner, AppObj) else owner.children).append(entry)
    return None


@MODEL.method(AppObj, "after_request")
@MODEL.method(BlueprintObj, "after_request")
def after_request(owner, name: str, call: Call) -> Any:
    if call.args:
        return call.engine.apply_decorator(BoundMethod(owner, "after_request"), call.args[0], call.node, call.frame)
    return BoundMethod(owner, "after_request")


@MODEL.method(AppObj, None)
@MODEL.method(BlueprintObj, None)
def other_method(owner, name: str, call: Call) -> Unknown:
    return Unknown(f".{name}() of a Flask object")


def automatic_options_now(app: AppObj) -> tuple[Any]:
    """``app.config["PROVIDE_AUTOMATIC_OPTIONS"]`` now: Flask reads it as it adds each rule."""
    return (app.config.values.get("PROVIDE_AUTOMATIC_OPTIONS", (True, None))[0],)


def _rule(rule: Any) -> Any:
    """A route rule as registered: a string, or unknown. A value that is no string (``False``, the
    default of ``$SENTRY_DEBUG_URL`` under ``if config.SENTRY_DEBUG_URL:``) stands for the one the
    environment gives when the route exists."""
    plain = strip_env(rule)
    if not isinstance(plain, (bool, int, float, type(None))):
        return plain
    variables = env_vars(rule)
    return Unknown(f"the route rule comes from ${variables[0]}" if variables else
                   f"the route rule is not a string ({type(plain).__name__})")


def register_route(owner, rule, endpoint, view, methods, pao, options, location, frame) -> None:
    plain_view = strip_env(view)
    if isinstance(plain_view, FunctionObj):
        plain_view.registered_as_route = True
    if isinstance(plain_view, CrossOriginView):
        inner = plain_view.inner
        while isinstance(inner, CrossOriginView):
            inner = inner.inner
        if isinstance(inner, FunctionObj):
            inner.registered_as_route = True
    declaration = RouteDecl(rule=_rule(rule), endpoint=strip_env(endpoint), view=plain_view,
                            methods=strip_env(methods), provide_automatic_options=strip_env(pao),
                            location=location, condition=" and ".join(frame.conditions) or None)
    if isinstance(owner, AppObj):
        declaration.view_attrs = dict(view_attributes(plain_view))  # blueprints add their rules later
        declaration.automatic_options = automatic_options_now(owner)
    owner.routes.append(declaration)


# ---------------------------------------------------------------------------- decorators
@MODEL.decorator(RouteDecorator)
def apply_route(engine, decorator: RouteDecorator, value: Any, node, frame) -> Any:
    endpoint = decorator.options.pop("endpoint", None)
    pao = decorator.options.pop("provide_automatic_options", None)
    register_route(decorator.owner, decorator.rule, endpoint, value, decorator.methods, pao, decorator.options,
                   decorator.location, frame)
    return value


@MODEL.decorator(LibraryDecorator)
def apply_library_decorator(engine, decorator: LibraryDecorator, value: Any, node, frame) -> Any:
    """A decorator a library model built (``@blp.route(...)``, ``@app.input(...)``): it says what it does."""
    return decorator.apply(engine, value, node, frame)


def apply_after_request(engine, decorator: BoundMethod, value: Any, node, frame) -> Any:
    decorator.obj.hooks.append(ManualHook(value, engine.location(node, frame)))
    return value


MODEL.decorator_methods[(AppObj, "after_request")] = apply_after_request
MODEL.decorator_methods[(BlueprintObj, "after_request")] = apply_after_request


# ---------------------------------------------------------------------------- extensions that add routes
# Libraries that register routes on an app they are given. While one has no model of its own,
# an app passed to it has routes cors-lint cannot list (and its CORS is judged for them anyway).
ROUTE_REGISTERING_LIBRARIES = frozenset({
    "flask_restful", "flask_restx", "flask_restplus", "flask_smorest", "apiflask", "flask_appbuilder", "connexion",
    "flask_admin", "flasgger", "flask_graphql", "graphql_server", "strawberry", "flask_openapi3", "spectree",
    "dash", "flask_jsonrpc", "flask_potion", "eve", "flask_apispec", "flask_rebar", "flask_classful",
    "flask_restless", "flask_swagger_ui", "flask_pydantic_spec", "flask_rest_jsonapi", "flask_graphql_auth",
})


def unmodelled_extension(call: Call) -> None:
    library = call.qualname.split(".", 1)[0]
    if library not in ROUTE_REGISTERING_LIBRARIES:
        return
    for value in [*call.args, *call.kwargs.values()]:
        owner = strip_env(value)
        if isinstance(owner, (AppObj, BlueprintObj)):
            owner.unlisted.append((f"`{call.qualname}` adds routes cors-lint does not model", call.location))


MODEL.unmodelled_call_hooks.append(unmodelled_extension)
