"""The Typer app: the global options, every command in help order, and ``main``.

Each command is a thin adapter declared in its group's module (``members``, ``entries``,
``reports``, ``advice``, ``programs``): it turns options into plain values and hands them
to its ``run_*`` function through ``exit_codes.call``, the one place errors become exit
codes. ``main`` adds what only a whole process has: a closed stdout (141), and errors
raised outside any command (70 for a bug).
"""

# No `from __future__ import annotations`: Typer reads these annotations at start-up.

import inspect
import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cepledger import __version__
from cepledger.cli import advice, entries, members, options, planning, programs, reports
from cepledger.cli.typer_params import command_function

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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cepledger {__version__}")
        raise typer.Exit()


def _remember_options(ctx: typer.Context, **values) -> None:
    ctx.obj = values  # read back by exit_codes.call


_VERSION = inspect.Parameter(
    "version", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
    annotation=Annotated[Optional[bool], typer.Option("--version", help="show the version and exit",
                                                      callback=_version, is_eager=True)])
_MAIN = options.Command("cep", options.GLOBAL, """\
A ledger of continuing-education credits over plain TOML files.

\b
Example:
  cep add jdoe live-webinar 1.5 --item webinar-2025-11
  cep status jdoe --year 2025""")

app.callback()(command_function(_MAIN, _remember_options, extra=(_VERSION,)))

# The order of `cep --help`: the everyday commands first, then the rest.
for name, command in (
    ("init", members.init_cmd), ("add", entries.add_cmd), ("void", entries.void_cmd), ("amend", entries.amend_cmd),
    ("undo", entries.undo_cmd), ("log", reports.log_cmd),
    ("status", reports.status_cmd), ("summary", reports.summary_cmd), ("check", programs.check_cmd),
    ("programs", programs.programs_cmd), ("explain", advice.explain_cmd), ("plan", advice.plan_cmd),
    ("due", planning.due_cmd),
    ("verify", advice.verify_cmd), ("import", entries.import_cmd), ("reflect", entries.reflect_cmd),
    ("report", reports.report_cmd),
):
    app.command(name)(command)
for name, command in (("add", members.member_add_cmd), ("enrol", members.member_enrol_cmd),
                      ("list", members.member_list_cmd)):
    member_app.command(name)(command)
app.add_typer(member_app, name="member")


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``cep`` and ``cepledger``: run the app and exit with its code."""
    from cepledger.cli.exit_codes import closed_pipe

    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "cep"
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        code = _run_app(args, "cep" if name in ("__main__.py", "-c", "") else name)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        code = closed_pipe()
    sys.exit(code)


def _negative_amount(exc: Exception, args: list[str]) -> tuple[str, str] | None:
    """``(word, what amounts look like)`` when click's "No such option: -1" is about a
    negative amount (``cep add jdoe live-webinar -1.5``, ``-1h30m``): click reads it as
    options (-1, then .5), but the user meant an amount."""
    from cepledger.model.amounts import is_duration

    name = getattr(exc, "option_name", None)
    if not isinstance(name, str) or not re.fullmatch(r"-\d", name):
        return None
    for word in args:
        if word.startswith(name):
            if re.fullmatch(r"-\d+(?:\.\d*)?", word):
                return word, "numbers such as 1.5"
            if is_duration(word[1:]):
                return word, "durations such as 1h30m"
    return None


def _run_app(args: list[str], prog_name: str) -> int:
    """The app's exit code; click's own errors printed as click prints them."""
    from cepledger.cli.exit_codes import ABORTED, closed_pipe, report_error

    try:
        code = app(args=args, prog_name=prog_name, standalone_mode=False)
    except typer.Abort:  # Ctrl-D at a prompt; click would exit 1, which scripts read as "short"
        sys.stderr.write("aborted; nothing was changed\n")
        return ABORTED
    except typer.TyperException as exc:  # click's errors (Typer vendors click): about the command line
        negative = _negative_amount(exc, args)
        if negative:
            sys.stderr.write(f"{prog_name}: {negative[0]} is negative; amounts are positive {negative[1]} "
                             "(to cancel an entry, void it with `cep void`; to correct it, `cep amend`).\n")
            return 2
        exc.show()
        return exc.exit_code if exc.exit_code != 1 else 2
    except SystemExit:
        # click answers a closed stdout (help text into `| head`) by swapping in this
        # wrapper and exiting 1
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            return closed_pipe()
        raise
    except Exception as exc:  # noqa: BLE001 - raised outside any command: a bug
        return report_error(exc, sys.stderr, debug="--debug" in args)
    return code if isinstance(code, int) else 0
