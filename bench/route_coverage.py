"""Route coverage: how many of the route registrations written in a project's source show up as
routes in `cors-lint inventory`.

What counts as a route registration (found with the standard library's `ast`, so independently
of cors-lint's engine), in every `.py` file of the project that is not excluded below:
  - a decorator `@X.route(...)` on a function or a class: Flask / Blueprint / APIFlask,
    flask-smorest `Blueprint.route`, Flask-RESTX / Flask-RESTPlus `@ns.route` / `@api.route`;
  - a decorator `@X.get/post/put/delete/patch(...)` (Flask 2 / APIFlask verb shortcuts);
  - a decorator `@X.resource(...)` (Flask-RESTful `Api.resource`);
  - the same calls applied directly, `X.route("/a")(view)` (the URL a literal starting with "/",
    so that `data.get("key")(x)` is not one);
  - a call `X.add_url_rule(...)` anywhere (pluggable views, helpers);
  - a call `X.add_resource(Resource, url, ...)` anywhere (Flask-RESTful, Flask-RESTX).
X is any expression (`app`, `bp`, `self.app`, `api.namespace(...)`), except a name `mock`
(`@mock.patch(...)` is no route). Each URL counts once: every positional URL of
`route`/`resource`/`add_resource` is one registration (`add_resource(R, "/a", "/b")` is 2,
`@ns.route("/a", "/b")` is 2); the verb shortcuts and `add_url_rule` have one URL (the first
positional argument or `rule=`); a `*urls` argument counts as one; a call with no URL does not
count. A call inside a method that overrides one of these (`def add_url_rule(self, rule, ...)` in a
Flask subclass) is not a registration.

A registration inside a function counts once, however often the function runs, except in a
registering helper: a project function whose registration takes its URL from one of the
function's parameters (`def register_endpt(resource, url, name): bp.add_url_rule(url, ...)`).
Then each call of the helper that passes that parameter is one registration per registration
in the helper, at the call's line (`register_endpt(R, "/objects/", "objects")` is 1), and the
helper's own registration counts only if nothing calls it. Helpers are matched by name (a call
`name(...)` or `x.name(...)`; the definition in the calling file first); one level deep.

Excluded (never counted; cors-lint still analyses them):
  - tests: any directory `tests`, `test` or `testing`; files `test_*.py`, `*_test.py`, `conftest.py`;
  - documentation and examples: any directory `docs`, `doc`, `examples`, `example`;
  - vendored and generated code: hidden directories (`.venv`, `.git`, ...), `venv`, `site-packages`,
    `node_modules`, `vendor`, `vendored`, `_vendor`, `third_party`, `build`, `dist`, `*.egg-info`,
    `__pycache__`; and a directory `libs`, `lib`, `external` or `extern` holding a copy of a
    third-party package (it contains a `*.dist-info` / `*.egg-info` entry, or a package named like
    a well-known PyPI distribution: flask, flask_cors, werkzeug, ...; see THIRD_PARTY).

Not Flask (counted apart, in `other_frameworks`, not in the coverage): the registrations of a file
that imports FastAPI, Starlette, Quart, Sanic or aiohttp and does not import Flask
(`@router.get("/health")` of a FastAPI `APIRouter` looks like Flask 2's verb shortcut; cors-lint
analyses Flask apps only).

A registration is found when the inventory lists a route declared at the same file and line
(the inventory's route `file` + `line`: the line of the decorator or of the call) and, when the
registration has several URLs, a route there whose path ends with that URL (prefixes are added
in front of it). A registration whose URL is not a string literal is found by its location alone.
A call of a registering helper is found when a route is declared at the call's line, or at the
helper's registration with a path that contains the call's URL literal.

The inventory is `cors-lint inventory DIR --format json --jobs N` (plus `--no-cache` when that
command has it). Then `cors-lint check DIR --no-cache --jobs N` is run too and its exit code
recorded: 0 or 1 is a verdict, anything else (2) is a crash, whose last stderr line is kept.

    python3 bench/route_coverage.py DIR [DIR ...] [--json] [--missed] [--jobs N] [--timeout S]
    python3 bench/route_coverage.py --projects-file bench/coverage_projects.txt --base /tmp/projects
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

VERB_DECORATORS = {"get", "post", "put", "delete", "patch"}
MULTI_URL_DECORATORS = {"route", "resource"}  # every positional argument is a URL
REGISTRATION_NAMES = VERB_DECORATORS | MULTI_URL_DECORATORS | {"add_url_rule", "add_resource"}
EXCLUDED_DIRS = {
    "tests", "test", "testing", "docs", "doc", "examples", "example",
    "venv", "site-packages", "node_modules", "vendor", "vendored", "_vendor", "third_party",
    "build", "dist", "__pycache__",
}
VENDOR_CANDIDATE_DIRS = {"libs", "lib", "external", "extern"}
THIRD_PARTY = {
    "flask", "flask_cors", "werkzeug", "jinja2", "click", "itsdangerous", "markupsafe", "six",
    "requests", "urllib3", "certifi", "chardet", "idna", "yaml", "sqlalchemy", "flask_restful",
    "flask_restx", "flask_restplus", "flask_smorest", "apiflask", "marshmallow", "webargs",
    "aniso8601", "pytz", "dateutil", "simplejson", "bs4", "tornado", "gevent", "waitress",
}


@dataclass
class Registration:
    file: str  # relative to the project directory, with "/"
    line: int
    kind: str  # route, get, ..., resource, add_url_rule, add_resource
    url: str | None  # the literal URL, None when it is not a string literal
    urls_in_call: int
    via: str | None = None  # for a call of a registering helper: the helper's registration, file:line
    found: bool = False


@dataclass
class ProjectResult:
    directory: str
    registrations: int = 0
    found: int = 0
    coverage: float | None = None
    inventory_routes: int = 0
    inventory_exit: int | None = None
    inventory_error: str | None = None
    analysis_errors: int = 0
    syntax_errors: list[str] = field(default_factory=list)
    check_exit: int | None = None
    check_error: str | None = None
    seconds: float = 0.0
    missed: list[dict] = field(default_factory=list)
    other_frameworks: int = 0  # registrations in files of another web framework (not counted)


# ----------------------------------------------------------------------------- the source side
def is_vendored_dir(path: Path) -> bool:
    """A `libs/`-like directory that holds a copy of a third-party package."""
    if path.name not in VENDOR_CANDIDATE_DIRS:
        return False
    try:
        entries = list(path.iterdir())
    except OSError:
        return False
    for entry in entries:
        if entry.name.endswith((".dist-info", ".egg-info")):
            return True
        if entry.is_dir() and entry.name.lower() in THIRD_PARTY:
            return True
    return False


def source_files(project: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(project):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".") and d not in EXCLUDED_DIRS and not d.endswith(".egg-info")
            and not is_vendored_dir(here / d)
        )
        for name in sorted(filenames):
            if not name.endswith(".py") or name == "conftest.py":
                continue
            if name.startswith("test_") or name.endswith("_test.py"):
                continue
            found.append(here / name)
    return found


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _urls(call: ast.Call, kind: str) -> list[ast.expr]:
    """The URL arguments of a registration call (empty: not a registration)."""
    if kind == "add_resource":
        urls = list(call.args[1:])
    elif kind in MULTI_URL_DECORATORS:
        urls = list(call.args)
    else:  # verb shortcuts and add_url_rule: one rule
        urls = call.args[:1]
    if not urls:
        urls = [kw.value for kw in call.keywords if kw.arg == "rule"][:1]
    return urls


def _registration_kind(call: ast.Call, decorator: bool, called: bool) -> str | None:
    """`decorator`: the call is a decorator; `called`: its result is called (`app.route("/x")(view)`)."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    if isinstance(func.value, ast.Name) and func.value.id == "mock":
        return None
    if func.attr in ("add_url_rule", "add_resource"):
        return func.attr
    if func.attr in VERB_DECORATORS or func.attr in MULTI_URL_DECORATORS:
        if decorator or (called and _is_url_literal(call)):
            return func.attr
    return None


def _is_url_literal(call: ast.Call) -> bool:
    """`data.get("key")(x)` is no route: a called-not-decorating form needs a literal "/..." URL."""
    first = _literal(call.args[0]) if call.args else None
    return first is not None and first.startswith("/")


@dataclass
class _Helper:
    """A project function whose registration call takes its URL from one of the function's parameters."""
    name: str
    file: str
    param: str
    index: int | None  # positional index of the parameter, None when keyword-only
    method: bool  # first parameter is self/cls: called as obj.name(...), positions shift by one
    inner: list[Registration]


def _direct_registrations(tree: ast.AST, rel: str) -> list[tuple[Registration, ast.expr, ast.AST | None]]:
    """Registration calls, each with its URL expression and the function it is written in."""
    decorators: set[int] = set()
    called: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            decorators.update(id(d) for d in node.decorator_list if isinstance(d, ast.Call))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Call):
            called.add(id(node.func))
    found: list[tuple[Registration, ast.expr, ast.AST | None]] = []

    def visit(node: ast.AST, function: ast.AST | None) -> None:
        if isinstance(node, ast.Call) and getattr(function, "name", None) not in REGISTRATION_NAMES:
            kind = _registration_kind(node, id(node) in decorators, id(node) in called)
            if kind is not None:
                urls = _urls(node, kind)
                for url in urls:
                    literal = None if isinstance(url, ast.Starred) else _literal(url)
                    found.append((Registration(rel, node.lineno, kind, literal, len(urls)), url, function))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # decorators and defaults run in the enclosing function, the body in this one
            for outer in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
                if outer is not None:
                    visit(outer, function)
            for statement in node.body:
                visit(statement, node)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, None)
    return found


def _helper_for(registration: Registration, url: ast.expr, function: ast.AST | None) -> _Helper | None:
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    positional = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    keyword_only = [a.arg for a in function.args.kwonlyargs]
    used = {n.id for n in ast.walk(url) if isinstance(n, ast.Name)}
    for name in [*positional, *keyword_only]:
        if name in used and name not in ("self", "cls"):
            index = positional.index(name) if name in positional else None
            method = bool(positional) and positional[0] in ("self", "cls")
            return _Helper(function.name, registration.file, name, index, method, [registration])
    return None


def _helper_url(call: ast.Call, helper: _Helper) -> tuple[bool, str | None]:
    """(is a call that passes the URL parameter, its literal value or None)."""
    for keyword in call.keywords:
        if keyword.arg == helper.param:
            return True, _literal(keyword.value)
    if helper.index is None:
        return False, None
    index = helper.index - 1 if helper.method and isinstance(call.func, ast.Attribute) else helper.index
    positional = call.args
    if any(isinstance(a, ast.Starred) for a in positional[: index + 1]):
        return True, None
    if 0 <= index < len(positional):
        return True, _literal(positional[index])
    return False, None


OTHER_FRAMEWORKS = {"fastapi", "starlette", "quart", "sanic", "aiohttp"}


def imported_roots(tree: ast.AST) -> set[str]:
    """The top-level packages a module imports (absolute imports only)."""
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def is_other_framework(tree: ast.AST) -> bool:
    roots = imported_roots(tree)
    return bool(roots & OTHER_FRAMEWORKS) and "flask" not in roots


def registrations_in_project(project: Path) -> tuple[list[Registration], list[str], int]:
    """The project's Flask route registrations, the files it could not parse, and how many
    registrations are in files of another web framework (not returned)."""
    trees: list[tuple[str, ast.AST]] = []
    errors: list[str] = []
    other = 0
    for path in source_files(project):
        rel = path.relative_to(project).as_posix()
        try:
            tree = ast.parse(path.read_bytes(), filename=str(path))
        except (SyntaxError, ValueError) as error:
            errors.append(f"{rel}: {type(error).__name__}: {error}")
            continue
        if is_other_framework(tree):
            other += len(_direct_registrations(tree, rel))
            continue
        trees.append((rel, tree))

    direct: list[Registration] = []
    helpers: dict[str, list[_Helper]] = {}
    for rel, tree in trees:
        for registration, url, function in _direct_registrations(tree, rel):
            helper = _helper_for(registration, url, function)
            if helper is None:
                direct.append(registration)
                continue
            same = [h for h in helpers.setdefault(helper.name, []) if h.file == helper.file and h.index == helper.index
                    and h.param == helper.param]
            if same:
                same[0].inner.append(registration)
            else:
                helpers[helper.name].append(helper)

    via_calls: list[Registration] = []
    used_helpers: set[int] = set()
    for rel, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if _registration_kind(node, False, False) is not None:
                continue  # add_url_rule / add_resource calls are counted as direct registrations
            name = node.func.id if isinstance(node.func, ast.Name) else (
                node.func.attr if isinstance(node.func, ast.Attribute) else None)
            candidates = helpers.get(name or "", [])
            # one definition per call: the one in the calling file, else the first
            for helper in sorted(candidates, key=lambda h: h.file != rel):
                passes, literal = _helper_url(node, helper)
                if not passes:
                    continue
                used_helpers.add(id(helper))
                for inner in helper.inner:
                    via_calls.append(Registration(rel, node.lineno, f"{inner.kind} via {helper.name}()", literal, 1,
                                                  via=f"{inner.file}:{inner.line}"))
                break
    # a helper that nothing calls keeps its own registrations
    unused = [inner for group in helpers.values() for h in group if id(h) not in used_helpers for inner in h.inner]
    return direct + unused + via_calls, errors, other


# -------------------------------------------------------------------------- the inventory side
def default_cors_lint() -> str:
    beside = Path(sys.executable).parent / "cors-lint"
    repo_venv = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "cors-lint"
    for candidate in (beside, repo_venv):
        if candidate.exists():
            return str(candidate)
    return shutil.which("cors-lint") or "cors-lint"


def _supports(cors_lint: str, command: str, option: str) -> bool:
    help_text = subprocess.run([cors_lint, command, "--help"], capture_output=True, text=True,
                               env={**os.environ, "COLUMNS": "200"}).stdout
    return option in help_text


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _run(argv: list[str], timeout: float) -> tuple[int | None, str, str]:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {timeout:.0f} s"
    return done.returncode, done.stdout, done.stderr


def _path_text(path: object) -> str:
    return path if isinstance(path, str) else json.dumps(path)


def measure(project: Path, cors_lint: str, jobs: int, timeout: float, run_check: bool,
            inventory_options: list[str]) -> ProjectResult:
    started = time.monotonic()
    project = project.resolve()
    result = ProjectResult(directory=str(project))
    registrations, result.syntax_errors, result.other_frameworks = registrations_in_project(project)

    code, out, err = _run([cors_lint, "inventory", str(project), "--format", "json", "--jobs", str(jobs),
                           *inventory_options], timeout)
    result.inventory_exit = code
    routes_at: dict[tuple[str, int], list[str]] = {}
    try:
        document = json.loads(out)
    except json.JSONDecodeError:
        document = None
        result.inventory_error = _last_line(err) or f"no JSON on stdout (exit {code})"
    if document is not None:
        root = Path(document.get("root") or project)
        result.inventory_routes = len(document.get("routes", []))
        result.analysis_errors = len(document.get("errors", []))
        for route in document.get("routes", []):
            absolute = (root / route["file"]).resolve()
            try:
                rel = absolute.relative_to(project).as_posix()
            except ValueError:
                continue
            routes_at.setdefault((rel, route["line"]), []).append(_path_text(route["path"]))

    for registration in registrations:
        paths = routes_at.get((registration.file, registration.line), [])
        if registration.via is not None:
            if paths:
                registration.found = True
                continue
            file, line = registration.via.rsplit(":", 1)
            inner = routes_at.get((file, int(line)), [])
            part = (registration.url or "").rstrip("/")
            registration.found = any(part in p for p in inner)
        elif not paths:
            continue
        elif registration.url is None or registration.urls_in_call == 1:
            registration.found = True
        else:
            suffix = registration.url.rstrip("/")
            registration.found = any(p.rstrip("/").endswith(suffix) for p in paths)

    result.registrations = len(registrations)
    result.found = sum(r.found for r in registrations)
    result.coverage = 100.0 * result.found / result.registrations if registrations else None
    result.missed = [asdict(r) for r in registrations if not r.found]

    if run_check:
        code, _out, err = _run([cors_lint, "check", str(project), "--no-cache", "--jobs", str(jobs)], timeout)
        result.check_exit = code
        if code not in (0, 1):
            result.check_error = _last_line(err) or f"exit {code}"
    result.seconds = round(time.monotonic() - started, 1)
    return result


# --------------------------------------------------------------------------------- the output
def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def text_table(results: list[ProjectResult], show_missed: bool) -> str:
    names = [Path(r.directory).name for r in results]
    width = max([len("project"), len("overall")] + [len(n) for n in names])
    header = f"{'registrations':>13}  {'found':>5}  {'coverage':>8}  {'check':>5}  {'time':>6}  note"
    lines = [f"{'project':<{width}}  {header}", "-" * (width + 60)]
    for name, r in zip(names, results):
        notes = []
        if r.inventory_error:
            notes.append(f"inventory failed: {r.inventory_error}")
        if r.analysis_errors:
            notes.append(f"{r.analysis_errors} analysis error(s)")
        if r.syntax_errors:
            notes.append(f"{len(r.syntax_errors)} file(s) this Python cannot parse, not counted")
        if r.other_frameworks:
            notes.append(f"{r.other_frameworks} registration(s) of another web framework (FastAPI, ...), not counted")
        if r.check_error:
            notes.append(f"check crashed: {r.check_error}")
        check = "-" if r.check_exit is None and not r.check_error else str(r.check_exit)
        lines.append(f"{name:<{width}}  {r.registrations:>13}  {r.found:>5}  {_percent(r.coverage):>8}  {check:>5}  "
                     f"{r.seconds:>5.0f}s  {'; '.join(notes)}")
    total = sum(r.registrations for r in results)
    found = sum(r.found for r in results)
    lines.append("-" * (width + 60))
    overall = _percent(100.0 * found / total if total else None)
    lines.append(f"{'overall':<{width}}  {total:>13}  {found:>5}  {overall:>8}")
    other = sum(r.other_frameworks for r in results)
    if other:
        lines.append(f"(and {other} registration(s) in files of another web framework, not counted)")
    if show_missed:
        for name, r in zip(names, results):
            if r.missed:
                lines.append(f"\nmissed in {name}:")
                lines.extend(f"  {m['file']}:{m['line']}  {m['kind']}  {m['url'] if m['url'] is not None else '<expr>'}"
                             for m in r.missed)
    return "\n".join(lines) + "\n"


def read_projects_file(path: Path, base: Path) -> list[Path]:
    projects = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            projects.append(base / entry)
    return projects


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="route_coverage.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  python3 bench/route_coverage.py /tmp/projects/flask-app --missed\n"
               "  python3 bench/route_coverage.py --projects-file bench/coverage_projects.txt --base /tmp/projects\n"
               "  python3 bench/route_coverage.py /tmp/projects/* --json > coverage.json")
    parser.add_argument("projects", nargs="*", type=Path, help="project directories")
    parser.add_argument("--projects-file", type=Path,
                        help="a file of project directories, one a line (# starts a comment)")
    parser.add_argument("--base", type=Path, default=Path("."),
                        help="directory the relative entries of --projects-file are resolved against (default: .)")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    parser.add_argument("--missed", action="store_true", help="list the missed registrations under the table")
    parser.add_argument("--no-check", action="store_true", help="do not run `cors-lint check`")
    parser.add_argument("--cors-lint", default=None,
                        help="the cors-lint executable (default: beside this Python, else the repo's .venv, "
                             "else on PATH)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="cors-lint's --jobs (default: 1, one process: the machine is shared)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per cors-lint run (default: 900)")
    parser.add_argument("--env", default=None,
                        help="analyse with this policy environment's assumptions (`cors-lint inventory --env`), "
                             "e.g. production: what `cors-lint check` judges there")
    args = parser.parse_args(argv)

    projects = list(args.projects)
    if args.projects_file:
        projects += read_projects_file(args.projects_file, args.base)
    if not projects:
        parser.error("no project directory given")
    for project in projects:
        if not project.is_dir():
            parser.error(f"not a directory: {project}")
    cors_lint = args.cors_lint or default_cors_lint()
    if not (Path(cors_lint).is_file() or shutil.which(cors_lint)):
        parser.error(f"cors-lint not found: {cors_lint} (give --cors-lint PATH)")
    inventory_options = ["--no-cache"] if _supports(cors_lint, "inventory", "--no-cache") else []
    if args.env:
        inventory_options += ["--env", args.env]

    results = []
    for project in projects:
        print(f"measuring {project} ...", file=sys.stderr, flush=True)
        results.append(measure(project, cors_lint, args.jobs, args.timeout, not args.no_check, inventory_options))

    if args.json:
        total = sum(r.registrations for r in results)
        found = sum(r.found for r in results)
        document = {"projects": [asdict(r) for r in results],
                    "overall": {"registrations": total, "found": found,
                                "coverage": round(100.0 * found / total, 1) if total else None}}
        print(json.dumps(document, indent=2))
    else:
        sys.stdout.write(text_table(results, args.missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
