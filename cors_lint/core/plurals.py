"""Counts as people write them: ``1 app``, ``2 apps``."""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and the noun; ``nouns``: its plural when it is not the noun and an ``s`` (``fixes``)."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"
