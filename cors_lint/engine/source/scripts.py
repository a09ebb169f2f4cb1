"""Scripts that cannot reach an app: not run.

A file with an ``if __name__ == "__main__":`` block is an entry point (``python run.py`` may
build and start an app). When that block is all that makes it one (the file itself imports no
Flask, builds no app, writes no CORS), what it can do to an app goes through the project
modules it imports. Its imports are followed at the byte level (``import a.b``,
``from .c import d``; each package on the way runs its ``__init__``) through the project's
modules; if none of the modules it can reach touches an app (see ``project.touches_apps``) or
imports by a computed name, running it cannot change any app, route or CORS setting, and it is
not run. (Data migrations and batch jobs beside a service are often most of a monorepo's
scripts: lear's 50 cost a quarter of its analysis.)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cors_lint.engine.source.project import FileError, SourceFile, relative_module, touches_apps

_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+(?P<base>\.*[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#;]*)"
    rb"|import[ \t]+(?P<modules>[^\n#;]*))",
    re.MULTILINE)
_COMPUTED_IMPORTS = (b"import_module", b"__import__", b"import_string", b"exec_module", b"load_module", b"runpy")


def imported_names(data: bytes, package: str | None) -> set[str]:
    """The dotted module names a file may import (a name imported ``from`` a module may itself
    be a module, so ``from a import b`` gives ``a`` and ``a.b``); ``package``: the file's own
    package, for relative imports (None: they are left out)."""
    names: set[str] = set()
    for match in _IMPORT.finditer(data):
        if match["modules"] is not None:
            for part in match["modules"].split(b","):
                name = part.split()[0] if part.split() else b""
                names.add(name.decode("ascii", "replace"))
            continue
        base = match["base"].decode("ascii", "replace")
        level = len(base) - len(base.lstrip("."))
        if level:
            base = relative_module(package, level, base.lstrip(".")) if package is not None else None
            if base is None:
                continue
        if base:
            names.add(base)
        for part in match["names"].strip(b"()").split(b","):
            words = part.split()
            if words and words[0] != b"*":
                names.add(f"{base}.{words[0].decode('ascii', 'replace')}" if base else words[0].decode("ascii",
                                                                                                       "replace"))
    return {name for name in names if name and all(piece.isidentifier() for piece in name.split("."))}


def package_of(source: SourceFile) -> str | None:
    """The package a module's relative imports start from."""
    if not source.module_names:
        return None
    name = source.module_names[0]
    return name if source.is_package else name.rpartition(".")[0]


Step = tuple[bool, bool, tuple[SourceFile, ...]]  # (cannot be followed, touches an app, the modules it runs)


def reaches_apps(script: SourceFile, find: Callable[[str], SourceFile | None],
                 read: Callable[[SourceFile], bytes | FileError], steps: dict[str, Step] | None = None) -> bool:
    """Can running ``script`` reach a module that touches an app? ``find``: the project module a
    dotted name imports (None for a library); ``read``: a module's bytes. Anything that cannot be
    followed (an unreadable module, an import by a computed name) counts as reaching. ``steps``:
    what each module scanned so far gave (the scripts of a project share most of their imports,
    so a run scans each module once for all of them)."""
    steps = {} if steps is None else steps
    seen = {script.rel}
    todo = [script]
    while todo:
        source = todo.pop()
        if source.rel not in steps:
            steps[source.rel] = _step(source, find, read)
        blocked, touches, modules = steps[source.rel]
        if blocked or (source is not script and touches):
            return True
        for found in modules:
            if found.rel not in seen:
                seen.add(found.rel)
                todo.append(found)
    return False


def _step(source: SourceFile, find: Callable[[str], SourceFile | None],
          read: Callable[[SourceFile], bytes | FileError]) -> Step:
    data = read(source)
    if isinstance(data, FileError) or any(marker in data for marker in _COMPUTED_IMPORTS):
        return True, False, ()
    modules: dict[str, SourceFile] = {}
    for name in imported_names(data, package_of(source)):
        parts = name.split(".")
        for end in range(1, len(parts) + 1):  # `import a.b.c` runs a, a.b and a.b.c
            found = find(".".join(parts[:end]))
            if found is not None:
                modules.setdefault(found.rel, found)
    return False, touches_apps(data), tuple(modules.values())
