"""``[tool.cors-lint]`` in pyproject.toml: project defaults that command-line options override.

    [tool.cors-lint]
    policy = "cors-policy.yaml"     # or a preset: recommended, strict
    exclude = ["migrations/**", "scripts/**"]
    format = "text"
    fail-on = "warning"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tomllib

from cors_lint.core.limits import TOML_BYTES, InputError, read_bounded

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")
LEVELS = ("error", "warning", "note", "never")


class SettingsError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    source: Path | None = None
    policy: str | None = None
    exclude: tuple[str, ...] = ()
    format: str | None = None
    fail_on: str | None = None
    include_tests: bool = False


def find(start: Path) -> Settings:
    folder = start.resolve()
    folder = folder if folder.is_dir() else folder.parent
    for candidate in (folder, *folder.parents):
        pyproject = candidate / "pyproject.toml"
        if not pyproject.is_file():
            continue
        tool = _read(pyproject).get("tool")
        table = tool.get("cors-lint") if isinstance(tool, dict) else None
        if table is None:
            continue
        if not isinstance(table, dict):
            raise SettingsError(f"{pyproject}: [tool.cors-lint] must be a table")
        return _settings(table, pyproject)
    return Settings()


def _read(pyproject: Path) -> dict:
    """The parsed file, bounded: its size before it is read (``TOML_BYTES``) and its nesting by
    tomllib's own recursion, reported with the line it had reached."""
    text = ""
    try:
        text = read_bounded(pyproject, TOML_BYTES, "settings file").decode("utf-8")
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # as read_text() reads it
        return tomllib.loads(text)
    except InputError as exc:
        raise SettingsError(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{pyproject}: cannot read [tool.cors-lint]: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else 1)
        raise SettingsError(f"{pyproject}:{line}: cannot read [tool.cors-lint]: {exc}") from None
    except RecursionError as exc:  # arrays or inline tables nested some hundreds deep
        raise SettingsError(f"{pyproject}:{_reached_line(exc, text)}: cannot read [tool.cors-lint]: arrays or "
                            "inline tables nested too deeply") from None


def _reached_line(exc: RecursionError, text: str) -> int:
    """The line tomllib was parsing when it ran out of stack (its parse functions carry ``pos``)."""
    position, frame = 0, exc.__traceback__
    while frame is not None:
        if isinstance(frame.tb_frame.f_locals.get("pos"), int):
            position = frame.tb_frame.f_locals["pos"]
        frame = frame.tb_next
    return text.count("\n", 0, position) + 1


def _settings(table: dict, source: Path) -> Settings:
    unknown = sorted(set(table) - {"policy", "exclude", "format", "fail-on", "include-tests"})
    if unknown:
        raise SettingsError(f"{source}: [tool.cors-lint]: unknown key {unknown[0]!r} "
                            "(known: policy, exclude, format, fail-on, include-tests)")
    if not isinstance(table.get("include-tests", False), bool):
        raise SettingsError(f"{source}: [tool.cors-lint]: include-tests must be true or false")
    exclude = table.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude):
        raise SettingsError(f"{source}: [tool.cors-lint]: exclude must be a list of globs")
    if table.get("format") not in (None, *FORMATS):
        raise SettingsError(f"{source}: [tool.cors-lint]: format must be one of {', '.join(FORMATS)}")
    if table.get("fail-on") not in (None, *LEVELS):
        raise SettingsError(f"{source}: [tool.cors-lint]: fail-on must be one of {', '.join(LEVELS)}")
    policy = table.get("policy")
    if policy is not None and not isinstance(policy, str):
        raise SettingsError(f"{source}: [tool.cors-lint]: policy must be a path or a preset name")
    return Settings(source, policy, tuple(exclude), table.get("format"), table.get("fail-on"),
                    table.get("include-tests", False))
