"""Counts as people write them: ``1 app``, ``2 apps``."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
