"""``[tool.cors-lint]`` in pyproject.toml: project defaults that command-line options override.

    [tool.cors-lint]
    policy = "cors-policy.yaml"     # or a preset: recommended, strict
    exclude = ["migrations/**", "scripts/**"]
    format = "text"
    fail-on = "warning"
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tomllib

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
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


def find(start: Path) -> Settings:
    folder = start.resolve()
    folder = folder if folder.is_dir() else folder.parent
    for candidate in (folder, *folder.parents):
        pyproject = candidate / "pyproject.toml"
        if not pyproject.is_file():
            continue
        try:
            table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("cors-lint")
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{pyproject}: cannot read [tool.cors-lint]: {exc}") from None
        if table is None:
            continue
        return _settings(table, pyproject)
    return Settings()


def _settings(table: dict, source: Path) -> Settings:
    unknown = sorted(set(table) - {"policy", "exclude", "format", "fail-on"})
    if unknown:
        raise SettingsError(f"{source}: [tool.cors-lint]: unknown key {unknown[0]!r} "
                            "(known: policy, exclude, format, fail-on)")
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
    return Settings(source, policy, tuple(exclude), table.get("format"), table.get("fail-on"))
