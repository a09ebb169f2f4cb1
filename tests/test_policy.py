"""Policies: presets, extends, discovery, and broken policies with the exact error expected."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from cors_lint.schemas import load as load_schema
from helpers import run_cli, write

from cors_lint.policy import PolicyError
from cors_lint.check.checker import check_paths
from cors_lint.policy.loader import discover, load

BROKEN = {
    "yaml-syntax": ("rules:\n  CORS007: [error\n", "policy.yaml:3: YAML syntax error: expected ',' or ']', but got '<stream end>'"),
    "duplicate-key": ("rules:\n  CORS007: off\n  CORS007: error\n", "policy.yaml:3: $.rules: duplicate key 'CORS007'"),
    "python-tag": ("rules: !!python/object:os.system {}\n", "policy.yaml:1: $.rules: the tag tag:yaml.org,2002:python/object:os.system is not allowed (policies are plain data)"),
    "bad-severity": ("version: 1\nrules:\n  CORS007:\n    severity: fatal\n", "policy.yaml:4: $.rules.CORS007.severity: 'fatal' is not one of ['error', 'warning', 'note']"),
    "unknown-rule": ("rules:\n  CORS999: off\n", "policy.yaml:2: $.rules.CORS999: unknown rule 'CORS999' (see `cors-lint rules`)"),
    "unknown-key": ("version: 1\norigins: ['*']\n", "policy.yaml:2: $: Additional properties are not allowed ('origins' was unexpected)"),
    "bad-origin": ("environments:\n  production:\n    allowed_origins:\n      - exact: https://app.example.com/\n",
                   "policy.yaml:4: $.environments.production.allowed_origins[0].exact: 'https://app.example.com/' does not match '^(https?://[^/\\\\s]+|null)$'"),
    "unanchored-policy-regex": ("environments:\n  production:\n    allowed_origins:\n      - regex: https://.*\n",
                                "policy.yaml:4: $.environments.production.allowed_origins[0].regex: 'https://.*' does not match '^\\\\^.*\\\\$$'"),
    "wrong-version": ("version: 2\n", "policy.yaml:1: $.version: 1 was expected"),
    "default-not-an-environment": ("environments:\n  default: prod\n  production: {}\n",
                                   "policy.yaml: $.environments.default: 'prod' is not one of the environments (production)"),
    "custom-rule-steals-builtin-id": ("custom_rules:\n  - id: CORS001\n    message: x\n    when: {kind: decorator}\n",
                                      "policy.yaml:2: $.custom_rules[0].id: 'CORS001' should not be valid under {'pattern': '^CORS[0-9]{3}$'}"),
    "extends-missing-file": ("extends: [nope.yaml]\n",
                             "policy.yaml:1: $.extends: cannot read 'nope.yaml': No such file or directory (presets: "
                             "recommended, strict; a file is relative to policy.yaml)"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_policy_names_file_line_and_path(name, tmp_path, monkeypatch):
    text, expected = BROKEN[name]
    (tmp_path / "policy.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PolicyError) as error:
        load(Path("policy.yaml"))
    message = str(error.value)
    assert message == expected


def test_broken_policy_exits_2_with_the_message(tmp_path):
    (tmp_path / "cors-policy.yaml").write_text("rules:\n  CORS007:\n    severity: fatal\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    result = run_cli(str(tmp_path), expect_exit=2)
    assert result.stdout == ""
    assert result.stderr.startswith("cors-lint: policy error: ")
    assert "cors-policy.yaml:3: $.rules.CORS007.severity: 'fatal' is not one of" in result.stderr


def test_presets_and_extends_merge(tmp_path):
    (tmp_path / "base.yaml").write_text("extends: [strict]\nrules:\n  CORS023: off\n")
    (tmp_path / "team.yaml").write_text(textwrap.dedent("""
        extends: [base.yaml]
        rules:
          CORS007: {severity: note}
          wildcard-origin: {environments: [production]}
    """))
    policy = load(tmp_path / "team.yaml")
    assert policy.rule_setting("CORS023").enabled is False
    assert policy.rule_setting("CORS007").environments == ("production",)  # by name, merged after the id
    assert policy.rule_setting("CORS001").severity == "error"  # from strict


def test_extends_cycle_is_an_error(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: [b.yaml]\n")
    (tmp_path / "b.yaml").write_text("extends: [a.yaml]\n")
    with pytest.raises(PolicyError, match="extends itself"):
        load(tmp_path / "a.yaml")


def test_discovery_order(tmp_path):
    project = tmp_path / "svc"
    (project / "src").mkdir(parents=True)
    assert discover(project / "src").source == "recommended"
    (tmp_path / "cors-policy.yaml").write_text("extends: [strict]\n")
    assert discover(project / "src").source.endswith("cors-policy.yaml")
    (project / "pyproject.toml").write_text('[tool.cors-lint]\npolicy = "policies/cors.yaml"\n')
    (project / "policies").mkdir()
    (project / "policies" / "cors.yaml").write_text("version: 1\n")
    assert discover(project / "src").source.endswith("policies/cors.yaml")


def test_schema_command_prints_the_policy_schema():
    result = run_cli("schema", expect_exit=0)
    assert '"title": "cors-lint policy"' in result.stdout
    assert json.loads(result.stdout) == load_schema("policy.schema.json")


def test_the_readme_policy_example_is_a_valid_policy(tmp_path):
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "cors-policy.yaml").write_text(example)
    policy = load(tmp_path / "cors-policy.yaml")
    assert policy.rule_setting("CORS023").enabled is False  # `max-age-zero: off`, by name
    assert policy.environments["production"]["allowed_origins"][1] == {"subdomains_of": "example.com"}
    assert [r.id for r in __import__("cors_lint.policy.catalogue", fromlist=["x"]).Catalogue.of(policy).rules][-1] == "ORG001"


def test_init_writes_a_valid_starter_policy_from_the_project_and_never_overwrites(tmp_path):
    import shutil

    project = tmp_path / "shop"
    shutil.copytree(Path(__file__).parent.parent / "fixtures" / "example_app", project)
    (project / "extra.py").write_text(
        "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\n"
        "CORS(app, origins=['https://b.example.com', 'https://a.example.com', 'http://x.example.com'])\n")

    def init(*args, expect_exit=0):
        return run_cli("init", str(project), *args, expect_exit=expect_exit)

    wrote = f"wrote {project / 'cors-policy.yaml'}\nwrote {project / 'cors-policy.schema.json'}\n"
    assert init().stdout == wrote
    policy = load(project / "cors-policy.yaml")
    allowed = policy.environments["production"]["allowed_origins"]
    assert {"exact": "https://a.example.com"} in allowed and {"exact": "https://b.example.com"} in allowed
    assert all("http://" not in spec["exact"] for spec in allowed)
    assert (project / "cors-policy.yaml").read_text().startswith("# yaml-language-server: $schema=./cors-policy.schema.json")
    assert (project / "cors-policy.schema.json").is_file()
    before = (project / "cors-policy.yaml").read_text()
    refused = init(expect_exit=2)
    assert refused.stdout == ""
    assert refused.stderr == f"cors-lint: error: {project / 'cors-policy.yaml'} exists; use --force to replace it\n"
    assert (project / "cors-policy.yaml").read_text() == before
    assert init("--force").stdout == wrote
    load(project / "cors-policy.yaml")


def test_init_proposes_no_origin_the_project_does_not_trust(tmp_path):
    """A project whose CORS names no exact https origin gets no invented allow-list: the starter
    policy loads, its allow-list is left commented out for a person to write, and checking with
    it adds no CORS024 finding to the recommended preset's."""
    write(tmp_path, {"app.py": """
        from flask import Flask
        from flask_cors import CORS
        app = Flask(__name__)
        CORS(app, origins=r"https://.*\\.partner\\.example")
        @app.route("/x")
        def x(): return "x"
    """})
    run_cli("init", str(tmp_path), expect_exit=0)
    text = (tmp_path / "cors-policy.yaml").read_text()
    assert "  #     allowed_origins:\n" in text and "\n    allowed_origins:" not in text
    policy = load(tmp_path / "cors-policy.yaml")
    assert "allowed_origins" not in policy.environments["production"]
    started = {f.rule_id for f in check_paths([tmp_path], policy).findings}
    assert "CORS024" not in started and started == {f.rule_id for f in check_paths([tmp_path], load("recommended")).findings}


def test_tool_cors_lint_table_sets_defaults_and_rejects_unknown_keys(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.cors-lint]\nformat = "json"\nfail-on = "never"\n'
                                             'exclude = ["legacy/**"]\npolicy = "strict"\n')
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text(
        "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app)\n")
    (tmp_path / "app.py").write_text(
        "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app, max_age=0)\n")
    result = run_cli(str(tmp_path), expect_exit=0)  # fail-on never
    document = json.loads(result.stdout)  # format json
    assert document["policy"] == "strict"
    assert {f["file"] for f in document["findings"]} == {"app.py"}  # legacy/** excluded
    (tmp_path / "pyproject.toml").write_text('[tool.cors-lint]\nfail_on = "never"\n')
    bad = run_cli(str(tmp_path), expect_exit=2)
    assert bad.stdout == "" and bad.stderr.startswith("cors-lint: configuration error: ")
    assert "unknown key 'fail_on'" in bad.stderr


def test_include_tests_setting_and_option_run_test_code(tmp_path):
    """Test code is not run by default (the summary counts it); `include-tests = true` under
    [tool.cors-lint], or `--include-tests`, runs it; a non-boolean value is a configuration error."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "conftest.py").write_text(
        "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app)\n")
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")

    def app_files(*args: str) -> list[str]:
        document = json.loads(run_cli("inventory", str(tmp_path), "--format", "json", *args, expect_exit=0).stdout)
        return [app["file"] for app in document["apps"]]

    default = run_cli("check", str(tmp_path), "--no-cache", expect_exit=0)
    assert default.stdout.endswith("; 1 test file not run (--include-tests)\n")
    assert app_files() == ["app.py"]
    assert app_files("--include-tests") == ["app.py", "tests/conftest.py"]
    included = run_cli("check", str(tmp_path), "--no-cache", "--include-tests", expect_exit=0)
    assert "test files not run" not in included.stdout and included.stdout.endswith("policy recommended\n")
    (tmp_path / "pyproject.toml").write_text('[tool.cors-lint]\ninclude-tests = true\n')
    assert app_files() == ["app.py", "tests/conftest.py"]
    (tmp_path / "pyproject.toml").write_text('[tool.cors-lint]\ninclude-tests = "yes"\n')
    bad = run_cli("check", str(tmp_path), expect_exit=2)
    assert bad.stdout == "" and "include-tests must be true or false" in bad.stderr


def test_every_schema_error_of_a_policy_is_shown_with_its_line(tmp_path):
    path = tmp_path / "cors-policy.yaml"
    path.write_text('version: 1\nextends: [recommended]\nenvironments:\n  default: production\n'
                    '  production: {allowed_origins: [{exactt: "https://a.example"}], debug: maybe}\n'
                    'rules: {CORS001: {severity: critical}}\n')
    with pytest.raises(PolicyError) as raised:
        load(path)
    assert str(raised.value).splitlines() == [
        f"{path}:5: $.environments.production.allowed_origins[0]: Additional properties are not allowed "
        "('exactt' was unexpected) (did you mean 'exact' for 'exactt'?)",
        f"{path}:5: $.environments.production.debug: 'maybe' is not of type 'boolean'",
        f"{path}:6: $.rules.CORS001.severity: 'critical' is not one of ['error', 'warning', 'note']"]


def test_a_mistyped_key_gets_the_key_meant(tmp_path):
    path = tmp_path / "cors-policy.yaml"
    path.write_text("version: 1\nenviroments:\n  production: {}\n")
    with pytest.raises(PolicyError) as raised:
        load(path)
    assert str(raised.value) == (f"{path}:2: $: Additional properties are not allowed ('enviroments' was unexpected) "
                                 "(did you mean 'environments' for 'enviroments'?)")


def test_a_mistyped_preset_in_extends_names_the_line_and_the_preset_meant(tmp_path):
    path = tmp_path / "cors-policy.yaml"
    path.write_text("version: 1\n# the organisation's base\nextends: [recomended]\n")
    with pytest.raises(PolicyError, match=r"cors-policy.yaml:3: \$\.extends: cannot read 'recomended': No such file "
                                          r"or directory \(did you mean the preset 'recommended'\?\)$"):
        load(path)


def test_a_policy_that_is_not_utf8_is_reported_at_the_line_of_the_bad_byte(tmp_path):
    path = tmp_path / "cors-policy.yaml"
    path.write_bytes(b"version: 1\nextends: [recommended]\n# caf\xe9 au lait\n")
    with pytest.raises(PolicyError, match=r"cors-policy.yaml:3: not UTF-8 text"):
        load(path)


def test_a_policy_read_again_in_one_process_is_a_fresh_copy_that_still_spends_its_values(tmp_path):
    """The loader keeps the texts it validated (PyYAML is slow); what it hands out again is a copy,
    and the values it held count against the allowance as if the text were parsed again."""
    many = "version: 1\nroutes:\n" + "".join(f'  - {{path: "/r{i}/**", cors: forbidden}}\n' for i in range(1200))
    (tmp_path / "a.yaml").write_text(many)
    (tmp_path / "b.yaml").write_text(many)
    for _ in range(3):  # parsed, then read back twice
        policy = load(tmp_path / "a.yaml")
        assert len(policy.data["routes"]) == 1200
        policy.data["routes"].clear()  # a caller changing what it got
    (tmp_path / "both.yaml").write_text("version: 1\nextends: [a.yaml, b.yaml]\n")
    with pytest.raises(PolicyError, match=r"b\.yaml:\d+: more than 10,000 values"):
        load(tmp_path / "both.yaml")
