"""Which files make up the project, what their module names are, and parsing them safely.

Parsing is wrapped in a per-file error envelope: a file that cannot be read or parsed
becomes a ``FileError`` and the rest of the project is still analysed.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # libcst is imported when a file is parsed: a run with nothing to parse never loads it
    import libcst as cst

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

    @property
    def path(self) -> Path:
        return Path(self.fspath)

    @cached_property
    def module_names(self) -> tuple[str, ...]:
        """The dotted names the file can be imported as: from the ``__init__.py`` files above
        it, and from its path below the root (computed only when the interpreter runs)."""
        names = []
        directory, name = os.path.split(self.fspath)
        package_name = self.packages.module_name(directory, name) if self.packages else ""
        if package_name:
            names.append(package_name)
        rel_parts = (self.rel[: -len(".py")] if self.rel.endswith(".py") else self.rel).split("/")
        if self.is_package:
            rel_parts = rel_parts[:-1]
        rel_name = ".".join(rel_parts)
        if rel_name and rel_name not in names and all(part.isidentifier() for part in rel_parts):
            names.append(rel_name)
        return tuple(names)


@dataclass(frozen=True)
class FileError:
    file: str
    kind: str  # syntax | encoding | empty | unreadable | too-large | internal
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


class ParsedModule:
    """A parsed file. Positions are computed on first use: most modules never need them."""

    def __init__(self, source: SourceFile, module: cst.Module, data: bytes = b""):
        self.source = source
        self.module = module
        self.data = data
        self._positions: dict[cst.CSTNode, tuple[int, int]] | None = None

    @property
    def positions(self) -> dict[cst.CSTNode, tuple[int, int]]:
        """Each node's start as (line, column), as libcst's ``PositionProvider`` would give it."""
        if self._positions is None:
            from cors_lint.positions import start_positions

            try:
                self._positions = start_positions(self.module)
            except RecursionError:
                self._positions = {}
        return self._positions


# A file is analysed as an entry point when it imports Flask or flask-cors (it can create an
# app, register routes or configure CORS), names the Flask class, calls the Flask or
# flask-cors API that registers routes, hooks or CORS on an app it got from elsewhere (a
# `views.py` that does `from app import app` and `@app.route`), sets a ``CORS_*`` config key,
# or writes an ``Access-Control-*`` header by hand. Everything else is analysed only if an
# entry point leads to it (see ``has_effects``).
FLASK_IMPORT = re.compile(rb"^[ \t]*(?:from|import)[ \t]+flask", re.MULTILINE)
FLASK_API_MARKERS = (
    b"CORS(", b"cross_origin", b".route(", b"add_url_rule", b"register_blueprint", b"url_map", b"view_functions",
    b"before_request", b"after_request", b"teardown_request", b"errorhandler", b"register_error_handler",
    b"init_app",
)
ENTRY_MARKERS = (b"Flask(", b"(Flask", b"CORS_", b"ccess-Control-", b"ccess-control-", b"CCESS-CONTROL-",
                 *FLASK_API_MARKERS)

# Bytes through which a module's top-level code could change what an entry point built
# (load config, reach modules or attributes by computed names) when it is imported. Imported
# modules with none of these or the entry markers are loaded lazily: parsed and run only when
# a name in them is used. (Generic words such as "config", "route" or "cors" are avoided on
# purpose: they are in most large code bases and would make every import eager.)
EFFECT_MARKERS = ENTRY_MARKERS + (
    b"flask", b"from_object", b"from_mapping", b"from_pyfile", b"from_envvar", b"current_app", b"setattr(",
    b"import_module", b"__import__",
)


def is_relevant(data: bytes) -> bool:
    """A cheap byte-level test: can this file matter on its own (not only when imported)?"""
    if b"flask" in data and FLASK_IMPORT.search(data):
        return True
    return any(marker in data for marker in ENTRY_MARKERS)


def has_effects(data: bytes) -> bool:
    """Can running this module on import change anything but its own namespace?"""
    return any(marker in data for marker in EFFECT_MARKERS)


class ParseMemo(dict):
    """Parsed files by (path, content), shared by the analyses of one check (one per environment;
    libcst trees are immutable), and the source text of functions, by node."""

    def __init__(self) -> None:
        super().__init__()
        self._code: dict[int, tuple[cst.CSTNode, str]] = {}

    def function_code(self, node: cst.CSTNode) -> str:
        known = self._code.get(id(node))
        if known is None or known[0] is not node:
            import libcst as cst

            known = self._code[id(node)] = (node, cst.Module([]).code_for_node(node))
        return known[1]


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


def discover(paths: list[Path], exclude: tuple[str, ...] = ()) -> tuple[Path, list[SourceFile], list[SourceFile]]:
    """Expand command-line paths into Python files, sorted by relative path.

    Returns the root, the files to analyse (what the paths name), and every Python file
    under the root (what their imports may reach; parsed only when imported).
    """
    for path in paths:
        if not path.exists():
            raise UsageError(f"path does not exist: {path}")
    root = find_root(paths)
    named: dict[str, None] = {}  # plain strings: a Path per file costs more than the walk itself
    for path in paths:
        path = path.resolve()
        if path.is_file():
            named[str(path)] = None
        else:
            named.update(dict.fromkeys(_walk(str(path))))
    everything = dict(named)
    if any(p.is_file() for p in paths):
        everything.update(dict.fromkeys(_walk(str(root))))
    packages = _PackageNames()
    sources = {path: _source_file(path, root, packages) for path in everything}
    files = sorted((sources[p] for p in named), key=lambda f: f.rel)
    if exclude:
        from cors_lint.policy import path_matches

        files = [f for f in files if not any(path_matches(f.rel, pattern) for pattern in exclude)]
    index = sorted(sources.values(), key=lambda f: f.rel)
    return root, files, index


def _walk(directory: str) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(directory, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in EXCLUDED_DIRS and not d.endswith(".egg-info") and not d.startswith("."))
        found.extend(os.path.join(dirpath, name) for name in sorted(filenames) if name.endswith(".py"))
    return found


def _source_file(path: str, root: Path, packages: _PackageNames) -> SourceFile:
    base = str(root).rstrip(os.sep) + os.sep
    rel = path[len(base):].replace(os.sep, "/") if path.startswith(base) else Path(path).as_posix()
    return SourceFile(fspath=path, rel=rel, is_package=path.endswith(os.sep + "__init__.py"), packages=packages)


class _PackageNames:
    """Dotted names from the ``__init__.py`` files above a file, one stat per directory."""

    def __init__(self) -> None:
        self._prefix: dict[str, tuple[str, ...]] = {}

    def module_name(self, directory: str, name: str) -> str:
        prefix = self.package(directory)
        parts = (*prefix, name[: -len(".py")] if name.endswith(".py") else name) if name != "__init__.py" else prefix
        return ".".join(parts) if all(part.isidentifier() for part in parts) else ""

    def package(self, directory: str) -> tuple[str, ...]:
        """The package path of a directory: () when it has no ``__init__.py``."""
        if directory not in self._prefix:
            parent, name = os.path.split(directory)
            if parent != directory and name and os.path.exists(os.path.join(directory, "__init__.py")):
                self._prefix[directory] = (*self.package(parent), name)
            else:
                self._prefix[directory] = ()
        return self._prefix[directory]


def _syntax_error(source: SourceFile, data: bytes, exc: cst.ParserSyntaxError) -> FileError:
    """Prefer CPython's own message and position (it only parses; nothing is executed)."""
    import ast

    try:
        ast.parse(data, filename=source.rel)
    except SyntaxError as python_error:
        return FileError(source.rel, "syntax", f"syntax error: {python_error.msg}", python_error.lineno,
                         python_error.offset)
    except (ValueError, RecursionError, MemoryError):
        pass
    return FileError(source.rel, "syntax", f"syntax error: {exc.message}", exc.raw_line, exc.raw_column + 1)


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
    verdicts: dict[str, Verdict] | None = None


def survey(paths: list[Path], exclude: tuple[str, ...] = ()) -> Survey:
    return Survey(*discover(paths, exclude))


@dataclass
class Scan:
    entries: list[tuple[SourceFile, bytes]]  # the entry points, with their bytes
    problems: list[FileError]  # files that cannot be read, or are binary
    comment_files: set[str]  # files that mention cors-lint (suppression comments)


def scan(files: list[SourceFile], demand_driven: bool = True, verdicts: dict[str, Verdict] | None = None) -> Scan:
    """Read each file once (or not at all when its verdict is known and it cannot matter):
    every readable file is an entry point when not ``demand_driven``."""
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
        verdict = verdict_of(data)
        if verdict.comments:
            result.comment_files.add(source.rel)
        if isinstance(data, FileError):
            result.problems.append(data)
        elif not demand_driven or verdict.status == "entry":
            result.entries.append((source, data))
        elif verdict.status == "binary":
            result.problems.append(FileError(source.rel, "encoding", BINARY_MESSAGE))
    return result


def read(source: SourceFile) -> bytes | FileError:
    return read_path(source.fspath, source.rel)


def read_path(path: str | Path, rel: str) -> bytes | FileError:
    """The file's bytes, or why they cannot be had (never blocks: FIFOs and devices are refused)."""
    try:
        info = os.stat(path)
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


def _limit_error(source: SourceFile, exc: SyntaxError) -> FileError | None:
    """CPython's parser limits (nesting depth) reject a file on every Python version."""
    if "too many" in str(exc.msg) or "nested" in str(exc.msg):
        return FileError(source.rel, "syntax", f"syntax error: {exc.msg}", exc.lineno, exc.offset)
    return None


# CPython refuses code nested beyond its parser's limits (200 brackets, 20 blocks), which libcst
# accepts. Checking with CPython's own parser costs a third of a libcst parse, so it runs only
# on files that show deep nesting: a run of opening brackets or deeply indented lines.
_DEEP_NESTING = (b"(" * 16, b"[" * 16, b"{" * 16, b"\n" + b" " * 64, b"\n" + b"\t" * 16)


def _cpython_limits(source: SourceFile, data: bytes) -> FileError | None:
    import ast

    if not any(marker in data for marker in _DEEP_NESTING):
        return None
    try:
        ast.parse(data, filename=source.rel)
    except SyntaxError as exc:
        return _limit_error(source, exc)
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


BINARY_MESSAGE = "file contains NUL bytes (binary, not Python source)"


def precheck(source: SourceFile, data: bytes) -> FileError | None:
    if not data.strip() and not source.is_package:
        return FileError(source.rel, "empty", "empty file: nothing to analyse")
    if b"\x00" in data:
        return FileError(source.rel, "encoding", BINARY_MESSAGE)
    return None


def parse(source: SourceFile, data: bytes | None = None) -> ParsedModule | FileError:
    """Read and parse one file; any failure becomes a ``FileError`` describing it."""
    import libcst as cst

    if data is None:
        data = read(source)
        if isinstance(data, FileError):
            return data
    problem = precheck(source, data) or _cpython_limits(source, data)
    if problem is not None:
        return problem
    try:
        module = cst.parse_module(data if data.strip() else b"")
    except cst.ParserSyntaxError as exc:
        return _syntax_error(source, data, exc)
    except (UnicodeDecodeError, LookupError, SyntaxError) as exc:
        return FileError(source.rel, "encoding", f"cannot decode source: {exc}")
    except RecursionError:
        return FileError(source.rel, "syntax", "source is nested too deeply to parse")
    return ParsedModule(source, module, data)
