"""Benchmark: cors-lint next to ruff (and semgrep when installed) on the same trees.

Builds its corpora reproducibly under bench/.corpora: moto and apache-superset from PyPI at
pinned versions (their Python files only), and a generated tree of N files with one Flask app.
Then times, each as a separate process (interpreter start included), the median of --runs:
  cors-lint cold (its cache removed before each run) and warm (cache filled, tree unchanged),
  cors-lint on one file, the pre-commit case, cold and warm,
  ruff check --select S, cold (--no-cache) and warm (with its cache),
  semgrep with a flask-cors rule, when `semgrep` is on PATH or in bench/.semgrep/bin,
and, in-process, the I/O floor: walking the tree, reading every file and searching its bytes.
Prints medians, peak memory (max RSS, GNU time) and the ratios cors-lint / ruff and semgrep /
cors-lint.

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/run.py [--generated-files 100000] [--runs 3] [--skip-moto] [--skip-superset]

semgrep is large; to include it: python3 -m venv bench/.semgrep && bench/.semgrep/bin/pip install semgrep
"""

from __future__ import annotations

import argparse
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
    """(seconds, peak RSS in KiB) of one process, via GNU time."""
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", report.name, *command], cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds, peak = report.read().split()[-2:]
    return float(seconds), int(peak)


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
    from cors_lint.engine.project import is_relevant

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


def bench(name: str, tree: Path, one_file: Path, runs: int, semgrep_max_files: int) -> None:
    def clear_cache() -> None:
        shutil.rmtree(tree / CACHE, ignore_errors=True)

    cors_lint = [str(BIN / "cors-lint"), "check", str(tree), "--fail-on", "never"]
    single = [str(BIN / "cors-lint"), "check", str(one_file), "--fail-on", "never"]
    results = {"cors-lint cold": median_of(cors_lint, tree, runs, clear_cache)}
    results["cors-lint warm (cache)"] = median_of(cors_lint, tree, runs)
    results["cors-lint one file, cold"] = median_of(single, tree, runs, clear_cache)
    subprocess.run(single, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results["cors-lint one file, warm"] = median_of(single, tree, runs)
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
    if "ruff --select S cold" in results:
        print(f"cors-lint cold / ruff cold: {cold / results['ruff --select S cold'][0]:.1f}x; "
              f"cors-lint warm / ruff warm: "
              f"{results['cors-lint warm (cache)'][0] / results['ruff --select S warm (cache)'][0]:.1f}x")
    if "semgrep (flask-cors rule)" in results:
        print(f"semgrep / cors-lint cold: {results['semgrep (flask-cors rule)'][0] / cold:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated-files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument("--skip-superset", action="store_true")
    parser.add_argument("--semgrep-max-files", type=int, default=20_000,
                        help="skip semgrep on larger trees (it takes minutes)")
    args = parser.parse_args()
    CORPORA.mkdir(exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {sys.platform}")
    if not args.skip_moto:
        tree = moto_tree()
        one = next(p for p in sorted(tree.rglob("*.py")) if b"flask_cors" in p.read_bytes())
        bench(f"moto {MOTO_VERSION}", tree, one, args.runs, args.semgrep_max_files)
    if not args.skip_superset:
        tree = superset_tree()
        one = next(p for p in sorted(tree.rglob("*.py")) if b"flask_cors" in p.read_bytes())
        bench(f"apache-superset {SUPERSET_VERSION}", tree, one, args.runs, args.semgrep_max_files)
    tree = generated_tree(args.generated_files)
    bench(f"generated tree ({args.generated_files} files)", tree, tree / "app.py", args.runs,
          args.semgrep_max_files)


if __name__ == "__main__":
    main()
