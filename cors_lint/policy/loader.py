"""The YAML policy: found, loaded strictly, validated, merged with its presets.

Errors name the file, the line and the JSON path of the offending key
(``cors-policy.yaml:7: $.rules.CORS007.severity: 'fatal' is not one of [...]``) and make the
command exit 2. YAML is loaded safely (no object tags), duplicate keys are errors, and
timestamps stay strings.
"""

from __future__ import annotations

import copy
import difflib

import fnmatch
import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from cors_lint.core.globs import path_matches, route_matches
from cors_lint.core.limits import POLICY_BYTES, POLICY_FILES, YAML_VALUES, Budget, InputError, read_bounded
from cors_lint.core.store import read_document, write_document
from cors_lint.core.values import Assumptions
from cors_lint.policy import PolicyError
from cors_lint.policy.settings import SettingsError, find

POLICY_FILENAMES = ("cors-policy.yaml", "cors-policy.yml", ".cors-policy.yaml")
PRESETS = ("recommended", "strict")


# ---------------------------------------------------------------------------- loading and merging
@dataclass
class _Allowance:
    """What one policy and everything it extends may use together (``core.limits``)."""

    files: Budget = field(default_factory=lambda: Budget(POLICY_FILES))
    bytes: Budget = field(default_factory=lambda: Budget(POLICY_BYTES))
    values: Budget = field(default_factory=lambda: Budget(YAML_VALUES))


# without a cache directory, the texts this process validated before: (origin, text) digest ->
# (document, values it held). PyYAML composes in Python (~10 ms a preset); a process that loads the
# same policy again (the in-process command runner, tests) reads it back, bounded like a parsed one
_SEEN: dict[str, tuple[dict[str, Any], int]] = {}
_SEEN_MAX = 32


def _validated(text: str, origin: str, memo: Path | None, allowance: _Allowance) -> dict[str, Any]:
    """The policy document in ``text``, parsed and validated; with ``memo`` (a cache directory),
    a text validated before is read back from there instead (spending the values it held, so a
    cached policy is bounded exactly like a parsed one)."""
    key = hashlib.sha256(f"{origin}\n{text}".encode()).hexdigest()
    seen = _SEEN.get(key) if memo is None else None
    if seen is not None and seen[1] <= allowance.values.left:
        allowance.values.left -= seen[1]
        return copy.deepcopy(seen[0])
    if memo is not None:
        stored = read_document(memo / "policies" / f"{key}.json")
        if (stored is not None and isinstance(stored.get("data"), dict) and isinstance(stored.get("values"), int)
                and 0 <= stored["values"] <= allowance.values.left):
            allowance.values.left -= stored["values"]
            return stored["data"]
    # the stage's boundary: YAML, jsonschema and the rule catalogue load only when a policy text
    # is parsed, so a run whose policy and result are cached needs none of them
    from cors_lint.policy import document

    before = allowance.values.left
    data, lines = document.load_yaml(text, origin, allowance.values)
    if not isinstance(data, dict):
        raise PolicyError(f"{origin}:1: $: the policy must be a mapping")
    document.validate(data, lines, origin)
    if memo is None:
        if len(_SEEN) >= _SEEN_MAX:
            _SEEN.pop(next(iter(_SEEN)))
        _SEEN[key] = (copy.deepcopy(data), before - allowance.values.left)
    elif json.loads(json.dumps(data)) == data:  # only what JSON gives back unchanged
        write_document(memo / "policies" / f"{key}.json", {"data": data, "values": before - allowance.values.left})
    return data


def _read_policy(source: str, base: Path | None, chain: tuple[str, ...], memo: Path | None,
                 allowance: _Allowance, parent: str = "") -> dict[str, Any]:
    allowance.files.left -= 1
    if allowance.files.left < 0:  # `extends` naming the same files over and over is a bomb too
        raise PolicyError(f"{chain[-1]}:{_extends_line(parent)}: $.extends: more than {POLICY_FILES} policy files "
                          f"to read ({' -> '.join(chain)} -> {source})")
    if source in PRESETS:
        text = resources.files("cors_lint.policy.presets").joinpath(f"{source}.yaml").read_text(encoding="utf-8")
        origin, here, size = f"<preset {source}>", None, len(text)
    else:
        path = (base / source) if base and not Path(source).is_absolute() else Path(source)
        try:
            raw = read_bounded(path, allowance.bytes.left, "policy")
            text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as read_text() reads it
        except InputError as exc:
            if allowance.bytes.left < allowance.bytes.limit:
                raise PolicyError(f"{path}:1: policy too large: with the files extended before it, more than "
                                  f"{POLICY_BYTES // 1024} KiB ({' -> '.join(chain + (str(path),))})") from None
            raise PolicyError(str(exc)) from None
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            raise PolicyError(f"{path}:{line}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if not parent:
                raise PolicyError(f"{source}: cannot read policy: {reason}") from None
            near = difflib.get_close_matches(source, sorted(PRESETS), n=1)
            hint = f" (did you mean the preset {near[0]!r}?)" if near else \
                f" (presets: {', '.join(sorted(PRESETS))}; a file is relative to {chain[-1]})"
            raise PolicyError(f"{chain[-1]}:{_extends_line(parent)}: $.extends: cannot read {source!r}: "
                              f"{reason}{hint}") from None
        origin, here, size = str(path), path.parent, len(raw)
    allowance.bytes.left -= size
    if origin in chain:
        raise PolicyError(f"{origin}: extends itself through {' -> '.join(chain)}")
    data = _validated(text, origin, memo, allowance)
    merged: dict[str, Any] = {}
    for name in data.get("extends", []):
        merged = _merge(merged, _read_policy(name, here, chain + (origin,), memo, allowance, text))
    return _merge(merged, {k: v for k, v in data.items() if k != "extends"})


def _extends_line(text: str) -> int:
    """The line of a top-level ``extends:`` key (1 when it is written some other way)."""
    match = re.search(r"(?m)^extends[ \t]*:", text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


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

    def assumptions(self, environment: str) -> Assumptions:
        """What the analysis assumes in an environment: its ``env:`` values (null: unset) and ``debug``."""
        settings = self.environments.get(environment, {})
        env = settings.get("env", {})
        return Assumptions(tuple(sorted((var, value) for var, value in env.items() if value is not None)),
                           settings.get("debug"), tuple(sorted(var for var, value in env.items() if value is None)))

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
    return build(_read_policy(text, None, (), memo, _Allowance()), text)


def discover(start: Path, memo: Path | None = None) -> Policy:
    """``[tool.cors-lint] policy`` in pyproject.toml or a cors-policy.yaml, found upward; else the preset."""
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



__all__ = ["Policy", "PolicyError", "RuleSetting", "discover", "load"]
