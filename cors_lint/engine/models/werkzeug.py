"""Werkzeug's ``abort`` (it raises) and ``LocalProxy``: a proxy built on a function that returns one of Flask's context
objects (``LocalProxy(lambda: flask.request)``, or a project subclass such as CKAN's
``CKANRequest(LocalProxy[Request])`` built on ``def _get_request(): return flask.request``)
stands for that object, so ``request.headers.get("Origin")`` through it reads the request's
Origin as through ``flask.request``."""

from __future__ import annotations

from typing import Any

from cors_lint.core.values import Unknown, strip_env
from cors_lint.engine.interpreter.objects import FunctionObj, LibSymbol
from cors_lint.engine.interpreter.registry import Call, Model

MODEL = Model("werkzeug")
MODEL.exit_functions.add("werkzeug.exceptions.abort")  # raises, as flask.abort does


@MODEL.function("werkzeug.local.LocalProxy", "werkzeug.LocalProxy", subclasses=True)
def local_proxy(call: Call) -> Any:
    target = strip_env(call.args[0] if call.args else call.kwargs.get("local"))
    named = len(call.args) > 1 or "name" in call.kwargs  # LocalProxy(local, "attribute"): not a getter
    if isinstance(target, FunctionObj) and not named:
        found = strip_env(call.engine.call_function(target, [], {}, call.frame))
        if isinstance(found, LibSymbol):
            return found
    return Unknown("the object a werkzeug LocalProxy stands for cannot be known")
