"""Which files make up the project, what their module names are, and parsing them safely.

Parsing is wrapped in a per-file error envelope: a file that cannot be read or parsed
becomes a ``FileError`` and the rest of the project is still analysed.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

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
    path: Path
    rel: str  # posix path relative to the scanned root
    module_names: tuple[str, ...]  # dotted names the file can be imported as
    is_package: bool


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
        self._positions: dict[cst.CSTNode, object] | None = None

    @property
    def positions(self) -> dict[cst.CSTNode, object]:
        if self._positions is None:
            try:
                wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
                self._positions = dict(wrapper.resolve(PositionProvider))
            except RecursionError:
                self._positions = {}
        return self._positions


# Bytes that a file which configures CORS, creates a Flask app or registers routes must contain.
RELEVANT_MARKERS = (b"flask", b"Flask", b"cors", b"CORS", b"Cors", b"ccess-Control-", b"ccess-control-")


def is_relevant(data: bytes) -> bool:
    """A cheap byte-level test: can this file matter on its own (not only when imported)?"""
    return any(marker in data for marker in RELEVANT_MARKERS)


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
    named: dict[Path, None] = {}
    for path in paths:
        path = path.resolve()
        if path.is_file():
            named[path] = None
        else:
            named.update(dict.fromkeys(_walk(path)))
    everything = dict(named)
    if any(p.is_file() for p in paths):
        everything.update(dict.fromkeys(_walk(root)))
    files = sorted((_source_file(p, root) for p in named), key=lambda f: f.rel)
    if exclude:
        from cors_lint.policy import path_matches

        files = [f for f in files if not any(path_matches(f.rel, pattern) for pattern in exclude)]
    index = sorted((_source_file(p, root) for p in everything), key=lambda f: f.rel)
    return root, files, index


def _walk(directory: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(directory, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in EXCLUDED_DIRS and not d.endswith(".egg-info") and not d.startswith("."))
        found.extend(Path(dirpath, name) for name in sorted(filenames) if name.endswith(".py"))
    return found


def _source_file(path: Path, root: Path) -> SourceFile:
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    is_package = path.name == "__init__.py"
    names = []
    package_name = _package_module_name(path)
    if package_name:
        names.append(package_name)
    rel_parts = Path(rel).with_suffix("").parts
    if is_package:
        rel_parts = rel_parts[:-1]
    rel_name = ".".join(rel_parts)
    if rel_name and rel_name not in names and all(part.isidentifier() for part in rel_parts):
        names.append(rel_name)
    return SourceFile(path=path, rel=rel, module_names=tuple(names), is_package=is_package)


def _package_module_name(path: Path) -> str:
    """The dotted name Python would give the file, from the ``__init__.py`` files above it."""
    parts = [] if path.name == "__init__.py" else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").exists() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    if not all(part.isidentifier() for part in parts):
        return ""
    return ".".join(parts)


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


def read(source: SourceFile) -> bytes | FileError:
    return read_path(source.path, source.rel)


def read_path(path: Path, rel: str) -> bytes | FileError:
    """The file's bytes, or why they cannot be had (never blocks: FIFOs and devices are refused)."""
    try:
        info = path.stat()
    except OSError as exc:
        return FileError(rel, "unreadable", f"cannot read file: {exc.strerror or exc}")
    if not stat.S_ISREG(info.st_mode):
        return FileError(rel, "unreadable", "not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        return FileError(rel, "too-large", f"file too large to analyse ({info.st_size / 2**20:.1f} MiB > "
                                           f"{MAX_FILE_BYTES // 2**20} MiB)")
    try:
        return path.read_bytes()
    except OSError as exc:
        return FileError(rel, "unreadable", f"cannot read file: {exc.strerror or exc}")


def check_syntax(source: SourceFile, data: bytes) -> FileError | None:
    """CPython's parser (no code runs) for files the engine does not need to model."""
    import ast

    problem = _precheck(source, data)
    if problem is not None:
        return problem
    try:
        ast.parse(data, filename=source.rel)
    except SyntaxError as exc:
        return _limit_error(source, exc) or _confirmed_by_libcst(source, data)
    except (ValueError, RecursionError, MemoryError):
        return _confirmed_by_libcst(source, data)
    return None


def _limit_error(source: SourceFile, exc: SyntaxError) -> FileError | None:
    """CPython's parser limits (nesting depth) reject a file on every Python version."""
    if "too many" in str(exc.msg) or "nested" in str(exc.msg):
        return FileError(source.rel, "syntax", f"syntax error: {exc.msg}", exc.lineno, exc.offset)
    return None


def _cpython_limits(source: SourceFile, data: bytes) -> FileError | None:
    import ast

    try:
        ast.parse(data, filename=source.rel)
    except SyntaxError as exc:
        return _limit_error(source, exc)
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def _confirmed_by_libcst(source: SourceFile, data: bytes) -> FileError | None:
    """This interpreter's parser may not know newer syntax (e.g. PEP 695 on 3.11): libcst
    decides, and its error (or CPython's, when both agree) is reported."""
    parsed = parse(source, data)
    return parsed if isinstance(parsed, FileError) else None


def _precheck(source: SourceFile, data: bytes) -> FileError | None:
    if not data.strip() and not source.is_package:
        return FileError(source.rel, "empty", "empty file: nothing to analyse")
    if b"\x00" in data:
        return FileError(source.rel, "encoding", "file contains NUL bytes (binary, not Python source)")
    return None


def parse(source: SourceFile, data: bytes | None = None) -> ParsedModule | FileError:
    """Read and parse one file; any failure becomes a ``FileError`` describing it."""
    if data is None:
        data = read(source)
        if isinstance(data, FileError):
            return data
    problem = _precheck(source, data) or _cpython_limits(source, data)
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
