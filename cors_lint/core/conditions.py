"""Conditions as reviewers read them: clauses joined by " and ", each said once.

A condition is kept as text (``the module runs as a script and $ENABLE_CORS is set``). The
same clause reaches a route along several ways (the app was made under it, the route was
registered under it): joined, it is said once. Routes that differ only in their condition are
one route, under what their conditions share.

Where the engine could not say more, a clause is the code of the test (negated as ``not (CODE)``
on the ``else`` side), and alternatives are ``(A) or (B)``; reports say that code in words
(``in_words``): ``not (current_app) and app.config["CORS"]`` reads "`current_app` is false and
`app.config["CORS"]` is true". The JSON keeps the recorded form.
"""

from __future__ import annotations

SEPARATOR = " and "


def conjoin(*conditions: str | None) -> str | None:
    """The conjunction of conditions, without repeating one that another already says (the
    same text, or one that is a leading run of the other's clauses)."""
    kept: list[str] = []
    for condition in conditions:
        if not condition:
            continue
        if any(_implies(other, condition) for other in kept):
            continue
        kept = [other for other in kept if not _implies(condition, other)]
        kept.append(condition)
    return SEPARATOR.join(kept) or None


def _implies(longer: str, shorter: str) -> bool:
    """Does ``longer`` say all of ``shorter``: equal, or ``shorter`` is its leading clauses?"""
    return longer == shorter or longer.startswith(shorter + SEPARATOR)


def shared(conditions: list[str | None]) -> str | None | bool:
    """What several alternative conditions of one thing have in common: None when one of them
    is unconditional; else the clauses every one of them has (in the first one's order), a
    weaker condition than their disjunction, which a security check may assume; False when they
    share no clause (the alternatives then stay apart)."""
    if any(not condition for condition in conditions):
        return None
    clause_sets = [set(condition.split(SEPARATOR)) for condition in conditions[1:]]
    common = [clause for clause in conditions[0].split(SEPARATOR) if all(clause in other for other in clause_sets)]
    return SEPARATOR.join(dict.fromkeys(common)) if common else False


# what the engine already writes in words
_WORDS = (" is set", " is not set", " runs", " is called", " holds", " is true", " is false", " is True",
          " is False", "the module runs as a script", " from the environment")
_UNMET = " (false with the values in the code)"


def in_words(condition: str) -> str:
    """``condition`` with each part that is code said in words (the words around it kept)."""
    alternatives = _split(condition, " or ")
    if len(alternatives) > 1 and all(_wrapped(part) for part in alternatives):
        return " or ".join(f"({in_words(part[1:-1])})" for part in alternatives)
    return SEPARATOR.join(_part_in_words(part) for part in _split(condition, SEPARATOR))


def _part_in_words(part: str) -> str:
    if part.endswith(_UNMET):
        return _part_in_words(part[:-len(_UNMET)]) + ", which it is not with the values in the code"
    if part.startswith("$") or any(marker in part for marker in _WORDS):
        return part
    if len(_split(part, " or ")) == 1:  # `not a or b` is `(not a) or b`: said as code
        if part.startswith("not (") and _wrapped(part[4:]):
            return _said(part[5:-1], "false")
        if part.startswith("not "):
            return _said(part[4:], "false")
    return _said(part, "true")


def _said(code: str, value: str) -> str:
    assignment = _split(code, " = ")  # a local variable shown with what it is set from
    if len(assignment) == 2:
        return f"{_code(assignment[0])} is {value} (set from {_code(assignment[1])})"
    return f"{_code(code)} is {value}"


def _code(text: str) -> str:
    return text if "`" in text else f"`{text}`"


def _wrapped(text: str) -> bool:
    """``(...)`` whose first parenthesis closes at its end (not ``(a) and (b)``)."""
    return text.startswith("(") and text.endswith(")") and _balanced(text[1:-1])


def _balanced(text: str) -> bool:
    """Every bracket outside quotes closes, and none closes one it did not open."""
    depths = [depth for _, depth in _outside_quotes(text)]
    return all(depth >= 0 for depth in depths) and (not depths or depths[-1] == 0)


def _split(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside brackets and quotes."""
    parts, start = [], 0
    for index, depth in _outside_quotes(text):
        if index >= start and depth == 0 and text.startswith(separator, index):
            parts.append(text[start:index])
            start = index + len(separator)
    return parts + [text[start:]] if parts else [text]


def _outside_quotes(text: str):
    """(index, bracket depth after it) of each character of ``text`` outside quotes."""
    depth, quote = 0, ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[index - 1] != "\\" else quote
        elif char in "'\"`":
            quote = char
        else:
            depth += (char in "([{") - (char in ")]}")
            yield index, depth
