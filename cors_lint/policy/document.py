"""Reading one policy text: YAML with a line number for every JSON path, only plain data (no
tags), no duplicate keys, then the JSON Schema and the rule ids. Errors are ``PolicyError``s
that name the file, the line and the JSON path."""

from __future__ import annotations

import difflib

import re
from typing import Any

import jsonschema
import yaml

from cors_lint.core.limits import YAML_DEPTH, YAML_NUMBER_CHARS, YAML_PATH_CHARS, YAML_VALUES, Budget
from cors_lint.policy import PolicyError
from cors_lint.rules import lookup
from cors_lint.schemas import load


# ---------------------------------------------------------------------------- YAML with line numbers
def load_yaml(text: str, origin: str, values: Budget | None = None) -> tuple[Any, dict[str, int]]:
    """Parse YAML into plain data plus a map from JSON path (``$.a[0].b``) to line number.

    Bounded (``core.limits``): nesting is checked as each node is composed, and the number of
    values as they are composed and again as aliases are expanded, each alias counting as a
    copy of what it names; ``values`` is the allowance shared with the files a policy extends.
    An alias bomb stops at the value that overdraws it, before any more work is done."""
    values = values if values is not None else Budget(YAML_VALUES)
    try:
        loader = _BoundedLoader(text, origin, values)  # (its reader rejects unprintable characters)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(f"{origin}:{line}: YAML syntax error: {problem}") from None
    lines: dict[str, int] = {}
    if node is None:
        return {}, lines
    return _Converter(origin, yaml.SafeLoader(text), lines, values, loader.alias_lines).convert(node, "$", 1), lines


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe composer, stopped at the node that nests deeper than ``YAML_DEPTH`` or that
    the values left cannot hold (aliases are not copied here: they cost one node each). It
    notes the line of each alias by the place it fills, to report a copy where it is written."""

    def __init__(self, text: str, origin: str, values: Budget) -> None:
        super().__init__(text)
        self.origin, self.values = origin, values
        self.depth = self.nodes = 0
        self.alias_lines: dict[tuple[int, int], int] = {}  # (parent node, index or key node) -> line

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        self.nodes += 1
        line = self.peek_event().start_mark.line + 1
        if self.depth > YAML_DEPTH or self.nodes > self.values.left:
            problem = _too_deep() if self.depth > YAML_DEPTH else _too_many(self.values)
            raise PolicyError(f"{self.origin}:{line}: {problem}")
        if self.check_event(yaml.AliasEvent) and index is not None:
            self.alias_lines[(id(parent), index if isinstance(index, int) else id(index))] = line
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _too_deep() -> str:
    return f"nested more than {YAML_DEPTH} levels deep (aliases expanded)"


def _too_many(values: Budget) -> str:
    return (f"more than {values.limit:,} values (a policy and the files it extends may hold {values.limit:,}, "
            "each alias counted as a copy of what it names)")


_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in
                        ("str", "int", "float", "bool", "null", "map", "seq", "timestamp"))
_NUMBER_TAGS = frozenset(("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"))


class _Converter:
    """Composed nodes to plain data, with the line of every JSON path; aliases are expanded here,
    so this is where a value is spent for every node of every copy. ``site``: within a copy, the
    line of the alias that made it (else a node's line is where it is written)."""

    def __init__(self, origin: str, constructor: Any, lines: dict[str, int], values: Budget,
                 alias_lines: dict[tuple[int, int], int]) -> None:
        self.origin, self.constructor, self.lines, self.values = origin, constructor, lines, values
        self.alias_lines = alias_lines

    def convert(self, node: yaml.Node, path: str, depth: int, record: bool = True, site: int | None = None,
                key_line: int | None = None) -> Any:
        """``key_line``: the line of the key this node is the value of (where a path's line is
        reported: a block mapping's value starts a line lower)."""
        origin, line = self.origin, site or key_line or node.start_mark.line + 1
        self.values.left -= 1
        if self.values.left < 0:
            raise PolicyError(f"{origin}:{line}: {path}: {_too_many(self.values)}")
        if depth > YAML_DEPTH:  # an alias can nest what it names deeper than it was written
            raise PolicyError(f"{origin}:{line}: {path}: {_too_deep()}")
        if len(path) > YAML_PATH_CHARS:
            raise PolicyError(f"{origin}:{line}: {path[:60]}...: a JSON path longer than {YAML_PATH_CHARS} "
                              "characters (keys are names; is a key a whole document?)")
        if record:
            self.lines[path] = line
        if node.tag not in _PLAIN_TAGS:
            raise PolicyError(f"{origin}:{line}: {path}: the tag {node.tag} is not allowed "
                              "(policies are plain data)")
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.convert(key_node, path + ".<key>", depth + 1, record=False, site=site)
                key_line = site or key_node.start_mark.line + 1
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    raise PolicyError(f"{origin}:{key_line}: {path}: keys must be strings")
                key = str(key)
                if key in result:
                    raise PolicyError(f"{origin}:{key_line}: {path}: duplicate key {key!r}")
                result[key] = self.convert(value_node, _child(path, key), depth + 1,
                                           site=site or self.alias_lines.get((id(node), id(key_node))),
                                           key_line=key_line)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, f"{path}[{i}]", depth + 1, site=site or self.alias_lines.get((id(node), i)))
                    for i, item in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value
        if node.tag in _NUMBER_TAGS and len(node.value) > YAML_NUMBER_CHARS:
            raise PolicyError(f"{origin}:{line}: {path}: a number longer than {YAML_NUMBER_CHARS} characters")
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            raise PolicyError(f"{origin}:{line}: {path}: {exc}") from None


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else f"{path}[{key!r}]"



SHOWN_ERRORS = 20  # a policy's schema errors printed at most


def validate(data: Any, lines: dict[str, int], origin: str) -> None:
    validator = jsonschema.Draft202012Validator(load("policy.schema.json"))
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:  # every one, a line each (in the order of the document), up to SHOWN_ERRORS
        shown = []
        for error in errors[:SHOWN_ERRORS]:
            while error.context:  # oneOf/anyOf: the branch that went deepest is the one the author meant
                error = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
            path = _json_path(error.absolute_path)
            line = _line_for(_unexpected(error, path), lines)  # a key that is not allowed: its own line
            shown.append((line, f"{origin}:{line}: {path}: {error.message}{_suggestion(error)}"))
        text = "\n".join(message for _, message in sorted(shown, key=lambda found: found[0]))
        if len(errors) > SHOWN_ERRORS:
            text += f"\n{origin}: and {len(errors) - SHOWN_ERRORS} more errors"
        raise PolicyError(text)
    for key in (data.get("rules") or {}):
        if lookup(key) is None:
            path = _child("$.rules", key)
            raise PolicyError(f"{origin}:{_line_for(path, lines)}: {path}: unknown rule {key!r} "
                              "(see `cors-lint rules`)")


def _extra_keys(error) -> tuple[list[Any], list[str]]:
    """(the keys an additionalProperties error is about, the keys the schema allows there)."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return [], []
    allowed = list(error.schema.get("properties", {}))
    return [key for key in error.instance if key not in allowed], allowed


def _unexpected(error, path: str) -> str:
    """The path of the first key an additionalProperties error is about (else ``path``)."""
    extra, _ = _extra_keys(error)
    return _child(path, str(extra[0])) if extra else path


def _suggestion(error) -> str:
    """For keys the schema does not allow, the allowed keys they are close to."""
    extra, allowed = _extra_keys(error)
    meant = [(key, near[0]) for key in extra if isinstance(key, str)
             for near in [difflib.get_close_matches(key, allowed, n=1)] if near]
    return "".join(f" (did you mean {right!r} for {wrong!r}?)" for wrong, right in meant)


def _json_path(parts) -> str:
    path = "$"
    for part in parts:
        path = f"{path}[{part}]" if isinstance(part, int) else _child(path, str(part))
    return path


def _line_for(path: str, lines: dict[str, int]) -> int:
    while path not in lines and path != "$":
        path = re.sub(r"(\.[^.\[]+|\[[^\]]+\])$", "", path) or "$"
    return lines.get(path, 1)
