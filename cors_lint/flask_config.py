"""What ``app.config`` calls do (a mixin of the interpreter): ``config[...] =``, ``update``,
``from_mapping``, ``from_object`` (classes with inheritance, modules, import strings), and the
sources cors-lint cannot see (``from_pyfile``, ``from_envvar``...), which are recorded as such.
"""

from __future__ import annotations

from typing import Any

from cors_lint.objects import AppObj, ClassObj, ConfigObj, CorsHook, InstanceObj
from cors_lint.values import Unknown, env_vars, strip_env


class ConfigApi:
    """Mixin: needs the interpreter's ``add_site``, ``code``, ``location``, ``mro`` and imports."""

    def config_method(self, app: AppObj, name: str, args, kwargs, node, frame) -> Any:
        if name in ("update", "from_mapping"):
            mapping: dict[Any, Any] = {}
            if args:
                first = strip_env(args[0])
                if isinstance(first, ConfigObj):
                    mapping.update({k: v for k, (v, _site) in first.app.config.values.items()})
                    for reason in first.app.config.unknown_sources:
                        self.config_unknown(app, reason, node, frame)
                elif isinstance(first, dict):
                    mapping.update(first)
                elif isinstance(first, (list, tuple)) and all(isinstance(p, tuple) and len(p) == 2 for p in first):
                    mapping.update(dict(first))
                else:
                    self.config_unknown(app, f"app.config.{name}({self.code(node.args[0].value)}) cannot be known",
                                        node, frame)
            mapping.update(kwargs)
            if name == "from_mapping":
                mapping = {k: v for k, v in mapping.items() if isinstance(k, str) and k.isupper()}
            self.config_set(app, mapping, node, frame, name)
            return True
        if name == "from_object":
            target = args[0] if args else kwargs.get("obj")
            return self.config_from_object(app, target, node, frame)
        if name == "setdefault" and args:
            key = strip_env(args[0])
            if key not in app.config.values:
                self.config_set(app, {key: args[1] if len(args) > 1 else None}, node, frame, name)
            return app.config.values.get(key, (None, None))[0]
        if name == "get" and args:
            entry = app.config.values.get(strip_env(args[0]))
            return entry[0] if entry else (args[1] if len(args) > 1 else None)
        if name in ("from_pyfile", "from_envvar", "from_file", "from_prefixed_env"):
            self.config_unknown(app, f"app.config.{name}(...) loads values cors-lint cannot see", node, frame)
            return True
        return Unknown(f"app.config.{name}() cannot be evaluated statically")

    def config_from_object(self, app: AppObj, target: Any, node, frame) -> Any:
        from cors_lint.interpreter import ModuleState

        plain = strip_env(target)
        if isinstance(plain, str):
            plain = self.import_string(plain)
        values: dict[str, Any] | None = None
        if isinstance(plain, InstanceObj):
            plain = plain.cls
        if isinstance(plain, ClassObj) and isinstance(app, AppObj):
            app.config_classes.append(plain.name)
        if isinstance(plain, ClassObj):
            values = {}
            for klass in reversed(self.mro(plain)):
                values.update({k: v for k, v in klass.namespace.items() if k.isupper()})
        elif isinstance(plain, ModuleState):
            values = {k: v for k, v in plain.namespace.items() if k.isupper()}
        if values is None:
            self.config_unknown(app, f"app.config.from_object({self.code(node.args[0].value) if node.args else ''}) "
                                "cannot be resolved statically", node, frame)
            return None
        self.config_set(app, values, node, frame, "from_object")
        chosen_by = sorted(set(env_vars(target)))
        if chosen_by:
            for site in self.sites[-1:]:
                if site.kind == "config" and site.location == self.location(node, frame):
                    site.notes.append("config object chosen by environment variable(s) "
                                      f"{', '.join(chosen_by)} (the code's default is assumed)")
        return None

    def import_string(self, dotted: str) -> Any:
        """werkzeug.utils.import_string for project modules ("pkg.mod:Obj" or "pkg.mod.Obj")."""
        from cors_lint.interpreter import ModuleState

        module_name, _, attribute = dotted.replace(":", ".").rpartition(".")
        if dotted in self.by_name:
            return self.import_module(dotted)
        module = self.import_module(module_name) if module_name else None
        if isinstance(module, ModuleState):
            return self.module_attribute(module, attribute)
        return Unknown(f"{dotted!r} is not in the scanned tree")

    def config_set(self, app: AppObj, mapping: dict[Any, Any], node, frame, how: str) -> None:
        cors_keys = {k: v for k, v in mapping.items() if isinstance(k, str) and k.startswith("CORS_")}
        site = None
        if cors_keys and isinstance(app, AppObj):
            site = self.add_site("config", node, frame, self.target_name(app), cors_keys)
            site.notes.append(f"app.config {how}")
            earlier = [hook for hook in app.hooks if isinstance(hook, CorsHook)]
            if earlier:  # the extension took its snapshot already; decorators still read it live
                site.after_cors_init = earlier[-1].site.location
        for key, value in mapping.items():
            if not isinstance(key, str):
                continue
            if frame.conditions and key in app.config.values:
                previous = app.config.values[key][0]
                if strip_env(previous) != strip_env(value):
                    value = Unknown(f"{key} depends on `{' and '.join(frame.conditions)}`")
            app.config.values[key] = (value, site)

    def config_unknown(self, app: AppObj, reason: str, node, frame) -> None:
        app.config.unknown_sources.append(reason)
        if isinstance(app, AppObj):
            site = self.add_site("config", node, frame, self.target_name(app), {})
            site.notes.append(reason)
