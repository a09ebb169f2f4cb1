"""The library models in use: one module per library, each registering what its names do.

To model another library, add a module here that defines ``MODEL = Model("name")`` and
registers its handlers (see ``cors_lint.engine.interpreter.registry``), list it in ``MODELS``, and add
tests that compare what the engine predicts with the real library.
"""

from __future__ import annotations

from cors_lint.engine.models import (
    apiflask,
    flask,
    flask_config,
    flask_cors,
    flask_restful,
    flask_restx,
    flask_smorest,
    flask_socketio,
    flask_views,
    stdlib,
    werkzeug,
)
from cors_lint.engine.interpreter.registry import Registry

MODELS = (stdlib.MODEL, flask.MODEL, flask_config.MODEL, flask_views.MODEL, flask_cors.MODEL)
MODELS += (flask_smorest.MODEL, apiflask.MODEL)
MODELS += (flask_restful.MODEL, flask_restx.MODEL)
MODELS += (werkzeug.MODEL, flask_socketio.MODEL)
REGISTRY = Registry(MODELS)
