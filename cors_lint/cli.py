"""The ``cors-lint`` command line: it declares the commands and their options, runs
``commands``, prints what ``output.formats`` renders, and exits.

``cors-lint PATH...`` is the same as ``cors-lint check PATH...``.
Exit codes: 0 clean, 1 findings or files that could not be analysed, 2 usage, configuration
or internal error.
"""

from __future__ import annotations

import difflib
import gc
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from cors_lint import __version__
from cors_lint.commands import CommandError
from cors_lint.output import formats

app = typer.Typer(
    name="cors-lint",
    help="Static, policy-as-code linter for the CORS setup of Flask projects.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help as written: `[tool.cors-lint]` is text, not markup
    add_completion=False,
)



class _Command(typer.core.TyperCommand):
    """Usage lines as click and most tools write them: a required argument bare (``RULE``), an
    optional one in brackets (``[PATH]...``). Typer 0.29 writes a required one in braces
    (``{RULE}``), which reads like a set of choices."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, typer.core.TyperArgument) and param.required:
                pieces.append(param.display_name_raw + ("..." if param.nargs != 1 else ""))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


def command(name: Optional[str] = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A subcommand of ``app``."""
    return app.command(name, cls=_Command)


SUBCOMMANDS = ("check", "inventory", "rules", "rule", "schema", "validate-policy", "init", "report", "diff")


SEVERITIES = ("error", "warning", "note", "never")
COLORS = ("auto", "always", "never")


def _one_of(choices) -> Callable[[Optional[str]], Optional[str]]:
    """A callback accepting one of ``choices`` (or nothing), with the choices in its message."""
    def check(value: Optional[str]) -> Optional[str]:
        if value is not None and value not in choices:
            near = difflib.get_close_matches(value, list(choices), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}{hint}")
        return value
    return check


def _choice(option: str, choices, help: str, default: Optional[str] = None):
    """An option taking one of ``choices``: shown as ``[a|b|c]`` in the help."""
    return typer.Option(option, help=help, metavar=f"[{'|'.join(choices)}]", callback=_one_of(tuple(choices)),
                        show_default=default is not None)


def _not_negative(value: int) -> int:
    if value < 0:
        raise typer.BadParameter(f"{value} is negative (0: one process per core)")
    return value


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cors-lint {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = None,
    verbose: Annotated[bool, typer.Option(
        "--verbose", help="Print the traceback of an internal error (a rule that raised, a crash); may also "
                          "be given after the command.")] = False,
) -> None:
    """Static, policy-as-code linter for the CORS setup of Flask projects."""


# Arguments are described in their command's help (Typer would list each with its Python type)
PathsArgument = Annotated[Optional[list[Path]], typer.Argument(metavar="PATH", hidden=True, show_default=False)]
ExcludeOption = Annotated[Optional[list[str]], typer.Option(
    "--exclude", metavar="GLOB", help="Leave out files matching this glob (repeatable; replaces [tool.cors-lint] "
                                      "exclude).")]
ExtendExcludeOption = Annotated[Optional[list[str]], typer.Option(
    "--extend-exclude", metavar="GLOB", help="Leave out files matching this glob too (repeatable; added to "
                                             "[tool.cors-lint] exclude or --exclude).")]


VersionOption = Annotated[
    Optional[str],
    typer.Option("--flask-cors-version", metavar="VERSION",
                 help="Model this flask-cors version instead of the one the project pins."),
]


NoPrefilterOption = Annotated[bool, typer.Option(
    "--no-prefilter", help="Parse and run every Python file as an entry point, not only the files that can "
    "affect CORS and what they import (slow; also reports syntax errors in files that cannot matter).")]


IncludeTestsOption = Annotated[bool, typer.Option(
    "--include-tests", help="Run test code (tests/, test_*.py, *_test.py, conftest.py) as entry points too, "
    "with the apps it builds (default: [tool.cors-lint] include-tests, else no: test code is analysed only "
    "where the project's own code imports it).")]


NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache "
                                             "(.cors-lint-cache/ in the project).")]
CacheDirOption = Annotated[Optional[Path], typer.Option(
    "--cache-dir", envvar="CORS_LINT_CACHE_DIR", show_envvar=True, metavar="DIR",
    help="Keep the cache under this directory (one folder per project) instead of .cors-lint-cache/ in the "
         "project, e.g. outside the checkout for a CI cache action. Entries are signed: with "
         "$CORS_LINT_CACHE_KEY (a CI secret, 32+ characters) runners that share it reuse each other's.")]


JobsOption = Annotated[int, typer.Option(
    "--jobs", "-j", metavar="N", callback=_not_negative,
    help="Processes that parse in parallel (0: one per core when there is enough to parse).")]


@command()
def check(
    paths: PathsArgument = None,
    output_format: Annotated[Optional[str], _choice(
        "--format", formats.CHECK, "Output format (default: [tool.cors-lint] format, else text).")] = None,
    policy_file: Annotated[Optional[Path], typer.Option("--policy", metavar="FILE", help="Policy file (default: "
                                                        "cors-policy.yaml or [tool.cors-lint] found upward, else "
                                                        "the recommended preset).")] = None,
    environment: Annotated[Optional[str], typer.Option("--env", metavar="NAME",
                                                       help="Check one environment only.")] = None,
    fail_on: Annotated[Optional[str], _choice(
        "--fail-on", SEVERITIES, "Lowest severity that makes the exit code 1; `never` also lets files that "
        "could not be analysed pass (default: [tool.cors-lint] fail-on, else warning).")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 whatever is found (the same as "
                                            "--fail-on never; a usage or internal error still exits 2).")] = False,
    flask_cors_version: VersionOption = None,
    no_inline_suppressions: Annotated[bool, typer.Option(
        "--no-inline-suppressions", help="Audit mode: ignore `# cors-lint: ignore[...]` comments.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write the report to "
                                                   "this file (atomically) instead of stdout.")] = None,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", metavar="FILE", help="Report only findings "
                                                     "that are not in this baseline file.")] = None,
    write_baseline: Annotated[Optional[Path], typer.Option("--write-baseline", metavar="FILE", help="Write the "
                                                           "current findings to a baseline file and exit 0.")] = None,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    no_prefilter: NoPrefilterOption = False,
    jobs: JobsOption = 0,
    include_tests: IncludeTestsOption = False,
    exclude: ExcludeOption = None,
    extend_exclude: ExtendExcludeOption = None,
    color: Annotated[str, _choice(
        "--color", COLORS, "Colour the text output: auto (in a terminal, unless $NO_COLOR is set; $FORCE_COLOR "
        "turns it on), always or never.", "auto")] = "auto",
    sarif_category: Annotated[Optional[str], typer.Option(
        "--sarif-category", metavar="NAME", help="Name the SARIF run (automationDetails.id) for code scanning. "
        "Without it the log names none, and the category the upload gives is used.")] = None,
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes re-analysis proves (the finding gone, "
                                      "none new, in every environment), then report what is left.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="With --fix or --diff, also the fixes "
                                               "that change which requests pass.")] = False,
    show_diff: Annotated[bool, typer.Option("--diff", help="Print the proven fixes as a unified diff and write "
                                            "nothing (exit 1 when there is one).")] = False,
    show_fixes: Annotated[bool, typer.Option("--show-fixes", help="Show each finding's proven fix with it (text, "
                                             "JSON, SARIF), safe or not.")] = False,
) -> None:
    """Check Flask projects against the CORS policy (the default command: `cors-lint src/`).

    PATH: the files or directories to analyse (default: the current directory). Files named one
    by one, as pre-commit passes them, are checked in their whole project: the findings they can
    change are reported."""
    from cors_lint.commands import check as checking
    from cors_lint.core.plurals import plural
    from cors_lint.output.report import exit_code

    try:
        run = checking.run(paths or [Path(".")], output_format=output_format, policy_file=policy_file,
                           environment=environment, fail_on="never" if exit_zero else fail_on,
                           flask_cors_version=flask_cors_version, inline_suppressions=not no_inline_suppressions,
                           baseline=baseline, write_baseline=write_baseline, cache=not no_cache, cache_dir=cache_dir,
                           demand_driven=not no_prefilter, jobs=jobs, include_tests=include_tests,
                           exclude=exclude, extend_exclude=extend_exclude, fix=fix, unsafe_fixes=unsafe_fixes,
                           diff=show_diff, show_fixes=show_fixes)
    except CommandError as exc:
        _fail(exc)
    if show_diff:
        from cors_lint.commands.fix import unified_diff

        _emit(unified_diff(run.fixes), output)
        if not run.fixes:
            typer.echo(f"cors-lint: no fix to propose for {plural(len(run.result.findings), 'finding')} (a fix is "
                       "offered only when re-analysis proves it)", err=True)
        raise typer.Exit(1 if run.fixes else 0)
    if run.fixes:
        files = plural(len({fix.file for fix in run.fixes}), "file")
        typer.echo(f"cors-lint: applied {plural(len(run.fixes), 'fix', 'fixes')} in {files}", err=True)
    if run.baseline_written is not None:
        written = plural(len(run.result.findings), "finding")
        typer.echo(f"cors-lint: wrote {written} to {run.baseline_written}", err=True)
        raise typer.Exit(_rule_failures(run.result))  # a rule that raised: the baseline may lack its findings
    presentation = formats.Presentation(color=_colors(color, output), sarif_category=sarif_category)
    _emit(formats.CHECK[run.output_format](run.result, run.policy, presentation), output, presentation.color)
    _rule_failures(run.result)
    raise typer.Exit(exit_code(run.result, run.fail_on))


def _colors(choice: str, output: Path | None) -> bool:
    """Colour for ``--color``: always, never, or (auto) on a terminal that $NO_COLOR does not turn
    off, or when $FORCE_COLOR asks (never in a file written with --output)."""
    if choice != "auto":
        return choice == "always"
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    return sys.stdout.isatty()


def _fail(error: CommandError) -> None:
    """A problem the user can fix: its message on stderr, exit 2."""
    typer.echo(f"cors-lint: {error.kind}: {error}", err=True)
    raise typer.Exit(2) from None


def _rule_failures(result) -> int:
    """Print the rules that raised (the other rules' findings were reported) on stderr, with their
    tracebacks under --verbose; 2 when one did, else 0."""
    for failure in result.failures:
        if _verbose:
            typer.echo(failure.traceback.rstrip("\n"), err=True)
        hint = "" if _verbose else " (rerun with --verbose for the traceback)"
        typer.echo(f"cors-lint: internal error: {failure.describe()}{hint}", err=True)
    return 2 if result.failures else 0


def _emit(text: str, output: Path | None, color: bool = False) -> None:
    """Print (``color``: keep ANSI colours even when stdout is not a terminal), or write ``output``."""
    if output is None:
        typer.echo(text, nl=False, color=color or None)
        return
    from cors_lint.core.files import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        typer.echo(f"cors-lint: error: cannot write {output}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None


@command("rules")
def list_rules(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the full catalogue as Markdown.")] = False,
) -> None:
    """List the built-in rules."""
    from cors_lint.rules import RULES, catalogue_markdown

    if markdown:
        typer.echo(catalogue_markdown(), nl=False)
        return
    for rule in RULES.values():
        scope = f" [{', '.join(rule.environments)}]" if rule.environments else ""
        typer.echo(f"{rule.id}  {rule.name:<32} {rule.severity:<8} {rule.summary}{scope}")


@command("rule")
def explain_rule(rule_id: Annotated[str, typer.Argument(metavar="RULE", hidden=True)]) -> None:
    """Explain one rule.

    RULE: its id (CORS001) or its name (credentials-with-any-origin)."""
    from cors_lint.rules import lookup

    rule = lookup(rule_id)
    if rule is None:
        typer.echo(f"cors-lint: error: unknown rule {rule_id!r} (see `cors-lint rules`)", err=True)
        raise typer.Exit(2)
    typer.echo(f"# {rule.id} {rule.name} ({rule.severity})\n\n{rule.summary}\n{rule.doc}")


@command("report")
def report(
    paths: PathsArgument = None,
    output_format: Annotated[str, _choice("--format", formats.REVIEW, "Output format.", "html")] = "html",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE",
                                                   help="Write to this file (atomically).")] = None,
    policy_file: Annotated[Optional[Path], typer.Option("--policy", metavar="FILE", help="Policy file.")] = None,
    flask_cors_version: VersionOption = None,
    include_tests: IncludeTestsOption = False,
    exclude: ExcludeOption = None,
    extend_exclude: ExtendExcludeOption = None,
    no_cache: NoCacheOption = False,
    cache_dir: CacheDirOption = None,
    environment: Annotated[Optional[str], typer.Option("--env", metavar="NAME",
                                                       help="Review one environment only (as check --env).")] = None,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", metavar="FILE", help="Count as new only the "
                                                     "findings not in this baseline file (check "
                                                     "--write-baseline); the known ones are listed apart.")] = None,
) -> None:
    """Write the security review report: verdict, risks, findings, routes, suppressions.

    PATH: the files or directories to analyse (default: the current directory). The report covers
    every environment of the policy, or the one --env names."""
    from cors_lint.commands import report as reporting

    try:
        result, policy, provenance = reporting.run(
            paths or [Path(".")], policy_file, flask_cors_version, include_tests, exclude=exclude,
            extend_exclude=extend_exclude, cache=not no_cache, cache_dir=cache_dir, environment=environment,
            baseline=baseline)
    except CommandError as exc:
        _fail(exc)
    _emit(formats.REVIEW[output_format](result, policy, provenance), output)
    raise typer.Exit(_rule_failures(result))


@command("diff")
def diff(
    refs: Annotated[str, typer.Argument(metavar="BASE..HEAD", hidden=True)],
    path: Annotated[Path, typer.Argument(metavar="PATH", hidden=True)] = Path("."),
    fail_on_widening: Annotated[bool, typer.Option("--fail-on-widening", help="Exit 1 when a route gains "
                                                   "origins or credentials.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE",
                                                   help="Write to this file (atomically).")] = None,
    flask_cors_version: VersionOption = None,
    output_format: Annotated[str, _choice("--format", ("markdown", "json"), "Output format.", "markdown")] = "markdown",
    policy_file: Annotated[Optional[Path], typer.Option("--policy", metavar="FILE", help="Policy file (for --env; "
                                                        "default: the one found upward from PATH).")] = None,
    environment: Annotated[Optional[str], typer.Option(
        "--env", metavar="NAME", help="Analyse both revisions with a policy environment's assumptions (its `env:` "
        "values and `debug`); default: none, so flags from the environment are followed both ways.")] = None,
) -> None:
    """Which routes gained or lost origins or credentials between two git revisions.

    BASE..HEAD: the git revisions (BASE.. compares BASE with the working tree). PATH: the project
    inside the repository (default: the current directory)."""
    from cors_lint.commands.diff import diff_refs
    from cors_lint.output.diff import render, render_json

    try:
        changes = diff_refs(path, refs, flask_cors_version, environment, policy_file)
    except CommandError as exc:
        _fail(exc)
    _emit((render_json if output_format == "json" else render)(changes, refs), output)
    widened = any(change.kind in ("widened", "added") for change in changes)
    raise typer.Exit(1 if fail_on_widening and widened else 0)


@command("init")
def init(
    directory: Annotated[Path, typer.Argument(metavar="DIRECTORY", hidden=True)] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing cors-policy.yaml.")] = False,
) -> None:
    """Write a starter cors-policy.yaml (and its schema, for editors) from what the project does.

    DIRECTORY: the project (default: the current directory)."""
    from cors_lint.commands.init import write_starter

    if not directory.is_dir():
        _fail(CommandError(f"not a directory: {directory}"))
    try:
        written = write_starter(directory, force)
    except CommandError as exc:
        _fail(exc)
    for path in written:
        typer.echo(f"wrote {path}")


@command("validate-policy")
def validate_policy(
    files: Annotated[list[Path], typer.Argument(metavar="FILE", hidden=True, show_default=False)],
) -> None:
    """Validate policy files (exit 1 when one is invalid): the pre-commit policy hook.

    FILE: the policy files to validate."""
    from cors_lint.policy import PolicyError
    from cors_lint.policy.loader import load

    failed = False
    for file in files:
        try:
            load(file)
        except PolicyError as exc:
            typer.echo(str(exc))
            failed = True
    raise typer.Exit(1 if failed else 0)


@command("schema")
def print_schema(
    which: Annotated[str, typer.Argument(metavar="WHICH", hidden=True)] = "policy",
) -> None:
    """Print a JSON Schema (the policy's, for editors; or the output documents').

    WHICH: policy (the default), findings or inventory."""
    import json

    from cors_lint.schemas import load

    if which not in ("policy", "findings", "inventory"):
        typer.echo(f"cors-lint: error: no schema {which!r} (policy, findings, inventory)", err=True)
        raise typer.Exit(2)
    typer.echo(json.dumps(load(f"{which}.schema.json"), indent=2))


@command()
def inventory(
    paths: PathsArgument = None,
    output_format: Annotated[str, _choice("--format", formats.INVENTORY, "Output format.", "text")] = "text",
    flask_cors_version: VersionOption = None,
    no_prefilter: NoPrefilterOption = False,
    jobs: JobsOption = 0,
    environment: Annotated[Optional[str], typer.Option(
        "--env", metavar="NAME", help="Analyse with a policy environment's assumptions (its `env:` values and "
        "`debug`); default: none, so flags from the environment are followed both ways.")] = None,
    include_tests: IncludeTestsOption = False,
    exclude: ExcludeOption = None,
    extend_exclude: ExtendExcludeOption = None,
) -> None:
    """Show every route and the CORS layers flask-cors applies to it.

    PATH: the files or directories to analyse (default: the current directory)."""
    from cors_lint.commands import inventory as inventories

    try:
        result = inventories.run(paths or [Path(".")], flask_cors_version, not no_prefilter, jobs, environment,
                                 include_tests, exclude=exclude, extend_exclude=extend_exclude)
    except CommandError as exc:
        _fail(exc)
    typer.echo(formats.INVENTORY[output_format](result), nl=False)
    raise typer.Exit(1 if result.errors else 0)


def _with_default_command(argv: list[str]) -> list[str]:
    """``cors-lint src/`` means ``cors-lint check src/``; a word close to a command that is not a
    path is a mistyped command (``cors-lint chekc``): a usage error that names the command."""
    if not argv:
        return argv
    first = argv[0]
    if first in SUBCOMMANDS or first in ("--help", "-h", "--version"):
        return argv
    near = difflib.get_close_matches(first, SUBCOMMANDS, n=1, cutoff=0.6)
    if near and not first.startswith("-") and not Path(first).exists():
        typer.echo(f"cors-lint: usage error: no command or path {first!r} (did you mean `cors-lint {near[0]}`?)",
                   err=True)
        raise SystemExit(2)
    return ["check", *argv]


_verbose = False  # --verbose: print tracebacks (of the run, or of a rule that raised)


def main(argv: list[str] | None = None) -> None:
    global _verbose
    args = _with_default_command(list(sys.argv[1:] if argv is None else argv))
    verbose = _verbose = "--verbose" in args
    args = [a for a in args if a != "--verbose"]
    # A run builds large trees and keeps them to its end: the cyclic garbage collector would only
    # re-scan them (about a fifth of a cold run on moto, for 1 MiB less peak memory). A command is
    # one bounded run, so it runs without; the library API (analyze, check_paths) keeps the default.
    gc.disable()
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


def entry() -> None:
    """The ``cors-lint`` command (and ``python -m cors_lint``): ``main``, then exit without
    tearing the interpreter down. Freeing a run's trees object by object costs about a tenth
    of a cold run on moto, and nothing is left to do: output is flushed, files written."""
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):  # SystemExit("message"): what Python does
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: what Python's own exit would meet
        code = code or 120
    os._exit(code or 0)
