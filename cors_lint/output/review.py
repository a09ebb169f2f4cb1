"""The security review report (`cors-lint report`): what a reviewer hands over, as Markdown or HTML.

Both renderings come from one ``Review`` built from a CheckResult (the one ``check`` makes, so
every figure agrees with it): a first page with the verdict, the findings by severity (a chart),
the routes other websites can read, the top risks and where the report comes from; then every
finding with its attacker origin and fix; then, per environment, the routes grouped by blueprint
(or path prefix) with identical rows folded; then the suppressions. Paths are relative to the
project. The HTML is one self-contained file: inline CSS, no scripts, no network.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cors_lint import __version__
from cors_lint.check.result import CheckResult
from cors_lint.core.conditions import in_words
from cors_lint.core.origins import accepts_everything
from cors_lint.core.plurals import plural
from cors_lint.core.route_order import unknown_path_label
from cors_lint.policy.catalogue import Catalogue
from cors_lint.policy.loader import Policy
from cors_lint.rules.base import show

SEVERITIES = ("error", "warning", "note")
TOP_RISKS = 5
EXPOSED_WITHOUT_CREDENTIALS = 10  # rows on the first page for routes read without credentials (all with them)
CREDENTIALS = "access-control-allow-credentials"


@dataclass(frozen=True)
class Provenance:
    """Where a report comes from, beside what the check knows: the day, the commit, and the
    project's path in its repository (``commands.report`` asks git)."""

    date: str
    commit: str | None = None  # "1a2b3c4" (+ " with uncommitted changes")
    path: str | None = None  # the project's folder relative to the repository's top
    baseline: str | None = None  # the baseline file the findings were read against (report --baseline)


@dataclass
class RouteRow:
    """Routes that the same CORS setup answers alike (folded into one row)."""

    app: str
    paths: list[str]
    origins: list[str]  # shown as code: a regex keeps its backslashes
    credentials: str  # "yes", "no", "yes (hand-written)"
    any_origin: bool
    source: str


@dataclass
class Review:
    title: str
    verdict: tuple[str, str]  # (error | warning | pass, the sentence)
    counts: dict[str, int]
    figures: list[tuple[str, str]]
    exposed: list[dict[str, Any]]  # routes an attacker origin can read: path, attacker, rule, environment
    top_risks: list[dict[str, Any]]
    provenance: list[tuple[str, str]]
    findings: list[dict[str, Any]]
    routes: dict[str, dict[str, list[RouteRow]]]  # environment -> group (blueprint or prefix) -> rows
    suppressed: list[dict[str, Any]]
    notes: dict[str, str] = field(default_factory=dict)  # environment -> why it lists no route
    baselined: list[dict[str, Any]] | None = None  # with --baseline: the findings it knows (not counted above)


# ---------------------------------------------------------------------------- building
def build(result: CheckResult, policy: Policy, provenance: Provenance | None = None) -> Review:
    provenance = provenance or Provenance(date="")
    root = result.inventory.root
    counts = {level: sum(1 for f in result.findings if f.severity == level) for level in SEVERITIES}
    catalogue = Catalogue.of(policy)
    findings = sorted(({**f.as_json(), "fix": _fix(catalogue, f.rule_id),
                        "proposed": result.fix_json(f)} for f in result.findings),
                      key=lambda f: (SEVERITIES.index(f["severity"]), not f["attacker_origin"], f["file"], f["line"]))
    # with --baseline, the findings it knows: listed apart, not in the verdict or the counts
    baselined = sorted((f.as_json() for f in result.baselined), key=lambda f: (f["file"], f["line"], f["rule_id"])) \
        if provenance.baseline else None
    credentialed = {(env, _path(route)) for env, document in result.documents.items()
                    for route in document["routes"] if _credentials(route) != "no"}
    exposed = _exposed(findings, credentialed)
    figures = [
        ("Findings", f"{plural(len(findings), 'finding')}: {plural(counts['error'], 'error')}, "
                     f"{plural(counts['warning'], 'warning')}, {plural(counts['note'], 'note')}"),
        ("Routes an attacker origin can read with the user's credentials",
         str(sum(1 for e in exposed if e["credentials"]))),
        ("Routes a finding names an attacker origin for", str(len(exposed))),
        ("Routes that share responses with other origins, with credentials", str(len(credentialed))),
        ("Routes", f"{result.inventory.route_count} in {plural(result.inventory.app_count, 'app')}"),
        ("Suppressed findings", str(len(result.suppressed))),
        *([("Known findings (in the baseline, not counted above)", str(len(result.baselined)))] if baselined else []),
        ("Files not analysed", str(len(result.inventory.errors))),
    ]
    facts = [("Project", provenance.path or root.name)]
    if provenance.commit:
        facts.append(("Commit", provenance.commit))
    if provenance.date:
        facts.append(("Date", provenance.date))
    if provenance.baseline:
        facts.append(("Baseline", _relative(provenance.baseline, root)))
    facts += [("Policy", _relative(policy.source, root)), ("Environments", ", ".join(result.environments)),
              ("flask-cors modelled", f"{result.inventory.version.text} ({result.inventory.version.source})"),
              ("Files analysed", str(result.inventory.files)), ("Tool", f"cors-lint {__version__}")]
    routes = {env: _groups(document) for env, document in result.documents.items()}
    notes = {env: "No app is attributed to this environment by the policy: its findings on CORS setups are "
                  "listed above." for env, groups in routes.items() if not groups}
    suppressed = [{**f.as_json(), "reason": s.reason, "expires": s.expires, "ticket": s.ticket, "kind": s.kind}
                  for f, s in result.suppressed]
    return Review(f"CORS security review: {root.name}", _verdict(counts), counts, figures, _first_page(exposed),
                  findings[:TOP_RISKS], facts, findings, routes, suppressed, notes, baselined)


def _first_page(exposed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every route read with credentials, then the first of the others (and how many are left)."""
    credentialed = [e for e in exposed if e["credentials"]]
    others = [e for e in exposed if not e["credentials"]]
    shown = credentialed + others[:EXPOSED_WITHOUT_CREDENTIALS]
    if len(others) > EXPOSED_WITHOUT_CREDENTIALS:
        left = len(others) - EXPOSED_WITHOUT_CREDENTIALS
        shown.append({"path": f"and {plural(left, 'more route')} without credentials (see the findings)",
                      "environment": "", "attacker": "", "credentials": False, "rule": "", "more": True})
    return shown


def _verdict(counts: dict[str, int]) -> tuple[str, str]:
    if counts["error"]:
        return "error", (f"Fail: {plural(counts['error'], 'error')} to fix before release"
                         + (f", and {plural(counts['warning'], 'warning')} to review." if counts["warning"] else "."))
    if counts["warning"]:
        return "warning", f"Review: no error, {plural(counts['warning'], 'warning')} to review."
    return "pass", "Pass: no error or warning" + (f" ({plural(counts['note'], 'note')})." if counts["note"] else ".")


def _exposed(findings: list[dict[str, Any]], credentialed: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """The routes findings name with an origin an attacker can host, those whose responses carry
    credentials (``credentialed``: (environment, path)) first; each with the first finding's
    attacker origin (errors come first) and every rule that names one."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for finding in findings:
        if finding["attacker_origin"]:
            for path in finding["routes"]:
                entry = found.setdefault((finding["environment"], path), {
                    "path": path, "attacker": finding["attacker_origin"], "rules": [],
                    "environment": finding["environment"],
                    "credentials": (finding["environment"], path) in credentialed})
                if finding["rule_id"] not in entry["rules"]:
                    entry["rules"].append(finding["rule_id"])
    for entry in found.values():
        entry["rule"] = ", ".join(sorted(entry.pop("rules")))
    return sorted(found.values(), key=lambda e: (not e["credentials"], e["environment"], e["path"]))


def _relative(source: str, root: Path) -> str:
    """A policy file as the project names it (a preset by its name); never an absolute path."""
    path = Path(source)
    if not path.is_absolute():
        return source
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _path(route: dict[str, Any]) -> str:
    return route["path"] if isinstance(route["path"], str) else unknown_path_label(route["path"], route.get("endpoint"))


def _credentials(route: dict[str, Any], layer: dict[str, Any] | None = None) -> str:
    """Whether responses allow credentials: through ``layer`` (through any of the route's layers
    when None), else through a header written by hand."""
    layers = route["cors"] if layer is None else [layer]
    if any(found["options"].get("supports_credentials") is True for found in layers):
        return "yes"
    if any(str(m.get("header", "")).lower() == CREDENTIALS for m in route.get("manual_headers", [])):
        return "yes (hand-written)"
    return "no"


def _origins(layer: dict[str, Any] | None) -> list[str]:
    if layer is None:
        return []
    origins = layer["options"].get("origins")
    if isinstance(origins, dict):
        return [f"unknown ({origins.get('unknown')})"]
    if accepts_everything(origins or []):
        return ["*"]
    return [show(o) for o in origins or []]


def _groups(document: dict[str, Any]) -> dict[str, list[RouteRow]]:
    """Routes by blueprint (else the first segment of their path), rows the same setup answers
    alike folded into one."""
    names = {app["id"]: app["name"] for app in document.get("apps", [])}
    several = len({route["app"] for route in document["routes"]}) > 1
    groups: dict[str, dict[tuple[Any, ...], RouteRow]] = {}
    for route in document["routes"]:
        path = _path(route)
        group = f"blueprint {route['blueprint']}" if route.get("blueprint") else \
            "/" + path.strip("/").split("/", 1)[0] if path.startswith("/") else "other"
        app = f"{names.get(route['app'], 'app')} ({route['app']})" if several else ""
        manual = "; ".join(f"hand-written {m['header']} at {m['file']}:{m['line']}"
                           for m in route.get("manual_headers", []))
        for layer in route["cors"] or [None]:
            if layer is None:
                source = manual or "no CORS"
            else:
                where = layer.get("config_sources", {}).get("origins") or layer["source"]
                source = "; ".join(filter(None, [f"{layer['source']['kind']} {where['file']}:{where['line']}", manual]))
            origins = _origins(layer)
            credentials = _credentials(route, layer)
            key = (app, tuple(origins), credentials, source)
            row = groups.setdefault(group, {}).get(key)
            if row is None:
                groups[group][key] = RouteRow(app, [path], origins, credentials, origins == ["*"], source)
            elif path not in row.paths:
                row.paths.append(path)
    return {group: list(rows.values()) for group, rows in sorted(groups.items())}


def _fix(catalogue: Catalogue, rule_id: str) -> str:
    rule = catalogue.lookup(rule_id)
    if rule is None or "## Use instead" not in rule.doc:
        return ""
    return rule.doc.split("## Use instead", 1)[1].strip().split("\n## ", 1)[0].strip()


# ---------------------------------------------------------------------------- Markdown
def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """Inline code (a backslash stays a backslash), safe in a table cell."""
    text = str(text).replace("|", "\\|").replace("\n", " ")
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if text else ""


def _bars(counts: dict[str, int], width: int = 30) -> list[str]:
    most = max(counts.values()) or 1
    return [f"{level + 's':<9} {'█' * round(width * count / most) or ('▏' if count else '')} {count}"
            for level, count in counts.items()]


def markdown(review: Review) -> str:
    level, sentence = review.verdict
    out = [f"# {review.title}", "", f"**{sentence}**", "", "```", *_bars(review.counts), "```", "",
           "| | |", "| --- | --- |", *[f"| {_cell(k)} | {_cell(v)} |" for k, v in review.figures], ""]
    if review.exposed:
        out += ["## Routes an attacker origin gets into", "",
                "| route | environment | attacker origin | with credentials | found by |", "| --- | --- | --- | --- | --- |"]
        out += [f"| {_code(e['path'])} | {e['environment']} | {_code(e['attacker'])} | "
                f"{'yes' if e['credentials'] else 'no'} | {e['rule']} |" for e in review.exposed if not e.get("more")]
        if review.exposed[-1].get("more"):
            out += ["", _sentence(review.exposed[-1]["path"])]
        out.append("")
    out += ["## Top risks", ""]
    out += [f"{n}. **{f['severity']}** {f['rule_id']} {f['rule_name']} at {_code(f['file'] + ':' + str(f['line']))}: "
            f"{_cell(f['message'])}" for n, f in enumerate(review.top_risks, 1)] or ["None."]
    out += ["", "## Where this report comes from", "", "| | |", "| --- | --- |"]
    out += [f"| {_cell(k)} | {_cell(v)} |" for k, v in review.provenance]
    out += ["", "## Findings", ""]
    if not review.findings:
        out.append("No findings.")
    for f in review.findings:
        out += [f"### {f['rule_id']} {f['rule_name']} ({f['severity']}, {f['environment']})", "",
                f"{_code(f['file'] + ':' + str(f['line']))}: {f['message']}", *_condition_markdown(f), ""]
        if f["attacker_origin"]:
            out += [f"Attacker origin: {_code(f['attacker_origin'])}", ""]
        if f["routes"]:
            out += ["Routes: " + ", ".join(_code(r) for r in f["routes"]), ""]
        if f["proposed"]:
            out += [f"Proposed change ({f['proposed']['applicability']}, proven by re-analysis): "
                    f"{f['proposed']['description']}", "", "```diff", f["proposed"]["diff"].rstrip("\n"), "```", ""]
        if f["fix"]:
            out += ["Fix:", "", f["fix"], ""]
    for environment, groups in review.routes.items():
        out += ["", f"## Routes in {environment}", ""]
        if not groups:
            out.append(review.notes.get(environment, ""))
            continue
        for group, rows in groups.items():
            out += [f"### {group}", "", "| routes | accepted origins | credentials | CORS from |" +
                    (" app |" if rows[0].app else ""), "| --- | --- | --- | --- |" + (" --- |" if rows[0].app else "")]
            out += [f"| {', '.join(_code(p) for p in r.paths)} | {', '.join(_code(o) for o in r.origins) or 'none'} | "
                    f"{r.credentials} | {_cell(r.source)} |" + (f" {_cell(r.app)} |" if r.app else "") for r in rows]
            out.append("")
    out += ["", "## Suppressions", ""]
    if not review.suppressed:
        out.append("None.")
    for s in review.suppressed:
        until = f", until {s['expires']}" if s["expires"] else ""
        ticket = f" ({s['ticket']})" if s["ticket"] else ""
        out.append(f"- {s['rule_id']} at {_code(s['file'] + ':' + str(s['line']))}: {s['reason']}{until}{ticket}")
    if review.baselined is not None:
        out += ["", "## Known findings (in the baseline)", ""]
        out += [f"- {f['rule_id']} {f['severity']} at {_code(f['file'] + ':' + str(f['line']))}: {f['message']}"
                for f in review.baselined] or ["None."]
    return "\n".join(line for line in out) + "\n"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _condition_markdown(finding: dict[str, Any]) -> list[str]:
    return [f"Only if {in_words(finding['condition'])}."] if finding.get("condition") else []


# ---------------------------------------------------------------------------- HTML
_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem;margin-bottom:.5rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{margin-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font-family:ui-monospace,monospace;font-size:.9em;overflow-wrap:anywhere}
pre{background:#f7f7f7;padding:.5rem;overflow-x:auto}
.verdict{padding:.8rem 1rem;border-radius:.3rem;font-size:1.2rem;font-weight:600;margin:1rem 0}
.verdict.error{background:#fdecea;color:#8e1b10}.verdict.warning{background:#fef5e7;color:#7e5109}.verdict.pass{background:#e9f7ef;color:#145a32}
.chart{display:grid;grid-template-columns:6rem 1fr 3rem;gap:.3rem .6rem;align-items:center;max-width:36rem;margin:1rem 0}
.bar{height:1.1rem;border-radius:.2rem}.bar.error{background:#c0392b}.bar.warning{background:#d68910}.bar.note{background:#2e86c1}
.finding{border:1px solid #ddd;border-left:.4rem solid #888;padding:.5rem 1rem;margin:1rem 0;page-break-inside:avoid}
.finding.error{border-left-color:#c0392b}.finding.warning{border-left-color:#d68910}.finding.note{border-left-color:#2e86c1}
.badge{font-weight:600;text-transform:uppercase;font-size:.8em}.any{color:#c0392b;font-weight:600}
.first{page-break-after:always}
@media print{body{margin:0;max-width:none}a{color:inherit}}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _inline(text: str) -> str:
    """Escaped text with its `code` spans as code (messages quote origins and options that way)."""
    return re.sub(r"`([^`]+)`", lambda m: f"<code>{m.group(1)}</code>", _e(text))


def _markdown_html(text: str) -> str:
    """The subset of Markdown the rules' documentation uses: fenced code, paragraphs, `code`."""
    parts = []
    for index, chunk in enumerate(re.split(r"```[a-z]*\n?", text)):
        if index % 2:
            parts.append(f"<pre><code>{_e(chunk.rstrip())}</code></pre>")
        else:
            for paragraph in filter(None, (p.strip() for p in chunk.split("\n\n"))):
                parts.append(f"<p>{_inline(' '.join(paragraph.split()))}</p>")
    return "".join(parts)


def html_page(review: Review) -> str:
    level, sentence = review.verdict
    most = max(review.counts.values()) or 1
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{_e(review.title)}</title>",
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
             f"<style>{_CSS}</style></head><body><section class=\"first\">", f"<h1>{_e(review.title)}</h1>",
             f"<p class=\"verdict {level}\" id=\"verdict\">{_e(sentence)}</p>",
             "<div class=\"chart\" role=\"img\" aria-label=\"findings by severity\">"]
    for severity, count in review.counts.items():
        parts.append(f"<span>{_e(plural(count, severity))}</span><div class=\"bar {severity}\" "
                     f"style=\"width:{100 * count / most:.0f}%\"></div><span>{count}</span>")
    parts.append("</div><table class=\"figures\">")
    parts += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in review.figures]
    parts.append("</table>")
    if review.exposed:
        parts.append("<h2 id=\"exposed\">Routes an attacker origin gets into</h2><table><tr><th>route</th>"
                     "<th>environment</th><th>attacker origin</th><th>with credentials</th><th>found by</th></tr>")
        parts += [f"<tr><td><code>{_e(e['path'])}</code></td><td>{_e(e['environment'])}</td>"
                  f"<td><code class=\"any\">{_e(e['attacker'])}</code></td>"
                  f"<td>{'yes' if e['credentials'] else 'no'}</td><td>{_e(e['rule'])}</td></tr>"
                  for e in review.exposed if not e.get("more")]
        parts.append("</table>")
        if review.exposed[-1].get("more"):
            parts.append(f"<p>{_e(_sentence(review.exposed[-1]['path']))}</p>")
    parts.append("<h2 id=\"top-risks\">Top risks</h2>")
    if review.top_risks:
        parts.append("<ol>" + "".join(
            f"<li><span class=\"badge\">{_e(f['severity'])}</span> <strong>{_e(f['rule_id'])} "
            f"{_e(f['rule_name'])}</strong> at <code>{_e(f['file'])}:{_e(f['line'])}</code>: {_inline(f['message'])}</li>"
            for f in review.top_risks) + "</ol>")
    else:
        parts.append("<p>None.</p>")
    parts.append("<h2 id=\"provenance\">Where this report comes from</h2><table class=\"provenance\">")
    parts += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in review.provenance]
    parts.append("</table></section><h2 id=\"findings\">Findings</h2>")
    if not review.findings:
        parts.append("<p>No findings.</p>")
    for f in review.findings:
        parts.append(f"<div class=\"finding {_e(f['severity'])}\"><p><span class=\"badge\">{_e(f['severity'])}</span> "
                     f"<strong>{_e(f['rule_id'])} {_e(f['rule_name'])}</strong> in {_e(f['environment'])} at "
                     f"<code>{_e(f['file'])}:{_e(f['line'])}</code></p><p>{_inline(f['message'])}</p>"
                     + (f"<p class=\"condition\">Only if {_e(in_words(f['condition']))}.</p>" if f.get("condition") else ""))
        if f["attacker_origin"]:
            parts.append(f"<p>Attacker origin: <code class=\"attacker\">{_e(f['attacker_origin'])}</code></p>")
        if f["routes"]:
            parts.append("<p>Routes: " + ", ".join(f"<code>{_e(r)}</code>" for r in f["routes"]) + "</p>")
        if f["proposed"]:
            parts.append(f"<details open><summary>Proposed change ({_e(f['proposed']['applicability'])}, proven by "
                         f"re-analysis): {_e(f['proposed']['description'])}</summary>"
                         f"<pre class=\"diff\">{_e(f['proposed']['diff'])}</pre></details>")
        if f["fix"]:
            parts.append(f"<details open><summary>Fix</summary>{_markdown_html(f['fix'])}</details>")
        parts.append("</div>")
    for environment, groups in review.routes.items():
        parts.append(f"<h2>Routes in {_e(environment)}</h2>")
        if not groups:
            parts.append(f"<p>{_e(review.notes.get(environment, ''))}</p>")
            continue
        for group, rows in groups.items():
            app = "<th>app</th>" if rows[0].app else ""
            parts.append(f"<h3>{_e(group)}</h3><table class=\"routes\"><tr><th>routes</th><th>accepted origins</th>"
                         f"<th>credentials</th><th>CORS from</th>{app}</tr>")
            for r in rows:
                origin_class = " class=\"any\"" if r.any_origin else ""
                parts.append(f"<tr><td>{', '.join(f'<code>{_e(p)}</code>' for p in r.paths)}</td>"
                             f"<td{origin_class}>{', '.join(f'<code>{_e(o)}</code>' for o in r.origins) or 'none'}</td>"
                             f"<td>{_e(r.credentials)}</td><td><code>{_e(r.source)}</code></td>"
                             + (f"<td>{_e(r.app)}</td>" if r.app else "") + "</tr>")
            parts.append("</table>")
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
    if review.baselined is not None:
        parts.append("<h2 id=\"baselined\">Known findings (in the baseline)</h2>")
        parts += ["<ul class=\"baselined\">", *(f"<li>{_e(f['rule_id'])} {_e(f['severity'])} at <code>"
                                                f"{_e(f['file'])}:{_e(f['line'])}</code>: {_inline(f['message'])}</li>"
                                                for f in review.baselined), "</ul>"] \
            if review.baselined else ["<p>None.</p>"]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
