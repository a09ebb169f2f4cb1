"""Precision on real code (issue 12, item 5): `CORS_*` keys the project reads itself, a vendored
copy of flask-cors, hand-written headers behind an allow-list, and `r"/api/*"`.

Where behaviour matters the apps run for real (Flask's test client), so that the origins the
findings name are the ones the app reflects, and the checks they call safe reflect none.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import flask_cors
import jsonschema
import pytest
from cors_lint.schemas import load as load_schema
from helpers import inventory_of, route, sites, write
from oracle import compare_app, load_app

from cors_lint.check.checker import check_paths
from cors_lint.core.guards import Guard, passes
from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json
from cors_lint.policy.loader import load
from cors_lint.rules import manual_cors_header
from cors_lint.rules.base import RuleContext

INSTALLED = Path(flask_cors.__file__).parent
PROBES = ["https://app.example.com", "https://admin.example.com", "https://evil.example", "https://evil-example.com",
          "https://app.example.com.evil.example", "https://app.example.co", "null", "http://app.example.com"]


def findings(directory: Path, rule: str | None = None, environment: str | None = None):
    found = check_paths([directory], load("recommended"), environment).findings
    return [f for f in found if rule is None or f.rule_id == rule]


def valid_inventory(directory: Path) -> dict:
    document = inventory_json(analyze([directory]))
    jsonschema.Draft202012Validator(load_schema("inventory.schema.json")).validate(document)
    return document


# ---------------------------------------------------------------------------- CORS012: keys the project reads
READS_ITS_OWN_KEYS = {
    "app.py": """
        import os
        from flask import Flask, current_app
        from flask_cors import CORS
        import settings
        from settings import Settings

        app = Flask(__name__)
        app.config.from_object(Settings)
        app.config["CORS_ALLOWED_ORIGINS"] = ["https://app.example.com"]
        app.config["CORS_EXPOSE"] = ["X-Total"]
        app.config["CORS_HEADERS"] = "Content-Type"
        app.config["CORS_FROM_ENV"] = os.getenv("CORS_FROM_ENV", "x")
        app.config["CORS_ENVIRON"] = "y"
        CORS(app, origins=app.config["CORS_ALLOWED_ORIGINS"], expose_headers=app.config.get("CORS_EXPOSE"))

        @app.route("/x")
        def x():
            flag = current_app.config["CORS_FEATURE"]
            return str(flag) + os.environ["CORS_ENVIRON"] + str(Settings.CORS_LIMIT) + str(settings.CORS_MODULE_KEY)

        @app.route("/y")
        def y():
            return str(getattr(Settings, "CORS_BY_NAME", None))
    """,
    "settings.py": """
        CORS_MODULE_KEY = 1

        class Settings:
            CORS_FEATURE = True
            CORS_LIMIT = 10
            CORS_BY_NAME = "z"
            CORS_UNUSED = 1
    """,
}


def test_cors_keys_the_project_reads_itself_are_not_unknown_flask_cors_keys(tmp_path):
    write(tmp_path, READS_ITS_OWN_KEYS)
    reported = sorted(f.message.split("`")[1] for f in findings(tmp_path, "CORS012"))
    # read by the project: CORS_ALLOWED_ORIGINS (subscript), CORS_EXPOSE (.get), CORS_FEATURE
    # (current_app.config in a view), CORS_LIMIT (a config class attribute), CORS_BY_NAME (getattr);
    # never read (or read only as environment variables): still reported
    assert reported == ["CORS_ENVIRON", "CORS_FROM_ENV", "CORS_HEADERS", "CORS_UNUSED"]


def test_environment_variables_named_like_cors_keys_are_not_config_reads(tmp_path):
    write(tmp_path, {"app.py": """
        import os
        from flask import Flask
        from flask_cors import CORS
        env = os.environ
        app = Flask(__name__)
        app.config.update(CORS_A="a", CORS_B="b", CORS_C="c")
        CORS(app, origins="https://app.example.com")

        @app.route("/x")
        def x():
            import os as system
            from os import environ
            return env.get("CORS_A", "") + system.environ["CORS_B"] + environ.get("CORS_C", "")
    """})
    assert sorted(f.message.split("`")[1] for f in findings(tmp_path, "CORS012")) == ["CORS_A", "CORS_B", "CORS_C"]
    assert "config_reads" not in inventory_json(analyze([tmp_path]))


def test_the_inventory_records_where_the_project_reads_cors_keys(tmp_path):
    write(tmp_path, READS_ITS_OWN_KEYS)
    document = valid_inventory(tmp_path)
    reads = {(r["key"], r["file"], r["line"], r["how"]) for r in document["config_reads"]}
    assert reads == {
        ("CORS_ALLOWED_ORIGINS", "app.py", 14, "subscript"), ("CORS_EXPOSE", "app.py", 14, "get"),
        ("CORS_FEATURE", "app.py", 18, "subscript"), ("CORS_LIMIT", "app.py", 19, "attribute"),
        ("CORS_MODULE_KEY", "app.py", 19, "attribute"), ("CORS_BY_NAME", "app.py", 23, "getattr"),
    }


def test_a_config_key_read_only_in_a_module_of_its_own_still_counts(tmp_path):
    write(tmp_path, {
        "app.py": """
            from flask import Flask
            from flask_cors import CORS
            from cors_setup import setup
            app = Flask(__name__)
            app.config["CORS_ALLOWED_ORIGINS"] = ["https://app.example.com"]
            setup(app)
            @app.route("/x")
            def x(): return "x"
        """,
        "cors_setup.py": """
            from flask_cors import CORS

            def setup(app):
                CORS(app, origins=app.config.get("CORS_ALLOWED_ORIGINS", []))
        """,
    })
    assert findings(tmp_path, "CORS012") == []
    assert route(inventory_of(tmp_path, {}), "/x")["cors"][0]["options"]["origins"] == ["https://app.example.com"]


# ---------------------------------------------------------------------------- a vendored flask-cors
APP_USING_VENDORED = """
    from flask import Flask
    from libs.flask_cors import CORS, cross_origin

    app = Flask(__name__)
    CORS(app, resources={r"/api/.*": {"origins": ["https://app.example.com"], "supports_credentials": True}})

    @app.route("/api/me")
    def me():
        return "me"

    @app.route("/embed")
    @cross_origin(origins="https://partner.example.com")
    def embed():
        return "embed"
"""


def vendor(project: Path, where: str = "libs/flask_cors", version_py: str | None = None) -> Path:
    """A copy of the installed flask-cors in the project (as projects vendor it)."""
    target = project / where
    shutil.copytree(INSTALLED, target, ignore=shutil.ignore_patterns("__pycache__"))
    if version_py is not None:  # a release from before 6.0.3: the version lives in version.py
        (target / "version.py").write_text(f"__version__ = '{version_py}'\n")
        init = (target / "__init__.py").read_text()
        start, end = init.index("try:"), init.index('__all__')
        (target / "__init__.py").write_text(init[:start] + "from .version import __version__\n\n" + init[end:])
    return target


def test_a_vendored_flask_cors_is_flask_cors_and_its_internals_are_not_sites(tmp_path):
    write(tmp_path, {"app.py": APP_USING_VENDORED, "requirements.txt": "flask-cors==4.0.1\n"})
    vendor(tmp_path)
    document = valid_inventory(tmp_path)
    assert document["errors"] == []
    assert {s["file"] for s in document["sites"]} == {"app.py"}  # nothing from libs/flask_cors/core.py
    assert [s["kind"] for s in document["sites"]] == ["extension", "decorator"]
    assert route(document, "/api/me")["cors"][0]["options"]["origins"] == ["https://app.example.com"]
    # the copy is 6.0.5's code (it asks installed metadata for its version): that is what runs,
    # not the 4.0.1 that requirements.txt pins (4.0.1 would answer private-network preflights)
    init = (tmp_path / "libs/flask_cors/__init__.py").read_text().splitlines()
    line = next(number for number, text in enumerate(init, 1) if "__version__ = version(" in text)
    assert document["flask_cors"] == {"version": "6.0.5", "source": f"libs/flask_cors/__init__.py:{line}"}
    problems = compare_app(load_app(tmp_path, module="app"), document)  # the real app, with its vendored copy
    assert not problems, "\n".join(problems[:5])
    found = findings(tmp_path)
    assert {f.rule_id for f in found} <= {"CORS015", "CORS007"} and not any("libs/" in f.file for f in found)


def test_the_version_of_a_vendored_copy_is_read_from_its_own_files(tmp_path):
    write(tmp_path, {"app.py": APP_USING_VENDORED, "requirements.txt": "flask-cors==6.0.5\n"})
    vendor(tmp_path, version_py="3.0.10")
    document = inventory_json(analyze([tmp_path]))
    assert document["flask_cors"] == {"version": "3.0.10", "source": "libs/flask_cors/version.py:1"}
    advisories = [f for f in findings(tmp_path) if f.rule_id == "CORS019"]
    assert [(f.file, f.line) for f in advisories] == [("libs/flask_cors/version.py", 1)]
    assert "flask-cors 3.0.10" in advisories[0].message
    # --flask-cors-version still wins
    assert inventory_json(analyze([tmp_path], "6.0.1"))["flask_cors"]["version"] == "6.0.1"


def test_a_vendored_copy_installed_with_pip_target_has_its_dist_info(tmp_path):
    """`pip install --target libs flask-cors`: the tree's libs/ holds the package and its dist-info
    (the metadata says which release the files are, whatever is installed in the environment)."""
    write(tmp_path, {"app.py": APP_USING_VENDORED, "requirements.txt": "flask-cors==4.0.1\n"})
    vendor(tmp_path)
    info = tmp_path / "libs" / f"flask_cors-{flask_cors.__version__}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: Flask-Cors\nVersion: {flask_cors.__version__}\n")
    document = valid_inventory(tmp_path)
    assert document["flask_cors"] == {"version": flask_cors.__version__,
                                      "source": f"libs/flask_cors-{flask_cors.__version__}.dist-info/METADATA:3"}
    assert route(document, "/api/me")["cors"][0]["options"]["supports_credentials"] is True
    assert [s["kind"] for s in document["sites"]] == ["extension", "decorator"] and document["errors"] == []
    problems = compare_app(load_app(tmp_path, module="app"), document)
    assert not problems, "\n".join(problems[:5])


@pytest.mark.parametrize("imports, call", [
    ("import libs.flask_cors as fc", "fc.CORS"),
    ("from libs import flask_cors", "flask_cors.CORS"),
    ("import libs.flask_cors", "libs.flask_cors.CORS"),
    ("from libs.flask_cors.extension import CORS", "CORS"),
    ("from flask_cors import CORS", "CORS"),  # a top-level flask_cors/ in the project
])
def test_every_import_of_a_vendored_copy_reaches_flask_cors(tmp_path, imports, call):
    write(tmp_path, {"app.py": f"""
        from flask import Flask
        {imports}
        app = Flask(__name__)
        {call}(app, origins="https://app.example.com")
        @app.route("/x")
        def x(): return "x"
    """, "libs/__init__.py": ""})
    vendor(tmp_path, "flask_cors" if imports.startswith("from flask_cors") else "libs/flask_cors")
    document = inventory_json(analyze([tmp_path]))
    assert route(document, "/x")["cors"][0]["options"]["origins"] == ["https://app.example.com"]
    assert [s["file"] for s in document["sites"]] == ["app.py"]


@pytest.mark.parametrize("imports, call", [
    ("from libs import flask_cors", "flask_cors.CORS"),
    ("from libs.flask_cors import CORS", "CORS"),
    ("import libs.flask_cors as fc", "fc.CORS"),
])
def test_imports_of_a_pip_target_tree_reach_the_library(tmp_path, imports, call):
    write(tmp_path, {"app.py": f"""
        from flask import Flask
        {imports}
        app = Flask(__name__)
        {call}(app, origins="https://app.example.com")
        @app.route("/x")
        def x(): return "x"
    """})
    vendor(tmp_path)
    (tmp_path / "libs" / "six-1.16.0.dist-info").mkdir()  # any installed package marks libs/ as a target
    document = inventory_json(analyze([tmp_path]))
    assert route(document, "/x")["cors"][0]["options"]["origins"] == ["https://app.example.com"]


def test_a_module_of_a_namespace_package_is_imported_from_it(tmp_path):
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        from settings import cors
        app = Flask(__name__)
        CORS(app, origins=cors.ORIGINS)
        @app.route("/x")
        def x(): return "x"
    """, "settings/cors.py": 'ORIGINS = ["https://app.example.com"]\n'})  # settings/ has no __init__.py
    document = inventory_json(analyze([tmp_path]))
    assert route(document, "/x")["cors"][0]["options"]["origins"] == ["https://app.example.com"]


def test_a_vendored_copy_that_does_not_parse_is_not_reported(tmp_path):
    write(tmp_path, {"app.py": APP_USING_VENDORED})
    copy = vendor(tmp_path)
    (copy / "_compat.py").write_text("print 'python 2 only'\nAccess_Control = 'Access-Control-Allow-Origin'\n")
    for demand_driven in (True, False):
        document = inventory_json(analyze([tmp_path], demand_driven=demand_driven))
        assert document["errors"] == [] and [s["file"] for s in document["sites"]] == ["app.py", "app.py"]


def test_a_project_module_that_only_looks_like_flask_cors_is_not_it(tmp_path):
    """A package called flask_cors without flask-cors's modules is the project's own code."""
    write(tmp_path, {
        "app.py": """
            from flask import Flask
            from flask_cors import CORS
            app = Flask(__name__)
            CORS(app)
            @app.route("/x")
            def x(): return "x"
        """,
        "flask_cors/__init__.py": """
            def CORS(app):
                @app.after_request
                def add(resp):
                    resp.headers["Access-Control-Allow-Origin"] = "https://app.example.com"
                    return resp
        """,
    })
    document = inventory_json(analyze([tmp_path]))
    assert route(document, "/x")["cors"] == []
    assert [(s["file"], s["kind"]) for s in document["sites"]] == [("flask_cors/__init__.py", "manual-header")]


# ---------------------------------------------------------------------------- hand-written headers and their guards
HEAD = """
    import os
    import re
    from urllib.parse import urlparse
    from flask import Flask, request, current_app, make_response
    app = Flask(__name__, static_folder=None)
"""


def manual_app(tmp_path: Path, body: str, credentials: bool = True, extra: dict[str, str] | None = None) -> Path:
    """An app whose only view copies the Origin under the check written in ``body`` (a function
    body that may set ``resp.headers[...]``; ``origin`` is the request's Origin)."""
    view = textwrap.indent(textwrap.dedent(body).strip("\n"), "    ")
    source = textwrap.dedent(HEAD) + extra_source(extra) + f"""
@app.route("/me")
def me():
    origin = request.headers.get("Origin", "")
    resp = make_response("me")
{view}
{'    resp.headers["Access-Control-Allow-Credentials"] = "true"' if credentials else ""}
    return resp
"""
    (tmp_path / "app.py").write_text(source)
    return tmp_path


def extra_source(extra: dict[str, str] | None) -> str:
    return textwrap.dedent((extra or {}).get("module", ""))


def reflected(project: Path, origins=PROBES, monkeypatch=None) -> set[str]:
    """The origins the real app copies into Access-Control-Allow-Origin."""
    app = load_app(project, module="app")
    client = app.test_client()
    return {origin for origin in origins
            if client.get("/me", headers={"Origin": origin}).headers.get("Access-Control-Allow-Origin") == origin}


def manual_findings(project: Path, environment: str | None = None):
    return findings(project, "CORS017", environment)


def guards_of(project: Path) -> list[dict]:
    document = valid_inventory(project)
    copies = [s for s in sites(document, "manual-header") if s["options"]["header"] == "Access-Control-Allow-Origin"]
    assert len(copies) == 1
    return copies[0].get("guards", [])


SAFE_CHECKS = {
    "membership": ('ALLOWED = {"https://app.example.com", "https://admin.example.com"}',
                   'if origin in ALLOWED:\n    resp.headers["Access-Control-Allow-Origin"] = origin'),
    "membership in a tuple": ('ALLOWED = ("https://app.example.com", "https://admin.example.com")',
                              'if origin in ALLOWED:\n    resp.headers["Access-Control-Allow-Origin"] = origin'),
    "set intersection": ('ALLOWED = {"https://app.example.com"}',
                         'if set([origin]) & ALLOWED:\n    resp.headers["Access-Control-Allow-Origin"] = origin'),
    "set literal intersection": ('ALLOWED = {"https://app.example.com"}',
                                 'if ALLOWED & {origin}:\n    resp.headers["Access-Control-Allow-Origin"] = origin'),
    "intersection method": ('ALLOWED = {"https://app.example.com"}',
                            'if ALLOWED.intersection([origin]):\n'
                            '    resp.headers["Access-Control-Allow-Origin"] = origin'),
    "early return": ('ALLOWED = ["https://app.example.com"]',
                     'if origin not in ALLOWED:\n    return resp\nresp.headers["Access-Control-Allow-Origin"] = origin'),
    "conditional expression": ('ALLOWED = ["https://app.example.com"]',
                               'resp.headers["Access-Control-Allow-Origin"] = origin if origin in ALLOWED else ALLOWED[0]'),
    "a variable set under the check": ('ALLOWED = ["https://app.example.com"]',
                                       'allowed = None\nif origin in ALLOWED:\n    allowed = origin\n'
                                       'if allowed:\n    resp.headers["Access-Control-Allow-Origin"] = allowed'),
    "elif after a rejection": ('ALLOWED = ["https://app.example.com"]',
                               'if origin not in ALLOWED:\n    resp.headers["X-Rejected"] = "1"\nelif origin:\n'
                               '    resp.headers["Access-Control-Allow-Origin"] = origin'),
    "a loop over the list": ('ALLOWED = ["https://app.example.com", "https://admin.example.com"]',
                             'for allowed in ALLOWED:\n    if origin == allowed:\n'
                             '        resp.headers["Access-Control-Allow-Origin"] = origin\n        break'),
    "equality": ('', 'if origin == "https://app.example.com":\n'
                     '    resp.headers["Access-Control-Allow-Origin"] = origin'),
    "subdomain suffix": ('', 'if origin.startswith("https://") and origin.endswith(".example.com"):\n'
                             '    resp.headers["Access-Control-Allow-Origin"] = origin'),
    "host suffix": ('', 'parsed = urlparse(origin)\nhost = parsed.hostname or ""\n'
                        'if parsed.scheme == "https" and (host == "example.com" or host.endswith(".example.com")):\n'
                        '    resp.headers["Access-Control-Allow-Origin"] = origin'),
    "anchored regex": ('TRUSTED = re.compile(r"^https://([a-z0-9-]+\\.)*example\\.com$")',
                       'if TRUSTED.match(origin):\n    resp.headers["Access-Control-Allow-Origin"] = origin'),
    "fullmatch": ('', 'if re.fullmatch(r"https://[a-z]+\\.example\\.com", origin):\n'
                      '    resp.headers["Access-Control-Allow-Origin"] = origin'),
    "any over anchored patterns": ('PATTERNS = [r"https://app\\.example\\.com$", r"https://admin\\.example\\.com$"]',
                                   'if any(re.match(p, origin) for p in PATTERNS):\n'
                                   '    resp.headers["Access-Control-Allow-Origin"] = origin'),
    "config read at request time": ('app.config["CORS_ALLOWED"] = ["https://app.example.com"]',
                                    'allowed = current_app.config["CORS_ALLOWED"]\nif origin in allowed:\n'
                                    '    resp.headers["Access-Control-Allow-Origin"] = origin'),
}


@pytest.mark.parametrize("name", sorted(SAFE_CHECKS))
def test_what_the_guards_let_through_is_what_the_real_app_copies(tmp_path, name):
    """``core.guards``, the one home of what a guard means: the document's guards read back as the
    same guards, and on every probe whose verdict they can tell, the origins that pass them all
    are those the running app copies."""
    module, body = SAFE_CHECKS[name]
    project = manual_app(tmp_path, body, extra={"module": module + "\n"})
    written = guards_of(project)
    guards = [Guard.from_json(g) for g in written]
    assert [g.as_json() for g in guards] == written
    verdicts = {probe: [passes(g, probe) for g in guards] for probe in PROBES}
    decided = {probe for probe, found in verdicts.items() if None not in found}
    assert len(decided) >= 6, verdicts
    assert {probe for probe in decided if all(verdicts[probe])} == reflected(project) & decided


@pytest.mark.parametrize("name", sorted(SAFE_CHECKS))
def test_an_origin_copied_only_after_a_sound_check_is_an_allow_list(tmp_path, name):
    module, body = SAFE_CHECKS[name]
    project = manual_app(tmp_path, body, extra={"module": module + "\n"})
    assert manual_findings(project) == []
    guards = guards_of(project)
    assert guards and all(g["kind"] != "unknown" for g in guards), guards
    got = reflected(project)
    assert got <= {"https://app.example.com", "https://admin.example.com"} and got, got  # the real app agrees


UNSOUND_CHECKS = {
    # name: (module code, view code, the attacker origin, fragments of the message)
    "suffix without a dot": ('', 'if origin.endswith("example.com"):\n'
                                 '    resp.headers["Access-Control-Allow-Origin"] = origin',
                             "https://evil-example.com", ('`origin.endswith("example.com")`', "suffix check")),
    "suffix on the host": ('', 'if urlparse(origin).hostname.endswith("example.com"):\n'
                               '    resp.headers["Access-Control-Allow-Origin"] = origin',
                           "https://evil-example.com", ("urlparse(origin).hostname.endswith",)),
    "prefix": ('', 'if origin.startswith("https://app.example.com"):\n'
                   '    resp.headers["Access-Control-Allow-Origin"] = origin',
               "https://app.example.com.evil.example", ("prefix check",)),
    "substring of the origin": ('', 'if "example.com" in origin:\n'
                                    '    resp.headers["Access-Control-Allow-Origin"] = origin',
                                "https://example.com.evil.example", ("substring",)),
    "a string, not a list": ('ALLOWED = "https://app.example.com,https://admin.example.com"',
                             'if origin in ALLOWED:\n    resp.headers["Access-Control-Allow-Origin"] = origin',
                             "https://app.example.co", ("`ALLOWED` (app.py:7)", "substring")),
    "null in the list": ('ALLOWED = ["https://app.example.com", "null"]',
                         'if origin in ALLOWED:\n    resp.headers["Access-Control-Allow-Origin"] = origin',
                         "null", ("`ALLOWED` (app.py:7)", "`null`")),
    "unanchored regex": ('TRUSTED = re.compile(r"https://[a-z]+\\.example\\.com")',
                         'if TRUSTED.match(origin):\n    resp.headers["Access-Control-Allow-Origin"] = origin',
                         "https://app.example.com.evil.example",
                         ("`TRUSTED` (app.py:7)", "`https://[a-z]+\\.example\\.com`", "re.match anchors only the start")),
    "a scheme check only": ('', 'if origin.startswith("https://"):\n'
                                '    resp.headers["Access-Control-Allow-Origin"] = origin',
                            "https://evil.example", ('`origin.startswith("https://")`',)),
    "a loop over suffixes": ('DOMAINS = [".example.com", "example.org"]',
                             'for domain in DOMAINS:\n    if origin.endswith(domain):\n'
                             '        resp.headers["Access-Control-Allow-Origin"] = origin',
                             "https://evil-example.org", ("`DOMAINS` (app.py:7)",)),
    "a regex for any host": ('', 'if re.match(r"https?://[^/]+$", origin):\n'
                                 '    resp.headers["Access-Control-Allow-Origin"] = origin',
                             "https://evil.example", ("re.match",)),
    "re.search": ('', 'if re.search(r"example\\.com$", origin):\n'
                      '    resp.headers["Access-Control-Allow-Origin"] = origin',
                  "https://evilexample.com", ("re.search finds",)),
    "re.match with a string pattern from config": (
        'app.config["ORIGIN_RE"] = r"https://.*\\.example\\.com"',
        'if re.match(current_app.config["ORIGIN_RE"], origin):\n'
        '    resp.headers["Access-Control-Allow-Origin"] = origin',
        "https://app.example.com.evil.example", ("app.py:7",)),
    "any over unanchored patterns": ('PATTERNS = [r"https://app\\.example\\.com$", r"https://.*\\.example\\.com"]',
                                     'if any(re.match(p, origin) for p in PATTERNS):\n'
                                     '    resp.headers["Access-Control-Allow-Origin"] = origin',
                                     "https://app.example.com.evil.example", ("`PATTERNS` (app.py:7)",)),
}


@pytest.mark.parametrize("name", sorted(UNSOUND_CHECKS))
def test_a_check_that_an_attacker_passes_is_named_with_the_origin_that_passes(tmp_path, name):
    module, body, attacker, fragments = UNSOUND_CHECKS[name]
    project = manual_app(tmp_path, body, extra={"module": module + "\n"})
    found = manual_findings(project)
    assert len(found) == 1, [f.message for f in found]
    finding = found[0]
    assert finding.attacker_origin == attacker and finding.severity == "error", finding.message
    assert f"`{attacker}` passes it" in finding.message and "with credentials" in finding.message
    for fragment in fragments:
        assert fragment in finding.message, finding.message
    assert "every origin" not in finding.message
    assert attacker in reflected(project, PROBES + [attacker])  # the real app lets it in


def test_a_host_check_that_lets_plain_http_in_is_a_warning(tmp_path):
    project = manual_app(tmp_path, 'host = urlparse(origin).hostname or ""\n'
                                   'if host.endswith(".example.com"):\n'
                                   '    resp.headers["Access-Control-Allow-Origin"] = origin')
    [finding] = manual_findings(project)
    assert finding.severity == "warning" and "plain-http `http://app.example.com` passes it" in finding.message
    assert "http://app.example.com" in reflected(project)
    assert manual_findings(project, "development") == []


def test_findings_about_what_a_deployment_decides_are_for_production(tmp_path, monkeypatch):
    """Plain-http origins and allow-lists kept in the environment matter where real users are (the
    recommended policy runs CORS017 in production and staging only; a policy may run it anywhere)."""
    monkeypatch.delenv("ALLOWED_ORIGINS", raising=False)
    write(tmp_path, {"app.py": textwrap.dedent(HEAD) + """
ALLOWED_ORIGINS = os.environ.get("ALLOWED_ORIGINS", "").split(",")

@app.route("/me")
def me():
    origin = request.headers.get("Origin", "")
    resp = make_response("me")
    if urlparse(origin).hostname.endswith(".example.com"):
        resp.headers["Access-Control-Allow-Origin"] = origin
    return resp

@app.route("/other")
def other():
    origin = request.headers.get("Origin", "")
    resp = make_response("other")
    if origin in ALLOWED_ORIGINS:
        resp.headers["Access-Control-Allow-Origin"] = origin
    return resp
"""})
    document = valid_inventory(tmp_path)
    kinds = {env: sorted(issue.key[1] for issue in manual_cors_header.check(RuleContext(document, env)))
             for env in ("production", "staging", "development")}
    assert kinds == {"production": ["env-only", "http"], "staging": ["http"], "development": []}


def test_null_sent_when_the_check_fails_lets_sandboxed_documents_in(tmp_path):
    project = manual_app(tmp_path, 'resp.headers["Access-Control-Allow-Origin"] = origin if origin in ALLOWED else "null"',
                         extra={"module": 'ALLOWED = ["https://app.example.com"]\n'})
    [finding] = manual_findings(project)
    assert finding.attacker_origin == "null" and finding.severity == "error"
    assert "sends `null` when it does not" in finding.message and "`origin in ALLOWED`" in finding.message
    assert reflected(project) == {"https://app.example.com", "null"}  # the real app answers `null` to `null`


def test_a_literal_null_is_the_null_origin_allowed(tmp_path):
    project = manual_app(tmp_path, 'resp.headers["Access-Control-Allow-Origin"] = "null"', credentials=False)
    [finding] = manual_findings(project)
    assert finding.attacker_origin == "null" and finding.severity == "warning"
    assert reflected(project) == {"null"}


def test_without_credentials_an_unsound_check_is_a_warning(tmp_path):
    project = manual_app(tmp_path, 'if origin.endswith("example.com"):\n'
                                   '    resp.headers["Access-Control-Allow-Origin"] = origin', credentials=False)
    [finding] = manual_findings(project)
    assert finding.severity == "warning" and "with credentials" not in finding.message


def test_an_allow_list_only_in_the_environment_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv("ALLOWED_ORIGINS", raising=False)
    project = manual_app(tmp_path, 'if origin in ALLOWED_ORIGINS:\n'
                                   '    resp.headers["Access-Control-Allow-Origin"] = origin',
                         extra={"module": 'ALLOWED_ORIGINS = os.environ.get("ALLOWED_ORIGINS", "").split(",")\n'})
    [finding] = manual_findings(project)
    assert finding.severity == "warning" and finding.attacker_origin is None
    for fragment in ("`origin in ALLOWED_ORIGINS`", "`ALLOWED_ORIGINS` (app.py:7)", "only from $ALLOWED_ORIGINS",
                     "outside the code"):
        assert fragment in finding.message, finding.message
    [guard] = guards_of(project)
    assert guard["env"] == ["ALLOWED_ORIGINS"] and guard["env_only"] is True
    assert reflected(project) == set()  # unset: the real app reflects nothing
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://app.example.com")
    assert reflected(project) == {"https://app.example.com"}  # set: the deployment decides
    assert manual_findings(project, "development") == []  # the warning is about production


def test_an_environment_list_with_a_fallback_is_judged_on_the_fallback(tmp_path):
    project = manual_app(tmp_path, 'if origin in ALLOWED:\n    resp.headers["Access-Control-Allow-Origin"] = origin',
                         extra={"module": 'ALLOWED = os.getenv("ALLOWED", "https://app.example.com").split(",")\n'})
    assert manual_findings(project) == []
    [guard] = guards_of(project)
    assert guard["values"] == ["https://app.example.com"] and guard["env_only"] is False


def test_a_star_in_an_allow_list_is_reported_for_what_it_does(tmp_path):
    project = manual_app(tmp_path, 'if origin in ALLOWED:\n    resp.headers["Access-Control-Allow-Origin"] = origin',
                         extra={"module": 'ALLOWED = ["https://app.example.com", "*"]\n'})
    [finding] = manual_findings(project)
    assert finding.severity == "warning" and "`ALLOWED` (app.py:7) contains `*`" in finding.message
    assert "compares as a literal" in finding.message
    assert reflected(project, PROBES + ["*"]) == {"https://app.example.com", "*"}  # `*` only matches itself


def test_a_star_that_the_code_honours_is_every_origin(tmp_path):
    project = manual_app(tmp_path, 'if "*" in ALLOWED or origin in ALLOWED:\n'
                                   '    resp.headers["Access-Control-Allow-Origin"] = origin',
                         extra={"module": 'ALLOWED = os.getenv("ALLOWED", "*").split(",")\n'})
    [finding] = manual_findings(project)
    assert "every origin" in finding.message and finding.attacker_origin == "https://evil.example"
    assert "https://evil.example" in reflected(project)


@pytest.mark.parametrize("check", [
    "if origin:",
    "if origin is not None:",
    'if origin != "null":',
    'if origin not in BLOCKED:',
    'if len(origin) > 0:',
    'if origin in BLOCKED:\n    return resp\nif True:',
    'if origin.endswith(".bad.example"):\n    return resp\nif True:',
])
def test_a_test_that_lets_every_origin_through_is_no_guard(tmp_path, check):
    project = manual_app(tmp_path, f'{check}\n    resp.headers["Access-Control-Allow-Origin"] = origin',
                         extra={"module": 'BLOCKED = ["https://bad.example"]\n'})
    [finding] = manual_findings(project)
    assert "every origin" in finding.message and finding.severity == "error"
    assert "https://evil.example" in reflected(project)


def test_a_negated_check_cors_lint_cannot_read_is_not_every_origin(tmp_path):
    helper = ('def is_blocked(origin):\n    for blocked in BLOCKED:\n        if origin == blocked:\n'
              '            return True\n    return False\nBLOCKED = ["https://bad.example"]\n')
    project = manual_app(tmp_path, 'if is_blocked(origin):\n    return resp\n'
                                   'resp.headers["Access-Control-Allow-Origin"] = origin', extra={"module": helper})
    [finding] = manual_findings(project)
    assert finding.severity == "note" and "`not (is_blocked(origin))`" in finding.message


def test_a_check_cors_lint_cannot_read_is_a_note_naming_it(tmp_path):
    helper = ('def is_trusted(origin):\n    for allowed in TRUSTED:\n        if origin == allowed:\n'
              '            return True\n    return False\nTRUSTED = ["https://app.example.com"]\n')
    project = manual_app(tmp_path, 'if is_trusted(origin):\n    resp.headers["Access-Control-Allow-Origin"] = origin',
                         extra={"module": helper})
    [finding] = manual_findings(project)
    assert finding.severity == "note" and "`is_trusted(origin)`" in finding.message
    assert "every origin" not in finding.message and finding.attacker_origin is None
    assert reflected(project) == {"https://app.example.com"}


@pytest.mark.parametrize("returns, attacker", [
    ('origin in ALLOWED', None),
    ('origin is not None and origin in ALLOWED', None),
    ('origin.endswith("example.com")', "https://evil-example.com"),
    ('bool(origin)', "https://evil.example"),
])
def test_a_helper_that_returns_a_check_is_read_as_that_check(tmp_path, returns, attacker):
    helper = f'ALLOWED = ["https://app.example.com"]\ndef is_trusted(value):\n    """Trusted?"""\n    return {returns.replace("origin", "value")}\n'
    project = manual_app(tmp_path, 'if is_trusted(origin):\n    resp.headers["Access-Control-Allow-Origin"] = origin',
                         extra={"module": helper})
    found = manual_findings(project)
    if attacker is None:
        assert found == [] and reflected(project) == {"https://app.example.com"}
        return
    [finding] = found
    assert finding.attacker_origin == attacker and attacker in reflected(project, PROBES + [attacker])
    if attacker != "https://evil.example":
        assert "`is_trusted(origin), which returns value.endswith(\"example.com\")`" in finding.message


@pytest.mark.parametrize("flag, condition", [
    ('os.environ.get("ENABLE_CORS")', "$ENABLE_CORS is set"),
    ('current_app.config.get("CORS_ON")', 'current_app.config.get("CORS_ON")'),
])
def test_a_switch_around_the_copy_is_a_condition(tmp_path, flag, condition):
    project = manual_app(tmp_path, f'if {flag}:\n    resp.headers["Access-Control-Allow-Origin"] = origin')
    [finding] = manual_findings(project)
    assert "every origin" in finding.message and finding.condition == condition
    document = valid_inventory(project)
    [site] = [s for s in sites(document, "manual-header") if "Origin" in s["options"]["header"]]
    assert site["condition"] == condition and "guards" not in site


def test_a_switch_and_a_sound_check_together(tmp_path):
    project = manual_app(tmp_path, 'if os.environ.get("ENABLE_CORS") and origin in ALLOWED:\n'
                                   '    resp.headers["Access-Control-Allow-Origin"] = origin',
                         extra={"module": 'ALLOWED = ["https://app.example.com"]\n'})
    assert manual_findings(project) == []
    [site] = [s for s in sites(valid_inventory(project), "manual-header") if "Origin" in s["options"]["header"]]
    assert site["condition"] == "$ENABLE_CORS is set" and site["guards"][0]["list"] == "ALLOWED"


def test_guards_record_the_list_where_it_comes_from_and_its_values(tmp_path):
    write(tmp_path, {"settings.py": 'ALLOWED_ORIGINS = ["https://app.example.com", "https://admin.example.com"]\n'})
    project = manual_app(tmp_path, 'if origin in ALLOWED_ORIGINS:\n'
                                   '    resp.headers["Access-Control-Allow-Origin"] = origin',
                         extra={"module": "from settings import ALLOWED_ORIGINS\n"})
    [guard] = guards_of(project)
    assert guard == {"kind": "membership", "code": "origin in ALLOWED_ORIGINS", "list": "ALLOWED_ORIGINS",
                     "subject": "origin", "defined_at": {"file": "settings.py", "line": 1}, "container": "list",
                     "values": ["https://app.example.com", "https://admin.example.com"]}


def test_the_unguarded_copy_in_the_example_app_is_still_every_origin():
    example = Path(__file__).parent.parent / "fixtures" / "example_app"
    [finding] = [f for f in findings(example) if f.rule_id == "CORS017"]
    assert "every origin" in finding.message and finding.attacker_origin == "https://evil.example"


# ---------------------------------------------------------------------------- CORS015 on r"/api/*"
def test_api_star_is_a_warning_only_when_an_existing_route_is_matched_by_accident(tmp_path):
    source = """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        CORS(app, resources={r"/api/*": {"origins": "https://app.example.com"}})
        @app.route("/api/users")
        def users(): return "users"
        @app.route("/api/v1/<int:item>")
        def item(item): return "item"
    """
    write(tmp_path / "clean", {"app.py": source})
    [note] = findings(tmp_path / "clean", "CORS015")
    assert note.severity == "note" and note.routes == ()
    write(tmp_path / "accident", {"app.py": source + """
        @app.route("/api-internal/stats")
        def stats(): return "stats"
        @app.route("/apikeys")
        def keys(): return "keys"
    """})
    [warning] = findings(tmp_path / "accident", "CORS015")
    assert warning.severity == "warning" and warning.routes == ("/api-internal/stats", "/apikeys")
    assert "/api-internal/stats" in warning.message and "/apikeys" in warning.message
    app = load_app(tmp_path / "accident", module="app")  # flask-cors really answers them with the /api policy
    response = app.test_client().get("/apikeys", headers={"Origin": "https://app.example.com"})
    assert response.headers.get("Access-Control-Allow-Origin") == "https://app.example.com"


def test_a_route_another_resource_takes_first_is_not_an_accident(tmp_path):
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        CORS(app, resources={r"/api/*": {"origins": "https://app.example.com"}, "/apikeys": {"origins": []}})
        @app.route("/api/users")
        def users(): return "users"
        @app.route("/apikeys")
        def keys(): return "keys"
    """})
    [note] = findings(tmp_path, "CORS015")
    assert note.severity == "note"


def test_api_star_from_config_names_the_routes_it_matches_by_accident(tmp_path):
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__, static_folder=None)
        app.config["CORS_RESOURCES"] = {r"/api/*": {"origins": "https://app.example.com"}}
        CORS(app)
        @app.route("/api/users")
        def users(): return "users"
        @app.route("/apiary")
        def apiary(): return "bees"
    """})
    [warning] = findings(tmp_path, "CORS015")
    assert warning.severity == "warning" and warning.routes == ("/apiary",) and warning.line == 4


def test_the_example_app_keeps_its_findings_with_api_star_as_a_note():
    example = Path(__file__).parent.parent / "fixtures" / "example_app"
    found = findings(example)
    assert len(found) == 16
    [prefix] = [f for f in found if f.rule_id == "CORS015"]
    assert prefix.severity == "note"  # every /api/* route of the shop is under /api/
    assert json.dumps(sorted(f.rule_id for f in found)) == json.dumps(sorted([
        "CORS019", "CORS012", "CORS002", "CORS007", "CORS013", "CORS015", "CORS011", "CORS006", "CORS013",
        "CORS014", "CORS007", "CORS009", "CORS013", "CORS010", "CORS017", "CORS033"]))


def test_a_slow_header_regex_is_reported_where_it_is_written_not_at_the_origins(tmp_path):
    """CORS031 places the finding at the option the pattern came from: here the decorator's
    allow_headers, not the CORS_ORIGINS config line the layer's origins came from."""
    from cors_lint.testing import findings_for

    found = [f for f in findings_for("""
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__, static_folder=None)
        app.config["CORS_ORIGINS"] = ["https://app.example.com"]
        @app.route("/x")
        @cross_origin(allow_headers=[r"^(a+)+$"])
        def x(): return "x"
    """) if f.rule_id == "CORS031"]
    assert [(f.line, f.routes) for f in found] == [(6, ("/x",))]
