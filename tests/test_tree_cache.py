"""Incremental analysis: parsed files are kept between runs by content (``engine.source.tree_cache``).

Observed in runs of the command (in this process, each in its own environment): the sources
libcst parses are counted (with --jobs, parsing in workers is not).
After an edit only the edited files are parsed again, and the output is the same as a run
without any cache, a run with parsing in worker processes and the reference analysis of every
file, through edits, renames and deletions. A kept tree is never trusted when it does not
verify, and even one that verifies cannot make the unpickler build anything but libcst nodes.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import libcst

from tests.helpers import environment, run_in_process, write

FIXTURE = Path(__file__).parent.parent / "fixtures" / "example_app"


def lint(project: Path, *options: str, env: dict[str, str] | None = None) -> tuple[str, set[str]]:
    """(stdout, the hashes of the sources libcst parsed) of `cors-lint check PROJECT --format
    json` (in this process, in the environment ``env``), once it exited 1 with findings."""
    parsed: list[str] = []
    original = libcst.parse_module

    def counted(source, *args, **kwargs):
        parsed.append(hashlib.sha256(source if isinstance(source, bytes) else source.encode()).hexdigest())
        return original(source, *args, **kwargs)

    with environment(env):
        libcst.parse_module = counted
        try:
            result = run_in_process("check", str(project), "--format", "json", *options)
        finally:
            libcst.parse_module = original
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert json.loads(result.stdout)["findings"], result.stdout
    return result.stdout, set(parsed)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reference(project: Path) -> str:
    """The output without any cache, and of the reference analysis (every file parsed and run)."""
    plain, _ = lint(project, "--no-cache")
    assert lint(project, "--no-cache", "--no-prefilter")[0] == plain
    return plain


@pytest.fixture
def project(tmp_path: Path) -> Path:
    copy = tmp_path / "example_app"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns(".cors-lint-cache"))
    write(copy, {
        "shop/headers.py": '''
            ACAO = "Access-Control-Allow-Origin"
            ''',
        "shop/hooks.py": '''
            from flask import request
            from shop.headers import ACAO

            def allow_partner(response):
                response.headers["Access-Control-Max-Age"] = "600"
                response.headers["Access-Control-Allow-Credentials"] = "true"
                return response

            def echo_origin(response):
                response.headers[ACAO] = request.headers.get("Origin", "")
                return response
            ''',
    })
    init = copy / "shop" / "__init__.py"
    init.write_text(init.read_text() + "\nfrom shop.hooks import allow_partner, echo_origin\n"
                    "app.after_request(allow_partner)\napp.after_request(echo_origin)\n")
    return copy


def test_an_edit_parses_only_the_edited_file_and_the_output_is_unchanged(project):
    expected = reference(project)
    cold, parsed_cold = lint(project)
    assert cold == expected and len(parsed_cold) >= 4
    hooks = project / "shop" / "hooks.py"
    hooks.write_text(hooks.read_text() + "\n\ndef unused():\n    return 1\n")
    after, parsed_after = lint(project)
    assert parsed_after == {digest(hooks)}
    assert after == reference(project)
    again, parsed_again = lint(project)  # the tree of the edited file is kept too
    assert again == after and not parsed_again
    assert (project / ".cors-lint-cache" / "trees").is_dir()


def test_the_hand_written_header_named_by_an_imported_constant_is_found(project):
    """``echo_origin`` writes the header through ``ACAO``, defined in another module: the
    function does not mention `Access-Control-Allow-Origin` and is still read."""
    output, _ = lint(project, "--no-cache")
    findings = json.loads(output)["findings"]
    hooks = [f for f in findings if f["file"] == "shop/hooks.py"]
    assert any(f["rule_id"] == "CORS017" and f["line"] == 10 for f in hooks), hooks


def edit_line(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


STEPS = [
    ("edit the header-writing function", lambda p: edit_line(
        p / "shop/hooks.py", 'request.headers.get("Origin", "")', '"https://partner.example"')),
    ("shift every line of a module down", lambda p: (p / "shop/hooks.py").write_text(
        "# a new first line\n\n" + (p / "shop/hooks.py").read_text())),
    ("rename a module", lambda p: (
        (p / "shop/headers.py").rename(p / "shop/names.py"),
        edit_line(p / "shop/hooks.py", "from shop.headers import", "from shop.names import"))),
    ("change the imported constant", lambda p: edit_line(
        p / "shop/names.py", '"Access-Control-Allow-Origin"', '"Access-Control-Allow-Headers"')),
    ("delete a module", lambda p: (
        (p / "shop/names.py").unlink(),
        edit_line(p / "shop/hooks.py", "from shop.names import ACAO", 'ACAO = "Access-Control-Allow-Origin"'))),
    ("restore an earlier content", lambda p: edit_line(
        p / "shop/hooks.py", '"https://partner.example"', 'request.headers.get("Origin", "")')),
]


def test_incremental_cached_parallel_and_full_analyses_agree_through_edits(project):
    lint(project)
    for step, change in STEPS:
        change(project)
        expected = reference(project)
        incremental, _ = lint(project)
        assert incremental == expected, step
        assert lint(project)[0] == expected, step  # the whole result, cached
        assert lint(project, "--no-cache", "--jobs", "2")[0] == expected, step
        shutil.rmtree(project / ".cors-lint-cache" / "results")  # trees kept, parsed in workers if not
        assert lint(project, "--jobs", "2")[0] == expected, step


def signed_entry(body: bytes, environment: dict[str, str]) -> bytes:
    """A cache entry holding ``body``, signed as cors-lint signs under ``environment``'s key."""
    program = ("import sys, json\nfrom cors_lint.core.store import _checksum, tool_fingerprint\n"
               "body = sys.stdin.buffer.read()\n"
               "sys.stdout.buffer.write(json.dumps({'tool': tool_fingerprint(), 'checksum': _checksum(body)}).encode()"
               " + b'\\n' + body)")
    return subprocess.run([sys.executable, "-c", program], input=body, capture_output=True, env=environment,
                          check=True).stdout


class Payload:
    """Unpickling this runs code: it would create the file ``marker``."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("signed_with", ["the attacker's key", "the machine's own key"])
def test_a_planted_tree_never_runs_code(project, tmp_path, signed_with):
    """Every kept tree is replaced by a pickle that runs a command when loaded. Signed with a key
    the attacker controls, it is not even unpickled; signed with the real key (a leaked key), the
    unpickler refuses to build anything but libcst nodes. Either way the files are parsed again
    and the output is the reference."""
    home = tmp_path / "machine"
    victim = {**os.environ, "XDG_CACHE_HOME": str(home)}
    attacker = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "attacker")}
    expected = reference(project)
    _, parsed = lint(project, env=victim)
    trees = sorted((project / ".cors-lint-cache" / "trees").glob("*.pickle"))
    assert len(trees) == len(parsed) >= 4
    marker = tmp_path / "pwned"
    body = pickle.dumps((Payload(marker), None, None))
    signer = victim if signed_with == "the machine's own key" else attacker
    for tree in trees:
        tree.write_bytes(signed_entry(body, signer))
    shutil.rmtree(project / ".cors-lint-cache" / "results")  # not the whole result: the trees are read
    output, parsed_again = lint(project, env=victim)
    assert not marker.exists()
    assert output == expected and parsed_again == parsed


@pytest.mark.parametrize("damage", ["truncate", "garble", "empty"])
def test_a_damaged_tree_is_parsed_again(project, damage):
    expected = reference(project)
    _, parsed = lint(project)
    for tree in (project / ".cors-lint-cache" / "trees").glob("*.pickle"):
        data = tree.read_bytes()
        tree.write_bytes({"truncate": data[: len(data) // 2], "garble": data[:-40] + b"x" * 40, "empty": b""}[damage])
    hooks = project / "shop" / "hooks.py"
    hooks.write_text(hooks.read_text() + "\n# edited\n")  # a miss of the whole result: trees are read
    output, parsed_again = lint(project)
    assert output == reference(project) == expected
    assert len(parsed_again) == len(parsed)


def test_the_number_of_kept_trees_is_bounded(tmp_path, monkeypatch):
    """Each edit keeps a new tree: the least recently used go once there are more than MAX_TREES
    (a tree loaded by a run counts as used)."""
    from cors_lint.engine.source import tree_cache
    from cors_lint.engine.source.parsing import parse
    from cors_lint.engine.source.project import SourceFile

    monkeypatch.setattr(tree_cache, "MAX_TREES", 3)
    cache = tree_cache.TreeCache(tmp_path / "cache")
    source = SourceFile(str(tmp_path / "m.py"), "m.py", False)
    versions = [f"VALUE = {n}\n".encode() for n in range(5)]
    for index, data in enumerate(versions):
        time.sleep(0.05)  # file times are coarser than a save: keep the order visible
        cache.save([parse(source, data)])
        if index == 2:
            time.sleep(0.05)
            assert tree_cache.TreeCache(tmp_path / "cache").load(source, versions[0]) is not None  # used again
    kept = sorted((tmp_path / "cache" / "trees").glob("*.pickle"))
    assert len(kept) == 3
    fresh = tree_cache.TreeCache(tmp_path / "cache")
    assert [fresh.load(source, data) is not None for data in versions] == [True, False, False, True, True]


def test_the_bytes_kept_in_trees_are_bounded(tmp_path, monkeypatch):
    from cors_lint.engine.source import tree_cache
    from cors_lint.engine.source.parsing import parse
    from cors_lint.engine.source.project import SourceFile

    cache = tree_cache.TreeCache(tmp_path / "cache")
    source = SourceFile(str(tmp_path / "m.py"), "m.py", False)
    versions = [("VALUES = [" + ", ".join(str(n) for n in range(200 + index)) + "]\n").encode() for index in range(4)]
    cache.save([parse(source, versions[0])])
    size = next((tmp_path / "cache" / "trees").glob("*.pickle")).stat().st_size
    monkeypatch.setattr(tree_cache, "MAX_TREE_BYTES", int(size * 2.5))
    for data in versions[1:]:
        time.sleep(0.05)
        cache.save([parse(source, data)])
    kept = list((tmp_path / "cache" / "trees").glob("*.pickle"))
    assert len(kept) == 2 and sum(p.stat().st_size for p in kept) <= size * 2.5
    fresh = tree_cache.TreeCache(tmp_path / "cache")
    assert [fresh.load(source, data) is not None for data in versions] == [False, False, True, True]



def test_positions_generated_region_by_region_are_kept_with_the_tree(tmp_path):
    """A run that located nodes one region at a time (a function, a statement) stores those
    positions with the tree; a later run loads them instead of generating them again, and they are
    the positions the whole module's computation gives."""
    import libcst as cst

    from cors_lint.engine.source.parsing import parse
    from cors_lint.engine.source.project import SourceFile
    from cors_lint.engine.source.tree_cache import TreeCache

    data = b"import os\n\n\ndef view():\n    origin = os.environ.get('X')\n    return origin\n\n\nVALUE = 1\n"
    (tmp_path / "m.py").write_bytes(data)
    source = SourceFile(str(tmp_path / "m.py"), "m.py", False)
    parsed = parse(source, data)
    function = next(node for node in parsed.module.body if isinstance(node, cst.FunctionDef))
    region = parsed.positions_within(function)
    assert parsed.region_count == 1 and not parsed.has_positions
    cache = TreeCache(tmp_path / "cache")
    cache.save([parsed])
    loaded = TreeCache(tmp_path / "cache").load(source, data)
    assert loaded is not None and loaded.region_count == 1
    [kept_function] = [node for node in loaded.module.body if isinstance(node, cst.FunctionDef)]
    kept = loaded.positions_within(kept_function)
    fresh = parse(source, data)
    [fresh_function] = [node for node in fresh.module.body if isinstance(node, cst.FunctionDef)]
    assert sorted(kept.values()) == sorted(region.values())
    assert kept[kept_function] == fresh.positions[fresh_function] == (4, 0)
