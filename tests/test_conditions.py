"""Conditions read as words in reports, kept as recorded in the JSON."""

from __future__ import annotations

import json

import pytest
from helpers import run_cli, write

from cors_lint.core.conditions import in_words


@pytest.mark.parametrize(("recorded", "said"), [
    ('not (current_app) and app.config["CORS"]', '`current_app` is false and `app.config["CORS"]` is true'),
    ("not (allow_all)", "`allow_all` is false"),
    ("not conf.strict and conf.open_cors", "`conf.strict` is false and `conf.open_cors` is true"),
    ("settings.get('cors', 'enabled')", "`settings.get('cors', 'enabled')` is true"),
    # " and " inside brackets or quotes is code, not a joint
    ('x == "a and b"', '`x == "a and b"` is true'),
    ('`func()` runs (nothing in the project calls it) and self.config["A and B"]',
     '`func()` runs (nothing in the project calls it) and `self.config["A and B"]` is true'),
    # `not a or b` is `(not a) or b`: said whole, not as "a is false"
    ("not a or b", "`not a or b` is true"),
    ("(a and not (b)) or (c)", "(`a` is true and `b` is false) or (`c` is true)"),
    # a local variable shown with what it is set from, and a test false with the code's own values
    ('allowCrossOrigin = settings().getBoolean(["api"]) (false with the values in the code)',
     '`allowCrossOrigin` is true (set from `settings().getBoolean(["api"])`), which it is not with the values '
     'in the code'),
    # what the engine already says in words stays as it is
    ("$ENABLE_CORS is set", "$ENABLE_CORS is set"),
    ('the module runs as a script (`__name__ == "__main__"`) and $PORT is set',
     'the module runs as a script (`__name__ == "__main__"`) and $PORT is set'),
    ('`run_mode == "x"` is False with $FLASK_ENV as the environment assumes',
     '`run_mode == "x"` is False with $FLASK_ENV as the environment assumes'),
])
def test_a_recorded_condition_in_words(recorded, said):
    assert in_words(recorded) == said


def test_reports_say_the_condition_in_words_and_the_json_keeps_it(tmp_path):
    write(tmp_path, {"settings.py": "def load():\n    return object()\n", "app.py": """
        from flask import Flask
        from flask_cors import CORS
        from settings import load

        app = Flask(__name__)
        conf = load()
        if not conf.strict and conf.open_cors:
            CORS(app, supports_credentials=True)

        @app.route("/me")
        def me():
            return "me"
    """})
    text = run_cli("check", str(tmp_path), "--no-cache", "--format", "concise", expect_exit=1).stdout
    assert "CORS001" in text and "(only if `conf.strict` is false and `conf.open_cors` is true)" in text
    document = json.loads(run_cli("check", str(tmp_path), "--no-cache", "--format", "json", expect_exit=1).stdout)
    assert {f["condition"] for f in document["findings"] if f["rule_id"] == "CORS001"} == \
        {"not conf.strict and conf.open_cors"}
    review = run_cli("report", str(tmp_path), "--no-cache", "--format", "markdown", expect_exit=0).stdout
    assert "Only if `conf.strict` is false and `conf.open_cors` is true." in review
