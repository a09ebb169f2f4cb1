"""What calls into Flask, flask-cors and a few stdlib helpers do (a mixin of the interpreter).

Library objects are identified by where their names were imported from (``LibSymbol``
qualified names built from import bindings), never by how they are spelt at the call.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from cors_lint.expressions import lifted, rewrap
from cors_lint.objects import (
    AppObj,
    BlueprintObj,
    BoundMethod,
    BrokenView,
    ClassObj,
    ClassView,
    ConfigHolder,
    ConfigObj,
    CorsHook,
    CorsObj,
    CrossOriginFactory,
    CrossOriginView,
    FunctionObj,
    InstanceObj,
    LibSymbol,
    ManualHook,
    RouteDecl,
    RouteDecorator,
    Site,
    view_name,
)
from cors_lint.semantics import DEFAULT_OPTIONS
from cors_lint.values import FromEnv, Regex, TimeDelta, Unknown, strip_env

_ALIASES = {
    "flask.app.Flask": "flask.Flask",
    "flask.blueprints.Blueprint": "flask.Blueprint",
    "flask.sansio.blueprints.Blueprint": "flask.Blueprint",
    "flask_cors.extension.CORS": "flask_cors.CORS",
    "flask.ext.cors.CORS": "flask_cors.CORS",
    "flask_cors.decorator.cross_origin": "flask_cors.cross_origin",
    "flask.ext.cors.cross_origin": "flask_cors.cross_origin",
    "os.environ.get": "os.getenv",
    "posix.environ": "os.environ",
    "flask.helpers.make_response": "flask.make_response",
}
TRANSPARENT_DECORATORS = frozenset({"builtins.staticmethod", "builtins.classmethod", "builtins.property",
                                    "functools.wraps", "typing.overload", "typing.final", "abc.abstractmethod"})
_VERBS = {"get": "GET", "post": "POST", "put": "PUT", "delete": "DELETE", "patch": "PATCH"}
_TIMEDELTA_ARGS = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
_TIMEDELTA_SECONDS = {"days": 86400, "seconds": 1, "microseconds": 1e-6, "milliseconds": 1e-3, "minutes": 60,
                      "hours": 3600, "weeks": 604800}
_HTTP_METHOD_FUNCS = ("get", "post", "head", "options", "delete", "put", "trace", "patch")


class FlaskApi:
    """Mixin: needs the interpreter's ``eval``, ``location``, ``call_function`` and friends."""

    def canonical(self, qualname: str) -> str:
        return _ALIASES.get(qualname, qualname)

    # ---------------------------------------------------------------- dispatch
    def call(self, func: Any, args: list[Any], kwargs: dict[str, Any], node: cst.Call, frame,
             unknown_star: list[str]) -> Any:
        if isinstance(func, LibSymbol):
            result = self.call_library(self.canonical(func.qualname), args, kwargs, node, frame, unknown_star)
            if func.qualname.startswith("flask.ext.") and self.sites and self.sites[-1].location == self.location(
                node, frame
            ):
                self.sites[-1].notes.append("imported from flask.ext.cors, which fails to import on Flask >= 1.0")
            return result
        if isinstance(func, BoundMethod):
            return self.call_method(func, args, kwargs, node, frame, unknown_star)
        if isinstance(func, FunctionObj):
            if unknown_star:
                return Unknown(f"call to {func.name}() with arguments that cannot be known")
            return self.call_function(func, args, kwargs, frame)
        if isinstance(func, ClassObj):
            bases = {self.canonical(b) for b in self.lib_bases(func)}
            if "flask.Flask" in bases:
                return self.create_app(args, kwargs, node, frame)
            if "flask.Blueprint" in bases:
                return self.create_blueprint(args, kwargs, node, frame)
            instance = InstanceObj(func)
            init = self.class_attribute(func, "__init__")
            if isinstance(init, FunctionObj) and not unknown_star:
                self.call_function(init, [instance, *args], kwargs, frame)
            return instance
        if isinstance(func, (CrossOriginFactory, RouteDecorator)) and len(args) == 1:
            return self.apply_decorator(func, args[0], node, frame)
        return Unknown(f"call `{self.code(node.func)}(...)` cannot be evaluated statically")

    def call_library(self, name: str, args, kwargs, node, frame, unknown_star) -> Any:
        if name == "flask.Flask":
            return self.create_app(args, kwargs, node, frame)
        if name == "flask.Blueprint":
            return self.create_blueprint(args, kwargs, node, frame)
        if name == "flask_cors.CORS":
            return self.create_cors(args, kwargs, node, frame, unknown_star)
        if name == "flask_cors.cross_origin":
            return self.create_cross_origin(args, kwargs, node, frame, unknown_star)
        if name == "os.getenv":
            return self.read_env(args, kwargs)
        if name in ("flask.Config", "flask.config.Config"):
            return ConfigObj(ConfigHolder())
        if name == "re.compile":
            return self.compile_regex(args, kwargs)
        if name == "datetime.timedelta":
            return self.make_timedelta(args, kwargs)
        if name.startswith("builtins."):
            return self.call_builtin(name.removeprefix("builtins."), args, kwargs)
        return Unknown(f"call to {name}() cannot be evaluated statically")

    def call_method(self, method: BoundMethod, args, kwargs, node, frame, unknown_star) -> Any:
        obj, name = method.obj, method.name
        if method.function is not None:
            if unknown_star:
                return Unknown(f"call to {name}() with arguments that cannot be known")
            bound = [] if method.function.attrs.get("staticmethod") else [obj]
            return self.call_function(method.function, [*bound, *args], kwargs, frame)
        plain = strip_env(obj)
        if isinstance(plain, (AppObj, BlueprintObj)):
            return self.scaffold_method(plain, name, args, kwargs, node, frame, unknown_star)
        if isinstance(plain, CorsObj) and name == "init_app":
            return self.cors_init_app_call(plain, args, kwargs, node, frame, unknown_star)
        if isinstance(plain, ConfigObj):
            return self.config_method(plain.app, name, args, kwargs, node, frame)
        if isinstance(plain, ClassObj) and name == "as_view":
            view_name = args[0] if args else kwargs.get("name", Unknown("as_view() without a name"))
            return ClassView(plain, view_name)
        if isinstance(plain, str):
            return lifted(lambda s, *a, **k: getattr(s, name)(*a, **k), obj, *args, **{}) if not kwargs else \
                lifted(lambda s, *a: getattr(s, name)(*a, **{k: strip_env(v) for k, v in kwargs.items()}), obj, *args)
        if isinstance(plain, dict):
            return lifted(lambda d, *a: getattr(d, name)(*a), obj, *args)
        return Unknown(f"method .{name}() cannot be evaluated statically")

    # ---------------------------------------------------------------- stdlib helpers
    def read_env(self, args, kwargs) -> Any:
        var = strip_env(args[0]) if args else strip_env(kwargs.get("key"))
        if not isinstance(var, str):
            return Unknown("environment variable with a dynamic name")
        default = args[1] if len(args) > 1 else kwargs.get("default")
        return self.env_value(var, default)

    def env_value(self, var: str, default: Any) -> FromEnv:
        """An environment variable: the environment's assumed value, else the code's default."""
        self.env_reads.add(var)
        assumed = self.assumptions.value(var)
        return FromEnv(var, assumed if assumed is not None else default)

    def compile_regex(self, args, kwargs) -> Any:
        pattern = strip_env(args[0]) if args else strip_env(kwargs.get("pattern"))
        flags = strip_env(args[1]) if len(args) > 1 else strip_env(kwargs.get("flags", 0))
        if not isinstance(pattern, str):
            return Unknown("re.compile() of a pattern that cannot be known")
        if not isinstance(flags, int):
            return Unknown("re.compile() with flags that cannot be known")
        return Regex(pattern, flags)

    def make_timedelta(self, args, kwargs) -> Any:
        total = 0.0
        values = dict(zip(_TIMEDELTA_ARGS, args))
        values.update(kwargs)
        for key, value in values.items():
            plain = strip_env(value)
            if key not in _TIMEDELTA_SECONDS or not isinstance(plain, (int, float)) or isinstance(plain, bool):
                return Unknown("timedelta() with values that cannot be known")
            total += plain * _TIMEDELTA_SECONDS[key]
        return TimeDelta(total)

    def call_builtin(self, name: str, args, kwargs) -> Any:
        functions = {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset, "str": str, "int": int,
                     "float": float, "bool": bool, "sorted": sorted, "len": len, "dict": dict}
        fn = functions.get(name)
        if fn is None:
            return Unknown(f"call to {name}() cannot be evaluated statically")
        if name == "dict" and kwargs and not args:
            return dict(kwargs)
        if kwargs:
            return Unknown(f"call to {name}() with keywords")
        if name == "str" and args and isinstance(strip_env(args[0]), (Regex, TimeDelta)):
            return Unknown("str() of an object")
        return lifted(fn, *args)

    # ---------------------------------------------------------------- sites
    def add_site(self, kind: str, node: cst.CSTNode, frame, target: str, options: dict[str, Any],
                 notes: list[str] | None = None) -> Site:
        condition = " and ".join(frame.conditions) or None
        site = Site(kind, self.location(node, frame), target, options, notes=list(notes or []), condition=condition)
        self.sites.append(site)
        return site

    def target_name(self, obj: Any, node: cst.CSTNode | None = None) -> str:
        plain = strip_env(obj)
        if isinstance(plain, AppObj):
            return plain.name or "app"
        if isinstance(plain, BlueprintObj):
            name = strip_env(plain.name)
            return f"blueprint {name}" if isinstance(name, str) else "blueprint"
        if node is not None:
            return self.code(node)
        return "<unknown>"

    # ---------------------------------------------------------------- Flask objects
    def create_app(self, args, kwargs, node, frame) -> AppObj:
        location = self.location(node, frame)
        app = AppObj(id=f"{location.file}:{location.line}", name="", location=location)
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
        app.conditions = frame.conditions
        self.apps.append(app)
        return app

    def create_blueprint(self, args, kwargs, node, frame) -> BlueprintObj:
        name = args[0] if args else kwargs.get("name", Unknown("blueprint name"))
        bp = BlueprintObj(name=strip_env(name), location=self.location(node, frame))
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

    def scaffold_method(self, owner, name, args, kwargs, node, frame, unknown_star) -> Any:
        """Methods shared by ``Flask`` and ``Blueprint`` objects."""
        if name == "route":
            rule = args[0] if args else kwargs.pop("rule", Unknown("route rule"))
            methods = kwargs.pop("methods", None)
            return RouteDecorator(owner, rule, kwargs, methods, self.location(node, frame))
        if name in _VERBS:
            rule = args[0] if args else kwargs.pop("rule", Unknown("route rule"))
            return RouteDecorator(owner, rule, kwargs, [_VERBS[name]], self.location(node, frame))
        if name == "add_url_rule":
            names = ("rule", "endpoint", "view_func", "provide_automatic_options")
            bound = dict(zip(names, args))
            bound.update({k: kwargs.pop(k) for k in names if k in kwargs})
            methods = kwargs.pop("methods", None)
            self.register_route(owner, bound.get("rule", Unknown("rule")), bound.get("endpoint"),
                                bound.get("view_func"), methods, bound.get("provide_automatic_options"), kwargs,
                                self.location(node, frame), frame)
            return None
        if name == "register_blueprint":
            blueprint = strip_env(args[0]) if args else strip_env(kwargs.pop("blueprint", None))
            options = {k: strip_env(v) for k, v in kwargs.items()}
            entry = (blueprint, options, self.location(node, frame))
            (owner.blueprints if isinstance(owner, AppObj) else owner.children).append(entry)
            return None
        if name == "after_request":
            if args:
                return self.apply_decorator(BoundMethod(owner, "after_request"), args[0], node, frame)
            return BoundMethod(owner, "after_request")
        return Unknown(f".{name}() of a Flask object")

    def register_route(self, owner, rule, endpoint, view, methods, pao, options, location, frame) -> None:
        plain_view = strip_env(view)
        if isinstance(plain_view, FunctionObj):
            plain_view.registered_as_route = True
        if isinstance(plain_view, CrossOriginView):
            inner = plain_view.inner
            while isinstance(inner, CrossOriginView):
                inner = inner.inner
            if isinstance(inner, FunctionObj):
                inner.registered_as_route = True
        declaration = RouteDecl(rule=strip_env(rule), endpoint=strip_env(endpoint), view=plain_view,
                                methods=strip_env(methods), provide_automatic_options=strip_env(pao),
                                location=location, condition=" and ".join(frame.conditions) or None)
        if isinstance(owner, AppObj):
            declaration.view_attrs = dict(view_attributes(plain_view))  # blueprints add their rules later
        owner.routes.append(declaration)

    def apply_decorator(self, decorator: Any, value: Any, node: cst.CSTNode, frame) -> Any:
        if isinstance(decorator, RouteDecorator):
            endpoint = decorator.options.pop("endpoint", None)
            pao = decorator.options.pop("provide_automatic_options", None)
            self.register_route(decorator.owner, decorator.rule, endpoint, value, decorator.methods, pao,
                                decorator.options, decorator.location, frame)
            return value
        if isinstance(decorator, CrossOriginFactory):
            decorator.site.target = _view_name(value)
            registered = _is_registered(value)
            if registered:
                decorator.site.notes.append("decorator is above the route decorator: it has no effect on the route")
            attrs = view_attributes(value)
            automatic = strip_env(decorator.kwargs.get("automatic_options", True))
            if isinstance(automatic, Unknown) or automatic:
                # cross_origin mutates the function it decorates (and update_wrapper copies it)
                attrs["required_methods"] = set(attrs.get("required_methods", set())) | {"OPTIONS"}
                attrs["provide_automatic_options"] = False
            return CrossOriginView(value, decorator, registered, dict(attrs))
        if isinstance(decorator, LibSymbol) and self.canonical(decorator.qualname) == "flask_cors.cross_origin":
            site = self.add_site("decorator", node, frame, _view_name(value), {},
                                 ["used without parentheses: the view is replaced and every request fails with 500"])
            site.options = {}
            return BrokenView("decorator", "@cross_origin without parentheses: every request fails with 500", value)
        if isinstance(decorator, BoundMethod) and decorator.name == "after_request" and isinstance(
            decorator.obj, (AppObj, BlueprintObj)
        ):
            decorator.obj.hooks.append(ManualHook(value, self.location(node, frame)))
            return value
        if isinstance(decorator, LibSymbol) and decorator.qualname in TRANSPARENT_DECORATORS:
            if decorator.qualname == "builtins.staticmethod" and isinstance(value, FunctionObj):
                value.attrs["staticmethod"] = True
            return value
        if isinstance(value, FunctionObj):
            value.attrs.setdefault("unknown_decorators", []).append(self.code(getattr(node, "decorator", node)))
        return value

    def class_created(self, cls: ClassObj) -> None:
        """Name the ``cross_origin`` sites in a View class's ``decorators`` after the class."""
        decorators = strip_env(cls.namespace.get("decorators"))
        if isinstance(decorators, (list, tuple)):
            for item in decorators:
                if isinstance(item, CrossOriginFactory):
                    item.site.target = cls.name
                    if "decorators=[...] of a View class" not in item.site.notes:
                        item.site.notes.append("decorators=[...] of a View class")

    # ---------------------------------------------------------------- flask-cors
    def create_cors(self, args, kwargs, node, frame, unknown_star) -> CorsObj:
        app = args[0] if args else kwargs.pop("app", None)
        notes = []
        if len(args) > 1:
            notes.append("CORS() takes one positional argument: this call raises TypeError")
        options = dict(kwargs)
        for star in unknown_star:
            options.setdefault("**", Unknown(f"options from `**{star}` cannot be known"))
        cors = CorsObj(ctor_kwargs={k: v for k, v in options.items() if k != "**"}, location=self.location(node, frame))
        cors.unknown_star = "**" in options
        if strip_env(app) is None:
            site = self.add_site("extension", node, frame, "<none: init_app later>", options, notes)
            cors.site = site
            return cors
        site = self.add_site("extension", node, frame, self.target_name(app, _first_arg(node)), options, notes)
        cors.site = site
        self.cors_init_app(cors, app, {}, site, frame)
        return cors

    def cors_init_app_call(self, cors: CorsObj, args, kwargs, node, frame, unknown_star) -> None:
        app = args[0] if args else kwargs.pop("app", Unknown("init_app() without an app"))
        options = dict(kwargs)
        for star in unknown_star:
            options.setdefault("**", Unknown(f"options from `**{star}` cannot be known"))
        site = self.add_site("init_app", node, frame, self.target_name(app, _first_arg(node)), options)
        site.notes.append(f"CORS object created at {cors.location.file}:{cors.location.line}")
        self.cors_init_app(cors, app, {k: v for k, v in options.items() if k != "**"}, site, frame)
        if "**" in options:
            site.notes.append("options passed with ** cannot be known")

    def cors_init_app(self, cors: CorsObj, target: Any, init_kwargs: dict[str, Any], site: Site, frame) -> None:
        """flask_cors.CORS.init_app: defaults < app.config (now) < ctor kwargs < init_app kwargs."""
        target = strip_env(target)
        if not isinstance(target, (AppObj, BlueprintObj)):
            site.notes.append("the object CORS is applied to cannot be identified statically")
            return
        options = dict(DEFAULT_OPTIONS)
        config = None
        sources = {}
        if isinstance(target, AppObj):
            config = target.config.snapshot()
            from_config, sources = config.cors_options()
            options.update(from_config)
        options.update(cors.ctor_kwargs)
        options.update(init_kwargs)
        for name in list(cors.ctor_kwargs) + list(init_kwargs):
            sources.pop(name, None)
        unknown_options = []
        if getattr(cors, "unknown_star", False) or "**" in site.options:
            unknown_options.append("options passed with ** cannot be known")
        hook = CorsHook(site=site, options=options, env={}, config=config, config_sources=sources)
        hook.unknown_options = unknown_options
        hook.condition = site.condition
        target.hooks.append(hook)

    def create_cross_origin(self, args, kwargs, node, frame, unknown_star) -> CrossOriginFactory:
        notes = []
        if args:
            notes.append("positional arguments to cross_origin() are ignored")
        options = dict(kwargs)
        for star in unknown_star:
            options.setdefault("**", Unknown(f"options from `**{star}` cannot be known"))
        site = self.add_site("decorator", node, frame, "<view>", options, notes)
        return CrossOriginFactory(site, {k: v for k, v in options.items() if k != "**"})


def _first_arg(node: cst.Call) -> cst.CSTNode | None:
    return node.args[0].value if node.args else None


def _view_name(view: Any) -> str:
    name = view_name(view)
    return name if isinstance(name, str) else "<view>"


def view_attributes(view: Any) -> dict[str, Any]:
    """The function attributes Flask reads in add_url_rule (mutable for plain functions)."""
    if isinstance(view, FunctionObj):
        return view.attrs
    if isinstance(view, CrossOriginView):
        return view.attrs
    return {}


def _is_registered(view: Any) -> bool:
    if isinstance(view, FunctionObj):
        return view.registered_as_route
    if isinstance(view, CrossOriginView):
        return _is_registered(view.inner)
    return False


__all__ = ["FlaskApi", "rewrap"]
