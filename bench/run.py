"""Benchmark: cors-lint next to ruff (and semgrep when installed) on the same trees.

Builds its corpora reproducibly under bench/.corpora (moto from PyPI at a pinned version, and a
generated tree of N files with one Flask app), then times, as separate processes:
  cors-lint cold and warm (a second run: the OS file cache is warm; cors-lint has no cache yet),
  cors-lint on one file (the pre-commit case, interpreter start included),
  ruff check --select S cold (--no-cache) and warm (with its cache),
  semgrep with a flask-cors rule, when `semgrep` is on PATH.
Prints medians, peak memory (max RSS) and the ratios cors-lint / ruff and semgrep / cors-lint.

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/run.py [--generated-files 10000] [--runs 3] [--skip-moto]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
CORPORA = HERE / ".corpora"
MOTO_VERSION = "5.1.18"
BIN = Path(sys.executable).parent
SEMGREP_RULE = """rules:
  - id: flask-cors-credentials-wildcard
    languages: [python]
    severity: WARNING
    message: credentials with any origin
    pattern-either:
      - pattern: flask_cors.CORS(..., supports_credentials=True, ...)
      - pattern: flask_cors.cross_origin(..., supports_credentials=True, ...)
"""


def moto_tree() -> Path:
    target = CORPORA / f"moto-{MOTO_VERSION}"
    if not target.exists():
        download = CORPORA / "downloads"
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", f"moto=={MOTO_VERSION}",
                        "-d", str(download)], check=True)
        wheel = next(download.glob(f"moto-{MOTO_VERSION}-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target)
        (target / "pyproject.toml").write_text('[project]\nname = "moto-corpus"\n')  # its own project root
    return target


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


def timed(command: list[str], cwd: Path) -> tuple[float, int, int]:
    """(seconds, peak RSS in KiB, exit code) of one process, via GNU time."""
    with tempfile.NamedTemporaryFile("r") as report:
        result = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", report.name, *command], cwd=cwd,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds, peak = report.read().split()[-2:]
    return float(seconds), int(peak), result.returncode


def median_of(command: list[str], cwd: Path, runs: int, before=None) -> tuple[float, int]:
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        seconds, peak, _ = timed(command, cwd)
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def bench(name: str, tree: Path, one_file: Path, runs: int) -> dict[str, tuple[float, int]]:
    cors_lint = [str(BIN / "cors-lint"), "check", str(tree), "--fail-on", "never"]
    results = {
        "cors-lint cold": median_of(cors_lint, tree, runs),
        "cors-lint warm": median_of(cors_lint, tree, runs),
        "cors-lint one file": median_of([str(BIN / "cors-lint"), "check", str(one_file), "--fail-on", "never"],
                                        tree, runs),
    }
    ruff = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")
    if ruff:
        cache = tree / ".ruff_cache"
        results["ruff --select S cold"] = median_of(
            [ruff, "check", "--select", "S", "--no-cache", "--exit-zero", "--quiet", str(tree)], tree, runs)
        subprocess.run([ruff, "check", "--select", "S", "--exit-zero", "--quiet", str(tree)], cwd=tree,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results["ruff --select S warm"] = median_of(
            [ruff, "check", "--select", "S", "--exit-zero", "--quiet", str(tree)], tree, runs)
        shutil.rmtree(cache, ignore_errors=True)
    semgrep = shutil.which("semgrep")
    if semgrep:
        rule = tree.parent / "semgrep-rule.yaml"
        rule.write_text(SEMGREP_RULE)
        results["semgrep"] = median_of([semgrep, "--config", str(rule), "--quiet", "--metrics=off", str(tree)], tree,
                                       runs)
    print(f"\n## {name}: {sum(1 for _ in tree.rglob('*.py'))} Python files\n")
    print("| run | median seconds | peak RSS MiB |\n| --- | ---: | ---: |")
    for label, (seconds, peak) in results.items():
        print(f"| {label} | {seconds:.2f} | {peak / 1024:.0f} |")
    if "ruff --select S cold" in results:
        print(f"\ncors-lint cold / ruff cold: {results['cors-lint cold'][0] / results['ruff --select S cold'][0]:.1f}x; "
              f"cors-lint warm / ruff warm: {results['cors-lint warm'][0] / results['ruff --select S warm'][0]:.1f}x")
    if "semgrep" in results:
        print(f"semgrep / cors-lint cold: {results['semgrep'][0] / results['cors-lint cold'][0]:.1f}x")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated-files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-moto", action="store_true")
    args = parser.parse_args()
    CORPORA.mkdir(exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if not args.skip_moto:
        tree = moto_tree()
        one = next(p for p in sorted(tree.rglob("*.py")) if b"flask_cors" in p.read_bytes())
        bench(f"moto {MOTO_VERSION}", tree, one, args.runs)
    tree = generated_tree(args.generated_files)
    bench(f"generated tree", tree, tree / "app.py", args.runs)


if __name__ == "__main__":
    main()
