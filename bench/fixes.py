"""Issue 21's corpus run of the fixes: `cors-lint check --fix --unsafe-fixes` on a copy of every
real project of `bench/corpus_projects.txt`, then, for each copy:

- every Python file the fixes changed still parses, with the same comments (a moved statement
  takes its comments along: compared as a multiset);
- the fixes changed lines, not files: at most ``MAX_LINES_PER_FIX`` changed lines per fix applied
  to the project (an edit, an added `vary.add("Origin")`, a statement moved above `CORS(app)`),
  everything else byte for byte as it was (pin files included);
- a second check has one finding fewer per fix applied, and no finding the project did not have,
  in every environment of the policy: findings are counted by (fingerprint, rule, file, line),
  and a finding whose key changed with the value the fix wrote (CORS008 naming the anchored
  regex) pairs with the one it replaces, of the same rule at the same place.

    python3 bench/fixes.py --base /tmp/projects [--projects-file bench/corpus_projects.txt]
                           [--cors-lint .venv/bin/cors-lint] [--timeout 300]

Prints a table (fixes applied, files changed, the check's findings before and after, seconds)
and exits 1 when one of the properties above fails. The projects are checked out by hand.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from collections import Counter
from pathlib import Path

from corpus import projects

HERE = Path(__file__).resolve().parent
MAX_LINES_PER_FIX = 8  # lines removed plus lines added
IGNORED = shutil.ignore_patterns(".git", ".cors-lint-cache", "__pycache__", "node_modules", ".venv")


def findings(cors_lint: str, root: Path, timeout: float) -> Counter:
    done = subprocess.run([cors_lint, "check", str(root), "--no-cache", "--format", "json", "--exit-zero"],
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-500:])
    return Counter((finding["fingerprint"], finding["rule_id"], finding["file"], finding["line"])
                   for finding in json.loads(done.stdout)["findings"])


def unpaired(before: Counter, after: Counter) -> list[tuple]:
    """The findings after the fixes that none before them accounts for: new by their full key,
    and with no finding of the same rule at the same place gone."""
    gone = Counter((rule, file, line) for _, rule, file, line in (before - after).elements())
    left = []
    for found in (after - before).elements():
        if gone[found[1:]]:
            gone[found[1:]] -= 1
        else:
            left.append(found)
    return left


def comments(text: str) -> list[str]:
    return [token.string for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.COMMENT]


def changed_files(original: Path, copy: Path) -> list[str]:
    return sorted(str(path.relative_to(copy)) for path in copy.rglob("*")
                  if path.is_file() and not path.is_symlink()
                  and (original / path.relative_to(copy)).read_bytes() != path.read_bytes())


def changed_lines(before: str, after: str) -> int:
    return sum((last - first) + (end - start) for kind, first, last, start, end
               in difflib.SequenceMatcher(None, before.splitlines(), after.splitlines()).get_opcodes()
               if kind != "equal")


def problems_in(original: Path, copy: Path, files: list[str], applied: int) -> list[str]:
    problems = []
    lines = 0
    for name in files:
        before, after = (original / name).read_text(), (copy / name).read_text()
        lines += changed_lines(before, after)
        if not name.endswith(".py"):
            continue
        try:
            ast.parse(after)
        except SyntaxError as exc:
            problems.append(f"{name}: no longer parses ({exc})")
            continue
        if Counter(comments(before)) != Counter(comments(after)):
            problems.append(f"{name}: comments changed")
    if lines > MAX_LINES_PER_FIX * applied:
        problems.append(f"{lines} lines changed by {applied} fixes")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--projects-file", type=Path, default=HERE / "corpus_projects.txt")
    parser.add_argument("--cors-lint", default=str(HERE.parent / ".venv" / "bin" / "cors-lint"))
    parser.add_argument("--timeout", type=float, default=300)
    options = parser.parse_args()
    failed = False
    totals = Counter()
    print(f"{'project':<28} {'fixes':>5} {'files':>5} {'before':>6} {'after':>6} {'seconds':>8}  problems")
    for name in projects(options.projects_file):
        original = options.base / name
        if not original.is_dir():
            print(f"{name:<28} (not checked out under {options.base}: skipped)")
            continue
        with tempfile.TemporaryDirectory(prefix="cors-lint-fixes-") as scratch:
            copy = Path(scratch) / name
            shutil.copytree(original, copy, ignore=IGNORED, symlinks=True)
            start = time.perf_counter()
            fixing = subprocess.run([options.cors_lint, "check", str(copy), "--no-cache", "--fix", "--unsafe-fixes",
                                     "--exit-zero", "--format", "concise"],
                                    capture_output=True, text=True, timeout=options.timeout)
            seconds = time.perf_counter() - start
            applied = next((int(line.split()[2]) for line in fixing.stderr.splitlines()
                            if line.startswith("cors-lint: applied ")), 0)
            files = changed_files(original, copy)
            problems = [f"exit {fixing.returncode}: {fixing.stderr[-300:]}"] if fixing.returncode != 0 else []
            problems += problems_in(original, copy, files, applied)
            before = findings(options.cors_lint, original, options.timeout)
            after = findings(options.cors_lint, copy, options.timeout) if applied else before
            if unpaired(before, after):
                problems.append(f"new findings: {unpaired(before, after)}")
            if sum(before.values()) - sum(after.values()) != applied:
                problems.append(f"{applied} fixes applied, {sum(before.values()) - sum(after.values())} findings fewer")
        failed |= bool(problems)
        totals.update(projects=1, fixes=applied, files=len(files), before=sum(before.values()),
                      after=sum(after.values()))
        print(f"{name:<28} {applied:>5} {len(files):>5} {sum(before.values()):>6} {sum(after.values()):>6} "
              f"{seconds:>8.2f}  {'; '.join(problems)}")
    print(f"\n{totals['projects']} projects: {totals['fixes']} fixes applied in {totals['files']} files; findings "
          f"{totals['before']} -> {totals['after']}; {'problems above' if failed else 'no problem'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
