"""Issue 18's pre-commit target on the real-project corpus: after a one-line edit of a file that
holds a CORS site, `cors-lint check <that file>` (as the pre-commit hook runs it) must take at
most 1 s on the reference machine (2 cores), with the cache warm.

For each project of `bench/corpus_projects.txt` checked out under --base, and each of up to
--files files that hold a site (from `inventory --format json`): the cache (kept under a
temporary --cache-dir, never in the project) is filled by one untimed `check <file>` (the
hook's own invocation: in a monorepo the file's project, found upward from it, is what is
analysed, not the checkout); then a comment line is appended to the file, `check <file>` is
timed as its own process, and the file's bytes are put back. Prints each project's slowest edit
and the files over the limit.

    python3 bench/precommit_edits.py --base /tmp/projects [--files 3] [--cors-lint .venv/bin/cors-lint]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installed import CHILD_ENV, compile_package

HERE = Path(__file__).parent
LIMIT_SECONDS = 1.0
EDIT = b"\n# cors-lint bench: a one-line edit\n"


def projects(listing: Path) -> list[str]:
    return [line.split()[0] for line in listing.read_text().splitlines() if line.strip() and not line.startswith("#")]


def timed(command: list[str], timeout: float) -> tuple[int, float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd="/", env=CHILD_ENV)
    return done.returncode, time.perf_counter() - started, done.stdout


def site_files(tool: list[str], path: Path, timeout: float) -> list[str]:
    code, _, out = timed([*tool, "inventory", str(path), "--format", "json"], timeout)
    if code not in (0, 1):
        return []
    return sorted({site["file"] for site in json.loads(out)["sites"]})


def measure(name: str, base: Path, tool: list[str], files: int, timeout: float) -> dict:
    path = base / name
    if not path.is_dir():
        return {"project": name, "missing": True}
    edits = []
    with tempfile.TemporaryDirectory() as cache:
        for rel in site_files(tool, path, timeout)[:files]:
            target = path / rel
            original = target.read_bytes()
            timed([*tool, "check", str(target), "--cache-dir", cache, "--fail-on", "never"], timeout)  # warm
            try:
                target.write_bytes(original + EDIT)
                code, seconds, _ = timed([*tool, "check", str(target), "--cache-dir", cache, "--fail-on", "never"],
                                         timeout)
            finally:
                target.write_bytes(original)
            edits.append({"file": rel, "seconds": round(seconds, 2), "exit": code})
    return {"project": name, "edits": edits}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, default=Path("/tmp/projects"))
    parser.add_argument("--projects-file", type=Path, default=HERE / "corpus_projects.txt")
    parser.add_argument("--cors-lint", default=None, help="the command (default: this interpreter's -m cors_lint)")
    parser.add_argument("--files", type=int, default=3, help="files with a site edited per project")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    options = parser.parse_args()
    tool = [options.cors_lint] if options.cors_lint else [sys.executable, "-m", "cors_lint"]
    compile_package()
    rows, over = [], []
    print(f"{'project':<30} {'edits':>5} {'max s':>6}  slowest file")
    for name in projects(options.projects_file):
        row = measure(name, options.base, tool, options.files, options.timeout)
        rows.append(row)
        if row.get("missing"):
            print(f"{name:<30} (not checked out under {options.base})")
            continue
        if not row["edits"]:
            print(f"{name:<30} {0:>5} {'-':>6}  (no site)")
            continue
        slowest = max(row["edits"], key=lambda e: e["seconds"])
        over += [f"{name}/{e['file']} ({e['seconds']} s)" for e in row["edits"] if e["seconds"] > LIMIT_SECONDS]
        crashed = [e for e in row["edits"] if e["exit"] not in (0, 1)]
        print(f"{name:<30} {len(row['edits']):>5} {slowest['seconds']:>6.2f}  {slowest['file']}"
              f"{'  ! exit ' + str(crashed[0]['exit']) if crashed else ''}", flush=True)
    timings = [e["seconds"] for row in rows for e in row.get("edits", [])]
    if timings:
        print(f"\n{len(timings)} edits; max {max(timings):.2f} s; over {LIMIT_SECONDS:g} s: {', '.join(over) or 'none'}")
    if options.json:
        options.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
