"""Flask-SocketIO (``SocketIO(app, ...)``, ``SocketIO()`` + ``init_app``), checked against the
real Flask-SocketIO, python-socketio and python-engineio: for each way of configuring who may
connect, the inventory's ``socketio`` site holds the options the server runs with, and CORS036
reports exactly what the real endpoint does with an attacker's Origin on the Engine.IO handshake
(``GET /socket.io/?EIO=4&transport=polling``): accepted and echoed in
``Access-Control-Allow-Origin`` (an error), accepted without CORS headers (the Origin check
turned off: a warning), or refused with 400 (no finding)."""

from __future__ import annotations

import textwrap

import jsonschema
import pytest
from cors_lint.schemas import load as load_schema
from oracle import load_app, write_project

from cors_lint.check.checker import check_paths
from cors_lint.core.origins import ANY_ORIGIN
from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json
from cors_lint.policy.loader import load

HEAD = """
import os
from flask import Flask
from flask_socketio import SocketIO
"""
LISTED = "https://app.example.com"
CASES = {
    "default: the page's own origin": "app = Flask(__name__)\nsocketio = SocketIO(app)\n",
    "every origin": 'app = Flask(__name__)\nsocketio = SocketIO(app, cors_allowed_origins="*")\n',
    "a list holding *": 'app = Flask(__name__)\nsocketio = SocketIO(app, cors_allowed_origins=["https://a.example", "*"])\n',
    "the check turned off": "app = Flask(__name__)\nsocketio = SocketIO(app, cors_allowed_origins=[])\n",
    "one origin, no credentials": (f'app = Flask(__name__)\nsocketio = SocketIO(app, cors_allowed_origins="{LISTED}", '
                                   "cors_credentials=False)\n"),
    "every origin, no credentials": ('app = Flask(__name__)\nsocketio = SocketIO(app, cors_allowed_origins="*", '
                                     "cors_credentials=False)\n"),
    "constructor options, init_app in a factory": '''
        socketio = SocketIO(logger=False, cors_allowed_origins="*")

        def create_app():
            app = Flask(__name__)
            socketio.init_app(app)
            return app

        app = create_app()
        ''',
    "init_app's options win": f'''
        socketio = SocketIO(cors_allowed_origins="*")
        app = Flask(__name__)
        socketio.init_app(app, cors_allowed_origins=["{LISTED}"])
        ''',
    "a second init_app replaces the server": """
        app = Flask(__name__)
        socketio = SocketIO(app, cors_allowed_origins="*")
        socketio.init_app(app, cors_allowed_origins=["https://app.example.com"])
        """,
    "a second init_app opens it": """
        app = Flask(__name__)
        socketio = SocketIO(app)
        socketio.init_app(app, cors_allowed_origins="*")
        """,
    "an environment variable's default": ('app = Flask(__name__)\n'
                                          'socketio = SocketIO(app, cors_allowed_origins=os.environ.get('
                                          '"CORS_LINT_TEST_UNSET_ORIGINS", "*"))\n'),
    "another path": 'app = Flask(__name__)\nsocketio = SocketIO(app, path="/api/socket.io", cors_allowed_origins="*")\n',
}


def handshake(app, origin: str, path: str = "socket.io"):
    """The Engine.IO polling handshake from ``origin``, as a browser page there sends it."""
    response = app.test_client().get(f"/{path.strip('/')}/?EIO=4&transport=polling", headers={"Origin": origin})
    return response.status_code, response.headers.get("Access-Control-Allow-Origin"), \
        response.headers.get("Access-Control-Allow-Credentials")


@pytest.mark.parametrize("name", sorted(CASES))
def test_cors036_says_what_the_real_socketio_endpoint_does_with_an_attackers_origin(name, tmp_path):
    write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent(CASES[name])})
    document = inventory_json(analyze([tmp_path]))
    jsonschema.Draft202012Validator(load_schema("inventory.schema.json")).validate(document)
    [site] = [site for site in document["sites"] if site["kind"] == "socketio" and "replaced_by" not in site]
    app = load_app(tmp_path)
    status, echoed, credentials = handshake(app, ANY_ORIGIN, site["options"].get("path", "socket.io"))
    served = {handshake(app, origin, site["options"].get("path", "socket.io"))[0] for origin in ("http://localhost", LISTED)}
    assert 200 in served  # the endpoint is there, at that path
    findings = [f for f in check_paths([tmp_path], load("recommended")).findings if f.rule_id == "CORS036"]
    if status == 400:  # the attacker's origin is refused
        assert findings == [], name
        return
    [finding] = findings
    assert finding.attacker_origin == ANY_ORIGIN, finding
    if echoed == ANY_ORIGIN:
        assert finding.severity == "error" and "every origin" in finding.message, finding
        assert ("Access-Control-Allow-Credentials: true" in finding.message) is (credentials == "true"), finding
    else:
        assert echoed is None and credentials is None
        assert finding.severity == "warning" and "turns off the Origin check" in finding.message, finding


def test_origins_outside_the_policys_allow_list_are_errors(tmp_path):
    """Listed origins are judged by the environment's `allowed_origins`, as CORS024 judges CORS's."""
    write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent(f'''
        app = Flask(__name__)
        socketio = SocketIO(app, cors_allowed_origins=["{LISTED}", "https://partner.example.net"])
        ''')})
    (tmp_path / "cors-policy.yaml").write_text(f"extends: [recommended]\nenvironments:\n  production:\n"
                                               f"    allowed_origins: [{{exact: \"{LISTED}\"}}]\n")
    policy = load(str(tmp_path / "cors-policy.yaml"))
    findings = [f for f in check_paths([tmp_path], policy).findings if f.rule_id == "CORS036"]
    line = (tmp_path / "main.py").read_text().splitlines().index(
        f'socketio = SocketIO(app, cors_allowed_origins=["{LISTED}", "https://partner.example.net"])') + 1
    assert [(f.severity, f.line) for f in findings] == [("error", line)], findings
    assert "`https://partner.example.net` may open the Socket.IO endpoint of `app`" in findings[0].message
    assert status_of(tmp_path, "https://partner.example.net") == 200  # the real server accepts it


def status_of(directory, origin: str) -> int:
    return handshake(load_app(directory), origin)[0]


def test_a_constructor_option_is_reported_where_it_is_written(tmp_path):
    """`SocketIO(cors_allowed_origins="*")` in an extensions module, `init_app` in the factory:
    the finding is at the option's line, with the init_app call (and nothing else) related."""
    write_project(tmp_path, {
        "extensions.py": textwrap.dedent(HEAD) + 'socketio = SocketIO(cors_allowed_origins="*")\n',
        "main.py": "from flask import Flask\nfrom extensions import socketio\nMODE = 'threading'\n"
                   "app = Flask(__name__)\nsocketio.init_app(app, async_mode=MODE)\n",
    })
    [finding] = [f for f in check_paths([tmp_path], load("recommended")).findings if f.rule_id == "CORS036"]
    assert (finding.file, finding.line) == ("extensions.py", 5), finding
    # the init_app call is related; `async_mode=MODE` decides nothing about origins: its line is not
    assert {(file, line) for file, line, _ in finding.related} == {("main.py", 5)}, finding.related
    assert handshake(load_app(tmp_path), ANY_ORIGIN)[1] == ANY_ORIGIN


def test_an_emitter_through_a_message_queue_serves_no_endpoint(tmp_path):
    """`SocketIO(message_queue=..., cors_allowed_origins=[])` without an app (a worker that emits
    through Redis: SocketIO.__init__ then calls init_app(None)) and `init_app(None, ...)` serve
    nothing: no site, no finding (zou's publisher store)."""
    write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent('''
        emitter = SocketIO(message_queue="redis://localhost:6379/2", cors_allowed_origins=[])
        other = SocketIO(cors_allowed_origins="*")
        other.init_app(None, message_queue="redis://localhost:6379/3")
        app = Flask(__name__)
        ''')})
    document = inventory_json(analyze([tmp_path]))
    assert [site for site in document["sites"] if site["kind"] == "socketio"] == []
    assert [f for f in check_paths([tmp_path], load("recommended")).findings if f.rule_id == "CORS036"] == []


def test_the_text_inventory_lists_each_socketio_endpoint_with_its_options(tmp_path):
    """Not a Flask route, so not in the route table: listed after it, with the options that decide
    who may connect (and what their absence means)."""
    from helpers import run_cli

    write_project(tmp_path, {"main.py": textwrap.dedent(HEAD) + textwrap.dedent('''
        app = Flask(__name__)
        socketio = SocketIO(app, cors_allowed_origins=["https://app.example.com"])
        other = Flask("other")
        plain = SocketIO(other)
        ''')})
    text = run_cli("inventory", str(tmp_path), expect_exit=0).stdout
    assert "Socket.IO endpoint of app (main.py:7): cors_allowed_origins=['https://app.example.com']" in text, text
    assert ("Socket.IO endpoint of other (main.py:9): no options\n"
            "  note: no cors_allowed_origins: only the page's own origin may connect") in text, text
