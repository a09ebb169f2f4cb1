"""Issue 17's corpus run: `cors-lint check` (cold, no cache) and `cors-lint inventory` on every
real project of `bench/corpus_projects.txt`, each as its own process, with its wall time and
peak memory, and what it found. Every run must end, in at most 5 s and 1 GiB on the reference
machine (2 cores): the table says which do not.

    python3 bench/corpus.py --base /tmp/projects [--projects-file bench/corpus_projects.txt]
                            [--cors-lint .venv/bin/cors-lint] [--timeout 120] [--json OUT]

The projects are checked out by hand (their commits are in the list; fetched code is never
committed). A project missing under --base is skipped and said so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from installed import CHILD_ENV, compile_package

HERE = Path(__file__).resolve().parent
LIMIT_SECONDS = 5.0
LIMIT_MIB = 1024


def projects(listing: Path) -> list[str]:
    names = []
    for line in listing.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line.split()[0])
    return names


def measured(command: list[str], timeout: float) -> tuple[int | None, float, float, str]:
    """(exit code or None when killed at the timeout, wall seconds, peak RSS MiB, stdout): the
    child is reaped with wait4, which gives its own resource usage."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd="/", text=True,
                               env=CHILD_ENV)
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        out = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
        process.stdout.close()
        process.returncode = 0  # reaped above: keep Popen from waiting again
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    return (None if code < 0 else code), wall, usage.ru_maxrss / 1024, out


def run(name: str, base: Path, tool: list[str], timeout: float) -> dict:
    path = base / name
    row: dict = {"project": name}
    if not path.is_dir():
        return {**row, "missing": True}
    code, wall, peak, out = measured([*tool, "check", str(path), "--no-cache", "--format", "json"], timeout)
    row.update(check_exit=code, check_seconds=round(wall, 2), check_mib=round(peak))
    if code in (0, 1):
        document = json.loads(out)
        row["findings"] = len(document["findings"])
        row["errors"] = len(document["errors"])
        row["analysis_notes"] = len(document.get("analysis_notes", []))
    code, wall, peak, out = measured([*tool, "inventory", str(path), "--format", "json"], timeout)
    row.update(inventory_exit=code, inventory_seconds=round(wall, 2), inventory_mib=round(peak))
    if code in (0, 1):
        document = json.loads(out)
        row["routes"] = len(document["routes"])
        row["sites"] = len(document["sites"])
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, default=Path("/tmp/projects"))
    parser.add_argument("--projects-file", type=Path, default=HERE / "corpus_projects.txt")
    parser.add_argument("--cors-lint", default=None, help="the command (default: this interpreter's -m cors_lint)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    options = parser.parse_args()
    tool = [options.cors_lint] if options.cors_lint else [sys.executable, "-m", "cors_lint"]
    compile_package()
    rows = []
    print(f"{'project':<30} {'check s':>8} {'MiB':>5} {'exit':>4} {'findings':>8} {'inv s':>6} {'routes':>6} "
          f"{'sites':>5} {'notes':>5}")
    for name in projects(options.projects_file):
        row = run(name, options.base, tool, options.timeout)
        rows.append(row)
        if row.get("missing"):
            print(f"{name:<30} (not checked out under {options.base})")
            continue
        flag = " !" if (row["check_exit"] is None or row["check_seconds"] > LIMIT_SECONDS
                        or row["check_mib"] > LIMIT_MIB) else ""
        print(f"{name:<30} {row['check_seconds']:>8.2f} {row['check_mib']:>5} {str(row['check_exit']):>4} "
              f"{row.get('findings', '-'):>8} {row['inventory_seconds']:>6.2f} {row.get('routes', '-'):>6} "
              f"{row.get('sites', '-'):>5} {row.get('analysis_notes', '-'):>5}{flag}", flush=True)
    ran = [r for r in rows if not r.get("missing")]
    if ran:
        slow = [r["project"] for r in ran if r["check_exit"] is None or r["check_seconds"] > LIMIT_SECONDS]
        heavy = [r["project"] for r in ran if r["check_mib"] > LIMIT_MIB]
        crashed = [r["project"] for r in ran if r["check_exit"] not in (0, 1)]
        print(f"\n{len(ran)} projects; check: max {max(r['check_seconds'] for r in ran):.2f} s, "
              f"max {max(r['check_mib'] for r in ran)} MiB; over {LIMIT_SECONDS:g} s: {', '.join(slow) or 'none'}; "
              f"over {LIMIT_MIB} MiB: {', '.join(heavy) or 'none'}; not 0/1: {', '.join(crashed) or 'none'}")
    if options.json:
        options.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
