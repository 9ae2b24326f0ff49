"""The command line: Typer parses, ``commands.run_*`` does the work, one place maps errors.

This is the only module that imports Typer. Each command is a thin adapter: it turns
options into plain values and calls its ``run_*`` function through ``_run``, which
builds the ``Env`` (ledgers folder, today) and turns every ``CepError`` into one plain
sentence on stderr and its exit code (SPEC.md, "Exit codes").
"""

# No `from __future__ import annotations` here: Typer would eval every annotation string at
# each start-up (about 15 ms for --help and completion); plain annotations are evaluated once.

import sys
import traceback
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from cepledger import __version__
from cepledger.model.errors import CepError, DataError


def _lazy(name: str) -> Callable[..., object]:
    """``commands.<name>``, imported on first call: `cep --help` and completion never load it."""
    def call(*args, **kwargs):
        from cepledger.cli import commands

        return getattr(commands, name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


Env = _lazy("Env")
complete_activities = _lazy("complete_activities")
complete_members = _lazy("complete_members")
complete_programs = _lazy("complete_programs")
ledgers_from = _lazy("ledgers_from")
run_add = _lazy("run_add")
run_check = _lazy("run_check")
run_init = _lazy("run_init")
run_log = _lazy("run_log")
run_member_add = _lazy("run_member_add")
run_member_enrol = _lazy("run_member_enrol")
run_member_list = _lazy("run_member_list")
run_programs = _lazy("run_programs")
run_status = _lazy("run_status")
run_summary = _lazy("run_summary")
run_void = _lazy("run_void")
today_from_env = _lazy("today_from_env")

CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="cep",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
)
member_app = typer.Typer(
    help="Create, enrol and list members.\n\n\b\nExample:\n  cep member list",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings=CONTEXT,
)
app.add_typer(member_app, name="member")


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class StatusFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


# ------------------------------------------------------------------ the one place errors become exit codes


def report_error(exc: BaseException, err, debug: bool) -> int:
    """Print ``exc`` as plain sentences on ``err`` and return the exit code."""
    if debug:
        traceback.print_exception(exc, file=err)
    if isinstance(exc, DataError):
        for problem in exc.problems:
            err.write(f"{problem}\n")
        return exc.exit_code
    if isinstance(exc, CepError):
        err.write(f"error: {exc}\n")
        return exc.exit_code
    hint = "" if debug else " (run with --debug for the traceback)"
    err.write(f"internal error: {type(exc).__name__}: {exc}{hint}\n")
    return 1


def _run(ctx: typer.Context, fn: Callable[..., int], *args, **kwargs) -> None:
    opts = ctx.find_root().obj or {}
    debug = bool(opts.get("debug"))
    try:
        env = Env(ledgers=ledgers_from(opts.get("ledgers")), today=today_from_env(), out=sys.stdout, err=sys.stderr)
        code = fn(env, *args, **kwargs)
    except BrokenPipeError:
        raise  # `cep log x | head`: click leaves quietly
    except Exception as exc:  # noqa: BLE001 - this is the one place every error is mapped
        code = report_error(exc, sys.stderr, debug)
    if code:
        raise typer.Exit(code)


# ------------------------------------------------------------------ completion (must never raise:
# the complete_* helpers swallow every error and _ledgers_of falls back to ./ledgers)


def _ledgers_of(ctx: typer.Context) -> Path:
    try:
        return ledgers_from(ctx.find_root().params.get("ledgers"))
    except Exception:
        return Path("ledgers")


def _complete_member(ctx: typer.Context, incomplete: str) -> list[str]:
    return complete_members(_ledgers_of(ctx), incomplete)


def _complete_activity(ctx: typer.Context, incomplete: str) -> list[str]:
    return complete_activities(_ledgers_of(ctx), ctx.params.get("member"), incomplete)


def _complete_program(ctx: typer.Context, incomplete: str) -> list[str]:
    return complete_programs(_ledgers_of(ctx), incomplete)


def _complete_format(incomplete: str) -> list[str]:
    return [f.value for f in Format if f.value.startswith(incomplete)]


# ------------------------------------------------------------------ options used by several commands


def _opt(*decls: str, meta: str, help: str, **kw):
    """An option taking a value: ``--date DATE`` with its help, no default shown."""
    return typer.Option(*decls, metavar=meta, help=help, show_default=False, **kw)


def _arg(meta: str, help: str, **kw):
    return typer.Argument(metavar=meta, help=help, show_default=False, **kw)


MemberArg = Annotated[str, _arg("MEMBER", "member id (the ledger file name without .toml)",
                                autocompletion=_complete_member)]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", metavar="[table|json|csv]", help="output format",
                                           case_sensitive=False, autocompletion=_complete_format)]
YearOpt = Annotated[Optional[str], _opt("--year", "-y", meta="YEAR",
                                       help="reporting year, like 2025 or 2025-26 (default: the one containing today)")]
StatusFormatOpt = Annotated[StatusFormat, typer.Option("--format", "-f", metavar="[table|json|csv|md]",
                                                       help="output format (md: Markdown to paste into an email or wiki)",
                                                       case_sensitive=False)]
ProgramOpt = Annotated[Optional[str], _opt("--program", "-p", meta="PROGRAM", help="only this program",
                                           autocompletion=_complete_program)]
CheckOpt = Annotated[bool, typer.Option("--check", help="exit 1 when a requirement due in the period is not met")]
SinceOpt = Annotated[str, _opt("--since", meta="DATE", help="date the member entered the program")]
EmployedOpt = Annotated[Optional[str], _opt("--employed-since", meta="DATE",
                                            help="first day in the administrative position (CASC)")]
OptStr = Optional[str]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cepledger {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    ledgers: Annotated[Optional[Path], _opt("--ledgers", meta="DIR", file_okay=False,
                                            help="ledgers folder (default: $CEPLEDGER_DIR, else ./ledgers)")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="show the traceback of an internal error")] = False,
    version: Annotated[Optional[bool], typer.Option(
        "--version", help="show the version and exit", callback=_version, is_eager=True)] = None,
) -> None:
    """A ledger of continuing-education credits over plain TOML files.

    \b
    Example:
      cep add jdoe live-webinar 1.5 --item webinar-2025-11
      cep status jdoe --year 2025
    """
    ctx.obj = {"ledgers": ledgers, "debug": debug}


# ------------------------------------------------------------------ commands


@app.command("init")
def init_cmd(
    ctx: typer.Context,
    directory: Annotated[OptStr, _arg("[DIR]", "folder to create (default: the ledgers folder)")] = None,
) -> None:
    """Create a ledgers folder (and its programs/ folder for extra rule files).

    Nothing that exists is touched.

    \b
    Example:
      cep init ~/cep-ledgers
    """
    _run(ctx, run_init, directory)


@member_app.command("add")
def member_add_cmd(
    ctx: typer.Context,
    member: Annotated[str, _arg("ID", "new member id: a-z, 0-9, '-', '_'")],
    name: Annotated[str, _opt("--name", meta="NAME", help="the member's full name")],
    program: Annotated[str, _opt("--program", meta="PROGRAM", help="program to enrol in",
                                 autocompletion=_complete_program)],
    since: SinceOpt,
    employed_since: EmployedOpt = None,
) -> None:
    """Create a member's ledger file, enrolled in one program.

    \b
    Example:
      cep member add jdoe --name "Jane Doe" --program cass-cep --since 2021-09-01
    """
    _run(ctx, run_member_add, member, name, program, since, employed_since)


@member_app.command("enrol")
def member_enrol_cmd(
    ctx: typer.Context,
    member: MemberArg,
    program: Annotated[str, _arg("PROGRAM", "program to enrol in", autocompletion=_complete_program)],
    since: SinceOpt,
    employed_since: EmployedOpt = None,
) -> None:
    """Enrol a member in another program.

    \b
    Example:
      cep member enrol jdoe casc-butte --since 2024-09-03 --employed-since 2024-07-01
    """
    _run(ctx, run_member_enrol, member, program, since, employed_since)


@member_app.command("list")
def member_list_cmd(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """List the members: id, name and programs.

    \b
    Example:
      cep member list --format csv
    """
    _run(ctx, run_member_list, fmt.value)


@app.command("add")
def add_cmd(
    ctx: typer.Context,
    member: Annotated[OptStr, _arg("MEMBER", "member id (asked for on a terminal when left out)",
                                   autocompletion=_complete_member)] = None,
    activity: Annotated[OptStr, _arg("ACTIVITY", "activity id (see `cep programs PROGRAM`; asked for on a terminal)",
                                     autocompletion=_complete_activity)] = None,
    amount: Annotated[OptStr, _arg("[AMOUNT]", "hours or credits; leave out for milestones and fixed credits")] = None,
    when: Annotated[OptStr, _opt("--date", "-d", meta="DATE",
                                  help="YYYY-MM-DD, 'today', 'yesterday' or e.g. 'Oct 3 2025' (default: today)")] = None,
    title: Annotated[OptStr, _opt("--title", "-t", meta="TEXT", help="what it was")] = None,
    item: Annotated[OptStr, _opt("--item", "-i", meta="ITEM",
                                  help="the event, webinar, guide or course a per-item cap applies to")] = None,
    course: Annotated[OptStr, _opt("--course", meta="COURSE", help="course number or name (cep-course)")] = None,
    cpsel: Annotated[Optional[list[str]], _opt("--cpsel", meta="TAGS",
                                               help="CPSEL standards or elements, e.g. 2A,5 (repeatable)")] = None,
    rating: Annotated[Optional[list[str]], _opt("--rating", meta="S=LEVEL",
                                                help="STANDARD=LEVEL, e.g. 3=meets (repeatable)")] = None,
    evidence: Annotated[OptStr, _opt("--evidence", "-e", meta="PATH",
                                      help="certificate or report (its SHA-256 is recorded if the file exists)")] = None,
    notes: Annotated[OptStr, _opt("--notes", "-n", meta="TEXT", help="free text")] = None,
) -> None:
    """Append one entry; print its id, what counted, what capped it, and the year's standing.

    On a terminal, what is left out (member, activity, amount, date) is asked for, with
    the choices; without a terminal nothing is asked.

    \b
    Example:
      cep add jdoe live-webinar 1.5 --item webinar-2025-11 --date 2025-11-12
      cep add jdoe cep-course --course 4
      cep add mlee professional-learning 3.5 --cpsel 2A,5
    """
    options = dict(title=title, item=item, course=course, cpsel=cpsel or (), ratings=rating or (),
                   evidence=evidence, notes=notes)
    if member is None or activity is None or (amount is None and _interactive()):
        if not _interactive():  # never prompt without a terminal: the usual usage error
            missing = "MEMBER" if member is None else "ACTIVITY"
            ctx.fail(f"Missing argument '{missing}'.")

        def ask(text: str, default: Optional[str]) -> str:
            return typer.prompt(text, default=default) if default is not None else typer.prompt(text)

        _run(ctx, _extra("run_add_interactive"), member, activity, amount, ask=ask, say=typer.echo, when=when,
             **options)
        return
    _run(ctx, run_add, member, activity, amount, when=when, **options)


@app.command("void")
def void_cmd(
    ctx: typer.Context,
    member: MemberArg,
    entry_id: Annotated[str, _arg("ENTRY-ID", "the entry's id (see `cep log MEMBER`)")],
    reason: Annotated[str, _opt("--reason", "-r", meta="TEXT", help="why it no longer counts")],
) -> None:
    """Mark an entry void: it stays in the file and counts for nothing.

    \b
    Example:
      cep void jdoe 7f3a2c --reason "logged twice"
    """
    _run(ctx, run_void, member, entry_id, reason)


@app.command("log")
def log_cmd(
    ctx: typer.Context,
    member: MemberArg,
    year: YearOpt = None,
    activity: Annotated[OptStr, _opt("--activity", "-a", meta="ACTIVITY", help="only this activity",
                                      autocompletion=_complete_activity)] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The entries, with claimed and counted amounts (all years unless --year).

    \b
    Example:
      cep log jdoe --year 2025-26 --activity live-webinar
    """
    _run(ctx, run_log, member, year, activity, fmt.value)


@app.command("status")
def status_cmd(
    ctx: typer.Context,
    member: MemberArg,
    year: YearOpt = None,
    program: ProgramOpt = None,
    as_of: Annotated[OptStr, _opt("--as-of", meta="DATE", help="count only entries dated on or before this day")] = None,
    check: CheckOpt = False,
    fmt: StatusFormatOpt = StatusFormat.table,
) -> None:
    """Requirements, earned and shortfall; per activity claimed vs counted.

    \b
    Example:
      cep status jdoe --year 2025 --format json
      cep status jdoe --check && echo "on track"
    """
    if fmt is StatusFormat.md:
        _run(ctx, _extra("run_status_md"), member, year, program, as_of, check)
        return
    _run(ctx, run_status, member, year, program, as_of, check, fmt.value)


@app.command("summary")
def summary_cmd(
    ctx: typer.Context,
    year: YearOpt = None,
    program: ProgramOpt = None,
    check: CheckOpt = False,
    fmt: StatusFormatOpt = StatusFormat.table,
) -> None:
    """One row per member and program: who is short, and by how much.

    \b
    Example:
      cep summary --year 2025 --program cass-cep --format csv
    """
    if fmt is StatusFormat.md:
        _run(ctx, _extra("run_summary_md"), year, program, check)
        return
    _run(ctx, run_summary, year, program, check, fmt.value)


@app.command("check")
def check_cmd(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="fail on warnings too")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Validate every ledger and rule file; every problem as path:line: message.

    Exits 3 when it finds an error (with --strict, a warning too).

    \b
    Example:
      cep check --strict
    """
    _run(ctx, run_check, strict, fmt.value)


@app.command("programs")
def programs_cmd(
    ctx: typer.Context,
    program: Annotated[OptStr, _arg("[PROGRAM]", "show this program's activities, caps and requirements",
                                     autocompletion=_complete_program)] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List the programs, or show one program's activities, caps and requirements.

    \b
    Example:
      cep programs cass-cep
    """
    _run(ctx, run_programs, program, fmt.value)


# ------------------------------------------------------------------ beyond the peers (commands_extra, lazy)


class PlainFormat(str, Enum):
    table = "table"
    json = "json"


PlainFormatOpt = Annotated[PlainFormat, typer.Option("--format", "-f", metavar="[table|json]", help="output format",
                                                     case_sensitive=False)]


def _interactive() -> bool:
    """Prompt only when a person is at the keyboard (stdin and stdout are terminals)."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _extra(name: str) -> Callable[..., int]:
    from cepledger.cli import commands_extra

    return getattr(commands_extra, name)


@app.command("explain")
def explain_cmd(
    ctx: typer.Context,
    member: MemberArg,
    entry_id: Annotated[str, _arg("ENTRY-ID", "the entry's id (see `cep log MEMBER`), or @LINE for an entry "
                                              "written by hand without an id")],
    fmt: PlainFormatOpt = PlainFormat.table,
) -> None:
    """Why an entry counted what it did: every cap it met, with its rule code.

    For each cap on the entry's activity (per entry, per item, per year, combined
    group): what earlier entries had already used, the room left, and what it clipped.

    \b
    Example:
      cep explain jdoe 7f3a2c --format json
    """
    _run(ctx, _extra("run_explain"), member, entry_id, fmt.value)


@app.command("plan")
def plan_cmd(
    ctx: typer.Context,
    member: MemberArg,
    year: YearOpt = None,
    what_if: Annotated[OptStr, _opt("--what-if", meta="'ACTIVITY [AMOUNT] [DATE] [item=K]'",
                                     help="show the standing as if this entry were added (nothing is written)")] = None,
    fmt: PlainFormatOpt = PlainFormat.table,
) -> None:
    """What is left this period: the fewest activities that close each shortfall.

    Suggestions use only caps that are still open; for milestones and hours, what is
    left per requirement, its due date and the weekly pace needed from today.

    \b
    Example:
      cep plan jdoe --year 2025
      cep plan jdoe --what-if "live-webinar 4"
    """
    _run(ctx, _extra("run_plan"), member, year, what_if, fmt.value)


@app.command("verify")
def verify_cmd(
    ctx: typer.Context,
    member: Annotated[OptStr, _arg("[MEMBER]", "only this member (default: every member)",
                                   autocompletion=_complete_member)] = None,
    fmt: PlainFormatOpt = PlainFormat.table,
) -> None:
    """Check every evidence file against the SHA-256 recorded when it was added.

    Reports files that are missing or changed (and those with no recorded checksum).
    Exits 1 when a file is missing or changed, like --check when something is short;
    3 when a ledger cannot be read.

    \b
    Example:
      cep verify jdoe
    """
    _run(ctx, _extra("run_verify"), member, fmt.value)


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    member: MemberArg,
    csv_file: Annotated[str, _arg("FILE.csv", "spreadsheet export with a header row")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check and show what would be added; write nothing")] = False,
    maps: Annotated[Optional[list[str]], _opt("--map", meta="COLUMN=FIELD",
                                              help="read COLUMN as FIELD (date, activity, amount, title, item, "
                                                   "course, cpsel, evidence, notes); repeatable")] = None,
) -> None:
    """Add many entries from a CSV file: every row checked first, then all written at once or none.

    Rows already in the ledger (same date, activity, amount, title and item) are skipped
    and reported. A bad row stops the import with its line number (exit 3).

    \b
    Example:
      cep import jdoe pd-2025.csv --map "Event Date=date" --map Credits=amount --dry-run
    """
    _run(ctx, _extra("run_import"), member, csv_file, dry_run, maps or ())


@app.command("reflect")
def reflect_cmd(
    ctx: typer.Context,
    member: MemberArg,
    answers: Annotated[Optional[list[str]], _opt("--answer", "-a", meta="TEXT",
                                                 help="an answer, once per question in order (4 in all); "
                                                      "leave out to be asked")] = None,
    when: Annotated[OptStr, _opt("--date", "-d", meta="DATE", help="default: today")] = None,
    activity: Annotated[OptStr, _opt("--activity", meta="ACTIVITY",
                                     help="record it under an activity that earns hours (with --hours)",
                                     autocompletion=_complete_activity)] = None,
    hours: Annotated[OptStr, _opt("--hours", meta="HOURS", help="time spent, with --activity")] = None,
) -> None:
    """Reflect on your learning: the four CASSA 2022 questions, in your own words.

    1. What learning works for you, and how do you know? 2. How do you support
    colleagues' learning? 3. Your theory of change? 4. How do you use internal and
    external expertise? Stored as a `reflection` entry that counts toward nothing
    (unless --activity and --hours name an activity that earns them).

    \b
    Example:
      cep reflect jdoe
      cep reflect jdoe -a "Cohorts" -a "Mentoring" -a "Small wins" -a "Local and outside experts"
    """
    def ask(question: str) -> str:
        return typer.prompt(question)

    _run(ctx, _extra("run_reflect"), member, answers or (), ask=ask, when=when, activity=activity, hours=hours)


@app.command("report")
def report_cmd(
    ctx: typer.Context,
    member: MemberArg,
    output: Annotated[str, _opt("--output", "-o", meta="FILE", help="FILE.html (one self-contained page) or FILE.md")],
    year: YearOpt = None,
) -> None:
    """An audit-ready annual report: entries, rules applied, evidence hashes, reflections.

    HTML is one file (inline CSS and chart, no network) that prints well; .md pastes
    into a wiki.

    \b
    Example:
      cep report jdoe --year 2025 -o jdoe-2025-26.html
    """
    _run(ctx, _extra("run_report"), member, year, output)


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``cep`` and ``cepledger``."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "cep"
    app(args=argv, prog_name="cep" if name in ("__main__.py", "-c", "") else name)
