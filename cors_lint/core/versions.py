"""Which flask-cors version a project runs, read from its pins, and what differs by version.

The engine models flask-cors 6.0.1-6.0.5 unless a pin or lock file says otherwise
(or ``--flask-cors-version`` is given). Differences that change per-route results:

- resource order: by pattern length (<= 5.0.1, CVE-2024-6839), by group with the
  fewest slashes first (6.0.0), by group with the most slashes first (6.0.1+);
- request paths match case-insensitively before 6.0 (CVE-2024-6866);
- ``allow_private_network``: absent before 4.0.2 (4.0.0/4.0.1 always answer "true",
  3.x never sends the header), default True in 4.0.2, False from 5.0.0;
- invalid regexes: 500 on matching requests (<= 5.0.1), no match (6.0.0-6.0.3),
  ValueError at configure time (6.0.4+).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LATEST = (6, 0, 5)


@dataclass(frozen=True)
class FlaskCorsVersion:
    version: tuple[int, ...]
    source: str  # "default", "--flask-cors-version", or "file:line"

    @property
    def text(self) -> str:
        return ".".join(map(str, self.version))

    # ------------------------------------------------------------------ behaviour switches
    @property
    def sort_scheme(self) -> str:
        if self.version <= (5, 0, 1):
            return "length"
        if self.version[:3] == (6, 0, 0):
            return "groups-fewest-slashes"
        return "groups-most-slashes"

    @property
    def case_sensitive_paths(self) -> bool:
        return self.version >= (6, 0, 0)

    @property
    def private_network_default(self) -> bool:
        return (4, 0, 0) <= self.version < (5, 0, 0)

    @property
    def invalid_regex_raises(self) -> bool:
        return self.version >= (6, 0, 4)

    def as_json(self) -> dict[str, str]:
        return {"version": self.text, "source": self.source}


DEFAULT = FlaskCorsVersion(LATEST, "default (latest release modelled)")


def parse_version(text: str) -> tuple[int, ...]:
    parts = tuple(int(p) for p in re.findall(r"\d+", text)[:3])
    if not parts:
        raise ValueError(f"not a version: {text!r}")
    return parts + (0,) * (3 - len(parts))



