"""Flask's ``app.config``: ``config[...] =``, ``config[...]``, ``update``,
``from_mapping``, ``from_object`` (classes with inheritance, modules, import strings), and the
sources cors-lint cannot see (``from_pyfile``, ``from_envvar``...), which are recorded as such.
"""

from __future__ import annotations

from typing import Any

from cors_lint.core.values import Unknown, env_vars, strip_env
from cors_lint.engine.app.app_objects import AppObj, ConfigObj, CorsHook
from cors_lint.engine.models.flask import target_name
from cors_lint.engine.models.sites import add_site
from cors_lint.engine.interpreter.objects import ClassObj, InstanceObj
from cors_lint.engine.interpreter.registry import Call, Model
from cors_lint.engine.interpreter.scopes import ModuleState

MODEL = Model("flask.config")
MODEL.object_types.add(ConfigObj)


@MODEL.method(ConfigObj, None)
def config_call(config: ConfigObj, name: str, call: Call) -> Any:
    return config_method(call.engine, config.app, name, call.args, call.kwargs, call.node, call.frame)


def config_method(engine, app: AppObj, name: str, args, kwargs, node, frame) -> Any:
    if name in ("update", "from_mapping"):
        mapping: dict[Any, Any] = {}
        unseen: list[str] = []  # what the merged config loaded from sources cors-lint cannot see
        origins: dict[str, Any] = {}  # where a merged Config's keys were written
        if args:
            first = strip_env(args[0])
            if isinstance(first, ConfigObj):
                mapping.update({k: v for k, (v, _site) in first.app.config.values.items()})
                unseen = list(first.app.config.unknown_sources)
                origins.update(first.app.config.origins)
            elif isinstance(first, dict):
                mapping.update(first)
            elif isinstance(first, (list, tuple)) and all(isinstance(p, tuple) and len(p) == 2 for p in first):
                mapping.update(dict(first))
            else:
                config_unknown(engine, app, f"app.config.{name}({engine.code(node.args[0].value)}) cannot be known",
                                    node, frame)
        mapping.update(kwargs)
        if name == "from_mapping":
            mapping = {k: v for k, v in mapping.items() if isinstance(k, str) and k.isupper()}
        site = config_set(engine, app, mapping, node, frame, name, origins)
        for reason in unseen:  # one site for the merge: its keys, and what it may also bring
            if site is None:
                config_unknown(engine, app, reason, node, frame)
            else:
                app.config.unknown_sources.append(reason)
                site.notes.append(reason)
        return True
    if name == "from_object":
        target = args[0] if args else kwargs.get("obj")
        return config_from_object(engine, app, target, node, frame)
    if name == "setdefault" and args:
        key = strip_env(args[0])
        if key not in app.config.values:
            config_set(engine, app, {key: args[1] if len(args) > 1 else None}, node, frame, name)
        return app.config.values.get(key, (None, None))[0]
    if name == "get" and args:
        entry = app.config.values.get(strip_env(args[0]))
        if entry is None and app.config.unknown_sources:  # from_pyfile / from_prefixed_env may have set it
            return Unknown(f"app.config.get({strip_env(args[0])!r}) may come from {app.config.unknown_sources[0]}")
        return entry[0] if entry else (args[1] if len(args) > 1 else None)
    if name in ("from_pyfile", "from_envvar", "from_file", "from_prefixed_env"):
        config_unknown(engine, app, f"app.config.{name}(...) loads values cors-lint cannot see", node, frame)
        return True
    return Unknown(f"app.config.{name}() cannot be evaluated statically")


def config_from_object(engine, app: AppObj, target: Any, node, frame) -> Any:
    plain = strip_env(target)
    if isinstance(plain, str):
        plain = import_string(engine, plain)
    values: dict[str, Any] | None = None
    if isinstance(plain, InstanceObj):
        plain = plain.cls
    if isinstance(plain, ClassObj) and isinstance(app, AppObj):
        app.config_classes.append(plain.name)
    if isinstance(plain, ClassObj):
        values = {}
        for klass in reversed(engine.mro(plain)):
            values.update({k: v for k, v in klass.namespace.items() if k.isupper()})
    elif isinstance(plain, ModuleState):
        values = {k: v for k, v in plain.namespace.items() if k.isupper()}
    if values is None:
        config_unknown(engine, app, f"app.config.from_object({engine.code(node.args[0].value) if node.args else ''}) "
                            "cannot be resolved statically", node, frame)
        return None
    config_set(engine, app, values, node, frame, "from_object", dict.fromkeys(values, plain))
    chosen_by = sorted(set(env_vars(target)))
    if chosen_by and isinstance(plain, ClassObj) and isinstance(app, AppObj):
        app.config_chosen_by[plain.name] = chosen_by
    if chosen_by:
        for site in engine.sites[-1:]:
            if site.kind == "config" and site.location == engine.location(node, frame):
                site.notes.append("config object chosen by environment variable(s) "
                                  f"{', '.join(chosen_by)} (the code's default is assumed)")
    return None


def import_string(engine, dotted: str) -> Any:
    """werkzeug.utils.import_string for project modules ("pkg.mod:Obj" or "pkg.mod.Obj")."""
    module_name, _, attribute = dotted.replace(":", ".").rpartition(".")
    if dotted in engine.by_name:
        return engine.import_module(dotted)
    module = engine.import_module(module_name) if module_name else None
    if isinstance(module, ModuleState):
        return engine.module_attribute(module, attribute)
    return Unknown(f"{dotted!r} is not in the scanned tree")


def config_set(engine, app: AppObj, mapping: dict[Any, Any], node, frame, how: str,
               origins: dict[str, Any] | None = None) -> Any:
    """Set the keys; the config site made for the CORS_* ones among them, if any. ``origins``:
    where the keys' values were written, when not here (the module or class ``from_object``
    loads, the places a merged ``flask.Config`` had). A value set again to itself
    (``config[k] = get_config(k, config=config)`` that returns the loaded value) keeps its origin."""
    cors_keys = {k: v for k, v in mapping.items() if isinstance(k, str) and k.startswith("CORS_")}
    site = None
    if cors_keys and isinstance(app, AppObj):
        site = add_site(engine, "config", node, frame, target_name(app), cors_keys)
        site.notes.append(f"app.config {how}")
        earlier = [hook for hook in app.hooks if isinstance(hook, CorsHook)]
        if earlier:  # the extension took its snapshot already; decorators still read it live
            site.after_cors_init = earlier[-1].site.location
    for key, value in mapping.items():
        if not isinstance(key, str):
            continue
        previous = app.config.values.get(key)
        if frame.branching and previous is not None:
            if strip_env(previous[0]) != strip_env(value):
                value = Unknown(f"{key} depends on `{' and '.join(frame.conditions)}`")
        if origins and key in origins:
            app.config.origins[key] = origins[key]
        elif previous is None or strip_env(previous[0]) is not strip_env(value) or \
                isinstance(strip_env(value), (str, int, float, bool, type(None))):
            app.config.origins[key] = engine.location(node, frame)
        app.config.values[key] = (value, site)
    if site is not None:
        site.config_origins = {key: app.config.origins.get(key) for key in cors_keys}
    return site


def config_unknown(engine, app: AppObj, reason: str, node, frame) -> None:
    app.config.unknown_sources.append(reason)
    if isinstance(app, AppObj):
        site = add_site(engine, "config", node, frame, target_name(app), {})
        site.notes.append(reason)


def config_item(engine, config: ConfigObj, key: Any) -> Any:
    entry = config.app.config.values.get(strip_env(key))
    return entry[0] if entry else Unknown(f"app.config[{strip_env(key)!r}] is not set statically")


def set_config_item(engine, config: ConfigObj, key: Any, value: Any, node, frame) -> None:
    config_set(engine, config.app, {strip_env(key): value}, node, frame, "setitem")


MODEL.items[ConfigObj] = config_item
MODEL.item_setters[ConfigObj] = set_config_item
