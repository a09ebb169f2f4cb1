"""Which files make up the project, what their module names are, the byte prefilter that picks
the files that can affect CORS, and reading them (``parsing`` parses them)."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cors_lint.core.globs import path_matches

# Directories that never hold the project's own code.
EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".env",
        ".tox",
        ".nox",
        ".eggs",
        "__pycache__",
        "node_modules",
        "site-packages",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".cors-lint-cache",
        "build",
        "dist",
    }
)


@dataclass(frozen=True)
class SourceFile:
    fspath: str  # the file's path (a string: trees of 100,000 files need no Path object per file)
    rel: str  # posix path relative to the scanned root
    is_package: bool
    packages: _PackageNames | None = field(default=None, compare=False, repr=False)
    library: str | None = None  # installed into the tree (see installed_module): its name as a library

    @property
    def path(self) -> Path:
        return Path(self.fspath)

    @property
    def module_names(self) -> tuple[str, ...]:
        """The dotted names the file can be imported as: from the ``__init__.py`` files above
        it, and from its path below the root (computed only when the interpreter runs, then
        kept; the part each directory contributes is worked out once per directory). (Not a
        ``cached_property``: on Python 3.11 that takes a lock per file.)"""
        names = self.__dict__.get("_module_names")
        if names is None:
            names = self.__dict__["_module_names"] = self._module_names()
        return names

    @property
    def namespace(self) -> tuple[str, ...] | None:
        """The namespace packages above the file's topmost regular package (see
        ``_PackageNames.namespace``)."""
        if self.packages is None:
            return None
        top = os.path.dirname(self.fspath)
        for _ in range(len(self.packages.package(top))):
            top = os.path.dirname(top)
        return self.packages.namespace(top)

    def _module_names(self) -> tuple[str, ...]:
        directory, name = os.path.split(self.fspath)
        rel_directory = self.rel.rpartition("/")[0]
        stem = "" if self.is_package else (name[: -len(".py")] if name.endswith(".py") else name)
        if stem and not stem.isidentifier():
            return ()
        names = []
        package = self.packages.dotted(directory) if self.packages else None
        if package is not None:
            package_name = f"{package}.{stem}" if package and stem else package or stem
            if package_name:
                names.append(package_name)
        namespace = self.namespace
        if package is not None and namespace:  # below a namespace package (PEP 420)
                spaced = ".".join([*namespace, *([package] if package else []), *([stem] if stem else [])])
                if spaced not in names:
                    names.append(spaced)
        relative = _dotted_directory(rel_directory)
        if relative is not None:
            rel_name = f"{relative}.{stem}" if relative and stem else relative or stem
            if rel_name and rel_name not in names:
                names.append(rel_name)
        return tuple(names)


@dataclass(frozen=True)
class FileError:
    file: str
    kind: str  # syntax | encoding | empty | unreadable | too-large | internal | template (see TEMPLATE)
    message: str
    line: int | None = None
    column: int | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "kind": self.kind,
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }



# A file is analysed as an entry point when it imports Flask or flask-cors (it can create an
# app, register routes or configure CORS), names the Flask class, calls the Flask or
# flask-cors API that registers routes, hooks or CORS on an app it got from elsewhere (a
# `views.py` that does `from app import app` and `@app.route`), sets a ``CORS_*`` config key,
# writes an ``Access-Control-*`` header by hand, or has a ``__main__`` block (a script: run only
# when it can reach an app, see ``engine.source.scripts``). Everything else is analysed only if an
# entry point leads to it (see ``has_effects``).
FLASK_IMPORT = re.compile(rb"^[ \t]*(?:from|import)[ \t]+flask", re.MULTILINE)
FLASK_API_MARKERS = (
    b"CORS(", b"cross_origin", b".route(", b"add_url_rule", b"register_blueprint", b"url_map", b"view_functions",
    b"before_request", b"after_request", b"teardown_request", b"errorhandler", b"register_error_handler",
    b"init_app",
    # Flask-RESTful / Flask-RESTX registrations on an Api made elsewhere: the one library's words kept
    # out of its model, as the result cache's fast path runs this prefilter without importing the
    # models (that import would cost more than the rest of the fast path)
    b"add_resource(", b"add_namespace(",
)
# route shortcuts with a literal rule (`@app.get("/x")`, `@bp.post('/y')`: Flask >= 2, APIFlask,
# flask-smorest), spelled so that `dict.get(...)` does not match
ROUTE_SHORTCUT_MARKERS = tuple(f".{verb}({quote}/".encode() for verb in ("get", "post", "put", "patch", "delete")
                               for quote in "\"'")
# a script's `if __name__ == "__main__":` block runs as an entry (it may start or configure an app)
MAIN_GUARD_MARKERS = (b'__name__ == "__main__"', b"__name__ == '__main__'")
ENTRY_MARKERS = (b"Flask(", b"(Flask", b"CORS_", b"ccess-Control-", b"ccess-control-", b"CCESS-CONTROL-",
                 *FLASK_API_MARKERS, *ROUTE_SHORTCUT_MARKERS, *MAIN_GUARD_MARKERS)

# Bytes through which a module's top-level code could change what an entry point built
# (load config, reach modules or attributes by computed names) when it is imported. Imported
# modules with none of these or the entry markers are loaded lazily: parsed and run only when
# a name in them is used. (Generic words such as "config", "route" or "cors" are avoided on
# purpose: they are in most large code bases and would make every import eager.)
EFFECT_MARKERS = ENTRY_MARKERS + (
    b"flask", b"from_object", b"from_mapping", b"from_pyfile", b"from_envvar", b"current_app", b"setattr(",
    b"import_module", b"__import__",
)


def _guarded(markers: tuple[bytes, ...]) -> tuple[tuple[bytes, tuple[bytes, ...]], ...]:
    """The markers grouped under a shorter substring they share (``_GUARDS``, tried in order),
    so that a file without the guard is searched once for the whole group: most files match
    no marker, and each search reads the whole file."""
    groups: dict[bytes, list[bytes]] = {}
    for marker in markers:
        guard = next((g for g in _GUARDS if g in marker), marker)
        groups.setdefault(guard, []).append(marker)
    return tuple((guard, tuple(members)) for guard, members in groups.items())


_GUARDS = (b"Flask", b"CORS", b"ccess-", b"CCESS-", b"_request", b"rror", b"__main__", b'("/', b"('/", b"add_")
_APP_GROUPS = _guarded(tuple(marker for marker in ENTRY_MARKERS if marker not in MAIN_GUARD_MARKERS))


def is_relevant(data: bytes) -> bool:
    """A cheap byte-level test: can this file matter on its own (not only when imported)? (Any
    of ``ENTRY_MARKERS``, searched group by group: see ``_guarded``, or a Flask import.)"""
    return touches_apps(data) or any(marker in data for marker in MAIN_GUARD_MARKERS) or imports_flask(data)


def only_a_script(data: bytes) -> bool:
    """Is the file an entry point by its ``__main__`` block alone (see ``engine.source.scripts``)?"""
    return not touches_apps(data) and not imports_flask(data)


def imports_flask(data: bytes) -> bool:
    return b"flask" in data and FLASK_IMPORT.search(data) is not None


def touches_apps(data: bytes) -> bool:
    """Does the file itself build an app, register on one or write CORS (the entry markers but
    the ``__main__`` guard)?"""
    for guard, markers in _APP_GROUPS:
        if guard in data and (markers == (guard,) or any(marker in data for marker in markers)):
            return True
    return False


@lru_cache(maxsize=8192)  # asked at each import of the module, in each environment's analysis
def has_effects(data: bytes) -> bool:
    """Can running this module on import change anything but its own namespace?"""
    return any(marker in data for marker in EFFECT_MARKERS)



class UsageError(Exception):
    """Bad command-line input (exit code 2)."""


PROJECT_MARKERS = (".git", "pyproject.toml", "setup.cfg", "setup.py", "requirements.txt", "Pipfile", "cors-policy.yaml",
                   "cors-policy.yml")


def project_root(start: Path) -> Path:
    """The nearest directory above ``start`` that looks like a project root (else ``start``'s folder)."""
    folder = start.resolve()
    folder = folder if folder.is_dir() else folder.parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate
    return folder


def find_root(paths: list[Path]) -> Path:
    resolved = [p.resolve() for p in paths]
    dirs = [p if p.is_dir() else p.parent for p in resolved]
    return Path(os.path.commonpath([str(d) for d in dirs]))


def discover(paths: list[Path], exclude: tuple[str, ...] = ()
             ) -> tuple[Path, list[SourceFile], list[SourceFile], frozenset[str]]:
    """Expand command-line paths into Python files, sorted by relative path.

    Returns the root, the files to analyse (what the paths name), every Python file under the
    root (what their imports may reach; parsed only when imported), and which of the files to
    analyse are test code (see ``is_test_module``), judged below the directory named: a file
    named on its own, or a project kept in a directory called ``tests``, is not.
    """
    for path in paths:
        if not path.exists():
            raise UsageError(f"path does not exist: {path}")
    root = find_root(paths)
    named: dict[str, None] = {}  # plain strings: a Path per file costs more than the walk itself
    tests: set[str] = set()
    for path in paths:
        path = path.resolve()
        if path.is_file():
            named[str(path)] = None
        else:
            directory = str(path).rstrip(os.sep) + os.sep
            for found in _walk(str(path)):
                named[found] = None
                if is_test_module(found[len(directory):].replace(os.sep, "/")):
                    tests.add(found)
    everything = dict(named)
    if any(p.is_file() for p in paths):
        everything.update(dict.fromkeys(_walk(str(root))))
    packages = _PackageNames()
    base = str(root).rstrip(os.sep) + os.sep
    sources = {path: _source_file(path, base, packages) for path in everything}
    files = sorted((sources[p] for p in named), key=lambda f: f.rel)
    if exclude:
        files = [f for f in files if not any(path_matches(f.rel, pattern) for pattern in exclude)]
    index = sorted(sources.values(), key=lambda f: f.rel)
    return root, files, index, frozenset(sources[p].rel for p in tests)


def _walk(directory: str) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(directory, followlinks=False):
        if dirpath != directory and any(d.endswith(".dist-info") for d in dirnames):
            dirnames[:] = []  # installed packages vendored into the tree (`pip install --target libs/`): libraries
            continue
        dirnames[:] = sorted(d for d in dirnames
                             if d not in EXCLUDED_DIRS and not d.endswith(".egg-info") and not d.startswith("."))
        found.extend(os.path.join(dirpath, name) for name in sorted(filenames) if name.endswith(".py"))
    return found


def installed_module(root: Path | str, name: str, memo: dict[str, bool | None]) -> SourceFile | None:
    """A module of a package installed into the tree (``pip install --target libs``: a directory
    holding ``*.dist-info``, which ``_walk`` leaves out): ``libs.flask_cors.core`` is the file
    ``libs/flask_cors/core.py``, and the library's module ``flask_cors.core``. ``memo`` keeps
    what each directory is (a few stats per distinct import, however many files the tree has)."""
    parts = name.split(".")
    base = str(root)
    for index in range(1, len(parts)):
        base = os.path.join(base, parts[index - 1])
        if base not in memo:  # None: not a directory; False: one without installed packages
            memo[base] = any(entry.endswith(".dist-info") for entry in _listdir(base)) if os.path.isdir(base) \
                else None
        if memo[base] is None:
            return None
        if not memo[base]:
            continue
        inner = parts[index:]
        path = os.path.join(base, *inner)
        if os.path.isfile(os.path.join(path, "__init__.py")):
            fspath, is_package = os.path.join(path, "__init__.py"), True
        elif os.path.isfile(path + ".py"):
            fspath, is_package = path + ".py", False
        else:
            return None
        rel = os.path.relpath(fspath, str(root)).replace(os.sep, "/")
        return SourceFile(fspath, rel, is_package, library=".".join(inner))
    return None


def _listdir(directory: str) -> list[str]:
    try:
        return os.listdir(directory)
    except OSError:
        return []


_PACKAGE_SUFFIX = os.sep + "__init__.py"


def _source_file(path: str, base: str, packages: _PackageNames) -> SourceFile:
    """``base``: the root's path with a trailing separator."""
    rel = path[len(base):].replace(os.sep, "/") if path.startswith(base) else Path(path).as_posix()
    return SourceFile(path, rel, path.endswith(_PACKAGE_SUFFIX), packages)


@lru_cache(maxsize=4096)
def _dotted_directory(rel_directory: str) -> str | None:
    """``a/b`` -> ``a.b`` ("" for the root), or None when a part is not an identifier."""
    if not rel_directory:
        return ""
    parts = rel_directory.split("/")
    return ".".join(parts) if all(part.isidentifier() for part in parts) else None


def module_index(files: list[SourceFile], index: list[SourceFile] | None = None) -> ModuleIndex:
    return ModuleIndex(files, index)


class ModuleIndex:
    """Each dotted module name and the file it imports: ``files`` first, then the rest of
    ``index``, in path order, the first file to claim a name keeps it. The scanned folder's own
    ``__init__.py`` (the root is a package) claims the package's name last: `python app.py`
    imports `blast.py` as `blast` when a file beside the app claims it.

    Names are worked out on demand: a name's last part is its file's stem (or its package's
    folder), so a lookup computes the names of those files only, not of the whole tree."""

    def __init__(self, files: list[SourceFile], index: list[SourceFile] | None = None):
        named = {id(source) for source in files}
        ordered = files + [source for source in index or () if id(source) not in named]
        self._ordered = [s for s in ordered if s.rel != "__init__.py"] + [s for s in ordered if s.rel == "__init__.py"]
        self._by_last: dict[str, list[SourceFile]] = {}
        for source in self._ordered:
            directory, _, name = source.fspath.rpartition(os.sep)
            last = directory.rpartition(os.sep)[2] if source.is_package else name[: -len(".py")]
            self._by_last.setdefault(last, []).append(source)
        self._found: dict[str, SourceFile | None] = {}
        self._all: dict[str, SourceFile] | None = None

    def get(self, name: str, default: SourceFile | None = None) -> SourceFile | None:
        if name not in self._found:
            candidates = self._by_last.get(name.rpartition(".")[2], ())
            self._found[name] = next((source for source in candidates if name in source.module_names), None)
        found = self._found[name]
        return default if found is None else found

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def values(self):
        """Every file that keeps a name (all names are worked out)."""
        if self._all is None:
            self._all = {}
            for source in self._ordered:
                for name in source.module_names:
                    self._all.setdefault(name, source)
        return self._all.values()


def relative_module(package: str, level: int, name: str) -> str | None:
    """The absolute name ``from <level dots><name> import ...`` reaches from ``package`` (None
    when the dots go above the top package)."""
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    parts = parts[: len(parts) - (level - 1)]
    if name:
        parts.append(name)
    return ".".join(parts) if parts else None


def namespace_packages(index: list[SourceFile]) -> list[str]:
    """The folders whose modules are named through namespace packages, and those names: they
    depend on ``pyproject.toml`` / ``setup.cfg`` files that are not analysed (a cache key part)."""
    found: dict[str, tuple[str, ...] | None] = {}
    for source in index:
        directory = os.path.dirname(source.fspath)
        if directory not in found:
            found[directory] = source.namespace
    return sorted(f"{directory}:{'.'.join(names)}" for directory, names in found.items() if names)


SOURCE_ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")
NAMESPACE_DEPTH = 2  # namespace package folders between a source root and a regular package


class _PackageNames:
    """Dotted names from the ``__init__.py`` files above a file, one stat per directory."""

    def __init__(self) -> None:
        self._prefix: dict[str, tuple[str, ...]] = {}
        self._dotted: dict[str, str | None] = {}
        self._namespace: dict[str, tuple[str, ...] | None] = {}

    def dotted(self, directory: str) -> str | None:
        """The package path of a directory as a dotted name ("" when it is not a package), or
        None when its own name is not an identifier. Above a folder whose name is not one
        (`auth-api/__init__.py` beside `auth-api/src/auth_api/`), nothing can be imported: the
        package path starts below it, where `sys.path` must point."""
        if directory not in self._dotted:
            parts = self.package(directory)
            bad = [index for index, part in enumerate(parts) if not part.isidentifier()]
            self._dotted[directory] = None if bad and bad[-1] == len(parts) - 1 else ".".join(parts[bad[-1] + 1:] if bad else parts)
        return self._dotted[directory]

    def namespace(self, directory: str) -> tuple[str, ...] | None:
        """The namespace packages (PEP 420: folders without ``__init__.py``) from a source root
        down to ``directory`` inclusive, when a source root (a folder holding ``pyproject.toml``,
        ``setup.py`` or ``setup.cfg``, which an install puts on ``sys.path``) is at most
        ``NAMESPACE_DEPTH`` folders above: ``src/promptflow-devkit/promptflow/_sdk/...`` is
        ``promptflow._sdk...``. None when there is no such root."""
        if directory not in self._namespace:
            found: tuple[str, ...] | None = None
            parts: list[str] = []
            here = directory
            for _ in range(NAMESPACE_DEPTH):
                parent, name = os.path.split(here)
                if parent == here or not name.isidentifier() or os.path.exists(os.path.join(here, "__init__.py")):
                    break
                parts.insert(0, name)
                if any(os.path.exists(os.path.join(parent, marker)) for marker in SOURCE_ROOT_MARKERS):
                    found = tuple(parts)
                    break
                here = parent
            self._namespace[directory] = found
        return self._namespace[directory]

    def package(self, directory: str) -> tuple[str, ...]:
        """The package path of a directory: () when it is no package. A folder without
        ``__init__.py`` inside a package is one too (a namespace portion of it, PEP 420:
        ``auth_queue/resources/worker.py`` is ``auth_queue.resources.worker``)."""
        if directory not in self._prefix:
            parent, name = os.path.split(directory)
            if parent == directory or not name:
                self._prefix[directory] = ()
            elif os.path.exists(os.path.join(directory, "__init__.py")):
                self._prefix[directory] = (*self.package(parent), name)
            else:
                above = self.package(parent)
                self._prefix[directory] = (*above, name) if above and name.isidentifier() else ()
        return self._prefix[directory]



TEMPLATE = "template"  # the kind of a FileError that is a skipped template (Jinja, cookiecutter), not a failure

MAX_FILE_BYTES = 5 * 1024 * 1024  # larger .py files are data, not application code


@dataclass(frozen=True)
class Verdict:
    """What the byte prefilter says about a file."""

    status: str  # entry | plain | binary | unreadable
    comments: bool = False  # mentions cors-lint: may hold suppression comments


def verdict_of(data: bytes | FileError) -> Verdict:
    if isinstance(data, FileError):
        return Verdict("unreadable")
    status = "entry" if is_relevant(data) else "binary" if b"\x00" in data else "plain"
    return Verdict(status, b"cors-lint" in data)


@dataclass
class Survey:
    """The files of one run: those named, all that imports may reach, and the prefilter's
    verdicts when they are already known (the cache's stat memo has them)."""

    root: Path
    files: list[SourceFile]
    index: list[SourceFile]
    tests: frozenset[str] = frozenset()  # test code among the files: not entry points (see scan)
    verdicts: dict[str, Verdict] | None = None


def survey(paths: list[Path], exclude: tuple[str, ...] = (), include_tests: bool = False) -> Survey:
    """``include_tests``: run test code as entry points too (by default it is analysed only
    when code outside the tests imports it)."""
    root, files, index, tests = discover(paths, exclude)
    return Survey(root, files, index, frozenset() if include_tests else tests)


def is_test_module(rel: str) -> bool:
    """Test code, by its path: ``test_*.py``, ``*_test.py``, ``conftest.py``, or anything in a
    directory ``tests`` or ``test``."""
    parts = rel.split("/")
    name = parts[-1]
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py" or \
        any(part in ("tests", "test") for part in parts[:-1])


@dataclass
class Scan:
    entries: list[tuple[SourceFile, bytes]]  # the entry points, with their bytes
    problems: list[FileError]  # files that cannot be read, or are binary
    comment_files: set[str]  # files that mention cors-lint (suppression comments)
    tests_not_run: list[str] = field(default_factory=list)  # test code that would be an entry point
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # the prefilter's, for the files it read


def scan(files: list[SourceFile], demand_driven: bool = True, verdicts: dict[str, Verdict] | None = None,
         tests: frozenset[str] = frozenset()) -> Scan:
    """Read each file once (or not at all when its verdict is known and it cannot matter):
    every readable file is an entry point when not ``demand_driven``, except ``tests``: test
    code, run only when something else imports it."""
    result = Scan([], [], set())
    for source in files:
        known = verdicts.get(source.rel) if verdicts is not None and demand_driven else None
        if known is not None and known.status in ("plain", "binary"):
            if known.status == "binary":
                result.problems.append(FileError(source.rel, "encoding", BINARY_MESSAGE))
            if known.comments:
                result.comment_files.add(source.rel)
            continue
        data = read(source)
        verdict = result.verdicts[source.rel] = verdict_of(data)
        if verdict.comments:
            result.comment_files.add(source.rel)
        if isinstance(data, FileError):
            result.problems.append(data)
        elif not demand_driven or verdict.status == "entry":
            if source.rel not in tests:
                result.entries.append((source, data))
            elif verdict.status == "entry":
                result.tests_not_run.append(source.rel)
        elif verdict.status == "binary":
            result.problems.append(FileError(source.rel, "encoding", BINARY_MESSAGE))
    return result


def read(source: SourceFile, info: os.stat_result | None = None) -> bytes | FileError:
    return read_path(source.fspath, source.rel, info)


def read_path(path: str | Path, rel: str, info: os.stat_result | None = None) -> bytes | FileError:
    """The file's bytes, or why they cannot be had (never blocks: FIFOs and devices are refused);
    ``info``: its ``os.stat`` when the caller has just taken it."""
    try:
        info = info or os.stat(path)
    except OSError as exc:
        return FileError(rel, "unreadable", f"cannot read file: {exc.strerror or exc}")
    if not stat.S_ISREG(info.st_mode):
        return FileError(rel, "unreadable", "not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        return FileError(rel, "too-large", f"file too large to analyse ({info.st_size / 2**20:.1f} MiB > "
                                           f"{MAX_FILE_BYTES // 2**20} MiB)")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        return FileError(rel, "unreadable", f"cannot read file: {exc.strerror or exc}")


BINARY_MESSAGE = "file contains NUL bytes (binary, not Python source)"
