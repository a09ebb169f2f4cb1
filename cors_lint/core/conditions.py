"""Conditions as reviewers read them: clauses joined by " and ", each said once.

A condition is kept as text (``the module runs as a script and $ENABLE_CORS is set``). The
same clause reaches a route along several ways (the app was made under it, the route was
registered under it): joined, it is said once. Routes that differ only in their condition are
one route, under what their conditions share.
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
