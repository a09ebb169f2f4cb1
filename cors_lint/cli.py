"""The ``cors-lint`` command line. Thin: parse options, call the engine, print, exit.

``cors-lint PATH...`` is the same as ``cors-lint check PATH...``.
Exit codes: 0 clean, 1 findings or files that could not be analysed, 2 usage, configuration
or internal error.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cors_lint import __version__

app = typer.Typer(
    name="cors-lint",
    help="Static, policy-as-code linter for the CORS setup of Flask projects.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

SUBCOMMANDS = ("check", "inventory")


class InventoryFormat(str, enum.Enum):
    json = "json"
    text = "text"


class CheckFormat(str, enum.Enum):
    json = "json"
    text = "text"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cors-lint {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
) -> None:
    """Static, policy-as-code linter for the CORS setup of Flask projects."""


PathsArgument = Annotated[list[Path], typer.Argument(help="Files or directories to analyse.", show_default=False)]


VersionOption = Annotated[
    Optional[str],
    typer.Option("--flask-cors-version", help="Model this flask-cors version instead of the one the project pins."),
]


def _analyze(paths: list[Path], flask_cors_version: str | None):
    from cors_lint.analysis import analyze
    from cors_lint.project import UsageError

    try:
        return analyze(paths, flask_cors_version)
    except (UsageError, ValueError) as exc:
        typer.echo(f"cors-lint: error: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def check(
    paths: PathsArgument,
    output_format: Annotated[CheckFormat, typer.Option("--format", help="Output format.")] = CheckFormat.text,
    flask_cors_version: VersionOption = None,
) -> None:
    """Check Flask projects (the default command: `cors-lint src/`)."""
    import json

    inventory = _analyze(paths, flask_cors_version)
    errors = [error.as_json() for error in inventory.errors]
    summary = {"files": inventory.files, "routes": len(inventory.routes), "findings": 0, "errors": len(errors)}
    if output_format is CheckFormat.json:
        document = {"schema_version": 1, "findings": [], "errors": errors, "summary": summary}
        typer.echo(json.dumps(document, indent=2))
    else:
        for error in inventory.errors:
            line = error.line or 1
            column = error.column or 1
            typer.echo(f"{error.file}:{line}:{column}: cannot analyse: {error.message}")
        typer.echo(
            f"{summary['files']} files, {summary['routes']} routes, {summary['findings']} findings, "
            f"{summary['errors']} files not analysed",
            err=True,
        )
    raise typer.Exit(1 if errors else 0)


@app.command()
def inventory(
    paths: PathsArgument,
    output_format: Annotated[InventoryFormat, typer.Option("--format", help="Output format.")] = InventoryFormat.text,
    flask_cors_version: VersionOption = None,
) -> None:
    """Show every route and the CORS layers flask-cors applies to it."""
    from cors_lint.inventory import dumps, inventory_json, inventory_text

    result = _analyze(paths, flask_cors_version)
    if output_format is InventoryFormat.json:
        typer.echo(dumps(inventory_json(result)), nl=False)
    else:
        typer.echo(inventory_text(result), nl=False)
    raise typer.Exit(1 if result.errors else 0)


def _with_default_command(argv: list[str]) -> list[str]:
    """``cors-lint src/`` means ``cors-lint check src/``."""
    if not argv:
        return argv
    first = argv[0]
    if first in SUBCOMMANDS or first in ("--help", "-h", "--version"):
        return argv
    return ["check", *argv]


def main(argv: list[str] | None = None) -> None:
    args = _with_default_command(list(sys.argv[1:] if argv is None else argv))
    verbose = "--verbose" in args
    args = [a for a in args if a != "--verbose"]
    try:
        app(args=args, prog_name="cors-lint", standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # the top-level error envelope: never a silent 0 or 1
        if verbose:
            import traceback

            traceback.print_exc()
        typer.echo(f"cors-lint: internal error: {type(exc).__name__}: {exc} (rerun with --verbose for the traceback)",
                   err=True)
        raise SystemExit(2) from None
