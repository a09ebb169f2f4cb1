"""Fuzzing the rules with the inventory shapes real code produces, not only the generator's.

The engine writes whatever the code passes: options as written (any value, unknown keys),
compiled patterns as ``{"regex": ..., "flags": [...]}``, values it cannot know as
``{"unknown": ...}`` at any position (a whole option, a list item, a ``resources`` key or its
options, a route's path), dicts with non-string keys as ``[[key, value], ...]`` pairs, and
optional fields left out. Every rule's ``check`` must take all of that without raising (the
checker's envelope turns a raise into an internal error, exit 2, which is still a bug).

Two generators, each at a small budget in CI (CORS_LINT_FUZZ_EXAMPLES raises it, as in
test_fuzz.py): documents built from scratch in the schema's shapes, and real inventories
(analysed from small apps) with hostile values put at random positions. The crashes they
found are kept below as regression examples.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import textwrap
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent.parent))

from helpers import run_cli  # noqa: E402

from cors_lint.check.findings import group  # noqa: E402
from cors_lint.engine.analysis import analyze  # noqa: E402
from cors_lint.engine.inventory import inventory_json  # noqa: E402
from cors_lint.policy.catalogue import Catalogue  # noqa: E402
from cors_lint.policy.loader import build  # noqa: E402
from cors_lint.rules import RULES  # noqa: E402
from cors_lint.rules.base import Issue, RuleContext  # noqa: E402
from cors_lint.testing import example_files  # noqa: E402

EXAMPLES = int(os.environ.get("CORS_LINT_FUZZ_EXAMPLES", "15"))
# an example here is a document, not a project to analyse: four times test_fuzz.py's count, about a second
FUZZ = settings(max_examples=EXAMPLES * 4, deadline=None, derandomize=not os.environ.get("CORS_LINT_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FIXTURE = Path(__file__).parent.parent.parent / "fixtures" / "example_app"

# A policy that gives every rule something to do: allow-lists (CORS024), route requirements
# (CORS025), and custom rules (they run in the same envelope as the built-in ones).
POLICY = build({
    "version": 1,
    "environments": {
        "default": "production",
        "production": {"allowed_origins": [{"exact": "https://app.example.com"},
                                           {"subdomains_of": "partner.example.org"}]},
        "development": {"debug": True, "env": {"FLASK_DEBUG": "1"}},
    },
    "routes": [{"path": "/admin/**", "cors": "forbidden"}, {"path": "/public/**", "wildcard": "allowed"},
               {"path": "/api/**", "credentials": "forbidden", "wildcard": "forbidden"}],
    "custom_rules": [{"id": "ORG001", "name": "fuzz-custom", "severity": "warning", "message": "custom {route}",
                      "when": {"kind": "decorator", "route": "/api/**", "options": {"supports_credentials": True},
                               "origin": {"any": True, "regex": False, "http": False,
                                          "matches": "https://evil.example"}}},
                     {"id": "ORG002", "message": "{origins} in {environment} on {route}",
                      "when": {"environments": ["production"], "origin": {"matches": "https://evil.example"}}}],
}, "fuzz-policy")

# ---------------------------------------------------------------------------- values
FILES = ["app.py", "pkg/api.py", "pkg/__init__.py"]
FLAGS = ["IGNORECASE", "MULTILINE", "DOTALL", "VERBOSE", "ASCII"]
REASONS = ["call to somewhere.thing() cannot be evaluated statically", "re.compile() of a pattern that cannot be known",
           "a resource pattern cannot be evaluated statically", "value of type LibSymbol", "`thing()`",
           "$ALLOWED_ORIGINS is not set", ""]
WORDS = ["*", "null", "https://app.example.com", "http://app.example.com", "https://*.example.com",
         r"https?://.*\.example\.com", r"^https://app\.example\.com$", "app.example.com",
         "https://x.partner.example.org", "https://evil.example", "", " ", "/api/*", "/api/.*", r"/.*", "/admin/users",
         "(", "[a-", "(a+)+$", "GET", "X-Token", "true", "False", "0", "-1", "3600", "Access-Control-Allow-Origin",
         "Access-Control-Allow-Credentials", "é", "/<path:x>", "<unknown>", "{routes}", "{", "%s",
         "http://localhost:3000", r"https://app\.example\.com", "http://127.0.0.1:5000", r"https?://localhost",
         "http://[::1]:8080", "https://app.example.com/", "*.example.com"]
RESOURCE_KEYS = ["/api/.*", r"/.*", "/api/*", "/admin/.*", "*", "/api/v1/admin/.*", r"/api/(v1|v2)/.*", "/public/*"]
OPTION_NAMES = ["origins", "resources", "methods", "allow_headers", "expose_headers", "supports_credentials",
                "max_age", "send_wildcard", "vary_header", "automatic_options", "always_send",
                "allow_private_network", "intercept_exceptions", "origin", "credentials", "headers", "foo"]
CONFIG_NAMES = ["CORS_" + name.upper() for name in OPTION_NAMES] + ["CORS_ALLOWED_ORIGINS", "CORS"]
LAYER_OPTIONS = ["origins", "methods", "allow_headers", "expose_headers", "supports_credentials", "max_age",
                 "send_wildcard", "vary_header", "automatic_options", "always_send", "allow_private_network"]
VERSIONS = ["6.0.5", "6.0.1", "6.0.0", "5.0.1", "4.0.2", "3.0.10", "3.0.0", "2.1.0", "1.10.3", "7"]
PATHS = ["/", "/api/x", "/api/v1/admin/users", "/admin/users", "/public/feed", "/static/<path:filename>",
         "/a/<int:id>", "/api-internal", "/apikeys", "/<path:p>", ""]

TEXT = st.sampled_from(WORDS) | st.text(max_size=6)
UNKNOWN = st.builds(lambda reason: {"unknown": reason}, st.sampled_from(REASONS))
# the stand-in for routes of an app that cors-lint cannot list, which a resource pattern may match
UNLISTED = st.builds(lambda pattern, reason: {"unlisted": pattern, "reason": reason},
                     st.sampled_from(["/api/*", r"/.*", "*", ""]) | TEXT, st.sampled_from(REASONS))
ROUTE_PATH = st.sampled_from(PATHS) | UNKNOWN | UNLISTED
CONDITION = st.sampled_from(["app.debug", "$ENABLE_CORS is set", "not app.debug", "$A is set and app.debug"])
REGEX = st.builds(lambda pattern, flags: {"regex": pattern, "flags": flags}, TEXT,
                  st.lists(st.sampled_from(FLAGS), unique=True, max_size=2))
# max_age=1e400 or float("nan") are written as they are (Infinity, NaN); huge ints are not evaluated
NUMBER = (st.integers(min_value=-2, max_value=10**7) | st.floats(width=32)
          | st.sampled_from([float("inf"), float("-inf"), float("nan"), -0.0, 1e308, 2**63]))
SCALAR = TEXT | NUMBER | st.booleans() | st.none()
TIMEDELTA = st.builds(lambda seconds: {"timedelta_seconds": seconds}, NUMBER)
LEAF = SCALAR | UNKNOWN | REGEX | TIMEDELTA
# anything an option can be written as: lists mixing everything, dicts, and [[key, value], ...] pairs
VALUE = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.sampled_from(OPTION_NAMES) | TEXT, inner, max_size=3)
                     | st.lists(st.tuples(inner, inner).map(list), min_size=1, max_size=3), max_leaves=10)
PATTERN = TEXT | REGEX | UNKNOWN | NUMBER | st.none() | st.booleans()
RESOURCE_OPTIONS = st.dictionaries(st.sampled_from(OPTION_NAMES), VALUE, max_size=3) | UNKNOWN | VALUE
# a dict with a key that is not a string (re.compile(...), unknown, a tuple, a number) is written as
# [[key, options], ...]: the shape real code produces most often and the generator's own apps rarely
RESOURCE_PAIRS = st.lists(st.tuples(st.one_of(UNKNOWN, REGEX, st.sampled_from(RESOURCE_KEYS), PATTERN,
                                              st.lists(TEXT, max_size=2)), RESOURCE_OPTIONS).map(list),
                          min_size=1, max_size=3)
RESOURCES = st.one_of(RESOURCE_PAIRS, RESOURCE_PAIRS, PATTERN, st.lists(PATTERN, max_size=3),
                      st.dictionaries(st.sampled_from(RESOURCE_KEYS) | TEXT, RESOURCE_OPTIONS, max_size=3))


def _option_values(names: list[str]):
    return st.dictionaries(st.sampled_from(names), VALUE, max_size=5).flatmap(
        lambda options: st.one_of(RESOURCES.map(lambda r: {**options, "resources": r}), st.just(options)))


def _listish(item):
    """An option flask-cors normalises to a list: mostly lists, items sometimes unknown; or all unknown."""
    return st.one_of(UNKNOWN, st.lists(item, min_size=1, max_size=4), st.lists(item | UNKNOWN, max_size=4))


WORD = st.sampled_from(WORDS)
LAYER_VALUES = {
    "origins": _listish(st.one_of(WORD, WORD, WORD, REGEX, st.none(), NUMBER, st.booleans(), TEXT)) | TEXT,
    "methods": TEXT | st.none() | _listish(TEXT),
    "allow_headers": _listish(TEXT | REGEX | st.none()),
    "expose_headers": TEXT | st.none() | _listish(TEXT),
    "max_age": NUMBER | TEXT | st.none() | st.booleans() | UNKNOWN | TIMEDELTA,
}
BOOL_OR_UNKNOWN = st.booleans() | UNKNOWN


@st.composite
def locations(draw, sites=()):
    if sites and draw(st.integers(0, 3)):
        site = draw(st.sampled_from(sites))
        return {"file": site["file"], "line": site["line"], "column": site["column"]}
    return {"file": draw(st.sampled_from(FILES)), "line": draw(st.integers(0, 40)), "column": draw(st.integers(0, 8))}


@st.composite
def sites(draw, kinds=("extension", "init_app", "decorator", "config", "manual-header")):
    kind = draw(st.sampled_from(kinds))
    if kind == "manual-header":
        options = {"header": draw(st.sampled_from(["Access-Control-Allow-Origin", "Access-Control-Allow-Credentials",
                                                   "Access-Control-Allow-Methods", "access-control-allow-origin",
                                                   "Vary", "Access-Control-Request-Method"]) | UNKNOWN | TEXT),
                   "value": draw(VALUE | st.just({"reflects_request_origin": True}))}
        options = draw(st.sampled_from([options, {k: v for k, v in options.items() if k != "value"}, {}]))
    elif kind == "config":
        options = draw(st.dictionaries(st.sampled_from(CONFIG_NAMES), VALUE, max_size=3))
    else:
        options = draw(_option_values(OPTION_NAMES))
    site = {**draw(locations()), "kind": kind, "target": draw(st.sampled_from(["app", "bp", "view", "<unknown>"])),
            "options": options}
    optional = {"env": st.dictionaries(st.sampled_from(OPTION_NAMES), st.lists(st.sampled_from(["ORIGINS", "X"]),
                                                                                 max_size=2), max_size=2),
                "notes": st.lists(st.sampled_from(["assignment", "app.config setitem", "app.config update",
                                                   "imported from flask.ext.cors"]), max_size=2),
                "condition": CONDITION, "after_cors_init": locations(),
                # Vary / Cache-Control written next to a manual header (CORS033)
                "other_headers": st.lists(st.fixed_dictionaries({
                    "header": st.sampled_from(["Vary", "Cache-Control"]),
                    "value": VALUE | st.sampled_from(["Origin", "Accept-Encoding, origin", "*", "public, max-age=60",
                                                      "max-age=0", "no-store, max-age=60", "s-maxage=999999999999"]),
                    "line": st.integers(0, 40)}), max_size=3)}
    for key, strategy in optional.items():
        if draw(st.booleans()):
            site[key] = draw(strategy)
    return site


@st.composite
def layers(draw, site_list):
    kind = draw(st.sampled_from(["extension", "decorator"]))
    extension_sites = [s for s in site_list if s["kind"] in ("extension", "init_app")]
    decorator_sites = [s for s in site_list if s["kind"] == "decorator"]
    source = draw(locations(extension_sites if kind == "extension" else decorator_sites))
    options = {name: draw(LAYER_VALUES.get(name, BOOL_OR_UNKNOWN)) for name in LAYER_OPTIONS}
    layer: dict[str, Any] = {"source": {**source, "kind": kind}, "terminal": draw(st.booleans()),
                             "preflight": draw(st.booleans()), "options": options}
    if kind == "extension" and draw(st.integers(0, 4)):
        layer["scope"] = draw(st.sampled_from(["app", "app", "bp", "<unknown>"]))
        layer["resource"] = draw(PATTERN)
    optional = {"env": st.dictionaries(st.sampled_from(["origins", "origins", *LAYER_OPTIONS]),
                                       st.lists(st.sampled_from(["ORIGINS", "ALLOWED_ORIGINS"]), max_size=2),
                                       max_size=2),
                "config_sources": st.dictionaries(st.sampled_from(LAYER_OPTIONS), locations(site_list), max_size=2),
                "error": TEXT, "note": TEXT, "unknown": st.lists(st.sampled_from(REASONS), max_size=2),
                "condition": CONDITION}
    for key, strategy in optional.items():
        if draw(st.integers(0, 3)) == 0:
            layer[key] = draw(strategy)
    return layer


@st.composite
def documents(draw):
    # mostly a CORS(app, ...) first (routes' extension layers come from it), then any sites
    site_list = [draw(sites(("extension", "init_app")))] if draw(st.integers(0, 4)) else []
    site_list += draw(st.lists(sites(), max_size=4))
    apps = [{"id": f"{file}:{line}", "name": "app", "file": file, "line": line, "config_classes": []}
            for file, line in draw(st.lists(st.tuples(st.sampled_from(FILES), st.integers(1, 9)), min_size=1,
                                            max_size=2, unique=True))]
    routes = []
    for _ in range(draw(st.integers(0, 4))):
        route: dict[str, Any] = {
            "path": draw(ROUTE_PATH),
            "endpoint": draw(st.sampled_from(["view", "<unknown>.w", "static"]) | UNKNOWN),
            "methods": draw(st.lists(st.sampled_from(["GET", "HEAD", "OPTIONS", "POST", "DELETE"]), unique=True,
                                     max_size=4)),
            **{k: v for k, v in draw(locations(site_list)).items() if k != "column"},
            "cors": draw(st.lists(layers(site_list), max_size=3)),
            "app": draw(st.sampled_from([a["id"] for a in apps] + ["elsewhere.py:1"])),
        }
        optional = {"cors_on_http_error": st.lists(layers(site_list), max_size=2),
                    "preflight_cors": st.lists(layers(site_list), max_size=2),
                    "manual_headers": st.lists(st.fixed_dictionaries({
                        "file": st.sampled_from(FILES), "line": st.integers(0, 40),
                        "header": st.sampled_from(["Access-Control-Allow-Origin", "Vary"]) | UNKNOWN,
                        "via": st.sampled_from(["view", "after_request"])}), max_size=2),
                    "blueprint": st.sampled_from(["bp", "<unknown>"]), "error": TEXT,
                    "notes": st.lists(TEXT, max_size=2), "condition": CONDITION}
        for key, strategy in optional.items():
            if draw(st.integers(0, 3)) == 0:
                route[key] = draw(strategy)
        routes.append(route)
    document: dict[str, Any] = {"schema_version": 1, "tool": {"name": "cors-lint", "version": "0"}, "root": "/tmp/p",
                                "flask_cors": {"version": draw(st.sampled_from(VERSIONS)),
                                               "source": "requirements.txt"},
                                "apps": apps, "sites": site_list, "routes": routes, "errors": []}
    if draw(st.booleans()):  # where the project's own code reads CORS_* keys
        document["config_reads"] = draw(st.lists(st.fixed_dictionaries({
            "key": st.sampled_from(CONFIG_NAMES), "file": st.sampled_from(FILES), "line": st.integers(0, 40),
            "column": st.integers(0, 8), "how": st.sampled_from(["subscript", "get", "attribute", "getattr"])}),
            max_size=3))
    for key in ("root", "flask_cors", "apps"):  # optional in the schema
        if draw(st.integers(0, 5)) == 0:
            del document[key]
    return document


# ---------------------------------------------------------------------------- running the rules
def run_every_rule(document: dict[str, Any]) -> None:
    """Every rule (and the policy's custom rule) in every environment: none raises, each yields
    well-formed issues that make findings, and none changes the document (rules are pure)."""
    before = json.dumps(document, sort_keys=True)
    for environment, env_settings in POLICY.environments.items():
        context = RuleContext(document, environment, env_settings, POLICY)
        for rule in Catalogue.of(POLICY).rules:
            try:
                issues = list(rule.check(context))
                for issue in issues:
                    assert isinstance(issue, Issue) and isinstance(issue.file, str) and isinstance(issue.line, int)
                    assert all(isinstance(route, str) for route in issue.routes), issue
                json.dumps([f.as_json() for f in group(rule, issues, None, environment)])
            except Exception as exc:
                raise AssertionError(f"{rule.id} {rule.name} raised {type(exc).__name__}: {exc} in {environment} on "
                                     f"{json.dumps(document)[:3000]}") from exc
    assert json.dumps(document, sort_keys=True) == before, "a rule changed the inventory document"


@FUZZ
@given(document=documents())
def test_rules_take_every_inventory_shape(document):
    run_every_rule(document)


SEED_APPS = {
    "resources": '''
        import re
        from flask import Flask, Blueprint
        from flask_cors import CORS, cross_origin
        from somewhere import thing, ORIGINS
        app = Flask(__name__)
        app.config["API_PATH"] = "/api"
        CORS(app, resources={re.compile(app.config["API_PATH"] + "/*"): {"origins": "*"},
                             re.compile(thing()): {"origins": ORIGINS}, r"/admin/.*": {"origins": ["https://a.com"]},
                             5: {}, None: thing()}, supports_credentials=True, foo=thing())
        bp = Blueprint(thing(), __name__, url_prefix=thing())
        @app.route("/api/x")
        @cross_origin(origins=[thing(), "*"], max_age=thing(), methods=thing())
        def x():
            response = app.make_response("x")
            response.headers["Access-Control-Allow-Origin"] = thing()
            return response
        @app.route("/admin/users")
        def users(): return "x"
        @bp.route("/p/<thing>")
        def p(): return "x"
        app.register_blueprint(bp)
        app.add_url_rule(ORIGINS, view_func=p)
        app.config["CORS_ORIGINS"] = thing()
    ''',
    "lists": '''
        import re
        from datetime import timedelta
        from flask import Flask
        from flask_cors import CORS
        from somewhere import thing
        app = Flask(__name__)
        CORS(app, origins=["https://a.com", thing(), re.compile(thing()), re.compile(r"https://.*\\.b\\.com", re.I)],
             max_age=timedelta(days=thing()), methods=[thing(), "GET"], allow_headers=[thing()],
             resources=[r"/api/*", re.compile("/x"), thing()], send_wildcard="yes", vary_header=thing())
        @app.route("/api/x")
        def x(): return "x"
    ''',
}


@lru_cache(maxsize=None)
def seed_documents(directory: str) -> tuple[str, ...]:
    """Real inventories (JSON text): the example project, the apps above, and every rule's examples
    (so each rule starts from a document it has something to say about)."""
    root = Path(directory)
    projects = [{"app.py": textwrap.dedent(source)} for source in SEED_APPS.values()]
    projects += [example_files(example.code) for rule in RULES.values() for example in rule.invalid]
    projects += [example_files(example) for rule in RULES.values() for example in rule.valid]
    seeds = [json.dumps(inventory_json(analyze([FIXTURE])))]
    for number, files in enumerate(projects):
        for name, text in files.items():
            (root / str(number) / name).parent.mkdir(parents=True, exist_ok=True)
            (root / str(number) / name).write_text(text)
        seeds.append(json.dumps(inventory_json(analyze([root / str(number)]))))
    return tuple(seeds)


OPTIONAL = {"site": ("env", "notes", "condition", "after_cors_init"),
            "layer": ("scope", "resource", "env", "config_sources", "error", "note", "unknown", "condition"),
            "route": ("blueprint", "cors_on_http_error", "preflight_cors", "manual_headers", "error", "notes",
                      "condition"),
            "document": ("root", "flask_cors", "apps", "config_reads")}


def _positions(document: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Where real code can put a value cors-lint did not expect: (what, container, key)."""
    found: list[tuple[str, Any, Any]] = [("document", document, key) for key in OPTIONAL["document"]
                                         if key in document]

    def values(container: Any) -> None:  # anything under a site's options, keys of [[key, value]] pairs included
        items = container.items() if isinstance(container, dict) else enumerate(container)
        for key, value in list(items):
            found.append(("value", container, key))
            if isinstance(value, (dict, list)) and not (isinstance(value, dict) and {"unknown", "regex"} & set(value)):
                values(value)

    for site in document["sites"]:
        values(site["options"])
        found += [("site", site, key) for key in OPTIONAL["site"] if key in site]
    for route in document["routes"]:
        found += [("path", route, "path"), ("path", route, "endpoint")]
        found += [("route", route, key) for key in OPTIONAL["route"] if key in route]
        for layer in route["cors"] + route.get("cors_on_http_error", []) + route.get("preflight_cors", []):
            found += [("layer-option", layer["options"], key) for key in layer["options"]]
            for option in layer["options"].values():
                if isinstance(option, list):
                    found += [("layer-item", option, i) for i in range(len(option))]
            found += [("resource", layer, "resource")] if "resource" in layer else []
            found += [("layer", layer, key) for key in OPTIONAL["layer"] if key in layer]
    return found


@FUZZ
@given(data=st.data())
def test_rules_take_real_inventories_with_hostile_values(data, tmp_path_factory):
    seeds = seed_documents(str(tmp_path_factory.getbasetemp() / "rule-fuzz-seeds"))
    document = json.loads(data.draw(st.sampled_from(seeds[1:1 + len(SEED_APPS)]) | st.sampled_from(seeds)))
    for _ in range(data.draw(st.integers(1, 6))):
        positions = _positions(document)
        if not positions:
            break
        what, container, key = data.draw(st.sampled_from(positions))
        if what in ("document", "site", "layer", "route"):
            del container[key]  # an optional field left out
        elif what == "path":
            container[key] = data.draw(ROUTE_PATH)
        elif what == "layer-option":
            container[key] = data.draw(LAYER_VALUES.get(key, BOOL_OR_UNKNOWN) | UNKNOWN)
        elif what == "layer-item":
            container[key] = data.draw(UNKNOWN | REGEX | SCALAR)
        elif what == "resource":
            container[key] = data.draw(PATTERN)
        else:
            container[key] = data.draw(VALUE | RESOURCES)
    run_every_rule(document)


# ---------------------------------------------------------------------------- what the fuzzers found
def _site(options: dict[str, Any], kind: str = "extension", line: int = 6) -> dict[str, Any]:
    return {"file": "app.py", "line": line, "column": 0, "kind": kind, "target": "app", "options": options}


def _layer(origins: Any = ("*",), line: int = 6, kind: str = "extension", **extra: Any) -> dict[str, Any]:
    options = {"origins": list(origins) if isinstance(origins, tuple) else origins, "methods": ["GET"],
               "allow_headers": ["*"], "expose_headers": None, "supports_credentials": False, "max_age": None,
               "send_wildcard": False, "vary_header": True, "automatic_options": True, "always_send": True,
               "allow_private_network": False}
    return {"source": {"file": "app.py", "line": line, "column": 0, "kind": kind}, "terminal": kind == "decorator",
            "preflight": True, "options": {**options, **extra.pop("options", {})}, **extra}


def _document(site_list: list[dict[str, Any]], routes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schema_version": 1, "tool": {"name": "cors-lint", "version": "0"}, "root": "/tmp/p",
            "flask_cors": {"version": "6.0.5", "source": "default"},
            "apps": [{"id": "app.py:5", "name": "app", "file": "app.py", "line": 5, "config_classes": []}],
            "sites": site_list, "routes": routes, "errors": []}


def _route(path: Any = "/api/items", layers: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"path": path, "endpoint": "items", "methods": ["GET", "HEAD", "OPTIONS"], "file": "app.py", "line": 9,
            "cors": layers if layers is not None else [_layer(scope="app", resource=".*")], "app": "app.py:5",
            **extra}


UNKNOWN_KEY = {"unknown": "re.compile() of a pattern that cannot be known"}
REGRESSIONS = {
    # issue 12: CORS(app, resources={re.compile(app.config["API_PATH"] + "/*"): ...}) with API_PATH unset
    "CORS026 unknown resources key": _document(
        [_site({"resources": [[UNKNOWN_KEY, {"origins": "*"}]]})],
        [_route(layers=[_layer(scope="app", resource={"unknown": "a resource pattern cannot be evaluated"})])]),
    "CORS026 unknown key next to known ones": _document(
        [_site({"resources": [[UNKNOWN_KEY, {"origins": "*"}], [{"regex": "/api/.*", "flags": []}, {}],
                              [r"/.*", {"origins": "https://a.example"}]]})],
        [_route(layers=[_layer(scope="app", resource=r"/.*")])]),
    # CORS(app, allow_headers=headers_from_somewhere()): the layer's allow_headers is {"unknown": ...}
    "CORS031 unknown allow_headers": _document(
        [_site({"allow_headers": {"unknown": "call to somewhere.thing() cannot be evaluated statically"}})],
        [_route(layers=[_layer(scope="app", resource=r"/.*", options={
            "allow_headers": {"unknown": "call to somewhere.thing() cannot be evaluated statically"}})])]),
    # SocketIO(app, cors_allowed_origins=0) under a policy allow-list: a value neither a string nor a list
    "CORS036 a number as cors_allowed_origins": _document([_site({"cors_allowed_origins": 0}, kind="socketio")], []),
}


@pytest.mark.parametrize("name", list(REGRESSIONS))
def test_rules_take_the_shapes_that_crashed_them(name):
    run_every_rule(copy.deepcopy(REGRESSIONS[name]))


ISSUE_APP = '''
    import re
    from flask import Flask
    from flask_cors import CORS
    app = Flask(__name__)
    @CONFIG@
    CORS(app, resources={re.compile(app.config["API_PATH"] + "/*"): {"origins": "*"}})
    @app.route("/api/items")
    def items(): return "[]"
'''


@pytest.mark.parametrize(("config", "expected"), [
    # API_PATH unset: the pattern cannot be known (CORS027), and it may apply `*` (CORS007)
    ("", {("CORS007", "/api/items"), ("CORS027", "/api/items")}),
    ('app.config["API_PATH"] = "/api"', {("CORS007", "/api/items")}),
], ids=["API_PATH-unset", "API_PATH-set"])
def test_issue_12_compiled_resource_key_is_checked_not_crashed(tmp_path, config, expected):
    """issue 12: `cors-lint check` ended in `internal error: TypeError: unhashable type: 'dict'` (CORS026)."""
    (tmp_path / "app.py").write_text(textwrap.dedent(ISSUE_APP).replace("@CONFIG@", config))
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    document = json.loads(result.stdout)
    assert document["internal_errors"] == [] and result.stderr == ""
    assert {(f["rule_id"], route) for f in document["findings"] for route in f["routes"]
            if route == "/api/items"} == expected


def test_unknown_allow_headers_is_checked_not_crashed(tmp_path):
    (tmp_path / "app.py").write_text(textwrap.dedent('''
        from flask import Flask
        from flask_cors import CORS
        from somewhere import headers
        app = Flask(__name__)
        CORS(app, allow_headers=headers())
        @app.route("/api/x")
        def x(): return "x"
    '''))
    result = run_cli(str(tmp_path), "--format", "json", "--no-cache", expect_exit=1)
    document = json.loads(result.stdout)
    assert document["internal_errors"] == [] and "CORS007" in {f["rule_id"] for f in document["findings"]}
