"""What a rule is, what it sees, and what it reports.

A rule is a pure function from a ``RuleContext`` (the inventory of one environment, typed
by ``rules.inventory``, plus that environment's policy settings) to ``Issue``s. It never reads
files, prints, or looks at libcst. The checker turns issues into findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator

from cors_lint.rules.inventory import Inventory, Layer, Route, Site


SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True)
class Issue:
    file: str
    line: int
    column: int
    message: str  # "{routes}" is replaced by the affected routes
    routes: tuple[str, ...] = ()
    key: tuple[Any, ...] = ()  # what the issue is about, for grouping and fingerprints
    attacker_origin: str | None = None
    severity: str | None = None  # overrides the rule's default
    condition: str | None = None  # when the code behind it runs only under a condition (`$ENABLE_CORS is set`)
    anchor: tuple[str, int] | None = None  # the CORS setup it is about, when it is placed at the value's line


Example = str | dict[str, str]  # app.py's source, or {file name: source} for a project


@dataclass(frozen=True)
class Invalid:
    """An example a rule must flag, and what its finding must say (Fixit's ``Invalid(code, expected_message=...)``).

    tests/test_rules.py checks the example produces exactly one finding of the rule, with this effective
    ``severity`` (after the issue's own override), a message containing every fragment of ``message`` (the
    facts: attacker origin, route, offending value), and exactly these ``routes`` and ``attacker_origin``
    (empty / None: the finding must name none)."""

    code: Example
    severity: str
    message: tuple[str, ...]
    routes: tuple[str, ...] = ()
    attacker_origin: str | None = None
    fixed: Example | None = None  # the example after the rule's fix (Fixit's expected_replacement)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        if isinstance(self.message, str) or not self.message:  # a bare string would be checked letter by letter
            raise ValueError("message must be a non-empty tuple of fragments, e.g. ('`https://evil.example`',)")
        if isinstance(self.routes, str):
            raise ValueError("routes must be a tuple of paths")


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str
    summary: str
    doc: str  # ruff headings: What it does / Why is this bad? / Example / Use instead
    check: Callable[[RuleContext], Iterable[Issue]]
    valid: tuple[Example, ...] = ()  # must produce no finding of this rule
    invalid: tuple[Invalid, ...] = ()  # must produce exactly the finding each describes
    environments: tuple[str, ...] = ()  # default scope; empty: every environment
    cwe: str = "CWE-942"


@dataclass
class RuleContext:
    document: dict[str, Any]  # the environment's inventory document (custom rules read it)
    environment: str = "production"
    settings: dict[str, Any] = field(default_factory=dict)  # the environment's policy settings
    policy: Any = None  # cors_lint.policy.loader.loader.Policy, for route requirements

    @cached_property
    def inventory(self) -> Inventory:
        return Inventory.of(self.document)

    def requirement(self, route: Route) -> dict[str, Any]:
        """The policy's requirement for a route (``routes:`` in the policy), or {}."""
        if self.policy is None or not isinstance(route.path, str):
            return {}
        return self.policy.route_requirement(route.path, self.environment)

    def routes(self) -> tuple[Route, ...]:
        return self.inventory.routes

    def layers(self) -> Iterator[tuple[Route, Layer]]:
        for route in self.inventory.routes:
            for layer in route.cors:
                yield route, layer

    def sites(self, *kinds: str) -> list[Site]:
        return [s for s in self.inventory.sites if not kinds or s.kind in kinds]


def layer_issue(route: Route, layer: Layer, message: str, key: tuple[Any, ...] = (),
                attacker: str | None = None, severity: str | None = None, option: str | None = None) -> Issue:
    """An issue about a layer, placed where the developer edits ``option``: the line that writes
    its value when that is in the project (a settings module's `CORS_ORIGINS = ...`, the constant
    passed as `origins=`), else the config loading it came from (so a hundred decorators reading
    one CORS_ORIGINS give one finding, at that line), else the CORS call. The place it would have
    had without the value's line is its ``anchor``: its fingerprint and inline suppressions there
    keep working."""
    setup = (layer.config_sources.get(option) if option else None) or layer.source
    written = layer.defined_at.get(option) if option else None
    source = written or setup
    anchor = (setup.file, setup.line) if written else None
    return Issue(source.file, source.line, source.column, message, (route.label,), key,
                 attacker, severity, joined_condition(route.condition, layer.condition), anchor)


def site_issue(site: Site, message: str, key: tuple[Any, ...] = (), routes: tuple[str, ...] = (),
               attacker: str | None = None, severity: str | None = None, option: str | None = None) -> Issue:
    """An issue about a site, placed where ``option``'s value is written when that is elsewhere
    (a config site's `CORS_HEADERS` line in the settings module it loads); see ``layer_issue``."""
    written = site.defined_at.get(option) if option else None
    if written is not None:
        return Issue(written.file, written.line, 0, message, routes, key, attacker, severity,
                     site.condition, (site.file, site.line))
    return Issue(site.file, site.line, site.column, message, routes, key, attacker, severity, site.condition)


def site_routes(ctx: RuleContext, site: Site) -> tuple[str, ...]:
    """The listed routes whose responses a manual-header site writes to (their ``manual_headers``)."""
    return tuple(sorted({route.label for route in ctx.routes() if route.listed
                         for manual in route.manual_headers if manual.place == site.place}))


def joined_condition(*conditions: str | None) -> str | None:
    """Conditions that all hold (each once, in order), or None when there is none."""
    unique = list(dict.fromkeys(c for c in conditions if c))
    return " and ".join(unique) or None


def origins_of(layer: Layer) -> list[Any]:
    origins = layer.options.get("origins")
    return origins if isinstance(origins, list) else []


def show(entry: Any) -> str:
    if isinstance(entry, dict) and "regex" in entry:
        return f"re.compile({entry['regex']!r})"
    return repr(entry) if not isinstance(entry, str) else entry
