"""Parsing in worker processes: across cores, and within a memory budget.

libcst needs hundreds of bytes of memory per byte of source (a 1.7 MB module takes
~650 MiB and 11 s), so parsing is where a hostile or generated file can exhaust the
machine. Workers parse with their address space capped (``RLIMIT_AS``: their size at
start plus the budget); a file that needs more makes the worker fail or die, and is
reported as too large to analyse. When a worker dies, the files it may have been parsing
are parsed again one per fresh worker, so the culprit is found and every other file still
gets its answer. Trees come back as ``tree_pickle`` bytes (unpickling one costs ~20% of parsing it).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from cors_lint.engine.source.parsing import ParsedModule, parse, paused_gc
from cors_lint.engine.source.project import FileError, SourceFile
from cors_lint.engine.source.tree_pickle import dumps, loads

DEFAULT_MEMORY_BUDGET_MIB = 1024
BUDGET_VARIABLE = "CORS_LINT_PARSE_MEMORY_MIB"  # overrides the default budget
# Entry points together at least this large are parsed across cores (below it, starting
# workers costs more than it saves).
PARALLEL_MIN_BYTES = 512 * 1024
# A tree costs ~0.7x its parse time to pickle in the worker and ~0.4x to unpickle here
# (measured on moto's largest module), so with n workers the wall time is ~1.1/n + 0.4 of a
# sequential parse: a gain from 3 workers on. On 2 cores the pool is slower (superset:
# 21 s with 2 workers, 15 s with 1) and is used only when asked for (--jobs) or for isolation.
AUTO_MIN_CORES = 4
# Files at least this large are parsed in a worker even when the run is single-process (within
# the memory budget). Below it a parse costs at most ~200 MiB here; in a worker it costs twice
# the time (OctoPrint's 273 KB serial_comm.py: 0.49 s in process, 0.99 s in a worker).
ISOLATE_BYTES = 512 * 1024
# Deep trees pickle recursively.
RECURSION_LIMIT = 20_000


def memory_budget_mib() -> int:
    try:
        return max(64, int(os.environ.get(BUDGET_VARIABLE, DEFAULT_MEMORY_BUDGET_MIB)))
    except ValueError:
        return DEFAULT_MEMORY_BUDGET_MIB


def parse_many(sources: Iterable[tuple[SourceFile, bytes]], workers: int,
               budget_mib: int | None = None) -> dict[str, ParsedModule | FileError]:
    """Parse files in ``workers`` processes; every file gets a module or a ``FileError``."""
    budget_mib = budget_mib or memory_budget_mib()
    jobs = sorted(sources, key=lambda job: -len(job[1]))  # largest first: the pool finishes sooner
    results: dict[str, ParsedModule | FileError] = {}
    if not jobs:
        return results
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    unfinished = _run_pool(jobs, workers, budget_mib, results)
    for job in unfinished:  # a worker died: one fresh worker per file finds the culprit
        if _run_pool([job], 1, budget_mib, results):
            source = job[0]
            results[source.rel] = FileError(source.rel, "too-large",
                                            f"the parser process died on this file (it needs more than the "
                                            f"{budget_mib} MiB parse memory budget (${BUDGET_VARIABLE}), or "
                                            "crashed)")
    return results


def parse_isolated(source: SourceFile, data: bytes, budget_mib: int | None = None) -> ParsedModule | FileError:
    return parse_many([(source, data)], 1, budget_mib)[source.rel]


def _run_pool(jobs: list[tuple[SourceFile, bytes]], workers: int, budget_mib: int,
              results: dict[str, ParsedModule | FileError]) -> list[tuple[SourceFile, bytes]]:
    """Run jobs; return the ones whose worker died before answering."""
    unfinished = []
    with paused_gc(), ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))), mp_context=_context(),
                                          initializer=_start_worker, initargs=(budget_mib,)) as pool:
        # (trees are unpickled here, node by node: no collection passes over them meanwhile)
        futures = [(job, pool.submit(_parse_job, job[0], job[1])) for job in jobs]
        for job, future in futures:
            try:
                answer = future.result()
                results[job[0].rel] = _received(job, answer)
            except BrokenProcessPool:
                unfinished.append(job)
            except Exception as exc:  # e.g. the tree could not be sent back: this file only
                results[job[0].rel] = FileError(job[0].rel, "internal", f"parsing failed: {type(exc).__name__}: {exc}")
    return unfinished


def _received(job: tuple[SourceFile, bytes], answer: bytes | FileError) -> ParsedModule | FileError:
    if isinstance(answer, FileError):
        return answer
    module, skeleton = loads(answer)
    return ParsedModule(job[0], module, job[1], skeleton)


def _context():
    methods = multiprocessing.get_all_start_methods()
    # fork shares the already imported libcst; elsewhere (macOS, Windows) spawn is the safe default
    return multiprocessing.get_context("fork" if "fork" in methods and sys.platform == "linux" else "spawn")


def _start_worker(budget_mib: int) -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    _silence_stderr()  # a worker that dies of its budget would print the parser's allocation panic
    try:
        import resource

        size = _address_space_bytes()
        if size:
            limit = size + budget_mib * 2**20
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard == resource.RLIM_INFINITY or limit < hard:
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # no rlimits on this platform: parse without a cap


def _silence_stderr() -> None:
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    except OSError:
        pass


def _address_space_bytes() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _parse_job(source: SourceFile, data: bytes) -> bytes | FileError:
    """The tree as ``tree_pickle`` bytes (sent back faster than pickling the ``ParsedModule``), or
    why the file cannot be parsed."""
    try:
        parsed = parse(source, data)
        return dumps((parsed.module, parsed.skeleton)) if isinstance(parsed, ParsedModule) else parsed
    except MemoryError:
        return FileError(source.rel, "too-large", f"parsing this file needs more than the {memory_budget_mib()} MiB "
                                                  f"parse memory budget (${BUDGET_VARIABLE})")
