"""Fixes: each fixable rule's examples turn into their fixed form; a fix that re-analysis cannot
prove (the finding stays, or a new one appears) is not offered; --diff writes nothing, --fix
writes atomically and keeps everything outside the edited span."""

from __future__ import annotations

import dataclasses
import json

import pytest
from helpers import config_class_app, run_cli, write

from cors_lint.fixes.codemods import CODEMODS
from cors_lint.rules import RULES
from cors_lint.testing import example_files

FIXED_EXAMPLES = [(rule.id, index, example) for rule in RULES.values() for index, example in enumerate(rule.invalid)
                  if example.fixed is not None]


def findings_of(project, exit: int, *options: str) -> list[dict]:
    """The findings `check --format json` reports for ``project`` (which must exit ``exit``)."""
    return json.loads(run_cli("check", str(project), "--no-cache", "--format", "json", *options,
                              expect_exit=exit).stdout)["findings"]


def fixed_app(project, exit: int) -> str:
    """`check --fix --unsafe-fixes` on ``project`` (which must then exit ``exit``): app.py after it."""
    run_cli("check", str(project), "--no-cache", "--fix", "--unsafe-fixes", expect_exit=exit)
    return (project / "app.py").read_text()


def assert_no_fix_proposed(project) -> None:
    """--diff --unsafe-fixes proposes nothing: no diff, exit 0, and it says so."""
    proposed = run_cli("check", str(project), "--no-cache", "--diff", "--unsafe-fixes", expect_exit=0)
    assert proposed.stdout == "" and "no fix to propose for" in proposed.stderr, proposed


def test_every_fixable_rule_has_an_example_with_its_fixed_form():
    assert {rule_id for rule_id, _, _ in FIXED_EXAMPLES} == set(CODEMODS)


@pytest.mark.parametrize(("rule_id", "index", "example"), FIXED_EXAMPLES,
                         ids=[f"{rule_id}-{index}" for rule_id, index, _ in FIXED_EXAMPLES])
def test_a_rule_example_becomes_its_fixed_form(tmp_path, rule_id, index, example):
    write(tmp_path, example_files(example.code))
    run_cli("check", str(tmp_path), "--no-cache", "--fix", "--unsafe-fixes", "--exit-zero", expect_exit=0)
    assert {name: (tmp_path / name).read_text() for name in example_files(example.fixed)} == \
        example_files(example.fixed)
    assert rule_id not in {finding["rule_id"] for finding in findings_of(tmp_path, 0, "--exit-zero")}


def test_an_unsafe_fix_is_applied_only_when_asked():
    """CORS018's fix changes which requests pass: --fix alone leaves it."""
    assert not CODEMODS["CORS018"].safe and CODEMODS["CORS022"].safe


def test_a_string_boolean_fix_that_would_disable_vary_is_refused(tmp_path):
    """vary_header="False" means true; the boolean its author wrote turns Vary off while the
    allowed origin depends on the request: CORS016 would appear, so the fix is not offered."""
    source = ('from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n'
              'CORS(app, origins=["https://a.example.com", "https://b.example.com"], vary_header="False")\n'
              '@app.route("/x")\ndef x(): return "x"\n')
    write(tmp_path, {"app.py": source})
    found = findings_of(tmp_path, 1)
    assert [f["rule_id"] for f in found] == ["CORS018"]
    assert_no_fix_proposed(tmp_path)
    run_cli("check", str(tmp_path), "--no-cache", "--fix", "--unsafe-fixes", expect_exit=1)
    assert (tmp_path / "app.py").read_text() == source


def test_diff_writes_nothing_and_fix_keeps_comments_and_line_endings(tmp_path):
    source = (b"from flask import Flask\r\n# flask-cors, as it was imported in 2015\r\n"
              b"from flask.ext.cors import CORS  # keep this comment\r\n\r\napp = Flask(__name__)\r\n"
              b"CORS(app,   origins='https://app.example.com')  # spacing kept\r\n")
    (tmp_path / "app.py").write_bytes(source)
    diff = run_cli("check", str(tmp_path), "--no-cache", "--diff", expect_exit=1).stdout
    assert "-from flask.ext.cors import CORS  # keep this comment" in diff
    assert "+from flask_cors import CORS  # keep this comment" in diff and diff.startswith("--- a/app.py\n")
    assert (tmp_path / "app.py").read_bytes() == source
    result = run_cli("check", str(tmp_path), "--no-cache", "--fix", expect_exit=0)
    assert "applied 1 fix in 1 file" in result.stderr
    assert (tmp_path / "app.py").read_bytes() == source.replace(b"flask.ext.cors", b"flask_cors")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".app.py.")]  # no temporary file left


def test_an_option_spelt_right_that_would_trust_an_insecure_origin_is_refused(tmp_path):
    """`origin="http://localhost:3000"` is ignored (every origin may read, CORS007); spelt
    `origins=`, it would trust plain-http localhost in production (CORS008), a problem the
    project did not have: the fix is not offered."""
    write(tmp_path, {"app.py": 'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n'
                               'CORS(app, origin="http://localhost:3000")\n'})
    found = findings_of(tmp_path, 1)
    assert {"CORS007", "CORS012"} <= {f["rule_id"] for f in found}
    assert_no_fix_proposed(tmp_path)


def test_a_fix_may_leave_another_rules_finding_at_its_place_naming_the_new_value(tmp_path):
    """`CORS_HEADERS` set after CORS(app): spelt right, it is still set too late; CORS011 was
    there before and stays (naming the new key): not a new problem, so the rename is offered.
    (The config reads a name bound after CORS(app): CORS011's own fix cannot move it.)"""
    write(tmp_path, {"app.py": 'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n'
                               'CORS(app, origins="https://app.example.com")\nHEADERS = "Content-Type"\n'
                               'app.config["CORS_HEADERS"] = HEADERS\n'})
    assert 'app.config["CORS_ALLOW_HEADERS"] = HEADERS' in fixed_app(tmp_path, 1)
    after = findings_of(tmp_path, 1)
    assert [f["rule_id"] for f in after] == ["CORS011"]


def test_findings_that_share_a_fingerprint_are_fixed_one_by_one(tmp_path):
    """The same misspelt option on three views of a file: one fingerprint, three findings; each
    fix leaves one fewer, and the fix loop applies all three."""
    views = "".join(f'@app.route("/v{i}")\n@cross_origin(origins="https://app.example.com", headers=["X-Token"])\n'
                    f'def v{i}(): return "v"\n' for i in range(3))
    write(tmp_path, {"app.py": "from flask import Flask\nfrom flask_cors import cross_origin\n"
                               "app = Flask(__name__)\n" + views})
    found = findings_of(tmp_path, 1)
    assert [f["rule_id"] for f in found] == ["CORS012"] * 3
    assert len({f["fingerprint"] for f in found}) == 1
    result = run_cli("check", str(tmp_path), "--no-cache", "--fix", "--unsafe-fixes", expect_exit=0)
    assert "applied 3 fixes in 1 file" in result.stderr
    assert (tmp_path / "app.py").read_text().count('allow_headers=["X-Token"]') == 3


def test_a_proven_fix_is_shown_with_its_finding_in_every_format(tmp_path):
    """--show-fixes: the change under the code frame, `fix` in the JSON (schema-valid), SARIF
    `fixes` whose replacements turn the file into the fixed one, and a diff in the review."""
    import jsonschema
    from test_formats import SARIF_SCHEMA

    from cors_lint.schemas import load as load_schema

    source = ('from flask import Flask\nfrom flask_cors import cross_origin\napp = Flask(__name__)\n'
              '@app.route("/foo")\n@cross_origin(origins="https://app.example.com", headers=["X-Token"])  # token\n'
              'def foo(): return "foo"\n')
    fixed = source.replace("headers=", "allow_headers=")
    write(tmp_path, {"app.py": source})
    text = run_cli("check", str(tmp_path), "--no-cache", "--show-fixes", expect_exit=1).stdout
    assert ("   = fix (unsafe): spell the option as flask-cors knows it\n"
            ' 5 - @cross_origin(origins="https://app.example.com", headers=["X-Token"])  # token\n'
            ' 5 + @cross_origin(origins="https://app.example.com", allow_headers=["X-Token"])  # token\n') in text, text
    document = json.loads(run_cli("check", str(tmp_path), "--no-cache", "--show-fixes", "--format", "json",
                                  expect_exit=1).stdout)
    jsonschema.Draft202012Validator(load_schema("findings.schema.json")).validate(document)
    [finding] = document["findings"]
    assert finding["fix"]["applicability"] == "unsafe" and "+@cross_origin(origins" in finding["fix"]["diff"]
    sarif = json.loads(run_cli("check", str(tmp_path), "--no-cache", "--show-fixes", "--format", "sarif",
                               expect_exit=1).stdout)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(sarif)
    [change] = sarif["runs"][0]["results"][0]["fixes"][0]["artifactChanges"]
    lines = source.splitlines()
    for replacement in reversed(change["replacements"]):  # applied as a SARIF consumer does
        region = replacement["deletedRegion"]
        lines[region["startLine"] - 1:region["endLine"]] = replacement["insertedContent"]["text"].split("\n")
    assert "\n".join(lines) + "\n" == fixed
    review = run_cli("report", str(tmp_path), "--no-cache", "--format", "markdown", expect_exit=0).stdout
    assert "Proposed change (unsafe, proven by re-analysis)" in review and "+@cross_origin(origins" in review
    assert "fix (" not in run_cli("check", str(tmp_path), "--no-cache", expect_exit=1).stdout  # only when asked


def test_a_prefix_pattern_fix_that_would_expose_the_prefix_itself_is_refused(tmp_path):
    """`/api/*` also matches `/api` (no slash); `/api/.*` does not, so `/api` would fall to the
    `/*` resource that lets every origin read (CORS007): the fix is not offered."""
    source = ('from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__, static_folder=None)\n'
              'CORS(app, resources={r"/api/*": {"origins": "https://app.example.com"}, r"/*": {"origins": "*"}})\n'
              '@app.route("/api")\ndef api(): return "api"\n@app.route("/api/x")\ndef x(): return "x"\n')
    write(tmp_path, {"app.py": source})
    found = findings_of(tmp_path, 0)
    assert [f["rule_id"] for f in found] == ["CORS015"]
    assert_no_fix_proposed(tmp_path)
    (tmp_path / "app.py").write_text(source.replace('r"/api/*"', 'r"/api/.*"'))  # what the fix would do
    after = findings_of(tmp_path, 1)
    assert [f["rule_id"] for f in after] == ["CORS007"]


def test_splitting_a_comma_joined_origin_that_names_an_insecure_origin_is_refused(tmp_path):
    """`"https://a.example.com,http://localhost:3000"` matches nothing; split, it would trust a
    plain-http localhost origin in production (CORS008): the fix is not offered."""
    write(tmp_path, {"app.py": 'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n'
                               'CORS(app, origins="https://a.example.com,http://localhost:3000")\n'})
    found = findings_of(tmp_path, 1)
    assert "CORS006" in [f["rule_id"] for f in found]
    assert_no_fix_proposed(tmp_path)
    (tmp_path / "app.py").write_text((tmp_path / "app.py").read_text().replace(
        '"https://a.example.com,http://localhost:3000"', '["https://a.example.com", "http://localhost:3000"]'))
    after = findings_of(tmp_path, 1)
    assert "CORS008" in [f["rule_id"] for f in after]


def test_a_glob_without_a_scheme_is_not_fixed_into_trusting_plain_http(tmp_path):
    """`*.example.com` names no scheme; the regex it means accepts http and https, and trusting
    plain-http pages in production is CORS008, a problem the project did not have: refused."""
    write(tmp_path, {"app.py": 'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n'
                               'CORS(app, origins=["*.example.com"])\n'})
    found = findings_of(tmp_path, 1)
    assert "CORS005" in {f["rule_id"] for f in found}
    assert_no_fix_proposed(tmp_path)


def test_a_glob_fix_keeps_the_localhost_origin_its_author_trusted(tmp_path):
    """`http://localhost:*` -> `^http://localhost(:\\d+)?$`: no longer `localhost.evil.example`
    (CORS005 and CORS002 gone); CORS008 stays, now naming the regex."""
    write(tmp_path, {"app.py": 'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n'
                               'CORS(app, origins=["http://localhost:*"])\n'})
    assert 'origins=[r"^http://localhost(:\\d+)?$"]' in fixed_app(tmp_path, 1)
    after = findings_of(tmp_path, 1)
    assert [f["rule_id"] for f in after] == ["CORS008"]


def test_an_anchored_regex_that_still_accepts_another_domain_is_refused(tmp_path):
    """`https://.*example\\.com` anchored is still `evilexample.com`: the rule's own finding
    remains (with the new regex), so the fix is not offered."""
    write(tmp_path, {"app.py": 'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n'
                               'CORS(app, origins=[r"https://.*example\\.com"])\n'})
    found = findings_of(tmp_path, 1)
    assert "CORS002" in {f["rule_id"] for f in found}
    assert_no_fix_proposed(tmp_path)


@pytest.mark.parametrize(("glob", "regex"), [
    ("https://*.example.com", r"^https://([a-z0-9-]+\.)+example\.com$"),
    ("http://localhost:*", r"^http://localhost(:\d+)?$"),
    ("*.example.com", r"^https?://([a-z0-9-]+\.)+example\.com$"),
    ("https://*.example.com:8443", r"^https://([a-z0-9-]+\.)+example\.com:8443$"),
    ("https://app.*.com", None),  # a * inside a name: what it should match is not evident
])
def test_a_glob_origin_becomes_the_anchored_regex_it_means(glob, regex):
    import re

    from cors_lint.fixes.codemods import glob_regex

    assert glob_regex(glob) == regex
    if regex:
        sub = ("" if "://" in glob else "https://") + glob.replace("*.", "a.b.").replace(":*", ":3000")
        assert re.match(regex, sub) and not re.match(regex, sub + ".evil.example")


@pytest.mark.parametrize(("regex", "meant"), [
    (r"https://.*\.example\.com", r"^https://([a-z0-9-]+\.)+example\.com$"),
    # alerta's, commented "http(s)://*.local.alerta.io:<port>"
    (r"https?://\w*\.?local\.alerta\.io:?\d*/?.*", r"^https?://([a-z0-9-]+\.)*local\.alerta\.io(:\d+)?$"),
    (r"^https://app\.example\.com", r"^https://app\.example\.com$"),
    (r"http://localhost:*", None),  # a glob: CORS005's fix says what it means
])
def test_a_permissive_regex_becomes_the_anchored_one_its_author_meant(regex, meant):
    from cors_lint.fixes.codemods import anchored_regex

    assert anchored_regex(regex) == meant


def test_a_decorator_above_the_route_moves_below_the_lowest_route_and_comments_stay(tmp_path):
    """Below every route decorator of the view, above the others (a login check stays outside);
    the comment above the moved decorator stays where it was."""
    source = ('from flask import Flask\nfrom flask_cors import cross_origin\nfrom auth import login_required\n'
              'app = Flask(__name__)\n\n# partner API\n@cross_origin(origins="https://app.example.com")  # partners\n'
              '@app.route("/x")\n@app.get("/y")\n@login_required\ndef x(): return "x"\n')
    write(tmp_path, {"app.py": source, "auth.py": "def login_required(view):\n    return view\n"})
    assert [f["rule_id"] for f in findings_of(tmp_path, 1)] == ["CORS010"]
    assert fixed_app(tmp_path, 0) == source.replace(
        '# partner API\n@cross_origin(origins="https://app.example.com")  # partners\n@app.route("/x")\n@app.get("/y")\n',
        '# partner API\n@app.route("/x")\n@app.get("/y")\n@cross_origin(origins="https://app.example.com")  # partners\n')


def test_calling_a_bare_cross_origin_is_refused_when_it_would_let_every_origin_read(tmp_path):
    """`@cross_origin` without parentheses breaks the view; `@cross_origin()` would let every
    origin read it (CORS007), which origins to trust is the author's to say: not offered."""
    write(tmp_path, {"app.py": 'from flask import Flask\nfrom flask_cors import cross_origin\napp = Flask(__name__)\n'
                               '@app.route("/x")\n@cross_origin\ndef x(): return "x"\n'})
    assert [f["rule_id"] for f in findings_of(tmp_path, 1)] == ["CORS010"]
    assert_no_fix_proposed(tmp_path)


def test_config_moved_before_cors_keeps_comments_and_blank_lines_in_place(tmp_path):
    source = ('from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n\n'
              '# the extension\nCORS(app, origins="https://app.example.com")\n'
              '# partner apps send a token\napp.config["CORS_ALLOW_HEADERS"] = ["X-Token"]  # header\n\n'
              '@app.route("/x")\ndef x(): return "x"\n')
    write(tmp_path, {"app.py": source})
    assert [f["rule_id"] for f in findings_of(tmp_path, 1)] == ["CORS011"]
    assert fixed_app(tmp_path, 0) == (
        'from flask import Flask\nfrom flask_cors import CORS\n\napp = Flask(__name__)\n\n'
        '# partner apps send a token\napp.config["CORS_ALLOW_HEADERS"] = ["X-Token"]  # header\n'
        '# the extension\nCORS(app, origins="https://app.example.com")\n\n@app.route("/x")\ndef x(): return "x"\n')


def test_config_that_would_give_credentials_to_every_origin_is_not_moved(tmp_path):
    """`CORS(app)` lets every origin read without credentials; moved before it, the config would
    send credentials to every origin (CORS001), a problem the project did not have: refused."""
    write(tmp_path, {"app.py": 'from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n'
                               'CORS(app)\napp.config["CORS_SUPPORTS_CREDENTIALS"] = True\n'
                               '@app.route("/x")\ndef x(): return "x"\n'})
    assert "CORS011" in {f["rule_id"] for f in findings_of(tmp_path, 1)}
    assert_no_fix_proposed(tmp_path)


def test_config_that_uses_a_name_bound_after_cors_is_not_moved(tmp_path):
    """The config reads `PARTNERS`, assigned between `CORS(app)` and it: moved above, it would
    read a name not yet bound. No edit is proposed; bound before `CORS(app)`, it is moved."""
    from cors_lint.check.checker import check_paths
    from cors_lint.fixes.codemods import candidate
    from cors_lint.policy.loader import load

    def proposed(source: str):
        write(tmp_path, {"app.py": source})
        [finding] = [f for f in check_paths([tmp_path], load("recommended")).findings if f.rule_id == "CORS011"]
        return candidate(finding, tmp_path)

    config = 'app.config["CORS_ALLOW_HEADERS"] = PARTNERS\n'
    head = "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
    assert proposed(head + 'CORS(app)\nPARTNERS = ["X-Token"]\n' + config) is None
    moved = proposed(head + 'PARTNERS = ["X-Token"]\nCORS(app)\n' + config)
    assert moved is not None and moved.after == head + 'PARTNERS = ["X-Token"]\n' + config + "CORS(app)\n"


def test_credentials_for_every_origin_has_no_fix_and_says_what_to_decide(tmp_path):
    """Which sites may read a user's data is the owner's call: no edit is proposed; the message
    names the origins the project already writes elsewhere, or those the policy allows here."""
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS, cross_origin
        app = Flask(__name__)
        app.config["CORS_ORIGINS"] = ["https://shop.example.com", r".*\\.example\\.com"]
        CORS(app, supports_credentials=True, origins="*")
        @app.route("/me")
        def me(): return "me"
        @app.route("/partner")
        @cross_origin(origins=["https://admin.example.com"])
        def partner(): return "partner"
        """})
    [finding] = [f for f in findings_of(tmp_path, 1) if f["rule_id"] == "CORS001"]
    assert ("authenticated responses (decide which origins may read with credentials and list them in "
            "`origins`; the project names `https://admin.example.com`, `https://shop.example.com`): credentials "
            "are allowed") in finding["message"], finding["message"]
    assert_no_fix_proposed(tmp_path)
    (tmp_path / "cors-policy.yaml").write_text("version: 1\nextends: [recommended]\nenvironments:\n  production:\n"
                                               "    allowed_origins: [{exact: 'https://app.example.com'}, "
                                               "{subdomains_of: example.com}]\n")
    [finding] = [f for f in findings_of(tmp_path, 1) if f["rule_id"] == "CORS001"]
    assert "`origins`; the policy allows `https://app.example.com`): " in finding["message"], finding["message"]


def test_a_pin_raise_that_changes_which_cors_a_route_gets_is_refused(tmp_path):
    """Before 6.0, resources match paths case-insensitively: `/API/x` gets `/api/.*`'s one
    origin. On 6.0.4 it falls to `/*`, which lets every origin read (CORS007), a problem the
    project did not have: the upgrade is the owner's to review, so the raise is not offered."""
    app = ('from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__, static_folder=None)\n'
           'CORS(app, resources={r"/api/.*": {"origins": "https://app.example.com"}, r"/*": {"origins": "*"}})\n'
           '@app.route("/API/x")\ndef x(): return "x"\n')
    write(tmp_path, {"requirements.txt": "flask-cors==5.0.1\n", "app.py": app})
    assert "CORS019" in {f["rule_id"] for f in findings_of(tmp_path, 1)}
    assert_no_fix_proposed(tmp_path)
    (tmp_path / "requirements.txt").write_text("flask-cors==6.0.4\n")  # what the fix would do
    assert "CORS007" in {f["rule_id"] for f in findings_of(tmp_path, 1)}


def test_vary_is_added_in_the_quotes_the_function_writes_its_header_with(tmp_path):
    """The hook writes 'Access-Control-Allow-Origin' in single quotes: so is 'Origin'."""
    source = ("from flask import Flask, request\napp = Flask(__name__)\n@app.after_request\ndef cors(response):\n"
              "    response.headers['Access-Control-Allow-Origin'] = request.headers.get('Origin', '')\n"
              "    return response\n")
    write(tmp_path, {"app.py": source})
    assert "CORS033" in {f["rule_id"] for f in findings_of(tmp_path, 1)}
    assert "    response.vary.add('Origin')\n    return response\n" in fixed_app(tmp_path, 1)


SETTINGS_APP = config_class_app("settings")


def test_a_value_written_in_another_module_is_fixed_where_it_is_written(tmp_path):
    """CORS018 is at `from_object` in app.py; the string is a settings module's class attribute:
    the fix edits settings.py, says so under the finding, and leaves app.py as it was."""
    write(tmp_path, {"app.py": SETTINGS_APP, "settings.py": '''
        class Config:
            CORS_ORIGINS = ["https://app.example.com"]
            CORS_SUPPORTS_CREDENTIALS = "False"  # off until the SPA logs in
        '''})
    [finding] = findings_of(tmp_path, 1)
    assert (finding["rule_id"], finding["file"]) == ("CORS018", "app.py")
    text = run_cli("check", str(tmp_path), "--no-cache", "--show-fixes", "--unsafe-fixes", expect_exit=1).stdout
    assert ("= fix (unsafe): write the boolean the string says (in settings.py)\n"
            ' 3 -     CORS_SUPPORTS_CREDENTIALS = "False"  # off until the SPA logs in\n'
            ' 3 +     CORS_SUPPORTS_CREDENTIALS = False  # off until the SPA logs in\n') in text, text
    [shown] = findings_of(tmp_path, 1, "--show-fixes", "--unsafe-fixes")
    assert shown["fix"]["diff"].startswith("--- a/settings.py\n+++ b/settings.py\n"), shown
    sarif = json.loads(run_cli("check", str(tmp_path), "--no-cache", "--show-fixes", "--unsafe-fixes", "--format",
                               "sarif", expect_exit=1).stdout)
    [result] = sarif["runs"][0]["results"]
    [change] = result["fixes"][0]["artifactChanges"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app.py"
    assert change["artifactLocation"]["uri"] == "settings.py"
    assert [r["deletedRegion"]["startLine"] for r in change["replacements"]] == [3]
    app = (tmp_path / "app.py").read_text()
    run_cli("check", str(tmp_path), "--no-cache", "--fix", "--unsafe-fixes", expect_exit=0)
    assert "    CORS_SUPPORTS_CREDENTIALS = False  # off until" in (tmp_path / "settings.py").read_text()
    assert (tmp_path / "app.py").read_text() == app


ENVIRONMENT_APP = SETTINGS_APP + '''

import os
from flask_cors import cross_origin


@app.route("/api/public")
@cross_origin(origins=os.getenv('PUBLIC_ORIGINS', "https://a.example.com, https://b.example.com"))
def public():
    return "public"


@app.route("/api/listed")
@cross_origin(origins=["https://c.example.com", os.environ["MORE_ORIGINS"]])
def listed():
    return "listed"
'''


def test_a_comma_joined_value_read_from_the_environment_is_split_where_it_is_read(tmp_path):
    """flask-cors never splits a string: `.split(",")` goes on the read itself, in the settings
    module that reads it and in the call; parts with spaces around them are stripped too. A read
    inside a list, or one without a default (None has no `split`), is left alone."""
    write(tmp_path, {"app.py": ENVIRONMENT_APP, "settings.py": '''
        import os


        class Config:
            CORS_ORIGINS = os.environ["ORIGINS"]
            CORS_ALLOW_HEADERS = os.environ.get("HEADERS")
        ''', "cors-policy.yaml": '''
        version: 1
        environments:
          production:
            env: {ORIGINS: "https://a.example.com,https://b.example.com",
                  MORE_ORIGINS: "https://d.example.com,https://e.example.com", HEADERS: "X-Token,X-Page"}
        '''})
    found = findings_of(tmp_path, 1)
    lines = ENVIRONMENT_APP.lstrip("\n").splitlines()
    # each view's @cross_origin is the line above its `def` (1-based: the def's 0-based index)
    public, listed = (lines.index(f"def {view}():") for view in ("public", "listed"))
    # the app's config reaches the decorators too: its headers on every route
    headers = [("CORS006", line, "allow_headers") for line in (6, public, listed)]
    assert sorted((f["rule_id"], f["line"], f["message"][:13]) for f in found) == sorted(
        headers + [("CORS006", line, "origins value") for line in (6, public, listed)])
    result = run_cli("check", str(tmp_path), "--no-cache", "--fix", "--unsafe-fixes", expect_exit=1)
    assert "applied 2 fixes in 2 files" in result.stderr, result.stderr
    settings = (tmp_path / "settings.py").read_text()
    assert '    CORS_ORIGINS = os.environ["ORIGINS"].split(",")\n' in settings, settings
    assert '    CORS_ALLOW_HEADERS = os.environ.get("HEADERS")\n' in settings
    app = (tmp_path / "app.py").read_text()
    assert ("@cross_origin(origins=[origin.strip() for origin in os.getenv('PUBLIC_ORIGINS', "
            "\"https://a.example.com, https://b.example.com\").split(',')])\n") in app, app
    assert '@cross_origin(origins=["https://c.example.com", os.environ["MORE_ORIGINS"]])' in app
    assert sorted((f["rule_id"], f["line"], f["message"][:13]) for f in findings_of(tmp_path, 1)) == \
        sorted(headers + [("CORS006", listed, "origins value")])


def test_splitting_an_environment_value_that_names_an_insecure_origin_is_refused(tmp_path):
    """Split, the variable's `http://b.example.com` would be trusted in production (CORS008), a
    problem the project did not have: the fix is not offered."""
    write(tmp_path, {"app.py": SETTINGS_APP, "settings.py": '''
        import os


        class Config:
            CORS_ORIGINS = os.environ["ORIGINS"]
        ''', "cors-policy.yaml": '''
        version: 1
        environments:
          production:
            env: {ORIGINS: "https://a.example.com,http://b.example.com"}
        '''})
    assert [f["rule_id"] for f in findings_of(tmp_path, 1)] == ["CORS006"]
    assert_no_fix_proposed(tmp_path)
    settings = (tmp_path / "settings.py").read_text()
    (tmp_path / "settings.py").write_text(settings.replace('["ORIGINS"]', '["ORIGINS"].split(",")'))
    assert "CORS008" in [f["rule_id"] for f in findings_of(tmp_path, 1)]


def test_a_string_boolean_read_from_the_environment_is_parsed_where_it_is_read(tmp_path):
    """`CREDS=false` in the deployment is the string 'false', which flask-cors reads as true:
    a boolean default alone would leave it so. The read itself is parsed, in the settings
    module, and the variable's `false` then means false."""
    write(tmp_path, {"app.py": SETTINGS_APP, "settings.py": '''
        import os


        class Config:
            CORS_ORIGINS = ["https://app.example.com"]
            CORS_SUPPORTS_CREDENTIALS = os.environ['CREDS']
        ''', "cors-policy.yaml": '''
        version: 1
        environments:
          production:
            env: {CREDS: "false"}
        '''})
    [finding] = findings_of(tmp_path, 1)
    assert (finding["rule_id"], finding["file"], "$CREDS" in finding["message"]) == ("CORS018", "app.py", True)
    run_cli("check", str(tmp_path), "--no-cache", "--fix", "--unsafe-fixes", expect_exit=0)
    assert ("    CORS_SUPPORTS_CREDENTIALS = os.environ['CREDS'].lower() in ('true', 'yes', 'on', '1')\n"
            in (tmp_path / "settings.py").read_text())
    assert findings_of(tmp_path, 0) == []



SAFE_EXAMPLES = [(rule_id, index, example) for rule_id, index, example in FIXED_EXAMPLES if CODEMODS[rule_id].safe]
# what a codemod with a bug might add to the file it edits: a view any origin may read (CORS007)
A_BUG = ('\nfrom flask_cors import cross_origin as _anyone\n\n\n'
         '@app.route("/open")\n@_anyone()\ndef open_to_anyone():\n    return "open"\n')


@pytest.mark.parametrize(("rule_id", "index", "example"), SAFE_EXAMPLES,
                         ids=[f"{rule_id}-{index}" for rule_id, index, _ in SAFE_EXAMPLES])
def test_a_safe_fix_is_proven_too_and_refused_when_it_would_add_a_problem(tmp_path, monkeypatch, rule_id, index,
                                                                          example):
    """A safe fix changes no CORS decision, so no real project makes re-analysis find a new
    problem after one; the proof runs for safe fixes all the same. Simulated here: the rule's
    codemod with a bug (its real edit plus a view any origin may read) has its fix refused,
    while the real codemod's fix is offered."""
    write(tmp_path, example_files(example.code))
    offered = run_cli("check", str(tmp_path), "--no-cache", "--diff", expect_exit=1).stdout
    assert offered.startswith("--- a/app.py\n"), offered
    fixer = CODEMODS[rule_id]

    def with_a_bug(source, finding, lines):
        edited = fixer.codemod(source, finding, lines)
        return None if edited is None else edited + A_BUG

    monkeypatch.setitem(CODEMODS, rule_id, dataclasses.replace(fixer, codemod=with_a_bug))
    assert_no_fix_proposed(tmp_path)
    (tmp_path / "app.py").write_text(example_files(example.fixed)["app.py"] + A_BUG)  # what the bug would write
    after = findings_of(tmp_path, 1)
    assert rule_id not in {f["rule_id"] for f in after} and "CORS007" in {f["rule_id"] for f in after}
