"""The security review report (`cors-lint report`): what a reviewer reads, as Markdown or HTML.

Both renderings come from one ``Review`` built from a CheckResult: a summary, then per
environment which routes accept which origins (with or without credentials) and where that
policy comes from, then every finding with its attacker origin and fix, then suppressions.
The HTML is one self-contained file: inline CSS, no scripts, no network.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from cors_lint import __version__
from cors_lint.check.result import CheckResult
from cors_lint.core.origins import accepts_everything
from cors_lint.core.route_order import unknown_path_label
from cors_lint.policy.loader import Policy
from cors_lint.policy.catalogue import Catalogue
from cors_lint.rules.base import show


@dataclass
class RouteRow:
    app: str
    path: str
    methods: str
    origins: str
    credentials: bool
    any_origin: bool
    source: str


@dataclass
class Review:
    title: str
    summary: list[tuple[str, str]]
    routes: dict[str, list[RouteRow]]  # environment -> rows
    findings: list[dict[str, Any]]
    suppressed: list[dict[str, Any]]


def _origins(layer: dict[str, Any]) -> str:
    origins = layer["options"].get("origins")
    if isinstance(origins, dict):
        return f"unknown ({origins.get('unknown')})"
    if accepts_everything(origins or []):
        return "any origin (*)"
    return ", ".join(show(o) for o in origins or []) or "none"


def _rows(document: dict[str, Any]) -> list[RouteRow]:
    names = {app["id"]: app["name"] for app in document.get("apps", [])}
    rows = []
    for route in document["routes"]:
        path = route["path"] if isinstance(route["path"], str) else unknown_path_label(route["path"])
        methods = ", ".join(m for m in route["methods"] if m not in ("HEAD", "OPTIONS")) or "-"
        app = f"{names.get(route['app'], 'app')} ({route['app']})"
        manual = "; ".join(f"hand-written {m['header']} at {m['file']}:{m['line']}"
                           for m in route.get("manual_headers", []))
        if not route["cors"]:
            rows.append(RouteRow(app, path, methods, "no CORS", False, False, manual))
        for layer in route["cors"]:
            source = layer["source"]
            where = layer.get("config_sources", {}).get("origins") or source
            rows.append(RouteRow(app, path, methods, _origins(layer), layer["options"].get("supports_credentials") is True,
                                 accepts_everything(layer["options"].get("origins") or []) if isinstance(
                                     layer["options"].get("origins"), list) else False,
                                 "; ".join(filter(None, [f"{source['kind']} {where['file']}:{where['line']}",
                                                         manual]))))
    return rows


def _fix(catalogue: Catalogue, rule_id: str) -> str:
    rule = catalogue.lookup(rule_id)
    if rule is None or "## Use instead" not in rule.doc:
        return ""
    return rule.doc.split("## Use instead", 1)[1].strip().split("\n## ", 1)[0].strip()


def build(result: CheckResult, policy: Policy) -> Review:
    counts = {level: sum(1 for f in result.findings if f.severity == level) for level in ("error", "warning", "note")}
    document = next(iter(result.documents.values()), {"routes": []})
    all_rows = [row for rows in (_rows(d) for d in result.documents.values()) for row in rows]
    summary = [
        ("Findings", f"{len(result.findings)} ({counts['error']} errors, {counts['warning']} warnings, "
                     f"{counts['note']} notes)"),
        ("Routes with CORS", str(sum(1 for r in document["routes"] if r["cors"]))
         + f" of {result.inventory.route_count}"),
        ("Routes open to any origin", str(len({(r.app, r.path) for r in all_rows if r.any_origin}))),
        ("Routes allowing credentials", str(len({(r.app, r.path) for r in all_rows if r.credentials}))),
        ("Suppressed findings", str(len(result.suppressed))),
        ("Environments", ", ".join(result.environments)),
        ("Policy", policy.source),
        ("flask-cors modelled", f"{result.inventory.version.text} ({result.inventory.version.source})"),
        ("Files analysed", f"{result.inventory.files} ({len(result.inventory.errors)} could not be analysed)"),
        ("Tool", f"cors-lint {__version__}"),
    ]
    catalogue = Catalogue.of(policy)
    findings = [{**f.as_json(), "fix": _fix(catalogue, f.rule_id)} for f in result.findings]
    suppressed = [{**f.as_json(), "reason": s.reason, "expires": s.expires, "ticket": s.ticket, "kind": s.kind}
                  for f, s in result.suppressed]
    return Review(f"CORS security review: {result.inventory.root.name}", summary,
                  {env: _rows(doc) for env, doc in result.documents.items()}, findings, suppressed)


# ---------------------------------------------------------------------------- Markdown
def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(review: Review) -> str:
    out = [f"# {review.title}", "", "## Summary", "", "| | |", "| --- | --- |"]
    out += [f"| {_cell(k)} | {_cell(v)} |" for k, v in review.summary]
    for environment, rows in review.routes.items():
        if not rows:
            out += ["", f"## Routes in {environment}", "", "No app maps to this environment."]
            continue
        out += ["", f"## Routes in {environment}", "", "| app | route | methods | accepted origins | credentials | "
                "policy from |", "| --- | --- | --- | --- | --- | --- |"]
        out += [f"| {_cell(r.app)} | `{_cell(r.path)}` | {_cell(r.methods)} | {_cell(r.origins)} | "
                f"{'yes' if r.credentials else 'no'} | {_cell(r.source)} |" for r in rows]
    out += ["", "## Findings", ""]
    if not review.findings:
        out.append("No findings.")
    for f in review.findings:
        out += [f"### {f['rule_id']} {f['rule_name']} ({f['severity']}, {f['environment']})", "",
                f"`{f['file']}:{f['line']}`: {f['message']}", *_condition_markdown(f), ""]
        if f["attacker_origin"]:
            out += [f"Attacker origin: `{f['attacker_origin']}`", ""]
        if f["routes"]:
            out += ["Routes: " + ", ".join(f"`{r}`" for r in f["routes"]), ""]
        if f["fix"]:
            out += ["Fix:", "", f["fix"], ""]
    out += ["## Suppressions", ""]
    if not review.suppressed:
        out.append("None.")
    for s in review.suppressed:
        until = f", until {s['expires']}" if s["expires"] else ""
        ticket = f" ({s['ticket']})" if s["ticket"] else ""
        out.append(f"- {s['rule_id']} at `{s['file']}:{s['line']}`: {s['reason']}{until}{ticket}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------- HTML
_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}
.finding{border:1px solid #ddd;border-left:.4rem solid #888;padding:.5rem 1rem;margin:1rem 0;page-break-inside:avoid}
.error{border-left-color:#c0392b}.warning{border-left-color:#d68910}.note{border-left-color:#2e86c1}
.badge{font-weight:600;text-transform:uppercase;font-size:.8em}.any{color:#c0392b;font-weight:600}
@media print{body{margin:0;max-width:none}a{color:inherit}}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def html_page(review: Review) -> str:
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_e(review.title)}</title>",
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
             f"<style>{_CSS}</style></head><body>", f"<h1>{_e(review.title)}</h1>",
             "<h2 id=\"summary\">Summary</h2><table class=\"summary\">"]
    parts += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in review.summary]
    parts.append("</table>")
    for environment, rows in review.routes.items():
        if not rows:
            parts.append(f"<h2>Routes in {_e(environment)}</h2><p>No app maps to this environment.</p>")
            continue
        parts.append(f"<h2>Routes in {_e(environment)}</h2><table class=\"routes\"><tr><th>app</th><th>route</th>"
                     "<th>methods</th><th>accepted origins</th><th>credentials</th><th>policy from</th></tr>")
        for r in rows:
            origin_class = " class=\"any\"" if r.any_origin else ""
            parts.append(f"<tr><td>{_e(r.app)}</td><td><code>{_e(r.path)}</code></td><td>{_e(r.methods)}</td>"
                         f"<td{origin_class}>{_e(r.origins)}</td><td>{'yes' if r.credentials else 'no'}</td>"
                         f"<td><code>{_e(r.source)}</code></td></tr>")
        parts.append("</table>")
    parts.append("<h2 id=\"findings\">Findings</h2>")
    if not review.findings:
        parts.append("<p>No findings.</p>")
    for f in review.findings:
        parts.append(f"<div class=\"finding {_e(f['severity'])}\"><p><span class=\"badge\">{_e(f['severity'])}</span> "
                     f"<strong>{_e(f['rule_id'])} {_e(f['rule_name'])}</strong> in {_e(f['environment'])} at "
                     f"<code>{_e(f['file'])}:{_e(f['line'])}</code></p><p>{_e(f['message'])}</p>"
                     + (f"<p class=\"condition\">Only if {_e(f['condition'])}.</p>" if f.get("condition") else ""))
        if f["attacker_origin"]:
            parts.append(f"<p>Attacker origin: <code class=\"attacker\">{_e(f['attacker_origin'])}</code></p>")
        if f["routes"]:
            parts.append("<p>Routes: " + ", ".join(f"<code>{_e(r)}</code>" for r in f["routes"]) + "</p>")
        if f["fix"]:
            code = "\n".join(line for line in f["fix"].splitlines() if not line.startswith("```"))
            parts.append(f"<details open><summary>Fix</summary><pre>{_e(code)}</pre></details>")
        parts.append("</div>")
    parts.append("<h2 id=\"suppressions\">Suppressions</h2>")
    if not review.suppressed:
        parts.append("<p>None.</p>")
    else:
        parts.append("<table class=\"suppressions\"><tr><th>rule</th><th>where</th><th>reason</th><th>expires</th>"
                     "<th>ticket</th></tr>")
        parts += [f"<tr><td>{_e(s['rule_id'])}</td><td><code>{_e(s['file'])}:{_e(s['line'])}</code></td>"
                  f"<td>{_e(s['reason'])}</td><td>{_e(s['expires'] or '')}</td><td>{_e(s['ticket'] or '')}</td></tr>"
                  for s in review.suppressed]
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _condition_markdown(finding: dict[str, Any]) -> list[str]:
    return [f"Only if {finding['condition']}."] if finding.get("condition") else []
