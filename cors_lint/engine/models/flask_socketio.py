"""Flask-SocketIO: ``SocketIO(app, cors_allowed_origins=...)`` and ``SocketIO()`` +
``init_app(app, ...)``.

The Socket.IO endpoint (``/socket.io/`` by default) is served by a WSGI middleware, not a
Flask route, and carries the user's cookies. Which origins may use it is python-engineio's
``cors_allowed_origins`` (``engineio.base_server._cors_allowed_origins``): absent or None, the
request's own origin only (scheme and Host, or the X-Forwarded ones); ``"*"`` or a list holding
``"*"``, every origin, echoed in ``Access-Control-Allow-Origin`` with
``Access-Control-Allow-Credentials: true`` (``cors_credentials`` defaults to True); ``[]``, no
check at all and no CORS headers (a WebSocket from any site is accepted); a string or list,
those origins exactly; a function, whatever it answers. Options given to the constructor and to
``init_app`` merge, the later ones winning (``server_options.update(kwargs)``).

Each call that gives the extension an app is a ``socketio`` site in the inventory, with the
merged options and the app it serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from cors_lint.core.values import Unknown, strip_env
from cors_lint.engine.app.app_objects import Location
from cors_lint.engine.models.flask import target_name
from cors_lint.engine.models.sites import add_site
from cors_lint.engine.interpreter.objects import FunctionObj
from cors_lint.engine.interpreter.registry import Call, Model

MODEL = Model("flask_socketio")
MODEL.entry_names |= {"SocketIO"}
SITE_KIND = "socketio"
OPTIONS = ("cors_allowed_origins", "cors_credentials", "path", "resource")  # what decides who may connect, and where


@dataclass(eq=False)
class SocketIOObj:
    """An instance of ``flask_socketio.SocketIO``: its options so far (``init_app`` may add more)."""

    options: dict[str, Any]
    location: Location
    given_at: dict[str, Location] = field(default_factory=dict)  # where each option was passed
    served: list[tuple[Any, Any]] = field(default_factory=list)  # (app, its site), in call order
    unknown_options: list[str] = field(default_factory=list)


MODEL.object_types.add(SocketIOObj)


@MODEL.function("flask_socketio.SocketIO")
def create_socketio(call: Call) -> SocketIOObj:
    app = call.args[0] if call.args else call.kwargs.pop("app", None)
    socketio = SocketIOObj({}, call.location)
    _merge(socketio, call)
    if strip_env(app) is not None:  # SocketIO.__init__ calls init_app (with a message_queue too, but without
        _serve(socketio, app, call)  # an app that only emits through the queue: it serves no endpoint)
    return socketio


@MODEL.method(SocketIOObj, "init_app")
def init_app(socketio: SocketIOObj, name: str, call: Call) -> None:
    app = call.args[0] if call.args else call.kwargs.pop("app", Unknown("init_app() without an app"))
    _merge(socketio, call)
    if strip_env(app) is not None:  # init_app(None): an emitter through a message queue, no endpoint
        _serve(socketio, app, call)


def _merge(socketio: SocketIOObj, call: Call) -> None:
    for key, value in call.kwargs.items():
        if key in OPTIONS:
            if isinstance(strip_env(value), FunctionObj):  # engineio calls it with each Origin
                value = Unknown(f"the function `{strip_env(value).name}` decides which origins are accepted")
            socketio.options[key] = value
            socketio.given_at[key] = call.location
    socketio.unknown_options += [f"options from `**{star}` cannot be known" for star in call.unknown_star]


def _serve(socketio: SocketIOObj, app: Any, call: Call) -> None:
    """The extension now serves ``app``: a site with the options merged so far."""
    options = dict(socketio.options)
    if socketio.unknown_options:
        options.setdefault("**", Unknown(socketio.unknown_options[0]))
    notes = [] if call.location == socketio.location else \
        [f"SocketIO object created at {socketio.location.file}:{socketio.location.line}"]
    if "cors_allowed_origins" not in options and "**" not in options:
        notes.append("no cors_allowed_origins: only the page's own origin may connect")
    positional = [arg.value for arg in call.node.args if arg.keyword is None] if isinstance(call.node, cst.Call) else []
    first = positional[0] if positional else None
    site = add_site(call.engine, SITE_KIND, call.node, call.frame, target_name(app, call.engine, first), options,
                    notes)
    site.defined_at.update({key: where for key, where in socketio.given_at.items() if where != site.location})
    for earlier_app, earlier in socketio.served:  # init_app again: its middleware wraps the app last and answers
        if earlier_app is strip_env(app) and getattr(earlier, "replaced_by", None) is None:
            earlier.replaced_by = site.location
            earlier.notes.append(f"replaced by the call at {site.location.file}:{site.location.line}, whose server "
                                 "answers the app's Socket.IO requests")
    socketio.served.append((strip_env(app), site))
