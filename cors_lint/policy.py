"""The YAML policy: found, loaded strictly, validated, merged with its presets.

Errors name the file, the line and the JSON path of the offending key
(``cors-policy.yaml:7: $.rules.CORS007.severity: 'fatal' is not one of [...]``) and make the
command exit 2. YAML is loaded safely (no object tags), duplicate keys are errors, and
timestamps stay strings.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

# yaml, jsonschema and the rule catalogue are imported when a policy is actually parsed: a run
# whose policy is in the cache needs none of them.

POLICY_FILENAMES = ("cors-policy.yaml", "cors-policy.yml", ".cors-policy.yaml")
PRESETS = ("recommended", "strict")


class PolicyError(Exception):
    """A policy that cannot be used; the message says where and why."""


# ---------------------------------------------------------------------------- YAML with line numbers
def _load_yaml(text: str, origin: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML into plain data plus a map from JSON path (``$.a[0].b``) to line number."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(f"{origin}:{line}: YAML syntax error: {problem}") from None
    lines: dict[str, int] = {}
    if node is None:
        return {}, lines
    constructor = yaml.SafeLoader(text)
    return _to_python(node, "$", lines, origin, constructor), lines


_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in
                        ("str", "int", "float", "bool", "null", "map", "seq", "timestamp"))


def _to_python(node: yaml.Node, path: str, lines: dict[str, int], origin: str, constructor: Any) -> Any:
    import yaml

    lines[path] = node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        raise PolicyError(f"{origin}:{node.start_mark.line + 1}: {path}: the tag {node.tag} is not allowed "
                          "(policies are plain data)")
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _to_python(key_node, path + ".<key>", {}, origin, constructor)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise PolicyError(f"{origin}:{key_node.start_mark.line + 1}: {path}: keys must be strings")
            key = str(key)
            if key in result:
                raise PolicyError(f"{origin}:{key_node.start_mark.line + 1}: {path}: duplicate key {key!r}")
            result[key] = _to_python(value_node, _child(path, key), lines, origin, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, f"{path}[{i}]", lines, origin, constructor) for i, item in enumerate(node.value)]
    if node.tag == "tag:yaml.org,2002:timestamp":
        return node.value
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{origin}:{node.start_mark.line + 1}: {path}: {exc}") from None


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else f"{path}[{key!r}]"


# ---------------------------------------------------------------------------- schema
def policy_schema() -> dict[str, Any]:
    from cors_lint.schemas import load

    return load("policy.schema.json")


def _validate(data: Any, lines: dict[str, int], origin: str) -> None:
    import jsonschema

    from cors_lint.rules import lookup

    validator = jsonschema.Draft202012Validator(policy_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:
        error = errors[0]
        while error.context:  # oneOf/anyOf: the branch that went deepest is the one the author meant
            error = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
        path = _json_path(error.absolute_path)
        line = _line_for(path, lines)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise PolicyError(f"{origin}:{line}: {path}: {error.message}{more}")
    for key in (data.get("rules") or {}):
        if lookup(key) is None:
            path = _child("$.rules", key)
            raise PolicyError(f"{origin}:{_line_for(path, lines)}: {path}: unknown rule {key!r} "
                              "(see `cors-lint rules`)")


def _json_path(parts) -> str:
    path = "$"
    for part in parts:
        path = f"{path}[{part}]" if isinstance(part, int) else _child(path, str(part))
    return path


def _line_for(path: str, lines: dict[str, int]) -> int:
    while path not in lines and path != "$":
        path = re.sub(r"(\.[^.\[]+|\[[^\]]+\])$", "", path) or "$"
    return lines.get(path, 1)


# ---------------------------------------------------------------------------- loading and merging
def _validated(text: str, origin: str, memo: Path | None) -> dict[str, Any]:
    """The policy document in ``text``, parsed and validated; with ``memo`` (a cache directory),
    a text validated before is read back from there instead."""
    if memo is not None:
        from cors_lint.cache import read_document

        key = hashlib.sha256(f"{origin}\n{text}".encode()).hexdigest()
        stored = read_document(memo / "policies" / f"{key}.json")
        if stored is not None and isinstance(stored.get("data"), dict):
            return stored["data"]
    data, lines = _load_yaml(text, origin)
    if not isinstance(data, dict):
        raise PolicyError(f"{origin}:1: $: the policy must be a mapping")
    _validate(data, lines, origin)
    if memo is not None and json.loads(json.dumps(data)) == data:  # only what JSON gives back unchanged
        from cors_lint.cache import write_document

        write_document(memo / "policies" / f"{key}.json", {"data": data})
    return data


def _read_policy(source: str, base: Path | None, chain: tuple[str, ...], memo: Path | None = None) -> dict[str, Any]:
    if source in PRESETS:
        text = resources.files("cors_lint.presets").joinpath(f"{source}.yaml").read_text(encoding="utf-8")
        origin, here = f"<preset {source}>", None
    else:
        path = (base / source) if base and not Path(source).is_absolute() else Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{source}: cannot read policy: {exc}") from None
        origin, here = str(path), path.parent
    if origin in chain:
        raise PolicyError(f"{origin}: extends itself through {' -> '.join(chain)}")
    data = _validated(text, origin, memo)
    merged: dict[str, Any] = {}
    for parent in data.get("extends", []):
        merged = _merge(merged, _read_policy(parent, here, chain + (origin,), memo))
    return _merge(merged, {k: v for k, v in data.items() if k != "extends"})


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merge(result[key], value)
        else:
            result[key] = value
    return result


# ---------------------------------------------------------------------------- the policy object
@dataclass(frozen=True)
class RuleSetting:
    enabled: bool = True
    severity: str | None = None
    environments: tuple[str, ...] | None = None
    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass
class Policy:
    source: str
    data: dict[str, Any]
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)
    default_environment: str = "production"
    _rules: dict[str, RuleSetting] | None = None

    @property
    def rules(self) -> dict[str, RuleSetting]:
        """Rule settings by rule id (names in the policy are resolved with the rule catalogue,
        which is loaded only when rules are about to run)."""
        if self._rules is None:
            self._rules = {}
            if self.data.get("rules"):
                from cors_lint.rules import lookup

                self._rules = {lookup(key).id: _rule_setting(value) for key, value in self.data["rules"].items()}
        return self._rules

    def rule_setting(self, rule_id: str) -> RuleSetting:
        return self.rules.get(rule_id, RuleSetting())

    def class_environments(self, config_classes: list[str]) -> set[str]:
        """Environments whose ``config_classes`` globs match a class the app loads."""
        return {name for name, env in self.environments.items()
                if any(fnmatch.fnmatchcase(cls.rsplit(".", 1)[-1], pattern) for cls in config_classes
                       for pattern in env.get("config_classes", []))}

    def file_environments(self, file: str) -> set[str]:
        """Environments whose ``files`` globs match a path."""
        return {name for name, env in self.environments.items()
                if any(path_matches(file, pattern) for pattern in env.get("files", []))}

    def route_requirement(self, path: str, environment: str) -> dict[str, Any]:
        for requirement in self.data.get("routes", []):
            envs = requirement.get("environments")
            if envs and environment not in envs:
                continue
            if route_matches(path, requirement["path"]):
                return requirement
        return {}


def build(data: dict[str, Any], source: str) -> Policy:
    environments = {k: v for k, v in (data.get("environments") or {}).items() if k != "default"}
    default = (data.get("environments") or {}).get("default") or next(iter(environments), "production")
    if environments and default not in environments:
        raise PolicyError(f"{source}: $.environments.default: {default!r} is not one of the environments "
                          f"({', '.join(sorted(environments))})")
    if not environments:
        environments = {default: {}}
    return Policy(source, data, environments, default)


def _rule_setting(value: Any) -> RuleSetting:
    if value is False or value == "off":
        return RuleSetting(enabled=False)
    if value is True:
        return RuleSetting()
    if isinstance(value, str):
        return RuleSetting(severity=value)
    return RuleSetting(enabled=value.get("enabled", True), severity=value.get("severity"),
                       environments=tuple(value["environments"]) if "environments" in value else None,
                       paths=tuple(value.get("paths", ())), exclude=tuple(value.get("exclude", ())))


def load(source: str | Path, memo: Path | None = None) -> Policy:
    """A policy file (or a preset name), with everything it extends merged in. ``memo``: a cache
    directory where validated policy texts are kept."""
    text = str(source)
    return build(_read_policy(text, None, (), memo), text)


def discover(start: Path, memo: Path | None = None) -> Policy:
    """``[tool.cors-lint] policy`` in pyproject.toml or a cors-policy.yaml, found upward; else the preset."""
    from cors_lint.settings import SettingsError, find

    try:
        settings = find(start)
    except SettingsError as exc:
        raise PolicyError(str(exc)) from None
    directory = start.resolve()
    if directory.is_file():
        directory = directory.parent
    for folder in (directory, *directory.parents):
        if settings.policy and settings.source is not None and settings.source.parent == folder:
            return load(settings.policy if settings.policy in PRESETS else folder / settings.policy, memo)
        for name in POLICY_FILENAMES:
            if (folder / name).is_file():
                return load(folder / name, memo)
    return load("recommended", memo)


# ---------------------------------------------------------------------------- globs
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + "$")


def path_matches(path: str, pattern: str) -> bool:
    """``**`` spans directories, ``*`` one segment; ``**/x`` also matches ``x`` at the top."""
    if pattern.startswith("**/") and path_matches(path, pattern[3:]):
        return True
    return _glob_regex(pattern).match(path) is not None


def route_matches(rule: str, pattern: str) -> bool:
    """``/admin/**`` matches ``/admin`` and everything below it."""
    if pattern.endswith("/**") and (rule.rstrip("/") == pattern[:-3] or path_matches(rule, pattern[:-3])):
        return True
    return path_matches(rule, pattern)


__all__ = ["Policy", "PolicyError", "RuleSetting", "discover", "load", "policy_schema"]
