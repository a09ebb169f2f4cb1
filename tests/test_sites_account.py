"""The sites account (engine/sites_account.py): every place that looks like CORS is a modelled
site or has a reason; what has none is listed as unaccounted."""

from __future__ import annotations

import json

import jsonschema

from helpers import inventory_of, run_cli

PROJECT = {
    "app.py": '''
        """An app. Access-Control-Allow-Origin is set below."""
        import os
        from flask import Flask, request
        from flask_cors import CORS, cross_origin
        from flask_socketio import SocketIO

        app = Flask(__name__)
        app.config.from_object("settings")
        CORS(app)  # CORS(app) for every route
        socketio = SocketIO(app, cors_allowed_origins="*")


        @app.route("/x")
        @cross_origin(origins="https://a.example")
        def x():
            method = request.headers.get("Access-Control-Request-Method")
            return "x"


        def unused_helper(view):
            return cross_origin(origins="*")(view)


        def origins():
            return app.config["CORS_ORIGINS"]


        def mystery(holder):
            holder.thing = "Access-Control-Allow-Origin"
        mystery(app)


        def configure(cfg):
            cfg["CORS_ORIGINS"] = "*"


        CORS_ENABLED = os.environ.get("CORS_ENABLED")
        if "CORS_ORIGINS" not in app.config:
            pass
        """
        @app.route("/old")
        @cross_origin()
        def old(): ...
        """


        class Handler:
            def options(self):
                self.set_header("Access-Control-Allow-Origin", "*")


        emitter = SocketIO(message_queue="redis://localhost:6379/1", cors_allowed_origins=[])
    ''',
    "settings.py": '''
        CORS_ORIGINS = ["https://a.example"]
        CORS_ALLOW_HEADERS = ["Content-Type", "Access-Control-Allow-Origin"]
    ''',
}


def test_every_place_that_looks_like_cors_is_a_site_or_has_its_reason(tmp_path):
    document = inventory_of(tmp_path, PROJECT)
    with open("schemas/inventory.schema.json") as schema:
        jsonschema.validate(document, json.load(schema))
    account = document["sites_account"]
    reasons = {(p["file"], p["line"], p["text"]): p["reason"] for p in account["not_sites"]}
    assert reasons[("app.py", 1, "Access-Control-Allow-Origin")] == "docstring"
    assert reasons[("app.py", 4, "cross_origin")] == "import"
    assert ("app.py", 10, "cors_allowed_origins") not in reasons  # the app's Socket.IO endpoint: a site
    assert reasons[("app.py", 52, "cors_allowed_origins")] == "socketio"  # an emitter: it serves nothing
    assert reasons[("app.py", 16, "Access-Control-Request-Method")] == "request-header"
    assert ("app.py", 21, "cross_origin") not in reasons  # run as a function that may run: a site
    assert reasons[("app.py", 25, "CORS_ORIGINS")] == "config-read"
    assert reasons[("app.py", 29, "Access-Control-Allow-Origin")] == "unaccounted"
    assert reasons[("app.py", 34, "CORS_ORIGINS")] == "never-called"
    assert reasons[("app.py", 37, "CORS_ENABLED")] == "other-name"  # a project variable, not a flask-cors key
    assert reasons[("app.py", 38, "CORS_ORIGINS")] == "config-read"  # a test of the key
    assert reasons[("app.py", 42, "cross_origin")] == "docstring"  # code kept in a string
    assert reasons[("app.py", 49, "Access-Control-Allow-Origin")] == "other-framework"  # Tornado's set_header
    assert reasons[("settings.py", 1, "CORS_ORIGINS")] == "config-setting"
    assert reasons[("settings.py", 2, "Access-Control-Allow-Origin")] == "config-setting"
    assert ("app.py", 9, "CORS(") not in reasons  # a site (its comment repeats the same text: one place)
    sites = {(p["file"], p["line"]) for p in document["sites"]}
    assert {("app.py", 9), ("app.py", 10), ("app.py", 14), ("app.py", 21)} <= sites
    assert account["counts"]["site"] >= 2 and account["counts"]["unaccounted"] == 1
    text = run_cli("inventory", str(tmp_path), expect_exit=0).stdout
    assert "sites account:" in text and "unaccounted: app.py:29: Access-Control-Allow-Origin" in text


def test_a_header_read_and_a_cors_class_of_the_project_are_explained(tmp_path):
    document = inventory_of(tmp_path, {
        "middleware.py": '''
            class CORS(object):
                def __init__(self, app, origins):
                    self.app = app
        ''',
        "app.py": '''
            from flask import Flask
            from middleware import CORS

            app = Flask(__name__)
            app.wsgi_app = CORS(app.wsgi_app, ["https://a.example"])


            @app.after_request
            def hook(resp):
                if resp.headers.get("Access-Control-Max-Age") != "0":
                    resp.headers["Access-Control-Max-Age"] = "600"
                return resp
        ''',
    })
    reasons = {(p["file"], p["line"], p["text"]): p["reason"] for p in document["sites_account"]["not_sites"]}
    assert reasons[("middleware.py", 1, "CORS(")] == "not-flask-cors"
    assert reasons[("app.py", 5, "CORS(")] == "not-flask-cors"
    assert reasons[("app.py", 10, "Access-Control-Max-Age")] == "header-read"
    assert ("app.py", 11, "Access-Control-Max-Age") not in reasons  # the write is a site
    assert "unaccounted" not in document["sites_account"]["counts"]


def test_a_key_written_to_a_config_object_that_an_app_merges_is_accounted(tmp_path):
    """alerta's shape: `config = flask.Config("/")` loads a file outside the tree, then
    `config["CORS_ORIGINS"] = ...`, then `app.config.update(config)`: the merge is one config
    site with the keys (and a note on what it cannot see), and the write is the setting that
    site names. A key no app loads stays unaccounted."""
    document = inventory_of(tmp_path, {"app.py": '''
        from flask import Config, Flask
        from flask_cors import CORS


        def user_config():
            config = Config("/")
            config.from_pyfile("/etc/app.conf", silent=True)
            config["CORS_ORIGINS"] = ["https://a.example"]
            Config("/")["CORS_MAX_AGE"] = 5
            return config


        app = Flask(__name__)
        app.config.update(user_config())
        CORS(app)
    '''})
    reasons = {(p["file"], p["line"], p["text"]): p["reason"] for p in document["sites_account"]["not_sites"]}
    assert reasons[("app.py", 8, "CORS_ORIGINS")] == "config-setting"
    assert reasons[("app.py", 9, "CORS_MAX_AGE")] == "unaccounted"  # no app loads it
    [merge] = [site for site in document["sites"] if site["kind"] == "config"]
    assert (merge["line"], merge["options"]) == (14, {"CORS_ORIGINS": ["https://a.example"]})
    assert "app.config.from_pyfile(...) loads values cors-lint cannot see" in merge["notes"]
