"""The shipped example app: its inventory agrees with the real app under flask-cors."""

from __future__ import annotations

import shutil
from pathlib import Path

import flask_cors
from oracle import compare_app, load_app

from cors_lint.engine.analysis import analyze
from cors_lint.engine.inventory import inventory_json

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "example_app"


def test_example_app_inventory_matches_flask_cors(tmp_path, monkeypatch):
    for var in ("SHOP_CONFIG", "ADMIN_ORIGINS"):
        monkeypatch.delenv(var, raising=False)
    project = tmp_path / "example_app"
    shutil.copytree(EXAMPLE, project)
    document = inventory_json(analyze([project], flask_cors.__version__))  # the example pins 4.0.1
    assert document["errors"] == []
    assert len(document["routes"]) == 9
    problems = compare_app(load_app(project, module="wsgi"), document)
    assert not problems, "\n".join(problems[:5])


def test_example_app_models_its_pinned_flask_cors_version():
    document = inventory_json(analyze([EXAMPLE]))
    assert document["flask_cors"] == {"version": "4.0.1", "source": "requirements.txt:2"}
    # 4.0.x answers Access-Control-Allow-Private-Network: true whenever asked (CVE-2024-6221)
    assert {layer["options"]["allow_private_network"] for r in document["routes"] for layer in r["cors"]} == {True}


def test_example_app_inventory_shows_the_classic_mistakes():
    document = inventory_json(analyze([EXAMPLE]))
    routes = {r["path"]: r for r in document["routes"]}
    me = routes["/api/me"]["cors"][0]["options"]
    assert me["supports_credentials"] is True and r"https://.*\.shop\.example" in me["origins"]
    embed = routes["/api/widgets/embed"]["cors"]
    assert [(layer["source"]["kind"], layer["options"]["origins"]) for layer in embed] == [("decorator", ["*"])]
    admin = routes["/admin/users"]["cors"]
    assert [layer["scope"] for layer in admin] == ["admin", "app"]
    assert admin[0]["env"] == {"origins": ["ADMIN_ORIGINS"]}
    late = [s for s in document["sites"] if s["kind"] == "config" and "CORS_MAX_AGE" in s["options"]]
    assert late
    layers = [layer for r in routes.values() for layer in r["cors"]]
    # set after init_app: the extension never sees it, the decorator reads it live
    assert {layer["options"]["max_age"] for layer in layers if layer["source"]["kind"] == "extension"} == {None}
    assert {layer["options"]["max_age"] for layer in layers if layer["source"]["kind"] == "decorator"} == {3600}
    assert routes["/v0/cart"]["manual_headers"] == [
        {"file": "shop/legacy.py", "line": 8, "header": "Access-Control-Allow-Origin", "via": "after_request"},
        {"file": "shop/legacy.py", "line": 9, "header": "Access-Control-Allow-Credentials", "via": "after_request"},
    ]
