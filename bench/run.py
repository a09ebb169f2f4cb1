"""Benchmark: cors-lint next to ruff (and semgrep when installed) on the same trees.

Builds its corpora reproducibly under bench/.corpora: moto and apache-superset from PyPI at
pinned versions (their Python files only), and a generated tree of N files with one Flask app.
Then times, each as a separate process (interpreter start included), the median of --runs:
  cors-lint cold (its cache removed before each run) and warm (cache filled, tree unchanged),
  cors-lint on one file, the pre-commit case, cold and warm,
  pre-commit after an edit: the cache warm, one file edited (a comment appended, a new one before
  each run), then `cors-lint check <that file>` as pre-commit runs it, for a file outside the
  CORS slice, the app module, a module next to the header module and the module that writes
  Access-Control-* headers by hand (moto: moto/ec2/utils.py, moto/moto_server/werkzeug_app.py,
  moto/s3/models.py, moto/s3/responses.py); the edited file is restored afterwards,
  ruff check --select S, cold (--no-cache) and warm (with its cache),
  semgrep with a flask-cors rule, when `semgrep` is on PATH or in bench/.semgrep/bin,
and, in-process, the I/O floor: walking the tree, reading every file and searching its bytes.
Then one module with 1,000 / 2,000 / 5,000 / 10,000 routes (--route-counts), cold: time, peak
RSS and the time per 1,000 routes between sizes. Prints medians, peak memory (max RSS, GNU
time), the ratios cors-lint / ruff and semgrep / cors-lint, and each target of issue 13 next to
what was measured.

The child processes run without $CORS_LINT_CACHE_DIR / $CORS_LINT_CACHE_KEY (the cache is the
tree's .cors-lint-cache/) and with bytecode caching on (PYTHONDONTWRITEBYTECODE removed), as an
installed cors-lint runs; one untimed run before each series compiles what it imports.

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/run.py [--generated-files 100000] [--runs 3] [--skip-moto] [--skip-superset]
    .venv/bin/python bench/run.py --skip-superset --skip-generated --route-counts 1000,5000

semgrep is large; to include it: python3 -m venv bench/.semgrep && bench/.semgrep/bin/pip install semgrep
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
CORPORA = HERE / ".corpora"
MOTO_VERSION = "5.1.18"
SUPERSET_VERSION = "4.1.2"
BIN = Path(sys.executable).parent
CACHE = ".cors-lint-cache"
CHILD_ENV = {k: v for k, v in os.environ.items()
             if k not in ("CORS_LINT_CACHE_DIR", "CORS_LINT_CACHE_KEY", "PYTHONDONTWRITEBYTECODE")}
TARGETS: list[tuple[str, str, str, bool | None]] = []  # (case, measured, target, met), printed at the end
SEMGREP_RULE = """rules:
  - id: flask-cors-credentials-wildcard
    languages: [python]
    severity: WARNING
    message: credentials with any origin
    pattern-either:
      - pattern: flask_cors.CORS(..., supports_credentials=True, ...)
      - pattern: flask_cors.cross_origin(..., supports_credentials=True, ...)
"""


def download(requirement: str) -> Path:
    """The wheel (else sdist) of a pinned requirement, via pip (kept under .corpora/downloads)."""
    target = CORPORA / "downloads"
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", requirement, "-d", str(target)],
                   check=True)
    name, version = requirement.split("==")
    prefix = f"{name}-{version}".lower()
    return next(p for p in sorted(target.iterdir()) if p.name.lower().replace("_", "-").startswith(prefix))


def pypi_tree(name: str, version: str, extract) -> Path:
    """A corpus from a pinned PyPI release, built once: ``extract(archive, staging)`` unpacks its
    Python files into a staging directory and returns the corpus root inside it."""
    target = CORPORA / f"{name}-{version}"
    if not target.exists():
        staging = Path(tempfile.mkdtemp(dir=CORPORA))
        root = extract(download(f"{name}=={version}"), staging)
        (root / "pyproject.toml").write_text(f'[project]\nname = "{name}-corpus"\n')  # its own project root
        root.rename(target)
        shutil.rmtree(staging, ignore_errors=True)
    return target


def moto_tree() -> Path:
    def extract(archive: Path, staging: Path) -> Path:
        with zipfile.ZipFile(archive) as wheel:
            wheel.extractall(staging / "moto", [n for n in wheel.namelist() if n.endswith(".py")])
        return staging / "moto"

    return pypi_tree("moto", MOTO_VERSION, extract)


def superset_tree() -> Path:
    def extract(archive: Path, staging: Path) -> Path:
        with tarfile.open(archive) as sdist:
            sdist.extractall(staging, [m for m in sdist.getmembers()
                                       if m.isfile() and m.name.endswith(".py") and "/superset/" in m.name],
                             filter="data")
        return next(staging.iterdir())

    return pypi_tree("apache-superset", SUPERSET_VERSION, extract)


GENERATED_MODULE = '''"""Generated module {index}: ordinary code, nothing web-related."""
import json
import os


class Record{index}:
    def __init__(self, name, values):
        self.name = name
        self.values = list(values)

    def total(self):
        return sum(v for v in self.values if v > 0)

    def as_json(self):
        return json.dumps({{"name": self.name, "total": self.total()}})


def load_{index}(path):
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [Record{index}(line.strip(), range(10)) for line in handle]
'''

GENERATED_APP = '''from flask import Flask
from flask_cors import CORS

from pkg0.mod0 import load_0

app = Flask(__name__)
CORS(app, supports_credentials=True)


@app.route("/records")
def records():
    return {"count": len(load_0("records.txt"))}
'''


def generated_tree(files: int) -> Path:
    target = CORPORA / f"generated-{files}"
    if not target.exists():
        staging = Path(tempfile.mkdtemp(dir=CORPORA))
        for index in range(files - 1):
            package = staging / f"pkg{index // 500}"
            if not package.exists():
                package.mkdir()
                (package / "__init__.py").write_text('"""package"""\n')
            (package / f"mod{index % 500}.py").write_text(GENERATED_MODULE.format(index=index))
        (staging / "app.py").write_text(GENERATED_APP)
        (staging / "pyproject.toml").write_text('[project]\nname = "generated-corpus"\n')
        staging.rename(target)
    return target


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """(wall seconds, peak RSS in KiB, via GNU time) of one process; the time is taken here (GNU
    time's own resolution is 10 ms, too coarse for ruff with a cache)."""
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *command], cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV)
        seconds = time.perf_counter() - start
        peak = report.read().split()[-1]
    return seconds, int(peak)


def median_of(command: list[str], cwd: Path, runs: int, before=None) -> tuple[float, int]:
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        seconds, peak = timed(command, cwd)
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def io_floor(tree: Path) -> tuple[float, int]:
    """Seconds to walk the tree, read every .py file and search its bytes, in this process."""
    from cors_lint.engine.source.project import is_relevant

    start = time.perf_counter()
    count = 0
    for directory, dirnames, filenames in os.walk(tree):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.endswith(".py"):
                with open(os.path.join(directory, name), "rb") as handle:
                    is_relevant(handle.read())
                count += 1
    return time.perf_counter() - start, count


def semgrep_command() -> str | None:
    local = HERE / ".semgrep" / "bin" / "semgrep"
    return str(local) if local.exists() else shutil.which("semgrep")


def untimed(command: list[str], cwd: Path) -> None:
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV)


def target(case: str, measured: str, goal: str, met: bool | None) -> None:
    TARGETS.append((case, measured, goal, met))


def precommit_after_edit(tree: Path, edited: Path, runs: int) -> tuple[float, int]:
    """Median (seconds, peak KiB) of `cors-lint check <edited>` run in the tree as pre-commit runs
    it, each run right after an edit of that file (a comment appended to its original content),
    the cache warm from the run before; the file's bytes and times are restored afterwards."""
    relative = edited.relative_to(tree).as_posix()
    command = [str(BIN / "cors-lint"), "check", relative, "--fail-on", "never"]
    original, info = edited.read_bytes(), edited.stat()
    untimed([str(BIN / "cors-lint"), "check", ".", "--fail-on", "never"], tree)  # warm: whole tree, then the file
    untimed(command, tree)
    times, peaks = [], []
    try:
        for run in range(runs):
            edited.write_bytes(original + f"\n# edited by bench/run.py: run {run}, {time.time_ns()}\n".encode())
            seconds, peak = timed(command, tree)
            times.append(seconds)
            peaks.append(peak)
    finally:
        edited.write_bytes(original)
        os.utime(edited, ns=(info.st_atime_ns, info.st_mtime_ns))
    return statistics.median(times), max(peaks)


def bench(name: str, tree: Path, one_file: Path, runs: int, semgrep_max_files: int,
          edits: dict[str, tuple[Path, float | None]] | None = None, floor_target: bool = False,
          ruff_targets: bool = False) -> None:
    """``edits``: pre-commit cases, label -> (file to edit, target seconds or None); ``floor_target``,
    ``ruff_targets``: list the per-file (generated 100k) or ruff-ratio (moto) targets."""
    def clear_cache() -> None:
        shutil.rmtree(tree / CACHE, ignore_errors=True)

    cors_lint = [str(BIN / "cors-lint"), "check", str(tree), "--fail-on", "never"]
    single = [str(BIN / "cors-lint"), "check", str(one_file), "--fail-on", "never"]
    untimed([str(BIN / "cors-lint"), "check", str(tree), "--fail-on", "never", "--no-cache"], tree)  # compile, page in
    results = {"cors-lint cold": median_of(cors_lint, tree, runs, clear_cache)}
    results["cors-lint warm (cache)"] = median_of(cors_lint, tree, runs)
    results["cors-lint one file, cold"] = median_of(single, tree, runs, clear_cache)
    subprocess.run(single, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results["cors-lint one file, warm"] = median_of(single, tree, runs)
    edits = {label: edit for label, edit in (edits or {}).items() if edit[0].is_file()}
    for label, (edited, _) in edits.items():
        results[f"pre-commit after editing {label}"] = precommit_after_edit(tree, edited, runs)
    clear_cache()
    ruff = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")
    if ruff:
        ruff_cache = tree / ".ruff_cache"
        results["ruff --select S cold"] = median_of(
            [ruff, "check", "--select", "S", "--no-cache", "--exit-zero", "--quiet", str(tree)], tree, runs)
        subprocess.run([ruff, "check", "--select", "S", "--exit-zero", "--quiet", str(tree)], cwd=tree,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results["ruff --select S warm (cache)"] = median_of(
            [ruff, "check", "--select", "S", "--exit-zero", "--quiet", str(tree)], tree, runs)
        shutil.rmtree(ruff_cache, ignore_errors=True)
    semgrep = semgrep_command()
    files = sum(1 for _ in tree.rglob("*.py"))
    if semgrep and files <= semgrep_max_files:
        rule = tree.parent / "semgrep-rule.yaml"
        rule.write_text(SEMGREP_RULE)
        results["semgrep (flask-cors rule)"] = median_of(
            [semgrep, "scan", "--config", str(rule), "--quiet", "--metrics=off", "--disable-version-check",
             str(tree)], tree, max(1, min(runs, 2)))
    floor, counted = io_floor(tree)
    print(f"\n## {name}: {files} Python files\n")
    print("| run | median seconds | peak RSS MiB |\n| --- | ---: | ---: |")
    for label, (seconds, peak) in results.items():
        print(f"| {label} | {seconds:.2f} | {peak / 1024:.0f} |")
    print(f"| I/O floor (walk, read, search bytes; in-process) | {floor:.2f} | |")
    cold = results["cors-lint cold"][0]
    print(f"\nper file: cors-lint cold {cold / files * 1e6:.0f} µs, I/O floor {floor / counted * 1e6:.0f} µs")
    if floor_target:
        per_file, floor_per_file = cold / files, floor / counted
        target(f"{name}: cold, per file", f"{per_file * 1e6:.0f} µs = {per_file / floor_per_file:.1f}x the I/O floor",
               "≤ 2x the I/O floor", per_file <= 2 * floor_per_file)
    if "ruff --select S cold" in results and min(results["ruff --select S cold"][0],
                                                   results["ruff --select S warm (cache)"][0]) > 0:
        cold_ratio = cold / results["ruff --select S cold"][0]
        warm_ratio = results["cors-lint warm (cache)"][0] / results["ruff --select S warm (cache)"][0]
        print(f"cors-lint cold / ruff cold: {cold_ratio:.1f}x; cors-lint warm / ruff warm: {warm_ratio:.1f}x")
        if ruff_targets:
            target(f"{name}: cold", f"{cold:.2f} s = {cold_ratio:.1f}x ruff cold", "≤ 3x ruff cold", cold_ratio <= 3)
            target(f"{name}: unchanged tree (cache hit)",
                   f"{results['cors-lint warm (cache)'][0]:.2f} s = {warm_ratio:.1f}x ruff cached",
                   "≤ 2x ruff cached", warm_ratio <= 2)
    for label, (_, goal) in edits.items():
        seconds = results[f"pre-commit after editing {label}"][0]
        if goal is None:  # measured for comparison: issue 13 sets these targets on moto's files
            target(f"{name}: pre-commit after editing {label}", f"{seconds:.2f} s", "– (set for moto)", None)
        else:
            target(f"{name}: pre-commit after editing {label}", f"{seconds:.2f} s", f"≤ {goal} s", seconds <= goal)
    if "semgrep (flask-cors rule)" in results:
        print(f"semgrep / cors-lint cold: {results['semgrep (flask-cors rule)'][0] / cold:.1f}x")


ROUTE = '''

@app.route("/api/items/{index}/<int:item_id>", methods=["GET", "POST"])
def item_{index}(item_id):
    return {{"item": item_id, "route": {index}}}
'''
DECORATED_ROUTE = '''

@app.route("/partner/{index}")
@cross_origin(origins=["https://partner{index}.example.com"], supports_credentials=True)
def partner_{index}():
    return "partner {index}"
'''


def routes_tree(count: int) -> Path:
    """One Flask module with ``count`` routes: one in ten with its own @cross_origin, the rest
    under the app's CORS resources."""
    target = CORPORA / f"routes-{count}"
    if not target.exists():
        staging = Path(tempfile.mkdtemp(dir=CORPORA))
        header = ("from flask import Flask\nfrom flask_cors import CORS, cross_origin\n\napp = Flask(__name__)\n"
                  "CORS(app, resources={r\"/api/*\": {\"origins\": [\"https://app.example.com\"]}},"
                  " supports_credentials=True)\n")
        parts = [header]
        parts += [(DECORATED_ROUTE if index % 10 == 9 else ROUTE).format(index=index) for index in range(count)]
        (staging / "app.py").write_text("".join(parts))
        (staging / "pyproject.toml").write_text(f'[project]\nname = "routes-{count}"\n')
        staging.rename(target)
    return target


def bench_routes(counts: list[int], runs: int) -> None:
    """Cold runs on one module of N routes: time, peak RSS, and seconds per 1,000 routes between sizes."""
    measured = {}
    for count in counts:
        tree = routes_tree(count)
        command = [str(BIN / "cors-lint"), "check", str(tree), "--fail-on", "never", "--format", "json"]
        untimed(command + ["--no-cache"], tree)
        measured[count] = median_of(command, tree, runs,
                                    lambda tree=tree: shutil.rmtree(tree / CACHE, ignore_errors=True))
        result = subprocess.run(command + ["--no-cache"], cwd=tree, capture_output=True, text=True, env=CHILD_ENV)
        routes = json.loads(result.stdout)["summary"].get("routes") if result.stdout.startswith("{") else None
        if routes is not None and routes < count:
            print(f"warning: {count} routes written, {routes} reported")
    print("\n## one module with N routes (cold)\n")
    print("| routes | median seconds | peak RSS MiB | seconds per 1,000 routes since the previous size |")
    print("| ---: | ---: | ---: | ---: |")
    previous = None
    slopes = []
    for count, (seconds, peak) in measured.items():
        slope = "" if previous is None else (seconds - measured[previous][0]) / (count - previous) * 1000
        if slope != "":
            slopes.append(slope)
        print(f"| {count:,} | {seconds:.2f} | {peak / 1024:.0f} | {'' if slope == '' else f'{slope:.3f}'} |")
        previous = count
    if 5000 in measured:
        seconds, peak = measured[5000]
        target("5,000 routes in one module", f"{seconds:.2f} s, {peak / 1024:.0f} MiB", "≤ 1.5 s and ≤ 150 MiB",
               seconds <= 1.5 and peak / 1024 <= 150)
    if len(slopes) >= 2 and min(slopes) > 0:
        spread = max(slopes) / min(slopes)
        target(f"time linear in routes ({min(counts):,}-{max(counts):,})",
               "per 1,000 routes: " + " / ".join(f"{s:.2f}" for s in slopes) + f" s (max/min {spread:.1f})",
               "linear (max/min slope ≤ 1.5)", spread <= 1.5)


def print_targets() -> None:
    if not TARGETS:
        return
    print("\n## issue 13 targets\n\n| case | measured | target | met |\n| --- | --- | --- | :---: |")
    for case, measured, goal, met in TARGETS:
        print(f"| {case} | {measured} | {goal} | {'–' if met is None else 'yes' if met else 'no'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated-files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument("--skip-superset", action="store_true")
    parser.add_argument("--skip-generated", action="store_true")
    parser.add_argument("--route-counts", default="1000,2000,5000,10000",
                        help="sizes of the one-module route benchmark (empty: skip it)")
    parser.add_argument("--route-runs", type=int, default=None, help="runs per route size (default: --runs)")
    parser.add_argument("--semgrep-max-files", type=int, default=20_000,
                        help="skip semgrep on larger trees (it takes minutes)")
    args = parser.parse_args()
    CORPORA.mkdir(exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}")
    if not args.skip_moto:
        tree = moto_tree()
        one = next(p for p in sorted(tree.rglob("*.py")) if b"flask_cors" in p.read_bytes())
        edits = {"a file outside the CORS slice (moto/ec2/utils.py)": (tree / "moto/ec2/utils.py", 0.15),
                 "the app module (moto/moto_server/werkzeug_app.py)": (tree / "moto/moto_server/werkzeug_app.py", 0.4),
                 "moto/s3/models.py (next to the header module)": (tree / "moto/s3/models.py", 0.4),
                 "the header module (moto/s3/responses.py)": (tree / "moto/s3/responses.py", 0.4)}
        bench(f"moto {MOTO_VERSION}", tree, one, args.runs, args.semgrep_max_files, edits, ruff_targets=True)
    if not args.skip_superset:
        tree = superset_tree()
        one = next(p for p in sorted(tree.rglob("*.py")) if b"flask_cors" in p.read_bytes())
        bench(f"apache-superset {SUPERSET_VERSION}", tree, one, args.runs, args.semgrep_max_files)
    if not args.skip_generated:
        tree = generated_tree(args.generated_files)
        edits = {"a file outside the CORS slice (pkg1/mod1.py)": (tree / "pkg1" / "mod1.py", None),
                 "the app module (app.py)": (tree / "app.py", None),
                 "a module the app imports (pkg0/mod0.py)": (tree / "pkg0" / "mod0.py", None)}
        bench(f"generated tree ({args.generated_files} files)", tree, tree / "app.py", args.runs,
              args.semgrep_max_files, edits, floor_target=args.generated_files >= 100_000)
    counts = [int(n) for n in args.route_counts.split(",") if n.strip()]
    if counts:
        bench_routes(counts, args.route_runs or args.runs)
    print_targets()


if __name__ == "__main__":
    main()
