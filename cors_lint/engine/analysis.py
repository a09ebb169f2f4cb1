"""The engine's entry point: paths in, an ``Inventory`` (apps, sites, routes, errors) out.

This module is the engine's light half: it finds the files, reads the pins and runs the
byte prefilter. The heavy half (libcst, the interpreter, the library models) is in
``execution`` and is imported only when some file can affect CORS: a run with nothing
to parse never loads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cors_lint.core.values import Assumptions
from cors_lint.core.versions import FlaskCorsVersion, parse_version
from cors_lint.engine.inventory import Inventory
from cors_lint.engine.source.pins import detect
from cors_lint.engine.source.project import Survey, scan, survey

if TYPE_CHECKING:
    from cors_lint.engine.source.parse_memo import ParseMemo



def analyze(paths: list[Path], flask_cors_version: str | None = None,
            assumptions: Assumptions | None = None, exclude: tuple[str, ...] = (),
            demand_driven: bool = True, workers: int = 0, parse_memo: ParseMemo | None = None,
            files: Survey | None = None, include_tests: bool = False) -> Inventory:
    """Analyse a project. ``flask_cors_version`` overrides the version read from its pins;
    ``assumptions`` are one environment's environment-variable values and ``app.debug``;
    ``demand_driven=False`` parses and runs every file (the slow reference analysis);
    ``workers`` parse processes (0: as many as cores when there is enough to parse);
    ``parse_memo`` shares parsed files between analyses of the same tree, ``files`` the
    discovery (``paths``, ``exclude`` and ``include_tests`` are then not used again);
    ``include_tests``: run test code as entry points too (see ``project.survey``)."""
    files = files or survey(paths, exclude, include_tests)
    root = files.root
    if flask_cors_version:
        version = FlaskCorsVersion(parse_version(flask_cors_version), "--flask-cors-version")
    else:
        version = detect(root)
    scanned = scan(files.files, demand_driven, files.verdicts, files.tests)
    if files.verdicts is None and demand_driven:  # another environment's analysis reads only the entry points
        files.verdicts = scanned.verdicts
    if not scanned.entries:  # nothing can affect CORS: no parsing at all
        return Inventory(root=root, version=version, files=len(files.files), apps=[], sites=[], routes=[],
                         errors=sorted(scanned.problems, key=lambda e: e.file),
                         file_paths=tuple(source.rel for source in files.files),
                         comment_files=frozenset(scanned.comment_files),
                         tests_not_run=tuple(scanned.tests_not_run))
    from cors_lint.engine import execution  # the stage boundary: libcst and the interpreter load here

    return execution.execute(files, scanned, version, assumptions, demand_driven, workers, parse_memo)



