"""Every rule's embedded examples run as tests: invalid ones produce the finding they describe, valid ones
stay quiet."""

from __future__ import annotations

import pytest

from cors_lint.check.findings import Finding
from cors_lint.rules import RULES
from cors_lint.rules.base import Invalid
from cors_lint.testing import example_files, findings_for

POLICY_RULES = {"CORS024", "CORS025"}  # need a policy with allow-lists / route requirements: test_check.py
CASES = [(rule.id, "invalid", i, example) for rule in RULES.values() for i, example in enumerate(rule.invalid)]
CASES += [(rule.id, "valid", i, example) for rule in RULES.values() for i, example in enumerate(rule.valid)]


def mismatches(expected: Invalid, finding: Finding) -> list[str]:
    """How a finding differs from what its invalid example says it must be (empty: it matches)."""
    problems = []
    if finding.severity != expected.severity:
        problems.append(f"severity: expected {expected.severity!r}, got {finding.severity!r}")
    missing = [fragment for fragment in expected.message if fragment not in finding.message]
    if missing:
        problems.append(f"message: expected it to contain {missing!r}, got {finding.message!r}")
    if "{routes}" in finding.message:
        problems.append(f"message: the {{routes}} placeholder is not filled in: {finding.message!r}")
    if finding.routes != expected.routes:
        problems.append(f"routes: expected {expected.routes!r}, got {finding.routes!r}")
    if finding.attacker_origin != expected.attacker_origin:
        problems.append(f"attacker_origin: expected {expected.attacker_origin!r}, got {finding.attacker_origin!r}")
    return problems


@pytest.mark.parametrize(("rule_id", "kind", "index", "example"), CASES,
                         ids=[f"{r}-{k}-{i}" for r, k, i, _ in CASES])
def test_rule_example(rule_id, kind, index, example):
    if kind == "valid":
        fired = [f for f in findings_for(example) if f.rule_id == rule_id]
        assert not fired, f"{rule_id} fired on its valid example {index}: {[f.message for f in fired]}"
        return
    fired = [f for f in findings_for(example.code) if f.rule_id == rule_id]
    assert len(fired) == 1, (f"{rule_id} invalid example {index}: expected exactly one {rule_id} finding, "
                             f"got {len(fired)}: {[f.message for f in fired]}")
    problems = mismatches(example, fired[0])
    assert not problems, f"{rule_id} invalid example {index}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_rule_is_documented_and_has_examples(rule):
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in rule.doc, f"{rule.id} lacks {heading!r}"
    assert rule.name == rule.name.lower() and " " not in rule.name
    assert rule.severity in ("error", "warning", "note")
    if rule.id not in POLICY_RULES:
        assert rule.invalid and rule.valid, f"{rule.id} needs invalid and valid examples"
    assert all(isinstance(example, Invalid) for example in rule.invalid), \
        f"{rule.id}: write invalid examples as Invalid(code, severity=..., message=(...))"


def test_rule_ids_and_names_are_unique():
    assert len({rule.name for rule in RULES.values()}) == len(RULES)
    assert sorted(RULES) == [f"CORS{n:03d}" for n in range(1, len(RULES) + 1)]


def test_every_rule_module_is_registered():
    from pathlib import Path

    import cors_lint.rules as package

    modules = {p.stem for p in Path(package.__file__).parent.glob("*.py") if p.stem not in ("__init__", "base", "inventory")}
    registered = {rule.check.__module__.rsplit(".", 1)[-1] for rule in RULES.values()}
    assert modules == registered


# ---------------------------------------------------------------------------- the typed inventory rules read
def test_the_typed_inventory_carries_every_field_the_document_schema_has():
    """A field the engine adds to the document (and its schema) reaches the rules only through
    ``rules.inventory``: each type holds every property of its schema definition."""
    import dataclasses

    from cors_lint.core.guards import Guard
    from cors_lint.rules.inventory import Layer, Route, Site
    from cors_lint.schemas import load as load_schema

    definitions = load_schema("inventory.schema.json")["$defs"]
    spelled = {"list": "listed", "from": "set_from"}  # Python names for the document's keys
    for name, typed in (("route", Route), ("layer", Layer), ("site", Site), ("guard", Guard)):
        fields = {field.name for field in dataclasses.fields(typed)}
        missing = {spelled.get(key, key) for key in definitions[name]["properties"]} - fields
        assert not missing, (name, missing)


def test_the_typed_inventory_reads_a_real_document(tmp_path):
    from helpers import inventory_of

    from cors_lint.rules.inventory import Inventory, Place

    document = inventory_of(tmp_path, {
        "settings.py": 'CORS_ORIGINS = ["https://app.example.com"]\n',
        "app.py": """
            from flask import Flask, request
            from flask_cors import CORS, cross_origin
            app = Flask(__name__)
            app.config.from_object("settings")
            CORS(app, supports_credentials=True)

            @app.route("/me")
            def me(): return "me"

            @app.route("/hand")
            def hand():
                origin = request.headers.get("Origin", "")
                if origin.endswith(".example.com"):
                    return "x", 200, {"Access-Control-Allow-Origin": origin}
                return "x"

            @app.route("/deco")
            @cross_origin(origins="*")
            def deco(): return "d"
        """})
    inventory = Inventory.of(document)
    by_path = {route.path: route for route in inventory.routes}
    layer = by_path["/me"].cors[0]
    assert (layer.kind, layer.scope, layer.source, layer.terminal) == ("extension", "app", Place("app.py", 5, 0), False)
    assert layer.options["origins"] == ["https://app.example.com"] and layer.options["supports_credentials"] is True
    assert layer.config_sources["origins"] == Place("app.py", 4) and layer.defined_at["origins"] == Place("settings.py", 1)
    assert [(layer.kind, layer.terminal) for layer in by_path["/deco"].cors] == [("decorator", True)]
    [manual] = by_path["/hand"].manual_headers
    assert (manual.place, manual.header, manual.via) == (("app.py", 14), "Access-Control-Allow-Origin", "view")
    [site] = [site for site in inventory.sites if site.kind == "manual-header"]
    [guard] = site.guards
    assert (guard.kind, guard.code, guard.value_list) == ("suffix", 'origin.endswith(".example.com")', [".example.com"])
    assert all(route.listed and route.label == route.path for route in inventory.routes)


def test_rules_read_the_typed_inventory_not_the_document():
    from pathlib import Path

    import cors_lint.rules as package

    readers = [path.name for path in sorted(Path(package.__file__).parent.glob("*.py"))
               if path.stem not in ("base", "inventory") and "ctx.document" in path.read_text()]
    assert readers == []


# ---------------------------------------------------------------------------- fingerprints
INVALID_EXAMPLES = [(rule.id, index, example) for rule in RULES.values() for index, example in enumerate(rule.invalid)]


@pytest.mark.parametrize("rule_id, index, example", INVALID_EXAMPLES,
                         ids=[f"{rule_id}-{index}" for rule_id, index, _ in INVALID_EXAMPLES])
def test_a_fingerprint_survives_lines_moving_in_every_file(rule_id, index, example):
    """A fingerprint says what the finding is about, not where: code scanning and baselines match
    findings by it, so a line added above (in its own file or in another one) must keep it."""
    files = example_files(example.code)
    before = sorted((f.rule_id, f.file, f.fingerprint) for f in findings_for(files))
    moved = {name: (f"# moved down\n\n{text}" if name.endswith(".py") else text) for name, text in files.items()}
    after = sorted((f.rule_id, f.file, f.fingerprint) for f in findings_for(moved))
    assert after == before


@pytest.mark.parametrize(("credentialed", "public", "notes"), [(5, 5, 1), (5, 1, 1), (1, 1, 0)])
def test_a_message_naming_two_route_lists_says_once_where_all_are(credentialed, public, notes):
    """CORS002 names the routes with credentials and those without: '(all in --format json)' once,
    at the end, when either list is cut short."""
    routes = "".join(f'@app.route("/api/c{i}")\ndef c{i}(): return "x"\n' for i in range(credentialed))
    routes += "".join(f'@app.route("/pub/p{i}")\ndef p{i}(): return "x"\n' for i in range(public))
    found = findings_for("from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
                         'CORS(app, resources={r"/api/*": {"origins": r"https://.*\\.example\\.com", '
                         '"supports_credentials": True}, r"/pub/*": {"origins": r"https://.*\\.example\\.com"}})\n'
                         + routes)
    [message] = [f.message for f in found if f.rule_id == "CORS002"]
    assert "with credentials on /api/c0" in message and "and without on /pub/p0" in message
    assert message.count("all in --format json") == notes, message
    assert ("(all in --format json): the regex origin" in message) == bool(notes), message
