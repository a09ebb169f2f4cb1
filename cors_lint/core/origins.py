"""Origins as flask-cors matches them, and concrete attacker origins that get through.

An origin entry from an inventory layer is a literal string (case-insensitive equality),
a regex string (``re.match`` with IGNORECASE: anchored at the start only), or a compiled
pattern ``{"regex": ..., "flags": [...]}`` (its own flags). ``attacker_origins`` proposes
origins an attacker can host and keeps those the entry accepts although they lie outside
the domain the entry was meant for.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from cors_lint.core import safe_regex
from cors_lint.core.semantics import probably_regex, re_fix
from cors_lint.core.values import regex_flags

EVIL = "evil.example"
ANY_ORIGIN = f"https://{EVIL}"  # the example origin used when every origin is accepted


def is_regex(entry: Any) -> bool:
    return isinstance(entry, dict) and "regex" in entry or isinstance(entry, str) and probably_regex(re_fix(entry))


def is_wildcard(entry: Any) -> bool:
    """flask-cors's own wildcard test: exactly ``*`` or ``.*``."""
    return isinstance(entry, str) and re_fix(entry) == ".*"


def pattern_text(entry: Any) -> str:
    return entry["regex"] if isinstance(entry, dict) and "regex" in entry else str(entry)


@lru_cache(maxsize=4096)
def _compile(pattern: str, flags: int) -> re.Pattern[str] | None:
    if safe_regex.too_long(pattern):
        return None
    try:
        return re.compile(pattern, flags)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None


def compiled(entry: Any) -> re.Pattern[str] | None:
    if isinstance(entry, dict) and "regex" in entry:
        return _compile(entry["regex"], regex_flags(entry.get("flags", [])))
    if isinstance(entry, str) and is_regex(entry):
        return _compile(re_fix(entry), re.IGNORECASE)
    return None


def accepts(entry: Any, origin: str) -> bool:
    """flask_cors.core.try_match_pattern for one origin entry (a regex too slow to evaluate
    counts as not matching; CORS031 reports it)."""
    if is_regex(entry):
        pattern = compiled(entry)
        return pattern is not None and safe_regex.match(pattern, origin) is True
    if isinstance(entry, str):
        return entry.casefold() == origin.casefold()
    return False


def accepts_any(entries: list[Any], origin: str) -> bool:
    return any(accepts(entry, origin) for entry in entries)


def accepts_everything(entries: list[Any]) -> bool:
    """The wildcard, or a regex that takes arbitrary and ``null`` origins (``.*``, ``^.*$``, ``.+``...)."""
    if any(is_wildcard(e) for e in entries):
        return True
    probes = (f"https://{EVIL}", "null", "http://a")
    return any(all(accepts(e, probe) for probe in probes) for e in entries if is_regex(e))


def host_of(origin: str) -> str:
    try:
        return (urlsplit(origin).hostname or "").lower()
    except ValueError:
        return ""


def _unescape(pattern: str) -> str:
    """A readable guess of what a regex was meant to match (``\\.`` -> ``.``, anchors dropped)."""
    text = pattern.lstrip("^").rstrip("$")
    text = re.sub(r"\\Z$", "", text)
    text = re.sub(r"\(\?[a-zA-Z]+\)", "", text)
    return text.replace("\\.", ".").replace("\\/", "/").replace("\\-", "-")


def intended_domain(entry: Any) -> str | None:
    """The registrable-looking domain a regex origin was written for, e.g. ``example.com``."""
    text = _unescape(pattern_text(entry))
    text = re.sub(r"^[a-z?]+(\(s\)|s\?|\[s\]\?)?://", "", text.lower())
    labels = re.findall(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", text)
    if not labels:
        plain = re.findall(r"(localhost|[a-z0-9-]+\.[a-z]{2,})", text)
        return plain[-1] if plain else None
    return labels[-1]


def _scheme(entry: Any) -> str:
    text = pattern_text(entry).lstrip("^").lower()
    return "http" if text.startswith("http:") else "https"


def _inside(host: str, domain: str | None) -> bool:
    if not domain:
        return False
    return host == domain or host.endswith("." + domain)


def attacker_origins(entry: Any) -> list[str]:
    """Origins an attacker controls that this entry accepts, most convincing first."""
    if not is_regex(entry):
        return []
    domain = intended_domain(entry)
    scheme = _scheme(entry)
    candidates: list[str] = []
    if domain:
        dotted = domain.split(".")
        sample = f"app.{domain}" if domain != "localhost" else "localhost"
        candidates += [
            f"{scheme}://{sample}.{EVIL}",  # prefix match: no trailing $
            f"{scheme}://{domain}.{EVIL}",
            f"{scheme}://{sample}:443.{EVIL}",
            f"{scheme}://{domain}:1@{EVIL}",
            f"{scheme}://evil{domain}",  # suffix match: no (^|\.) boundary
            f"{scheme}://evil-{domain}",
            f"{scheme}://{'x'.join(dotted)}",  # an unescaped dot
            f"{scheme}://app{'x'.join(dotted)}",
            f"{scheme}://{sample.replace('.', 'x', 1)}",
            f"{scheme}://{EVIL}/{domain}",
            f"{scheme}://{EVIL}#.{domain}",
            f"{scheme}://{EVIL}?.{domain}",
        ]
    candidates += [f"https://{EVIL}", f"http://{EVIL}", "null"]
    found = []
    for candidate in candidates:
        if accepts(entry, candidate) and not _inside(host_of(candidate), domain) and candidate not in found:
            found.append(candidate)
    return found


def accepted_attacker(entries: list[Any]) -> str | None:
    """One attacker origin a list of entries accepts, if any."""
    if accepts_everything(entries):
        return ANY_ORIGIN
    for entry in entries:
        found = attacker_origins(entry)
        if found:
            return found[0]
    return None


_ESCAPED_LITERAL = re.compile(r"^\^?(?:[A-Za-z0-9:/\-]|\\\.)+$")


def escaped_literal(entry: Any) -> str | None:
    """``r"https://example\\.com"``: a regex only because of escaped dots; the literal it meant."""
    if isinstance(entry, str) and is_regex(entry) and "\\." in entry and _ESCAPED_LITERAL.match(entry):
        return entry.lstrip("^").replace("\\.", ".")
    return None
