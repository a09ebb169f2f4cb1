"""Every file cors-lint reads besides source code is bounded: policies (and what they extend),
``pyproject.toml``, baselines, packaging files and cache entries arrive with the code under
review, so each is read only up to a size and parsed only to a depth and a number of values
(``cors_lint/core/limits.py``). An input over a bound ends the run with exit 2 and
``file:line: message`` within a second, without the memory it would have cost; a cache entry
over its bound is ignored.

Each case runs the real command line in a child process and measures that child alone
(``wait4``): its wall time (interpreter start-up included), its CPU time and its peak RSS. The
wall time is held to a second when the machine is not oversubscribed (load average at most the
number of cores); on a busy machine (the shared development box) the child's CPU time is held to
a second and its wall time to three. The child's address space is capped at 1 GiB, so that a
regression fails these tests instead of exhausting the machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from cors_lint.core import limits

SECONDS = 1.0  # the whole child process, start-up included
PEAK_MIB = 120  # a cors-lint run on a small project peaks at 35-80 MiB
ADDRESS_SPACE = 1 << 30  # the child's cap: a regression dies here instead of taking the machine
HANG_GUARD = 60
MEASURED = Path(__file__).with_name("measured.py")

APP = """from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app, supports_credentials=True)
@app.route("/me")
def me(): return "me"
"""
MiB = 1 << 20


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    cpu_seconds: float
    peak_mib: float

    def __str__(self) -> str:
        return (f"exit {self.code} in {self.seconds:.2f} s ({self.cpu_seconds:.2f} s CPU), peak {self.peak_mib:.0f} MiB"
                f"\n--- stdout\n"
                f"{self.stdout[-2000:]}\n--- stderr\n{self.stderr[-2000:]}")

    __repr__ = __str__  # what pytest shows of a failed assertion


def cors_lint(*args: str, cwd: Path) -> Run:
    """``python -m cors_lint ARGS`` in ``cwd``: what it printed, its exit code, its wall time, CPU
    time and its own peak RSS, measured by ``measured.py`` (``os.wait4`` reports the rusage of
    that child only)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as report:
        subprocess.run([sys.executable, str(MEASURED), str(report.fileno()), str(ADDRESS_SPACE), str(HANG_GUARD),
                        sys.executable, "-m", "cors_lint", *args],
                       cwd=cwd, stdout=out, stderr=err, pass_fds=(report.fileno(),), check=True)
        out.seek(0), err.seek(0), report.seek(0)
        measured = json.load(report)
        return Run(measured["code"], out.read().decode(), err.read().decode(), measured["seconds"],
                   measured["cpu_seconds"], measured["peak_mib"])


def refused(run: Run, where: str, message: str) -> None:
    """Exit 2 with one line: ``where`` (a pattern for ``file:line: ...``), then ``message``;
    fast and small."""
    assert run.code == 2, run
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run
    assert len(run.stderr.strip().splitlines()) == 1, run
    assert re.search(r"^cors-lint: [a-z ]*error: .*" + where + ".*" + re.escape(message), run.stderr), run
    bounded(run)


def bounded(run: Run) -> None:
    """The child's own CPU time and memory are the bounds; its wall time is one too, with room when
    other work shares the cores (a loaded machine, or the suite's other pytest-xdist workers)."""
    busy = os.getloadavg()[0] > (os.cpu_count() or 1) or "PYTEST_XDIST_WORKER" in os.environ
    assert run.cpu_seconds < SECONDS, run
    assert run.seconds < (3 * SECONDS if busy else SECONDS), run
    assert run.peak_mib < PEAK_MIB, run


def test_the_measured_peak_is_the_childs_own_not_this_processs(tmp_path):
    """This process may be large (other tests ran in it); the child's peak must not include it."""
    ballast = bytearray(2 * PEAK_MIB * MiB)
    ballast[::4096] = b"\1" * len(ballast[::4096])  # resident, not only reserved
    run = cors_lint("--version", cwd=tmp_path)
    assert run.code == 0 and run.stdout.startswith("cors-lint "), run
    assert run.peak_mib < PEAK_MIB, run
    del ballast


def project(tmp_path: Path, files: dict[str, str | bytes] | None = None) -> Path:
    (tmp_path / "app.py").write_text(APP)
    for name, content in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return tmp_path


def huge_file(path: Path, head: str, unit: str, size: int, tail: str = "") -> None:
    """A file of ``size`` bytes whose first ``2 * limits.BASELINE_BYTES`` (twice the largest
    bound a file is read to) are ``head`` then ``unit`` repeated, and the rest a hole: the size
    the tool sees and the bytes it may read are the real ones, without writing (and later
    deleting) tens of MiB on the disk for each case. ``tail`` ends the file."""
    real = 2 * limits.BASELINE_BYTES
    with path.open("w") as handle:
        handle.write(head + unit * ((real - len(head)) // len(unit)))
        handle.truncate(size - len(tail))
        handle.seek(size - len(tail))
        handle.write(tail)
    assert path.stat().st_size == size


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# ---------------------------------------------------------------------------- YAML policies
def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """The classic alias bomb: ``width ** levels`` strings from a few hundred bytes."""
    lines = [f"version: 1\nlol0: &lol0 [{', '.join(['lol'] * width)}]"]
    lines += [f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * width)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_billion_laughs_in_the_policy_ends_in_exit_2_within_a_second(tmp_path):
    policy = billion_laughs()
    run = cors_lint("check", ".", cwd=project(tmp_path, {"cors-policy.yaml": policy}))
    # reported where the copy that overdraws the allowance is written: an alias on lol4's line
    refused(run, rf"cors-policy\.yaml:{line_of(policy, 'lol4:')}: \$\.lol4\[", "more than 10,000 values")


def test_billion_laughs_in_a_file_the_policy_extends(tmp_path):
    files = {"cors-policy.yaml": "version: 1\nextends: [recommended, team/base.yaml]\n",
             "team/base.yaml": billion_laughs()}
    run = cors_lint("check", ".", cwd=project(tmp_path, files))
    refused(run, rf"team/base\.yaml:{line_of(billion_laughs(), 'lol4:')}: \$\.lol4\[", "more than 10,000 values")


def test_the_values_allowance_is_shared_with_the_files_a_policy_extends(tmp_path):
    """Two files of 6,000 values each: each fits alone, together they do not. With the cache the
    first is read back from the policy memo, and still spends its values: same answer twice."""
    many = "version: 1\nroutes:\n" + "".join(f'  - {{path: "/r{i}/**", cors: forbidden}}\n' for i in range(1200))
    files = {"cors-policy.yaml": "version: 1\nextends: [a.yaml, b.yaml]\n", "a.yaml": many, "b.yaml": many}
    directory = project(tmp_path, files)
    for attempt in range(2):
        run = cors_lint("check", ".", cwd=directory)
        refused(run, r"/b\.yaml:\d+: ", "more than 10,000 values (a policy and the files it extends may hold 10,000")
    assert cors_lint("validate-policy", "a.yaml", cwd=directory).code == 0


def test_quadratic_blowup_with_long_alias_lists(tmp_path):
    """2,000 items named 2,000 times: 4 million values from 20 KB, no nesting needed."""
    policy = ("version: 1\nitems: &items [" + ", ".join(["x"] * 2000) + "]\n"
              "copies: [" + ", ".join(["*items"] * 2000) + "]\n")
    run = cors_lint("check", ".", cwd=project(tmp_path, {"cors-policy.yaml": policy}))
    refused(run, r"cors-policy\.yaml:3: \$\.copies\[\d+\]\[\d+\]: ", "more than 10,000 values")


def test_many_small_values_stop_while_the_yaml_is_composed(tmp_path):
    """100,000 values in 200 KB, no alias: PyYAML's pure-Python composer would take about 3 s
    before the values could be counted; it is stopped at the 10,001st."""
    policy = "version: 1\nroutes: [" + "1," * 100_000 + "1]\n"
    run = cors_lint("check", ".", cwd=project(tmp_path, {"cors-policy.yaml": policy}))
    refused(run, r"cors-policy\.yaml:2: ", "more than 10,000 values")


@pytest.mark.parametrize("shape", ["flow", "block", "mapping"])
def test_deeply_nested_policy(tmp_path, shape):
    depth = 50_000  # (200 KB of "{a: ": under the size bound)
    policy = {"flow": "version: 1\nx: " + "[" * depth + "]" * depth + "\n",
              "block": "version: 1\nx:\n" + "- " * depth + "x\n",
              "mapping": "version: 1\nx: " + "{a: " * depth + "1" + "}" * depth + "\n"}[shape]
    run = cors_lint("check", ".", cwd=project(tmp_path, {"cors-policy.yaml": policy}))
    line = 3 if shape == "block" else 2
    refused(run, rf"cors-policy\.yaml:{line}: ", f"nested more than {limits.YAML_DEPTH} levels deep")


def test_aliases_cannot_nest_deeper_than_the_text_does(tmp_path):
    """Each anchor nests 40 levels and names the one before inside its innermost level: the text
    stays 40 deep, the copies do not. A self-referencing anchor is the same case, forever."""
    lines = ["version: 1", "a0: &a0 " + "[" * 40 + "x" + "]" * 40]
    lines += [f"a{i}: &a{i} " + "[" * 40 + f"*a{i - 1}" + "]" * 40 for i in range(1, 6)]
    run = cors_lint("check", ".", cwd=project(tmp_path, {"cors-policy.yaml": "\n".join(lines) + "\n"}))
    refused(run, r"cors-policy\.yaml:3: \$\.a1(\[0\])+: ", f"nested more than {limits.YAML_DEPTH} levels deep")
    run = cors_lint("check", ".", cwd=project(tmp_path, {"cors-policy.yaml": "version: 1\nloop: &loop [*loop]\n"}))
    refused(run, r"cors-policy\.yaml:2: \$\.loop(\[0\])+: ", "nested more than")


@pytest.mark.parametrize("filler", ["comments", "blank lines"])
def test_a_50_mib_policy_is_refused_before_it_is_read(tmp_path, filler):
    line = "# " + "x" * 77 + "\n" if filler == "comments" else "\n"
    huge_file(tmp_path / "cors-policy.yaml", "version: 1\n", line, 50 * MiB)
    run = cors_lint("check", ".", cwd=project(tmp_path))
    refused(run, r"cors-policy\.yaml:1: ", "policy too large (50.0 MiB; at most 256 KiB is read)")


def test_policy_files_extended_together_share_the_size_bound(tmp_path):
    big = "version: 1\n" + ("# " + "x" * 77 + "\n") * (200 * 1024 // 80)  # 200 KiB: fits alone
    files = {"cors-policy.yaml": "version: 1\nextends: [a.yaml, b.yaml]\n", "a.yaml": big, "b.yaml": big}
    run = cors_lint("check", ".", cwd=project(tmp_path, files))
    refused(run, r"/b\.yaml:1: ", "policy too large: with the files extended before it, more than 256 KiB")


def test_extends_cannot_read_the_same_files_over_and_over(tmp_path):
    """Each file extends the next one twice: a chain 12 files long, but 2 ** 11 reads; stopped
    at the 16th."""
    files = {f"p{i}.yaml": f"version: 1\nextends: [p{i + 1}.yaml, p{i + 1}.yaml]\n" for i in range(10)}
    files["p10.yaml"] = "version: 1\n"
    files["cors-policy.yaml"] = "version: 1\nextends: [p0.yaml]\n"
    run = cors_lint("check", ".", cwd=project(tmp_path, files))
    refused(run, r"/p\d\.yaml:2: \$\.extends: ", f"more than {limits.POLICY_FILES} policy files to read")


def test_yaml_numbers_and_keys_that_cost_quadratic_time_or_memory(tmp_path):
    # YAML 1.1 base-60 integer: 100,000 parts took 6 s to convert
    run = cors_lint("check", ".", cwd=project(tmp_path, {"cors-policy.yaml": "version: 1\nx: 1" + ":1" * 100_000}))
    refused(run, r"cors-policy\.yaml:2: \$\.x: ", f"a number longer than {limits.YAML_NUMBER_CHARS} characters")
    # a 200 KB key (an explicit one: implicit keys stop at 1,024 characters) above 9,000 values:
    # each value's JSON path would copy the key, 1.8 GB in all
    policy = "version: 1\n? " + "k" * 200_000 + "\n: [" + ", ".join(["x"] * 9_000) + "]\n"
    run = cors_lint("check", ".", cwd=project(tmp_path, {"cors-policy.yaml": policy}))
    refused(run, r"cors-policy\.yaml:2: \$\.k{58}\.\.\.: ",  # the key's line
            f"a JSON path longer than {limits.YAML_PATH_CHARS} characters")


def test_a_policy_that_is_a_fifo_is_refused_not_waited_on(tmp_path):
    os.mkfifo(project(tmp_path) / "team-policy.yaml")
    run = cors_lint("check", ".", "--policy", "team-policy.yaml", cwd=tmp_path)
    assert run.code == 2 and "cannot read policy: not a regular file" in run.stderr, run
    bounded(run)


def test_validate_policy_has_the_same_bounds(tmp_path):
    """The pre-commit hook for policies: an invalid policy is exit 1 there, and is reported the
    same way, as fast."""
    directory = project(tmp_path, {"bomb.yaml": billion_laughs(), "deep.yaml": "x: " + "[" * 100_000 + "\n"})
    run = cors_lint("validate-policy", "bomb.yaml", "deep.yaml", cwd=directory)
    assert run.code == 1, run
    assert re.search(r"^bomb\.yaml:\d+: \$\.lol\d[^ ]*: more than 10,000 values", run.stdout, re.MULTILINE), run
    assert re.search(r"^deep\.yaml:1: nested more than 64 levels deep", run.stdout, re.MULTILINE), run
    bounded(run)


# ---------------------------------------------------------------------------- pyproject.toml
@pytest.mark.parametrize("nesting", ["arrays", "inline tables"])
def test_deeply_nested_pyproject(tmp_path, nesting):
    value = "[" * 50_000 + "]" * 50_000 if nesting == "arrays" else "{a = " * 40_000 + "1" + "}" * 10_000
    pyproject = f'[project]\nname = "shop"\n\n[tool.cors-lint]\nfail-on = "error"\nexclude = {value}\n'
    run = cors_lint("check", ".", cwd=project(tmp_path, {"pyproject.toml": pyproject}))
    refused(run, r"pyproject\.toml:6: ", "cannot read [tool.cors-lint]: arrays or inline tables nested too deeply")


def test_a_huge_pyproject_is_refused_before_it_is_read(tmp_path):
    huge_file(project(tmp_path) / "pyproject.toml", '[tool.cors-lint]\nexclude = [\n', '  "migrations/**",\n',
              40 * MiB, tail="]\n")
    run = cors_lint("check", ".", cwd=tmp_path)
    refused(run, r"pyproject\.toml:1: ", "settings file too large (40.0 MiB; at most 256 KiB is read)")


# ---------------------------------------------------------------------------- baselines
def without_cors(tmp_path: Path) -> Path:
    """A project in ``src/`` with nothing to parse: the baseline is read after the analysis."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "notes.py").write_text("NOTES = []\n")
    return tmp_path


def test_deeply_nested_baseline(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "baseline.json").write_text('{"schema_version": 1,\n "findings": ' + deep + "}")
    run = cors_lint("check", "src", "--baseline", "baseline.json", cwd=without_cors(tmp_path))
    refused(run, r"baseline\.json:2: ", "not a cors-lint baseline: nested too deeply")


def test_a_huge_baseline_is_refused_before_it_is_read(tmp_path):
    entry = json.dumps({"fingerprint": "0" * 20, "rule_id": "CORS001", "file": "app.py", "environment": "production",
                        "message": "x" * 200})
    huge_file(tmp_path / "baseline.json", '{"schema_version": 1, "findings": [\n', entry + ",\n", 60 * MiB,
              tail=entry + "]}\n")
    run = cors_lint("check", "src", "--baseline", "baseline.json", cwd=without_cors(tmp_path))
    refused(run, r"baseline\.json:1: ", "baseline too large (60.0 MiB; at most 4.0 MiB is read)")


# ---------------------------------------------------------------------------- packaging files
@pytest.mark.parametrize("name", ["requirements.txt", "poetry.lock", "Pipfile.lock", "uv.lock", "setup.cfg"])
def test_a_huge_packaging_file_beside_the_app_is_refused(tmp_path, name):
    unit = "requests==2.31.0\n" if name.endswith(".txt") else '[[package]]\nname = "requests"\n'
    huge_file(project(tmp_path) / name, "", unit, 50 * MiB)
    run = cors_lint("check", ".", cwd=tmp_path)
    refused(run, rf"{re.escape(name)}:1: ", "packaging file too large")


def test_packaging_files_share_their_size_bound(tmp_path):
    files = {f"requirements-{i}.txt": "requests==2.31.0\n" * (2 * MiB // 17) for i in range(4)}  # 2 MiB each
    run = cors_lint("check", ".", cwd=project(tmp_path, files))
    refused(run, r"requirements-2\.txt:1: ", "packaging files too large: with the ones read before it, more than 5 MiB")


ALMOST = limits.PACKAGING_BYTES - 1024


@pytest.mark.parametrize("name, unit", [
    ("requirements.txt", "flask-cors["),  # an extras list that never closes, from every `flask-cors`
    ("requirements.txt", "flask-cors" + " " * 5000 + "\n"),  # whitespace that could be split two ways
    ("poetry.lock", "\n"),  # `^\s*name` rescanned every run of blank lines from each of its lines
    ("poetry.lock", 'name = "flask-cors"\n'),  # names with no version after them
    ("Pipfile.lock", '"flask-cors": {'),  # entries that never close
])
def test_packaging_files_within_the_bound_are_scanned_in_linear_time(tmp_path, name, unit):
    """Just under the size bound, files on which the pin patterns took more than 10 s per MiB."""
    files = {name: (unit * (ALMOST // len(unit) + 1))[:ALMOST]}
    run = cors_lint("check", ".", "--format", "json", "--no-cache", cwd=project(tmp_path, files))
    assert run.code == 1 and "CORS001" in run.stdout, run
    assert run.peak_mib < PEAK_MIB, run
    assert run.seconds < 3 * SECONDS, run  # a full run: libcst parses the app (about 1 s alone)


def test_packaging_files_are_not_larger_than_what_the_cache_can_hash():
    """The result cache hashes pin files through the source reader; a pin file it could not hash
    could change without the cache seeing it."""
    from cors_lint.engine.source.project import MAX_FILE_BYTES

    assert limits.PACKAGING_BYTES <= MAX_FILE_BYTES


# ---------------------------------------------------------------------------- the cache
def test_huge_or_garbage_cache_entries_are_ignored_at_no_cost(tmp_path):
    """A committed .cors-lint-cache/ can hold anything: a 4 GiB stat memo, a result of 8 MiB
    without a newline, a policy memo whose envelope is nested 1,000 deep. Each is ignored (the run
    answers as without a cache) without being read into memory; the run needs nothing parsed, so
    it is fast."""
    directory = project(tmp_path)
    (directory / "app.py").write_text("# nothing that can affect CORS\nVALUE = 1\n")
    reference = cors_lint("check", ".", "--no-cache", cwd=directory)
    assert reference.code == 0, reference
    cors_lint("check", ".", cwd=directory)
    cache = directory / ".cors-lint-cache"
    entries = [cache / "files.json", *sorted((cache / "results").glob("*.json")),
               *sorted((cache / "policies").glob("*.json"))]
    assert len(entries) == 3, entries
    with entries[0].open("wb") as handle:
        handle.truncate(4 << 30)  # sparse: costs no disk
    entries[1].write_bytes(b"[" * (8 * MiB))  # no newline: no envelope
    entries[2].write_bytes(b"[" * 1_000 + b"\n" + b"{" * 100_000)  # deeper than the JSON decoder's recursion
    run = cors_lint("check", ".", cwd=directory)
    assert run.code == 0 and run.stdout == reference.stdout, run
    bounded(run)
