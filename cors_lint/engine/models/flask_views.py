"""Flask's class-based views (``flask.views.View`` / ``MethodView``): ``as_view(name)``, and the
``cross_origin`` decorators a view class lists in ``decorators = [...]``. Which methods such a
view answers is worked out with its routes (``engine.routes``)."""

from __future__ import annotations

from typing import Any

from cors_lint.core.values import Unknown, strip_env
from cors_lint.engine.app_objects import ClassView, CrossOriginFactory
from cors_lint.engine.objects import ClassObj
from cors_lint.engine.registry import Call, Model

MODEL = Model("flask.views")
VIEW_DECORATORS_NOTE = "decorators=[...] of a View class"


@MODEL.method(ClassObj, "as_view")
def as_view(cls: ClassObj, name: str, call: Call) -> ClassView:
    view_name: Any = call.args[0] if call.args else call.kwargs.get("name", Unknown("as_view() without a name"))
    return ClassView(cls, view_name)


def name_view_decorators(engine, cls: ClassObj) -> None:
    """Name the ``cross_origin`` sites in a View class's ``decorators`` after the class."""
    decorators = strip_env(cls.namespace.get("decorators"))
    if isinstance(decorators, (list, tuple)):
        for item in decorators:
            if isinstance(item, CrossOriginFactory):
                item.site.target = cls.name
                if VIEW_DECORATORS_NOTE not in item.site.notes:
                    item.site.notes.append(VIEW_DECORATORS_NOTE)


MODEL.class_hooks.append(name_view_decorators)
