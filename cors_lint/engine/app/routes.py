"""The rules of an app's url_map, as Flask builds them: prefixes, endpoints, methods.

Blueprint prefixes are joined the way ``BlueprintSetupState.add_url_rule`` joins them,
nested blueprints get dotted names, and methods follow ``add_url_rule`` (required methods
from the view, automatic OPTIONS, HEAD with GET).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cors_lint.core.conditions import conjoin
from cors_lint.core.values import Unknown, unwrap
from cors_lint.engine.app.app_objects import (
    MISSING,
    AppObj,
    BlueprintObj,
    ClassView,
    CrossOriginFactory,
    FrameworkView,
    PrefixedRule,
    RouteDecl,
    class_lookup,
    view_attributes,
    view_name,
)
from cors_lint.engine.interpreter.objects import ClassObj


# ---------------------------------------------------------------------------- expansion
@dataclass
class RegisteredRule:
    decl: RouteDecl
    path: Any
    endpoint: Any
    blueprint_names: list[str]  # request.blueprints: innermost first
    owner: Any
    condition: str | None = None  # the blueprint was registered under this condition (a flag, a __main__ block)
    # app.config["PROVIDE_AUTOMATIC_OPTIONS"] when Flask added the rule (a 1-tuple); None: the final config
    automatic_options: tuple[Any] | None = None


# the key under which a register_blueprint entry's options carry the condition it ran under
REGISTERED_UNDER = "__registered_under__"
# ... and app.config["PROVIDE_AUTOMATIC_OPTIONS"] at that moment (a 1-tuple): Flask reads it as it adds each rule
AUTOMATIC_OPTIONS_AT = "__provide_automatic_options__"
CONSTRUCTION_AUTOMATIC_OPTIONS = (True,)  # Flask's default, as the constructor adds the static rule


def expand_routes(app: AppObj) -> tuple[list[RegisteredRule], dict[str, BlueprintObj]]:
    """All rules of ``app.url_map``, with Flask's prefix joining and endpoint naming."""
    registered: list[RegisteredRule] = []
    names: dict[str, BlueprintObj] = {}
    static = app.static_url_path
    if isinstance(static, str):
        decl = RouteDecl(f"{static}/<path:filename>", "static", None, ["GET"], None, app.location,
                         condition=" and ".join(getattr(app, "conditions", ())) or None)  # as the app was made
        registered.append(RegisteredRule(decl, decl.rule, "static", [], app,
                                         automatic_options=CONSTRUCTION_AUTOMATIC_OPTIONS))
    for decl in app.routes:
        endpoint = decl.endpoint if decl.endpoint is not None else _endpoint_of(decl.view)
        registered.append(RegisteredRule(decl, decl.rule, endpoint, [], app, automatic_options=decl.automatic_options))
    for blueprint, options, _location in app.blueprints:
        _register_blueprint(blueprint, dict(options), registered, names, depth=0)
    return registered, names


def _register_blueprint(bp: Any, options: dict[str, Any], out: list[RegisteredRule], names: dict[str, BlueprintObj],
                        depth: int) -> None:
    if not isinstance(bp, BlueprintObj) or depth > 20:
        return
    condition = options.pop(REGISTERED_UNDER, None)
    automatic = options.pop(AUTOMATIC_OPTIONS_AT, None)
    name_prefix = options.get("name_prefix", "")
    self_name = options.get("name", bp.name)
    if not isinstance(self_name, str):
        self_name = "<unknown>"
    name = f"{name_prefix}.{self_name}".lstrip(".")
    if name in names:
        return  # Flask raises ValueError for a second blueprint under the same name
    names[name] = bp
    url_prefix = options.get("url_prefix")
    if url_prefix is None:
        url_prefix = bp.url_prefix
    chain = [".".join(name.split(".")[: i + 1]) for i in range(name.count(".") + 1)][::-1]
    rules: list[tuple[Any, Any, RouteDecl]] = []
    if isinstance(bp.static_url_path, str):
        rules.append((f"{bp.static_url_path}/<path:filename>", "static",
                      RouteDecl(None, "static", None, ["GET"], None, bp.location)))
    for decl in bp.routes:
        endpoint = decl.endpoint if decl.endpoint is not None else _endpoint_of(decl.view)
        rules.append((decl.rule, endpoint, decl))
    for rule, endpoint, decl in rules:
        if isinstance(rule, PrefixedRule):  # completed by the extension that patched the setup state
            out.append(_prefixed_rule(bp, rule, url_prefix, endpoint, decl, condition))
            continue
        path = _join_prefix(url_prefix, rule)
        full_endpoint = f"{name}.{endpoint}" if isinstance(endpoint, str) else endpoint
        out.append(RegisteredRule(decl, path, full_endpoint, chain, bp, condition, automatic))
    for child, child_options, _location in bp.children:
        child_options = dict(child_options)
        child_prefix = child_options.get("url_prefix")
        if child_prefix is None and isinstance(child, BlueprintObj):
            child_prefix = child.url_prefix
        if isinstance(url_prefix, str) and isinstance(child_prefix, str):
            child_options["url_prefix"] = url_prefix.rstrip("/") + "/" + child_prefix.lstrip("/")
        elif child_prefix is not None:
            child_options["url_prefix"] = child_prefix
        elif url_prefix is not None:
            child_options["url_prefix"] = url_prefix
        child_options["name_prefix"] = name
        under = conjoin(condition, child_options.get(REGISTERED_UNDER))
        if under:
            child_options[REGISTERED_UNDER] = under
        if automatic is not None:
            child_options[AUTOMATIC_OPTIONS_AT] = automatic
        _register_blueprint(child, child_options, out, names, depth + 1)


def _prefixed_rule(bp: BlueprintObj, rule: PrefixedRule, url_prefix: Any, endpoint: Any, decl: RouteDecl,
                   condition: str | None) -> RegisteredRule:
    """A ``PrefixedRule``: its own path, and an endpoint (and so ``request.blueprints``) named after
    the blueprint object's own name."""
    own = bp.name if isinstance(bp.name, str) else None
    if own is None or not isinstance(endpoint, str):
        full_endpoint: Any = Unknown("endpoint of a blueprint whose name cannot be known statically")
    else:
        full_endpoint = f"{own}.{endpoint}"
    return RegisteredRule(decl, rule.build(url_prefix), full_endpoint, [own] if own else [], bp, condition)


def _join_prefix(url_prefix: Any, rule: Any) -> Any:
    if url_prefix is None:
        return rule
    if isinstance(rule, Unknown):
        return rule
    if not isinstance(url_prefix, str):
        why = url_prefix.reason if isinstance(url_prefix, Unknown) else "not a string"
        suffix = "/" + rule.lstrip("/") if isinstance(rule, str) and rule.strip("/") else None
        return Unknown(f"url_prefix cannot be known statically ({why}); rule {rule!r}", suffix)
    if not isinstance(rule, str):
        return Unknown("route rule cannot be known statically")
    if rule:
        return "/".join((url_prefix.rstrip("/"), rule.lstrip("/")))
    return url_prefix


def _endpoint_of(view: Any) -> Any:
    name = view_name(view)
    return name if name is not None else Unknown("endpoint of a view cannot be known statically")


# ---------------------------------------------------------------------------- methods
def route_methods(decl: RouteDecl, app: AppObj, automatic_options: tuple[Any] | None = None
                  ) -> tuple[list[str] | Unknown, bool]:
    """Flask's ``add_url_rule``: the rule's methods and ``provide_automatic_options``."""
    view = decl.view
    wrappers: list[Any] = []
    if isinstance(view, FrameworkView) and view.inner is not None:
        view, wrappers = view.inner, view.wrappers  # its wrappers copy the view's attributes (functools.wraps)
    methods = decl.methods
    if methods is None and isinstance(view, ClassView):
        methods = _class_methods(view.cls, view.mro)
    if methods is None:
        methods = ["GET"]
    if isinstance(methods, Unknown):
        return methods, False
    if isinstance(methods, str) or not isinstance(methods, (list, tuple, set, frozenset)):
        return Unknown("route methods cannot be known statically"), False
    if not all(isinstance(m, str) for m in methods):
        return Unknown("route methods cannot be known statically"), False
    method_set = {m.upper() for m in methods}
    attrs = decl.view_attrs if decl.view_attrs is not None else _view_attrs(view)
    required: set[str] = set(attrs.get("required_methods", set()))
    provide = decl.provide_automatic_options
    if provide is None:
        provide = attrs.get("provide_automatic_options")
    if isinstance(view, ClassView):
        # as_view() overwrites what the decorators set with the class attribute
        provide = decl.provide_automatic_options
        if provide is None:
            provide = class_attr(view.cls, "provide_automatic_options", view.mro)
        if isinstance(provide, Unknown):
            return Unknown(f"provide_automatic_options of the view class: {provide.reason}"), False
        if any(truthy(f.kwargs.get("automatic_options", True)) is not False
               for f in class_cross_origins(view.cls, view.mro)):
            required.add("OPTIONS")
    for wrapper in wrappers:  # cross_origin(...) around the view: OPTIONS requests are sent to the view
        if isinstance(wrapper, CrossOriginFactory) and truthy(wrapper.kwargs.get("automatic_options", True)) is not False:
            required.add("OPTIONS")
            if decl.provide_automatic_options is None:
                provide = False
    if provide is None:
        automatic = automatic_options[0] if automatic_options is not None else \
            app.config.values.get("PROVIDE_AUTOMATIC_OPTIONS", (True, None))[0]
        if "OPTIONS" not in method_set and truthy(unwrap(automatic)) is not False:
            provide = True
            required.add("OPTIONS")
        else:
            provide = False
    method_set |= required
    if "GET" in method_set:
        method_set.add("HEAD")
    return sorted(method_set), bool(provide)


def _view_attrs(view: Any) -> dict[str, Any]:
    return view_attributes(view)


def truthy(value: Any) -> bool | None:
    value = unwrap(value)
    if isinstance(value, Unknown):
        return None
    return bool(value)


def _class_methods(cls: ClassObj, mro: list[Any] | None = None) -> Any:
    """``view.methods`` as ``as_view`` sets it: the class attribute (for a MethodView, what
    ``__init_subclass__`` computed: see ``models.flask_views``); None when it is not set."""
    return class_attr(cls, "methods", mro)


def class_attr(cls: ClassObj, name: str, mro: list[Any] | None = None) -> Any:
    """``getattr(cls, name, None)`` along the class's MRO (``mro`` from ``as_view``, else the
    project classes only); Unknown when a class on the way is one cors-lint cannot see."""
    found = class_lookup(cls, name, mro)
    return None if found is MISSING else found


def class_cross_origins(cls: ClassObj, mro: list[Any] | None = None) -> list[CrossOriginFactory]:
    decorators = class_attr(cls, "decorators", mro)
    if not isinstance(decorators, (list, tuple)):
        return []
    return [d for d in decorators if isinstance(d, CrossOriginFactory)]
