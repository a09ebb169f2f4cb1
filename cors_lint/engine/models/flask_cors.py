"""flask-cors: ``CORS(app, ...)``, ``CORS()`` + ``init_app(app, ...)``, ``@cross_origin(...)`` (with
and without parentheses), and the old ``flask.ext.cors`` import path."""

from __future__ import annotations

import os
import re
from typing import Any

import libcst as cst

from cors_lint.core.semantics import DEFAULT_OPTIONS
from cors_lint.core.values import Unknown, strip_env
from cors_lint.engine.app.app_objects import (
    AppObj,
    BlueprintObj,
    BrokenView,
    CorsHook,
    CorsObj,
    CrossOriginFactory,
    CrossOriginView,
    Site,
    view_attributes,
    view_name,
)
from cors_lint.engine.models.flask import target_name
from cors_lint.engine.models.sites import add_site
from cors_lint.engine.interpreter.objects import FunctionObj
from cors_lint.engine.source.project import FileError, read_path
from cors_lint.engine.interpreter.registry import Call, LibraryCopy, Model

MODEL = Model("flask_cors")
MODEL.aliases.update({
    "flask_cors.extension.CORS": "flask_cors.CORS",
    "flask.ext.cors.CORS": "flask_cors.CORS",
    "flask_cors.decorator.cross_origin": "flask_cors.cross_origin",
    "flask.ext.cors.cross_origin": "flask_cors.cross_origin",
})
MODEL.star_exports.update({"flask_cors": ("CORS", "cross_origin"), "flask.ext.cors": ("CORS", "cross_origin")})
MODEL.object_types.add(CorsObj)
MODEL.entry_names |= {"CORS", "cross_origin", "init_app"}
LEGACY_IMPORT_NOTE = "imported from flask.ext.cors, which fails to import on Flask >= 1.0"


def _with_star_options(call: Call) -> dict[str, Any]:
    options = dict(call.kwargs)
    for star in call.unknown_star:
        options.setdefault("**", Unknown(f"options from `**{star}` cannot be known"))
    return options


# ---------------------------------------------------------------------------- the extension
@MODEL.function("flask_cors.CORS")
def create_cors(call: Call) -> CorsObj:
    engine, node, frame = call.engine, call.node, call.frame
    app = call.args[0] if call.args else call.kwargs.pop("app", None)
    notes = []
    if len(call.args) > 1:
        notes.append("CORS() takes one positional argument: this call raises TypeError")
    options = _with_star_options(call)
    cors = CorsObj(ctor_kwargs={k: v for k, v in options.items() if k != "**"}, location=call.location)
    cors.unknown_star = "**" in options
    if strip_env(app) is None:
        site = add_site(engine, "extension", node, frame, "<none: init_app later>", options, notes)
        cors.site = site
        return cors
    site = add_site(engine, "extension", node, frame, target_name(app, engine, _first_arg(node)), options, notes)
    cors.site = site
    cors_init_app(cors, _applied_to(engine, app, site), {}, site)
    return cors


@MODEL.method(CorsObj, "init_app")
def init_app(cors: CorsObj, name: str, call: Call) -> None:
    engine, node, frame = call.engine, call.node, call.frame
    app = call.args[0] if call.args else call.kwargs.pop("app", Unknown("init_app() without an app"))
    options = _with_star_options(call)
    site = add_site(engine, "init_app", node, frame, target_name(app, engine, _first_arg(node)), options)
    site.notes.append(f"CORS object created at {cors.location.file}:{cors.location.line}")
    cors_init_app(cors, _applied_to(engine, app, site), {k: v for k, v in options.items() if k != "**"}, site)
    if "**" in options:
        site.notes.append("options passed with ** cannot be known")


def _applied_to(engine, target: Any, site: Site) -> Any:
    """What CORS is applied to. An app cors-lint cannot see (built by a third-party factory, a
    library's subclass, a value it cannot evaluate) still gets the CORS: a stand-in app whose
    routes cannot be listed, so that what applies to them is judged all the same."""
    if isinstance(strip_env(target), (AppObj, BlueprintObj)):
        return target
    stand_in = AppObj(id=f"{site.location.file}:{site.location.line}", name=site.target, location=site.location)
    stand_in.static_url_path = None
    stand_in.unlisted.append((f"CORS is applied to `{site.target}`, an app cors-lint cannot see", site.location))
    site.notes.append("the object CORS is applied to cannot be identified statically: its routes cannot be listed")
    engine.apps.append(stand_in)
    return stand_in


def cors_init_app(cors: CorsObj, target: Any, init_kwargs: dict[str, Any], site: Site) -> None:
    """flask_cors.CORS.init_app: defaults < app.config (now) < ctor kwargs < init_app kwargs."""
    target = strip_env(target)
    if not isinstance(target, (AppObj, BlueprintObj)):
        site.notes.append("the object CORS is applied to cannot be identified statically")
        return
    options = dict(DEFAULT_OPTIONS)
    config = None
    sources = {}
    if isinstance(target, AppObj):
        config = target.config.snapshot()
        from_config, sources = config.cors_options()
        options.update(from_config)
    options.update(cors.ctor_kwargs)
    options.update(init_kwargs)
    for name in list(cors.ctor_kwargs) + list(init_kwargs):
        sources.pop(name, None)
    unknown_options = []
    if getattr(cors, "unknown_star", False) or "**" in site.options:
        unknown_options.append("options passed with ** cannot be known")
    hook = CorsHook(site=site, options=options, env={}, config=config, config_sources=sources)
    hook.unknown_options = unknown_options
    hook.condition = site.condition
    target.hooks.append(hook)


# ---------------------------------------------------------------------------- the decorator
@MODEL.function("flask_cors.cross_origin")
def create_cross_origin(call: Call) -> CrossOriginFactory:
    notes = []
    if call.args:
        notes.append("positional arguments to cross_origin() are ignored")
    options = _with_star_options(call)
    site = add_site(call.engine, "decorator", call.node, call.frame, "<view>", options, notes)
    return CrossOriginFactory(site, {k: v for k, v in options.items() if k != "**"})


@MODEL.decorator(CrossOriginFactory)
def apply_cross_origin(engine, decorator: CrossOriginFactory, value: Any, node, frame) -> CrossOriginView:
    decorator.site.target = _view_name(value)
    registered = _is_registered(value)
    if registered:
        decorator.site.notes.append("decorator is above the route decorator: it has no effect on the route")
    attrs = view_attributes(value)
    automatic = strip_env(decorator.kwargs.get("automatic_options", True))
    if isinstance(automatic, Unknown) or automatic:
        # cross_origin mutates the function it decorates (and update_wrapper copies it)
        attrs["required_methods"] = set(attrs.get("required_methods", set())) | {"OPTIONS"}
        attrs["provide_automatic_options"] = False
    return CrossOriginView(value, decorator, registered, dict(attrs))


@MODEL.decorator("flask_cors.cross_origin")
def apply_bare_cross_origin(engine, decorator: Any, value: Any, node, frame) -> BrokenView:
    """``@cross_origin`` without parentheses: the view itself becomes the options."""
    site = add_site(engine, "decorator", node, frame, _view_name(value), {},
                    ["used without parentheses: the view is replaced and every request fails with 500"])
    site.options = {}
    return BrokenView("decorator", "@cross_origin without parentheses: every request fails with 500", value)


# ---------------------------------------------------------------------------- flask.ext.cors
def _legacy(handler):
    """``flask.ext.cors.X``: as ``flask_cors.X``, and the site notes that the import fails on Flask >= 1.0."""
    def legacy(call: Call) -> Any:
        result = handler(call)
        engine = call.engine
        if engine.sites and engine.sites[-1].location == call.location:
            engine.sites[-1].notes.append(LEGACY_IMPORT_NOTE)
        return result
    return legacy


MODEL.functions["flask.ext.cors.CORS"] = _legacy(create_cors)
MODEL.functions["flask.ext.cors.cross_origin"] = _legacy(create_cross_origin)


# ---------------------------------------------------------------------------- a vendored copy
_COPY_MODULES = ("__init__.py", "core.py", "decorator.py", "extension.py")  # flask-cors's layout since 2.0
_VERSION = re.compile(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.MULTILINE)
_DIST_INFO = re.compile(r"(?i)^flask[-_.]cors-(\d+(?:\.\d+)*)\.(?:dist|egg)-info$")
_METADATA_VERSION = re.compile(r"^Version:\s*(\S+)", re.MULTILINE)


def vendored_copy(path: str) -> LibraryCopy | None:
    """Is ``path`` (a directory, or a module without ``.py``, named ``flask_cors``) a copy of
    flask-cors in the tree (``libs/flask_cors/``, or a 1.x ``flask_cors.py``)? Imports that reach
    it get flask-cors itself, at the version its own files declare: ``version.py`` or
    ``__init__.py``'s ``__version__``, else the ``flask_cors-X.dist-info`` beside it
    (``pip install --target``); 6.0.3+ reads its version from installed metadata only."""
    if os.path.isdir(path):
        if not all(os.path.isfile(os.path.join(path, name)) for name in _COPY_MODULES):
            return None
        declaring = [os.path.join(path, "version.py"), os.path.join(path, "__init__.py")]
    else:
        data = read_path(path + ".py", path)
        if isinstance(data, FileError) or b"def cross_origin" not in data or b"class CORS" not in data:
            return None
        declaring = [path + ".py"]
    for candidate in declaring:
        data = read_path(candidate, candidate) if os.path.isfile(candidate) else b""
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else ""
        match = _VERSION.search(text)
        if match and re.match(r"\d", match.group(1)):
            return LibraryCopy("flask_cors", path, match.group(1), candidate, text.count("\n", 0, match.start()) + 1)
    from_metadata = _from_installed_metadata(path)
    parent = os.path.dirname(path)
    try:
        siblings = sorted(os.listdir(parent))
    except OSError:
        siblings = []
    for name in siblings:
        match = _DIST_INFO.match(name)
        if match:
            metadata = os.path.join(parent, name, "METADATA")
            data = read_path(metadata, metadata) if os.path.isfile(metadata) else b""
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else ""
            found = _METADATA_VERSION.search(text)
            if found:
                return LibraryCopy("flask_cors", path, found.group(1), metadata, text.count("\n", 0, found.start()) + 1)
            return LibraryCopy("flask_cors", path, match.group(1), os.path.join(parent, name))
    return from_metadata or LibraryCopy("flask_cors", path)


def _from_installed_metadata(path: str) -> LibraryCopy | None:
    """6.0.3+ asks ``importlib.metadata`` for its version, which answers for whatever is installed,
    not for the copy; its code tells: 6.0.4 added the error for invalid regexes (6.0.4 and 6.0.5
    behave alike), so 6.0.5 with it and 6.0.3 without."""
    init = os.path.join(path, "__init__.py")
    data = read_path(init, init) if os.path.isfile(init) else b""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else ""
    match = re.search(r"^\s*__version__\s*=\s*version\(", text, re.MULTILINE)
    if not match or "importlib.metadata" not in text:
        return None
    core = os.path.join(path, "core.py")
    code = read_path(core, core) if os.path.isfile(core) else b""
    raises = isinstance(code, bytes) and b"Invalid regular expression in Flask-CORS" in code
    return LibraryCopy("flask_cors", path, "6.0.5" if raises else "6.0.3", init, text.count("\n", 0, match.start()) + 1)


MODEL.copies["flask_cors"] = vendored_copy


# ---------------------------------------------------------------------------- helpers
def _first_arg(node: cst.Call) -> cst.CSTNode | None:
    return node.args[0].value if node.args else None


def _view_name(view: Any) -> str:
    name = view_name(view)
    return name if isinstance(name, str) else "<view>"


def _is_registered(view: Any) -> bool:
    if isinstance(view, FunctionObj):
        return view.registered_as_route
    if isinstance(view, CrossOriginView):
        return _is_registered(view.inner)
    return False
