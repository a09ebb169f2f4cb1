"""Reading one policy text: YAML with a line number for every JSON path, only plain data (no
tags), no duplicate keys, then the JSON Schema and the rule ids. Errors are ``PolicyError``s
that name the file, the line and the JSON path."""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import yaml

from cors_lint.policy import PolicyError
from cors_lint.rules import lookup
from cors_lint.schemas import load


# ---------------------------------------------------------------------------- YAML with line numbers
def load_yaml(text: str, origin: str) -> tuple[Any, dict[str, int]]:
    """Parse YAML into plain data plus a map from JSON path (``$.a[0].b``) to line number."""
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



def validate(data: Any, lines: dict[str, int], origin: str) -> None:
    validator = jsonschema.Draft202012Validator(load("policy.schema.json"))
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
