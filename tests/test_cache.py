"""The result cache: same output with and without it, invalidated by every change that matters,
kept by changes that cannot matter, safe with concurrent runs, never trusted when corrupt.

A cache hit is a run that does not analyse (``checker._check`` is not called); that such a run
does not even import libcst is test_lazy_imports' part. Each run is the command in this
process, in the environment of the "machine" it stands for (its HOME: its own machine key),
but where the guarantee is about processes (concurrent runs, a fresh install).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import counting, environment, run_in_process

from cors_lint.check import checker

FIXTURE = Path(__file__).parent.parent / "fixtures" / "example_app"
PROBE = """
import sys
from cors_lint.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
sys.stderr.write("\\nPARSED=%s EXIT=%s\\n" % ("libcst" in sys.modules, code))
"""


def lint(project: Path, *options: str, expect_exit: int = 1, env: dict[str, str] | None = None,
         cwd: Path | None = None, process: bool = False) -> tuple[str, bool]:
    """(stdout, whether the run analysed the project), once the run exited as expected and
    reported findings (exit 1: rule ids in any format) or a clean summary (exit 0, text).
    ``env``: the whole environment of the run; ``process``: run it as its own process (then
    "analysed" means it imported libcst)."""
    if process:
        result = subprocess.run([sys.executable, "-c", PROBE, "check", str(project), *options], capture_output=True,
                                text=True, timeout=300, env=env, cwd=cwd)
        marker = result.stderr.strip().splitlines()[-1]
        assert marker.startswith("PARSED=") and marker.endswith(f" EXIT={expect_exit}"), result.stderr
        stdout, stderr, analysed = result.stdout, result.stderr, "PARSED=True" in marker
    else:
        with environment(env), counting(checker, "_check") as calls:
            result = run_in_process("check", str(project), *options, cwd=cwd)
        assert result.returncode == expect_exit, (result.returncode, result.stdout, result.stderr)
        stdout, stderr, analysed = result.stdout, result.stderr, bool(calls)
    assert "Traceback" not in stderr, stderr
    if expect_exit == 1:
        assert re.search(r"\bCORS0\d\d\b", stdout), stdout
    else:
        assert re.search(r"^0 findings \(.* 0 files not analysed; policy ", stdout, re.M), stdout
    return stdout, analysed


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "example_app"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns(".cors-lint-cache"))
    (copy / "shop" / "notes.py").write_text('"""Release notes helper: nothing to do with the web."""\nNOTES = []\n')
    return copy


def uncached(project: Path, *options: str, expect_exit: int = 1) -> str:
    return lint(project, "--no-cache", *options, expect_exit=expect_exit)[0]


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit"])
def test_output_is_identical_with_and_without_cache(project, output_format):
    reference = uncached(project, "--format", output_format)
    cold, cold_parsed = lint(project, "--format", output_format)
    warm, warm_parsed = lint(project, "--format", output_format)
    assert cold == warm == reference
    assert cold_parsed and not warm_parsed
    assert (project / ".cors-lint-cache" / "CACHEDIR.TAG").is_file()


def test_no_cache_neither_reads_nor_writes(project):
    lint(project, "--no-cache")
    assert not (project / ".cors-lint-cache").exists()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    stamp = path.stat().st_mtime_ns - 10 * 10**9  # an old timestamp: the stat memo must not be fooled by it
    os.utime(path, ns=(stamp, stamp))


def test_a_change_to_the_cors_setup_is_seen(project):
    lint(project)
    edit(project / "shop" / "__init__.py", "supports_credentials", "supports_credentials=False, _x")
    after, parsed = lint(project)
    assert parsed and after == uncached(project)


def test_a_change_to_an_imported_constant_is_seen(tmp_path):
    (tmp_path / "app.py").write_text("from flask import Flask\nfrom flask_cors import CORS\nfrom partners import ORIGINS\n"
                                     "app = Flask(__name__)\nCORS(app, origins=ORIGINS, supports_credentials=True)\n"
                                     "@app.route('/me')\ndef me(): return 'me'\n")
    (tmp_path / "partners.py").write_text("ORIGINS = ['https://partner.example']\n")  # no marker of its own
    before, _ = lint(tmp_path, expect_exit=0)  # an exact origin: clean
    edit(tmp_path / "partners.py", "'https://partner.example'", "r'https://.*\\.partner\\.example'")
    after, parsed = lint(tmp_path)
    assert parsed and after == uncached(tmp_path) != before
    assert "CORS002" in after  # the new regex accepts `https://app.partner.example.evil.example`


def test_a_source_root_that_makes_a_namespace_package_is_seen(tmp_path):
    """A `pyproject.toml` added beside a folder without `__init__.py` makes that folder a
    namespace package (a monorepo's `src/core/shop/...`): the modules it names change."""
    core, web = tmp_path / "src" / "shop-core", tmp_path / "src" / "shop-web"
    (core / "shop" / "_core").mkdir(parents=True)
    (web / "shop" / "_web").mkdir(parents=True)
    (core / "shop" / "_core" / "__init__.py").write_text("")
    (core / "shop" / "_core" / "origins.py").write_text("ORIGINS = '*'\n")
    (web / "pyproject.toml").write_text("[project]\nname = 'web'\n")
    (web / "shop" / "_web" / "__init__.py").write_text("")
    (web / "shop" / "_web" / "app.py").write_text(
        "from flask import Flask\nfrom flask_cors import CORS\nfrom shop._core.origins import ORIGINS\n"
        "app = Flask(__name__)\nCORS(app, origins=ORIGINS, supports_credentials=True)\n")
    before, _ = lint(tmp_path, "--fail-on", "note")  # `ORIGINS` cannot be known: a note
    (core / "pyproject.toml").write_text("[project]\nname = 'core'\n")
    after, parsed = lint(tmp_path, "--fail-on", "note")
    assert parsed and after == uncached(tmp_path, "--fail-on", "note") != before
    assert "CORS001" in after and "CORS001" not in before and "CORS027" in before


def test_a_change_to_unrelated_code_keeps_the_result(project):
    before, _ = lint(project)
    edit(project / "shop" / "notes.py", "NOTES = []", "NOTES = ['2.0: faster']")
    after, parsed = lint(project)
    assert not parsed and after == before == uncached(project)


def test_new_files_and_suppression_comments_are_seen(project):
    lint(project)
    (project / "shop" / "notes.py").write_text("# cors-lint: ignore[CORS001] reason=\"nothing here\"\nNOTES = []\n")
    after, parsed = lint(project)
    assert parsed and after == uncached(project)
    (project / "extra.py").write_text("from flask import Flask\nfrom flask_cors import CORS\n"
                                      "other = Flask(__name__)\nCORS(other, origins='null')\n")
    after, parsed = lint(project)
    assert parsed and "extra.py" in after and after == uncached(project)


def test_a_change_within_the_timestamp_tick_is_seen(project):
    lint(project)
    app = project / "shop" / "__init__.py"
    info = app.stat()
    text = app.read_text()
    changed = text.replace("supports_credentials=True", "supports_credentials=1   ")
    assert changed != text and len(changed) == len(text)
    app.write_text(changed)
    os.utime(app, ns=(info.st_atime_ns, info.st_mtime_ns))  # same size, same mtime: only the content differs
    after, parsed = lint(project)
    assert parsed and after == uncached(project)


def test_policy_and_options_are_part_of_the_key(project):
    default, _ = lint(project)
    strict, parsed = lint(project, "--policy", "strict")
    assert parsed and strict == uncached(project, "--policy", "strict") != default
    one_env, _ = lint(project, "--env", "production")
    assert one_env == uncached(project, "--env", "production")


@pytest.mark.parametrize("damage", ["truncate", "garble", "wrong-type", "directory"])
def test_a_corrupt_cache_is_ignored_and_rewritten(project, damage):
    reference = uncached(project)
    lint(project)
    cache = project / ".cors-lint-cache"
    for stored in [cache / "files.json", *sorted((cache / "results").glob("*.json"))]:
        data = stored.read_bytes()
        if damage == "truncate":
            stored.write_bytes(data[: len(data) // 2])
        elif damage == "garble":
            stored.write_bytes(data.replace(b"CORS", b"XXXX"))
        elif damage == "wrong-type":
            stored.write_text(json.dumps([1, 2, 3]))
        else:
            stored.unlink()
            stored.mkdir()
    output, parsed = lint(project)
    assert parsed and output == reference
    if damage != "directory":
        again, parsed = lint(project)
        assert not parsed and again == reference  # rewritten


def test_a_cache_that_cannot_be_written_is_not_used(project):
    (project / ".cors-lint-cache").write_text("not a directory")
    reference = uncached(project)
    assert lint(project) == (reference, True)
    assert lint(project) == (reference, True)


def test_concurrent_runs_agree_and_leave_a_valid_cache(project):
    reference = uncached(project, "--format", "json")
    runs = [subprocess.Popen([sys.executable, "-m", "cors_lint", "check", str(project), "--format", "json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    outputs = [(*run.communicate(timeout=300), run.returncode) for run in runs]
    assert all(stdout == reference and "Traceback" not in stderr and code == 1 for stdout, stderr, code in outputs)
    output, parsed = lint(project, "--format", "json")
    assert not parsed and output == reference
    leftovers = [p.name for p in (project / ".cors-lint-cache").rglob("*.tmp")]
    assert leftovers == []
    # the trees the six runs wrote over each other are whole: a run that must read them agrees
    assert len(list((project / ".cors-lint-cache" / "trees").glob("*.pickle"))) >= 4
    shutil.rmtree(project / ".cors-lint-cache" / "results")
    assert lint(project, "--format", "json")[0] == reference


def test_a_committed_cache_from_elsewhere_is_not_trusted(project, tmp_path):
    """A pull request could commit .cors-lint-cache/ with a forged clean result; entries are
    signed with a key that never leaves the machine (here: another machine's key)."""
    reference = uncached(project)
    lint(project)
    for stored in (project / ".cors-lint-cache" / "results").glob("*.json"):
        header, body = stored.read_text().split("\n", 1)
        document = json.loads(body)
        document["result"]["findings"] = []  # the forgery: nothing to see here
        body = json.dumps(document, sort_keys=True, separators=(",", ":"))
        envelope = {**json.loads(header), "checksum": hashlib.sha256(body.encode()).hexdigest()}  # a plain checksum
        stored.write_text(json.dumps(envelope) + "\n" + body)
    assert lint(project) == (reference, True)
    other_machine = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "elsewhere"))
    assert lint(project, env=other_machine) == (reference, True)  # signed by another key: not used


def test_without_a_place_for_the_machine_key_the_cache_is_simply_not_reused(project, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    environment = dict(os.environ, XDG_CACHE_HOME=str(blocker))
    outputs = [lint(project, env=environment, process=True) for _ in range(2)]  # a key per process
    assert all(parsed for _, parsed in outputs)
    assert outputs[0][0] == outputs[1][0] == uncached(project)


# ---------------------------------------------------------------------------------------------
# The cache in CI: a key from a CI secret, a cache directory outside the checkout.
# Each "machine" is its own HOME / XDG_CACHE_HOME (so its own machine key); a "fresh checkout"
# replaces the project's files (new inodes and ctimes) at the same path, as a CI job does.

KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0" * 2  # what `openssl rand -hex 32` gives
OTHER_KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90" * 2
ATTACKER_KEY = "the pull request's author chose this key, 40+ chars"


def machine(tmp_path: Path, name: str, **variables: str) -> dict[str, str]:
    home = tmp_path / "machines" / name
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CORS_LINT_CACHE_")}
    environment.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), **variables)
    return environment


def checkout(project: Path) -> Path:
    """A fresh checkout of the example project at ``project`` (what the ``project`` fixture makes)."""
    keep = project.parent / "restored-cache"
    if (project / ".cors-lint-cache").exists():
        (project / ".cors-lint-cache").rename(keep)  # a CI cache action restores it afterwards
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns(".cors-lint-cache"))
    (project / "shop" / "notes.py").write_text('"""Release notes helper: nothing to do with the web."""\nNOTES = []\n')
    if keep.exists():
        keep.rename(project / ".cors-lint-cache")
    return project


def tree_state(root: Path) -> dict[str, bytes | None]:
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None) for p in root.rglob("*")}


@pytest.mark.parametrize("where", ["in the project", "outside the checkout"])
def test_a_shared_key_lets_another_machine_reuse_the_cache(project, tmp_path, where):
    reference = uncached(project)
    options = ("--cache-dir", str(tmp_path / "ci-cache")) if where == "outside the checkout" else ()
    assert lint(project, *options, env=machine(tmp_path, "runner-1", CORS_LINT_CACHE_KEY=KEY)) == (reference, True)
    checkout(project)  # the next job: another runner, a fresh checkout, the cache restored
    assert lint(project, *options, env=machine(tmp_path, "runner-2", CORS_LINT_CACHE_KEY=KEY)) == (reference, False)
    assert lint(project, *options, "--format", "json", env=machine(tmp_path, "runner-3", CORS_LINT_CACHE_KEY=KEY)
                ) == (uncached(project, "--format", "json"), False)  # same bytes as uncached, in any format
    assert list((tmp_path / "machines").rglob("key")) == []  # the shared key is never written down


@pytest.mark.parametrize("first, second", [
    ({"CORS_LINT_CACHE_KEY": KEY}, {"CORS_LINT_CACHE_KEY": OTHER_KEY}),  # another secret
    ({"CORS_LINT_CACHE_KEY": KEY}, {"CORS_LINT_CACHE_KEY": ""}),  # a fork's pull request: its secret is empty
    ({"CORS_LINT_CACHE_KEY": KEY}, {}),
    ({}, {}),  # no key at all: each runner's own random key
], ids=["other-key", "empty-key", "no-key", "no-key-either-time"])
def test_without_the_same_key_a_restored_cache_is_not_reused_and_nothing_fails(project, tmp_path, first, second):
    reference = uncached(project)
    options = ("--cache-dir", str(tmp_path / "ci-cache"))
    assert lint(project, *options, env=machine(tmp_path, "runner-1", **first)) == (reference, True)
    checkout(project)
    assert lint(project, *options, env=machine(tmp_path, "runner-2", **second)) == (reference, True)
    assert lint(project, *options, env=machine(tmp_path, "runner-2", **second)) == (reference, False)  # its own


@pytest.mark.parametrize("how", ["--cache-dir", "CORS_LINT_CACHE_DIR", "CORS_LINT_CACHE_DIR with ~"])
def test_a_cache_directory_elsewhere_leaves_the_project_tree_untouched(project, tmp_path, how):
    before = tree_state(project)
    home = tmp_path / "machines" / "runner-1"
    if how == "--cache-dir":
        options, environment, cache = ("--cache-dir", str(tmp_path / "ci-cache")), {}, tmp_path / "ci-cache"
    elif how == "CORS_LINT_CACHE_DIR":
        options, environment, cache = (), {"CORS_LINT_CACHE_DIR": str(tmp_path / "ci-cache")}, tmp_path / "ci-cache"
    else:
        options, environment, cache = (), {"CORS_LINT_CACHE_DIR": "~/ci-cache"}, home / "ci-cache"
    runner = machine(tmp_path, "runner-1", CORS_LINT_CACHE_KEY=KEY, **environment)
    reference = uncached(project)
    assert lint(project, *options, env=runner) == (reference, True)
    assert lint(project, *options, env=runner) == (reference, False)
    assert tree_state(project) == before  # not a .cors-lint-cache/, not a policy memo
    assert list(cache.glob("*/.cors-lint-cache/results/*.json")) and list(cache.glob("*/.cors-lint-cache/policies/*"))


def sign(body: str, environment: dict[str, str]) -> str:
    """The checksum cors-lint itself computes for ``body`` under ``environment``'s key."""
    program = "import sys\nfrom cors_lint.core.store import _checksum\nprint(_checksum(sys.stdin.buffer.read()))"
    return subprocess.run([sys.executable, "-c", program], input=body, capture_output=True, text=True,
                          env=environment, check=True).stdout.strip()


def forge(cache: Path, signer: dict[str, str]) -> None:
    """Rewrite every stored result as a clean one, signed with ``signer``'s key."""
    entries = sorted((cache / "results").glob("*.json"))
    assert entries
    for stored in entries:
        header, body = stored.read_text().split("\n", 1)
        document = json.loads(body)
        document["result"]["findings"] = []  # the forgery: nothing to see here
        body = json.dumps(document, sort_keys=True, separators=(",", ":"))
        stored.write_text(json.dumps({**json.loads(header), "checksum": sign(body, signer)}) + "\n" + body)


@pytest.mark.parametrize("mode, signed_with", [
    ("machine key", "attacker's key"),
    ("shared key", "attacker's key"),
    ("machine key, cache dir outside", "attacker's key"),
    ("shared key, cache dir outside", "attacker's key"),
    ("shared key, cache dir outside", "the shared key"),  # a leaked or replayed entry: not even read
    ("shared key, cache dir inside the checkout", "attacker's key"),  # GitLab caches only paths in the project
])
def test_a_forged_cache_committed_with_the_code_is_ignored_in_every_mode(project, tmp_path, mode, signed_with):
    """A pull request commits a cache holding a clean result for its own code: entries that
    verify with a key its author can choose (their own CORS_LINT_CACHE_KEY), planted where the
    run looks (``.cors-lint-cache/``, or the cache directory when GitLab makes it live in the
    checkout). With the cache directory outside, the project's ``.cors-lint-cache/`` is not even
    read: an entry signed with the real key (leaked, or replayed from another run) is ignored too."""
    reference = uncached(project)
    inside = project / "ci-cache"
    options = {"machine key": (), "shared key": (), "shared key, cache dir inside the checkout": ("--cache-dir", str(inside))
               }.get(mode, ("--cache-dir", str(tmp_path / "ci-cache")))
    plant = ("--cache-dir", str(inside)) if "inside" in mode else ()
    attacker = machine(tmp_path, "attacker", CORS_LINT_CACHE_KEY=ATTACKER_KEY)
    signer = machine(tmp_path, "signer", CORS_LINT_CACHE_KEY=KEY) if signed_with == "the shared key" else attacker
    lint(project, *plant, env=attacker)
    planted = inside / next(inside.iterdir()).name / ".cors-lint-cache" if plant else project / ".cors-lint-cache"
    forge(planted, signer)
    assert lint(project, *plant, env=signer, expect_exit=0)[1] is False  # a working forgery where it is planted
    victim = machine(tmp_path, "victim", **({"CORS_LINT_CACHE_KEY": KEY} if "shared" in mode else {}))
    assert lint(project, *options, env=victim) == (reference, True)


@pytest.mark.parametrize("key", ["short", "x" * 31, " " * 8 + "y" * 31 + "\n"])
def test_a_key_too_short_to_sign_is_refused_before_anything_is_read_or_written(project, tmp_path, key):
    runner = machine(tmp_path, "runner-1", CORS_LINT_CACHE_KEY=key)
    before = tree_state(project)
    for options in [(), ("--cache-dir", str(tmp_path / "ci-cache"))]:
        result = subprocess.run([sys.executable, "-m", "cors_lint", "check", str(project), *options],
                                capture_output=True, text=True, timeout=300, env=runner)
        assert result.returncode == 2 and result.stdout == "", result
        assert re.fullmatch(r"cors-lint: error: \$CORS_LINT_CACHE_KEY has \d+ characters, fewer than the 32 .*\n",
                            result.stderr), result.stderr
    assert tree_state(project) == before and not (tmp_path / "ci-cache").exists()
    assert not (tmp_path / "machines").exists() or list((tmp_path / "machines").rglob("key")) == []
    assert lint(project, "--no-cache", env=runner)[0] == uncached(project)  # no cache, no key needed


def test_a_fresh_install_of_the_same_release_reuses_the_cache(project, tmp_path):
    """pip gives every installed file the time of installation: the tool's fingerprint must not
    depend on it (a CI runner installs cors-lint afresh), only on what the files hold."""
    import cors_lint.schemas

    package = Path(cors_lint.__file__).parent
    schemas = Path(cors_lint.schemas.__file__).parent  # a development install maps it from the checkout
    installs = []
    for index in (1, 2):
        target = tmp_path / f"install-{index}"
        shutil.copytree(package, target / "cors_lint", copy_function=shutil.copy,
                        ignore=shutil.ignore_patterns("__pycache__"))
        if not (target / "cors_lint" / "schemas").exists():  # where a wheel has it
            shutil.copytree(schemas, target / "cors_lint" / "schemas", copy_function=shutil.copy,
                            ignore=shutil.ignore_patterns("__pycache__"))
        for path in (target / "cors_lint").rglob("*"):
            os.utime(path, ns=(index * 10**18, index * 10**18))  # the two installs' mtimes differ
        installs.append(target)

    def runner(name: str, install: Path) -> dict[str, str]:
        environment = machine(tmp_path, name, CORS_LINT_CACHE_KEY=KEY, PYTHONPATH=str(install))
        where = subprocess.run([sys.executable, "-c", "import cors_lint.schemas; print(cors_lint.schemas.__file__)"],
                               capture_output=True, text=True, env=environment, cwd=tmp_path, check=True).stdout
        assert where.startswith(str(install)), where  # the run uses that installation
        return environment

    reference = uncached(project)
    options = ("--cache-dir", str(tmp_path / "ci-cache"))
    installed = {"cwd": tmp_path, "process": True}  # each installation is its own process's cors_lint
    assert lint(project, *options, env=runner("runner-1", installs[0]), **installed) == (reference, True)
    assert lint(project, *options, env=runner("runner-2", installs[1]), **installed) == (reference, False)
    module = installs[1] / "cors_lint" / "check" / "cache.py"
    module.write_text(module.read_text() + "\n# another release\n")
    assert lint(project, *options, env=runner("runner-3", installs[1]), **installed) == (reference, True)


def test_the_number_of_stored_results_is_bounded(project, tmp_path):
    """A CI cache saved after every commit would otherwise grow by a result per commit."""
    from cors_lint.check.cache import MAX_RESULTS

    runner = machine(tmp_path, "runner-1", CORS_LINT_CACHE_KEY=KEY)
    options = ("--cache-dir", str(tmp_path / "ci-cache"))
    reference, _ = lint(project, *options, env=runner)
    results = next((tmp_path / "ci-cache").glob("*/.cors-lint-cache/results"))
    (current,) = results.glob("*.json")
    for index in range(MAX_RESULTS + 5):  # results of earlier commits, written before this one
        old = results / f"{index:064x}.json"
        old.write_bytes(current.read_bytes())
        os.utime(old, ns=(10**18 + index, 10**18 + index))
    current.unlink()
    assert lint(project, *options, env=runner) == (reference, True)
    kept = sorted(p.name for p in results.glob("*.json"))
    assert len(kept) == MAX_RESULTS and current.name in kept and f"{0:064x}.json" not in kept
    assert lint(project, *options, env=runner) == (reference, False)
