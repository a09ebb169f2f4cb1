"""`cors-lint check`: acceptance cases, output formats, policies, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from pathlib import Path

import jsonschema
from cors_lint.schemas import load as load_schema
from helpers import config_class_app, run_cli, write

from cors_lint.policy.loader import load
from cors_lint.testing import findings_for

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "example_app"


def run(*args: str, expect_exit: int) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, expect_exit=expect_exit, timeout=120)


def by_rule(findings) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for finding in findings:
        grouped.setdefault(finding.rule_id, []).append(finding)
    return grouped


def test_flask_cors_readme_example_is_flagged_for_what_it_does():
    findings = by_rule(findings_for('''
        from flask import Flask, request
        from flask_cors import CORS, cross_origin
        app = Flask(__name__)
        cors = CORS(app, resources={r"/foo": {"origins": "http://localhost:port"}})
        app.config['CORS_HEADERS'] = 'Content-Type'

        @app.route('/foo', methods=['POST'])
        @cross_origin(origin='localhost', headers=['Content-Type', 'Authorization'])
        def foo():
            return request.json['inputVar']
    '''))
    unknown = {f.message for f in findings["CORS012"]}
    assert any("`origin` is not a flask-cors option" in m and "every origin is accepted" in m for m in unknown)
    assert any("`headers` is not a flask-cors option" in m and "allow_headers" in m for m in unknown)
    assert any("`CORS_HEADERS`" in m for m in unknown)
    widening = findings["CORS009"][0]
    assert widening.routes == ("/foo",) and widening.attacker_origin == "https://evil.example"
    assert findings["CORS007"][0].routes == ("/foo",)


def test_flask_cors_readme_complete_example_is_flagged():
    findings = by_rule(findings_for('''
        from flask import Flask
        from flask_cors import CORS, cross_origin
        app = Flask(__name__)

        @app.route("/")
        @cross_origin(origin='http://localhost:3000')
        def helloWorld():
            return "Hello, cross-origin-world!"
    '''))
    assert any("every origin is accepted" in f.message for f in findings["CORS012"])
    assert findings["CORS007"][0].routes == ("/",)


PROD_DEV = {
    "app/__init__.py": """
        import os
        from flask import Flask
        from flask_cors import CORS
        from app.config import CONFIGS

        def create_app():
            app = Flask(__name__)
            app.config.from_object(CONFIGS[os.getenv("FLASK_ENV", "production")])
            CORS(app)

            @app.get("/api/me")
            def me():
                return {"user": "alice"}

            return app
    """,
    "app/config.py": """
        class BaseConfig:
            SECRET_KEY = "x"

        class ProductionConfig(BaseConfig):
            CORS_ORIGINS = ["https://app.example.com", "https://admin.example.com"]
            CORS_SUPPORTS_CREDENTIALS = @CREDENTIALS@

        class DevelopmentConfig(BaseConfig):
            CORS_ORIGINS = "*"

        CONFIGS = {"production": ProductionConfig, "development": DevelopmentConfig}
    """,
}


def test_exact_https_allow_list_in_production_and_star_in_development_is_clean(tmp_path):
    for credentials in ("True", "False"):
        files = dict(PROD_DEV)
        files["app/config.py"] = files["app/config.py"].replace("@CREDENTIALS@", credentials)
        write(tmp_path / credentials, files)
        assert findings_for_dir(tmp_path / credentials) == []


def test_the_same_project_with_star_in_production_is_flagged(tmp_path):
    files = dict(PROD_DEV)
    files["app/config.py"] = files["app/config.py"].replace('["https://app.example.com", "https://admin.example.com"]',
                                                            '"*"').replace("@CREDENTIALS@", "True")
    write(tmp_path, files)
    findings = findings_for_dir(tmp_path)
    assert [(f.rule_id, f.environment, f.routes) for f in findings] == [
        ("CORS001", "production", ("/api/me", "/static/<path:filename>"))]


def findings_for_dir(directory: Path, policy=None, environment=None):
    from cors_lint.check.checker import check_paths

    return check_paths([directory], policy or load("recommended"), environment).findings


def test_json_output_is_valid_and_text_output_frames_each_finding():
    """Text: a line per finding (place, rule, severity, message: what editors' problem matchers
    read), then the line it points at, numbered and underlined from its column with the rule's
    name, and the places that decide it with theirs; a blank line after each. ``concise``: the
    first lines alone."""
    result = run("check", str(EXAMPLE), "--format", "json", expect_exit=1)
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(load_schema("findings.schema.json")).validate(document)
    findings = document["findings"]
    assert document["summary"]["findings"] == len(findings) > 5
    concise = run(str(EXAMPLE), "--format", "concise", expect_exit=1).stdout.strip().splitlines()
    assert concise[:-1] == [f"{f['file']}:{f['line']}:{f['column'] + 1}: {f['rule_id']} {f['severity']}: "
                            f"{f['message']} [{f['environment']}]" for f in findings]
    assert concise[0].startswith("requirements.txt:2:1: CORS019 error: ")
    assert concise[-1].startswith(f"{len(findings)} findings (")
    text = run(str(EXAMPLE), expect_exit=1).stdout
    blocks = text.rstrip("\n").split("\n\n")
    assert len(blocks) == len(findings) + 1 and blocks[-1] == concise[-1]
    for block, finding, header in zip(blocks, findings, concise):
        first, *frame = block.splitlines()
        assert first == header
        numbered = [line for line in frame if re.match(rf"^ *{finding['line']} \| ", line)]
        assert numbered, block
        source = (EXAMPLE / finding["file"]).read_text().splitlines()[finding["line"] - 1]
        assert numbered[0].split(" | ", 1)[1] == source.rstrip()
        under = frame[frame.index(numbered[0]) + 1]
        assert re.fullmatch(rf" *\| {' ' * finding['column']}\^+ {finding['rule_name']}", under), block
        assert len(under.split("^")) - 1 <= len(source.split("#")[0].rstrip()) - finding["column"], block
        for related in finding.get("related", [])[:4]:
            if not related["message"].startswith("route "):
                assert any(line.endswith(f" ::: {related['file']}:{related['line']} {related['message']}")
                           for line in frame), block


def test_fail_on_picks_the_severity_that_fails(tmp_path):
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins="https://app.example.com", max_age=0)
        @app.route("/x")
        def x(): return "x"
    """})
    # the same report each time (only a note: CORS023); --fail-on changes the exit code alone
    for options, expected in (((), 0), (("--fail-on", "note"), 1), (("--fail-on", "never"), 0),
                              (("--fail-on", "warning"), 0)):
        lines = run(str(tmp_path), "--format", "concise", *options, expect_exit=expected).stdout.splitlines()
        assert [line.split(" ", 3)[:3] for line in lines[:-1]] == [["app.py:4:1:", "CORS023", "note:"]], \
            (options, lines)
        assert lines[-1].startswith("1 finding (0 errors, 0 warnings, 1 note)"), (options, lines)


def test_policy_allow_list_route_requirements_rule_settings_and_custom_rules(tmp_path):
    write(tmp_path, {
        "cors-policy.yaml": """
            extends: [recommended]
            environments:
              production:
                allowed_origins:
                  - exact: https://app.example.com
                  - subdomains_of: partner.example.org
            routes:
              - {path: "/admin/**", cors: forbidden}
              - {path: "/public/**", wildcard: allowed}
            rules:
              CORS021: off
              CORS016: {severity: error}
            custom_rules:
              - id: ORG001
                name: no-credentials-on-decorators
                severity: warning
                message: "decorators must not allow credentials ({route})"
                when: {kind: decorator, options: {supports_credentials: true}}
        """,
        "app.py": """
            from flask import Flask
            from flask_cors import CORS, cross_origin
            app = Flask(__name__)
            CORS(app, resources={r"/public/.*": {"origins": "*"},
                                 r"/.*": {"origins": ["https://app.example.com", "https://staging.example.net",
                                                      "https://x.partner.example.org"], "vary_header": False}})
            CORS(app, resources=r"/api/.*", origins="https://app.example.com")
            @app.route("/public/feed")
            def feed(): return "x"
            @app.route("/admin/users")
            def users(): return "x"
            @app.route("/api/me")
            @cross_origin(origins="https://app.example.com", supports_credentials=True)
            def me(): return "x"
        """,
    })
    findings = findings_for_dir(tmp_path, load(tmp_path / "cors-policy.yaml"))
    summary = {(f.rule_id, f.severity, f.routes) for f in findings}
    catch_all = ("/admin/users", "/static/<path:filename>")
    assert ("CORS024", "error", catch_all) in summary  # staging.example.net is not allowed
    assert ("CORS025", "error", ("/admin/users",)) in summary
    assert ("CORS016", "error", catch_all) in summary
    assert ("ORG001", "warning", ("/api/me",)) in summary
    assert not any(f.rule_id in ("CORS007", "CORS021") for f in findings)  # /public is allowed `*`; CORS021 off
    assert not any("x.partner.example.org" in f.message for f in findings)


def test_env_option_checks_one_environment(tmp_path):
    files = dict(PROD_DEV)
    files["app/config.py"] = files["app/config.py"].replace("@CREDENTIALS@", "True")
    write(tmp_path, files)
    strict = load("strict")
    development = findings_for_dir(tmp_path, strict, "development")
    assert {(f.rule_id, f.environment) for f in development} == {("CORS007", "development")}
    assert findings_for_dir(tmp_path, strict, "production") == []
    unknown = run(str(tmp_path), "--env", "nope", expect_exit=2)
    assert unknown.stdout == ""
    assert unknown.stderr == ("cors-lint: error: unknown environment 'nope' (the policy has: development, "
                              "production, staging)\n")


def test_fingerprints_survive_moved_code(tmp_path):
    source = textwrap.dedent('''
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
    ''')
    write(tmp_path, {"app.py": source})
    before = {f.rule_id: f for f in findings_for_dir(tmp_path)}
    write(tmp_path, {"app.py": "import os\n\n\n# moved down\n" + source})
    after = {f.rule_id: f for f in findings_for_dir(tmp_path)}
    assert before["CORS001"].line != after["CORS001"].line
    assert before["CORS001"].fingerprint == after["CORS001"].fingerprint


def test_app_debug_branches_are_evaluated_per_environment(tmp_path):
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        if app.debug:
            CORS(app, origins="*", supports_credentials=True)
        else:
            CORS(app, origins=["https://app.example.com"], supports_credentials=True)
        @app.route("/me")
        def me(): return "me"
    """})
    assert findings_for_dir(tmp_path) == []  # production assumes debug off; development allows `*`
    development = findings_for_dir(tmp_path, load("strict"), "development")
    assert [(f.rule_id, f.environment) for f in development] == [("CORS001", "development")]


def test_values_from_app_config_are_reported_once_where_the_config_is_set(tmp_path):
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import cross_origin
        app = Flask(__name__)
        app.config["CORS_ORIGINS"] = [r"https://.*\\.example\\.com"]
        @app.route("/a")
        @cross_origin()
        def a(): return "a"
        @app.route("/b")
        @cross_origin(supports_credentials=True)
        def b(): return "b"
        @app.route("/c")
        @cross_origin(origins="https://c.example.com")
        def c(): return "c"
    """})
    findings = [f for f in findings_for_dir(tmp_path) if f.rule_id == "CORS002"]
    assert [(f.line, f.severity, f.routes) for f in findings] == [(4, "error", ("/a", "/b"))]
    assert "with credentials on /b and without on /a" in findings[0].message


def test_an_environment_whose_assumptions_agree_on_what_the_code_reads_is_not_analysed_again(tmp_path, monkeypatch):
    """The code reads only `app.debug`: production and staging both assume debug off, so one
    analysis serves both; development (debug on) gets its own. The findings are the same as
    analysing each environment."""
    from cors_lint.check import run as check_run

    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        if app.debug:
            CORS(app, origins="*", supports_credentials=True)
        else:
            CORS(app, origins="*")
    """})
    calls = []
    original = check_run.analyze

    def counting(*args, **kwargs):
        calls.append(args[2])
        return original(*args, **kwargs)

    monkeypatch.setattr(check_run, "analyze", counting)
    findings = findings_for_dir(tmp_path)
    assert len(calls) == 2 and {a.debug for a in calls} == {False, True}
    wildcard = [f for f in findings if f.rule_id == "CORS007"]
    assert {f.environment for f in wildcard} == {"production"}  # reported once, in the first environment
    monkeypatch.setattr(check_run, "_same_for", lambda *args: False)
    calls.clear()
    again = findings_for_dir(tmp_path)
    assert len(calls) == 3 and [f.identity for f in again] == [f.identity for f in findings]


def test_each_finding_names_the_app_it_is_about(tmp_path):
    """A project that builds a web app and a worker's app from different factories: each finding
    names its app (where it is built and by which function) in JSON, and in text when there are
    several apps; a finding without routes (a pin) names none."""
    write(tmp_path, {
        "web.py": """
            from flask import Flask
            from flask_cors import CORS

            def create_web():
                app = Flask(__name__)
                CORS(app, supports_credentials=True)

                @app.route("/account")
                def account(): return "x"
                return app
        """,
        "worker.py": """
            from flask import Flask
            from flask_cors import CORS

            class Worker:
                def build(self):
                    app = Flask(__name__)
                    CORS(app, origins="*", max_age=0)

                    @app.route("/health")
                    def health(): return "ok"
                    return app
        """,
        "requirements.txt": "flask-cors==4.0.0\n",
    })
    result = run_cli("check", str(tmp_path), "--no-cache", "--format", "json", expect_exit=1)
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(load_schema("findings.schema.json")).validate(document)
    apps = {(f["rule_id"], f["file"]): f.get("apps") for f in document["findings"]}
    assert apps[("CORS001", "web.py")] == ["web.py:5 create_web()"]
    worker = [app for (rule, file), app in apps.items() if file == "worker.py"]
    assert worker and all(app == ["worker.py:6 Worker.build()"] for app in worker)
    assert apps[("CORS019", "requirements.txt")] is None
    text = run_cli("check", str(tmp_path), "--no-cache", expect_exit=1).stdout
    assert "(app web.py:5 create_web())" in text and "(app worker.py:6 Worker.build())" in text
    sarif = json.loads(run_cli("check", str(tmp_path), "--no-cache", "--format", "sarif", expect_exit=1).stdout)
    assert {tuple(r["properties"].get("apps", ())) for r in sarif["runs"][0]["results"]} == {
        ("web.py:5 create_web()",), ("worker.py:6 Worker.build()",), ()}
    write(tmp_path, {"worker.py": "x = 1\n"})  # one app: the text does not repeat it
    single = run_cli("check", str(tmp_path), "--no-cache", expect_exit=1).stdout
    assert "CORS001" in single and "(app " not in single


EVIDENCE_PROJECT = {
    "app.py": """
        from flask import Flask
        from flask_cors import CORS
        from settings import ORIGINS
        from views import bp

        app = Flask(__name__)
        app.config.from_object("config.ProdConfig")
        CORS(app, origins=ORIGINS)
        app.register_blueprint(bp)
    """,
    "config.py": """
        class Base:
            CORS_SUPPORTS_CREDENTIALS = True


        class ProdConfig(Base):
            DEBUG = False
    """,
    "settings.py": 'ORIGINS = ["*"]\n',
    "views.py": """
        from flask import Blueprint

        bp = Blueprint("views", __name__, url_prefix="/account")


        @bp.route("/token", methods=["POST"])
        def token():
            return "t"
    """,
    "unrelated.py": "import flask\nVALUE = 1\n",
}


def test_a_finding_carries_the_places_that_decide_it_and_files_that_touch_them_report_it(tmp_path):
    """A finding about a value is placed where the value is written (the constant passed as
    `origins=`, found through its import), and carries the other places that decide it: the CORS
    call, the config class line that sets CORS_SUPPORTS_CREDENTIALS (found along the class
    hierarchy), the `from_object` that loads it, the blueprint module registering its routes; in
    JSON (valid against the schema), in SARIF `relatedLocations`, and in the text under the
    finding. Naming any of those files (as pre-commit does) reports the finding; naming an
    unrelated file does not. Its fingerprint is the one it had at the CORS call."""
    from cors_lint.check.checker import check_targets
    from cors_lint.check.findings import fingerprint
    from cors_lint.output.formats import CHECK, Presentation
    from cors_lint.output.report import check_document

    write(tmp_path, EVIDENCE_PROJECT)
    (tmp_path / "pyproject.toml").write_text("")
    policy = load("recommended")
    [finding] = [f for f in check_targets([tmp_path], policy).findings if f.rule_id == "CORS001"]
    assert (finding.file, finding.line, finding.anchor) == ("settings.py", 1, ("app.py", 8))
    assert finding.fingerprint == fingerprint("CORS001", "production", "app.py", ("any-origin",))
    assert set(finding.related) >= {
        ("app.py", 8, "the CORS setup that applies this value is here"),
        ("config.py", 2, "`CORS_SUPPORTS_CREDENTIALS` is set here"),
        ("app.py", 7, "`CORS_SUPPORTS_CREDENTIALS` is loaded into app.config here"),
        ("views.py", 6, "route /account/token is registered here")}
    result = check_targets([tmp_path], policy)
    document = check_document(result, policy)
    jsonschema.Draft202012Validator(load_schema("findings.schema.json")).validate(document)
    sarif = json.loads(CHECK["sarif"](result, policy, Presentation()))
    [cors001] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CORS001"]
    assert {(loc["physicalLocation"]["artifactLocation"]["uri"], loc["physicalLocation"]["region"]["startLine"])
            for loc in cors001["relatedLocations"]} >= {("app.py", 8), ("config.py", 2), ("views.py", 6)}
    text = CHECK["text"](result, policy, Presentation())
    assert text.startswith("settings.py:1:1: CORS001 error: ")
    assert "\n   ::: app.py:8 the CORS setup that applies this value is here\n   |\n 8 | " in text
    for name in ("settings.py", "config.py", "views.py", "app.py"):
        named = check_targets([tmp_path / name], policy).findings
        assert "CORS001" in {f.rule_id for f in named}, name
    assert check_targets([tmp_path / "unrelated.py"], policy).findings == []
    assert check_targets([tmp_path / "pyproject.toml"], policy).findings == []  # no cors-lint settings, no pin
    (tmp_path / "pyproject.toml").write_text('[tool.cors-lint]\nfail-on = "error"\n')
    assert check_targets([tmp_path / "pyproject.toml"], policy).findings == result.findings  # settings: everything


def test_a_value_read_back_from_app_config_is_placed_at_its_settings_line_once(tmp_path):
    """pybossa's shape: `CORS_RESOURCES` in a settings module loaded into app.config, and passed
    again as `cors.init_app(app, resources=app.config.get("CORS_RESOURCES"))`: the config site and
    the init_app site both see the pattern; the finding is one, at the settings line, with the
    loading as a related place."""
    write(tmp_path, {
        "default_settings.py": 'CORS_RESOURCES = {r"/api/*": {"origins": "https://a.example.com"}}\n',
        "app.py": """
            from flask import Flask
            from flask_cors import CORS
            import default_settings

            cors = CORS()
            app = Flask(__name__)
            app.config.from_object(default_settings)
            cors.init_app(app, resources=app.config.get("CORS_RESOURCES"))


            @app.route("/api/items")
            def items(): return "x"
        """,
    })
    findings = [f for f in findings_for_dir(tmp_path) if f.rule_id == "CORS015"]
    assert [(f.file, f.line) for f in findings] == [("default_settings.py", 1)]
    assert ("app.py", 7, "app.config loads this value here") in findings[0].related



def test_a_finding_at_its_values_line_names_the_app_whose_cors_reads_it(tmp_path):
    """Two apps share a route path; only the web app's CORS takes its origins from a constant, so
    the finding is placed at the constant's line: it names the web app, not the worker's."""
    write(tmp_path, {
        "origins.py": 'ALLOWED = ["*"]\n',
        "web.py": """
            from flask import Flask
            from flask_cors import CORS
            from origins import ALLOWED

            def create_web():
                app = Flask(__name__, static_folder=None)
                CORS(app, origins=ALLOWED, supports_credentials=True)

                @app.route("/status")
                def status(): return "x"
                return app
        """,
        "worker.py": """
            from flask import Flask
            from flask_cors import CORS

            def create_worker():
                app = Flask(__name__, static_folder=None)
                CORS(app, origins=["https://ops.example.com"], supports_credentials=True)

                @app.route("/status")
                def status(): return "x"
                return app
        """,
    })
    [finding] = [f for f in findings_for_dir(tmp_path) if f.rule_id == "CORS001"]
    assert (finding.file, finding.anchor) == ("origins.py", ("web.py", 7))
    assert finding.apps == ("web.py:6 create_web()",)


def test_a_value_given_to_a_resources_entry_is_placed_where_it_is_written_and_its_file_reports_it(tmp_path):
    """`resources={r"/api/.*": {"origins": API_ORIGINS, ...}}` with API_ORIGINS imported from a
    settings module: the entry's origins are written there, so a finding about them is placed
    there, the CORS call is a related place, and a commit touching only settings.py (pre-commit
    names that file alone) reports it. A top-level `origins=` the entry overrides is not where the
    layer's origins come from."""
    from cors_lint.check.checker import check_targets
    from cors_lint.engine.analysis import analyze
    from cors_lint.engine.inventory import inventory_json

    write(tmp_path, {"settings.py": 'API_ORIGINS = "*"\nOTHER_ORIGINS = ["https://app.example.com"]\n',
                     "app.py": '''
        from flask import Flask
        from flask_cors import CORS
        from settings import API_ORIGINS, OTHER_ORIGINS

        app = Flask(__name__)
        CORS(app, origins=OTHER_ORIGINS,
             resources={r"/api/.*": {"origins": API_ORIGINS, "supports_credentials": True}})


        @app.route("/api/me")
        def me():
            return "me"
        ''', "unrelated.py": "VALUE = 1\n"})
    document = inventory_json(analyze([tmp_path]))
    [site] = [s for s in document["sites"] if s["kind"] == "extension"]
    assert site["defined_at"] == {"origins": {"file": "settings.py", "line": 2},
                                  "resources[/api/.*].origins": {"file": "settings.py", "line": 1}}
    [route] = [r for r in document["routes"] if r["path"] == "/api/me"]
    assert route["cors"][0]["defined_at"]["origins"] == {"file": "settings.py", "line": 1}
    policy = load("recommended")
    [finding] = [f for f in check_targets([tmp_path], policy).findings if f.rule_id == "CORS001"]
    assert (finding.file, finding.line, finding.anchor) == ("settings.py", 1, ("app.py", 6))
    assert ("app.py", 6, "the CORS setup that applies this value is here") in finding.related
    assert "CORS001" in {f.rule_id for f in check_targets([tmp_path / "settings.py"], policy).findings}
    assert check_targets([tmp_path / "unrelated.py"], policy).findings == []


CONFIG_CLASS_APP = config_class_app("config")


def test_a_value_written_by_naming_another_reports_where_that_one_is_written(tmp_path):
    """A config class's `CORS_ORIGINS = ORIGINS`, ORIGINS imported from a settings module that
    takes it from another (`ORIGINS = defaults.ALLOWED`): the finding stays at the class line,
    and each step is a related place, in the inventory (`defined_via`, schema-valid) and under the
    finding. A commit touching only the module at the end of the chain (pre-commit names that
    file alone) reports it. A literal, or a call, ends the chain."""
    from cors_lint.check.checker import check_targets
    from cors_lint.engine.analysis import analyze
    from cors_lint.engine.inventory import inventory_json

    write(tmp_path, {"defaults.py": 'ALLOWED = "*"\n',
                     "settings.py": "import defaults\n\nORIGINS = defaults.ALLOWED\n",
                     "config.py": '''
        from settings import ORIGINS


        class Config:
            CORS_ORIGINS = ORIGINS
            CORS_SUPPORTS_CREDENTIALS = True
        ''', "app.py": CONFIG_CLASS_APP, "unrelated.py": "VALUE = 1\n"})
    document = inventory_json(analyze([tmp_path]))
    jsonschema.Draft202012Validator(load_schema("inventory.schema.json")).validate(document)
    [config] = [s for s in document["sites"] if s["kind"] == "config"]
    assert config["defined_at"]["CORS_ORIGINS"] == {"file": "config.py", "line": 5}
    assert config["defined_via"] == {"CORS_ORIGINS": [{"name": "ORIGINS", "file": "settings.py", "line": 3},
                                                      {"name": "defaults.ALLOWED", "file": "defaults.py", "line": 1}]}
    assert "CORS_SUPPORTS_CREDENTIALS" not in config["defined_via"]  # a literal: nothing further
    policy = load("recommended")
    [finding] = [f for f in check_targets([tmp_path], policy).findings if f.rule_id == "CORS001"]
    assert (finding.file, finding.line) == ("config.py", 5)
    assert {("settings.py", 3, "`CORS_ORIGINS` comes from `ORIGINS`, set here"),
            ("defaults.py", 1, "`CORS_ORIGINS` comes from `defaults.ALLOWED`, set here")} <= set(finding.related)
    for name in ("defaults.py", "settings.py"):
        assert "CORS001" in {f.rule_id for f in check_targets([tmp_path / name], policy).findings}, name
    assert check_targets([tmp_path / "unrelated.py"], policy).findings == []


def test_a_name_inside_a_resources_mapping_written_elsewhere_reports_where_it_is_written(tmp_path):
    """A config class's `CORS_RESOURCES = {r"/api/.*": {"origins": ORIGINS}}`, ORIGINS imported
    from a settings module: the settings line is related to the finding, so a commit touching
    only settings.py reports it."""
    from cors_lint.check.checker import check_targets

    write(tmp_path, {"settings.py": 'ORIGINS = "*"\n',
                     "config.py": '''
        from settings import ORIGINS


        class Config:
            CORS_RESOURCES = {r"/api/.*": {"origins": ORIGINS}}
            CORS_SUPPORTS_CREDENTIALS = True
        ''', "app.py": CONFIG_CLASS_APP})
    policy = load("recommended")
    [finding] = [f for f in check_targets([tmp_path], policy).findings if f.rule_id == "CORS001"]
    assert ("settings.py", 1, "`CORS_RESOURCES` comes from `ORIGINS`, set here") in finding.related
    assert "CORS001" in {f.rule_id for f in check_targets([tmp_path / "settings.py"], policy).findings}


def test_names_in_a_list_value_report_where_each_is_written(tmp_path):
    """`CORS_ORIGINS = [FRONTEND, urls.ADMIN, "https://x.example.com"]`: each name's line in urls.py
    is related to the finding, so a commit touching only urls.py reports it."""
    from cors_lint.check.checker import check_targets

    write(tmp_path, {"urls.py": 'FRONTEND = "https://app.example.com"\nADMIN = "*"\n',
                     "config.py": '''
        import urls
        from urls import FRONTEND


        class Config:
            CORS_ORIGINS = [FRONTEND, urls.ADMIN, "https://x.example.com"]
            CORS_SUPPORTS_CREDENTIALS = True
        ''', "app.py": CONFIG_CLASS_APP})
    policy = load("recommended")
    [finding] = [f for f in check_targets([tmp_path], policy).findings if f.rule_id == "CORS001"]
    assert (finding.file, finding.line) == ("config.py", 6)
    assert {("urls.py", 1, "`CORS_ORIGINS` comes from `FRONTEND`, set here"),
            ("urls.py", 2, "`CORS_ORIGINS` comes from `urls.ADMIN`, set here")} <= set(finding.related)
    assert "CORS001" in {f.rule_id for f in check_targets([tmp_path / "urls.py"], policy).findings}
