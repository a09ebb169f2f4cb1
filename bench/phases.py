"""Where one cors-lint run spends its wall time, by phase (the figures issue 13's notes cite).

Runs `cors-lint ARGS` in this process with the cyclic GC off (as the command runs) after
importing the heavy half, and prints the import time, the whole run's time, and the wall
seconds spent in each phase below (inclusive: a phase that calls another counts its time too).

    .venv/bin/python bench/phases.py check bench/.corpora/moto-5.1.18 --no-cache --fail-on never
    (cd tree && python ../../bench/phases.py check some/file.py --fail-on never)   # pre-commit
"""

from __future__ import annotations

import gc
import sys
import time

START = time.perf_counter()
gc.disable()

from cors_lint import cli  # noqa: E402  (timed: the imports are a phase)
from cors_lint.check import checker, run  # noqa: E402
from cors_lint.check import cache as result_cache  # noqa: E402
from cors_lint.engine import analysis, execution  # noqa: E402
from cors_lint.engine.interpreter import interpreter
from cors_lint.engine.source import parsing, tree_cache

IMPORTED = time.perf_counter()
PHASES = [
    ("survey the tree", checker, "survey"),
    ("stat memo: stat, read, hash, prefilter", result_cache.ResultCache, "snapshot"),
    ("store the stat memo", result_cache.ResultCache, "save"),
    ("prefilter without the memo", analysis, "scan"),
    ("load kept trees", tree_cache.TreeCache, "load"),
    ("store trees", tree_cache.TreeCache, "save"),
    ("libcst parse in process", interpreter, "parse"),
    ("libcst parse in a worker", interpreter, "parse_isolated"),
    ("positions of one region", parsing, "region_positions"),
    ("positions of a whole module", parsing, "start_positions"),
    ("interpreter (parsing included)", interpreter.Interpreter, "run"),
    ("uncalled factories", interpreter.Interpreter, "run_uncalled_factories"),
    ("hand-written header search", execution, "_manual_header_sites"),
    ("CORS_* reads", execution, "_config_reads"),
    ("resolve route layers", execution, "resolve_app"),
    ("rules", run, "run_rules"),
]
SPENT: dict[str, float] = {}


def timed(label: str, owner: object, name: str) -> None:
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            SPENT[label] = SPENT.get(label, 0.0) + time.perf_counter() - began

    setattr(owner, name, wrapper)


def main() -> None:
    for label, owner, name in PHASES:
        timed(label, owner, name)
    began = time.perf_counter()
    try:
        cli.main(sys.argv[1:])
    except SystemExit:
        pass
    ended = time.perf_counter()
    print(f"imports {IMPORTED - START:.3f} s, run {ended - began:.3f} s", file=sys.stderr)
    for label, seconds in sorted(SPENT.items(), key=lambda item: -item[1]):
        print(f"  {seconds:7.3f} s  {label}", file=sys.stderr)


if __name__ == "__main__":
    main()
