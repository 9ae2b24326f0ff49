"""The command-line parameters declared once: the global options, the parameters several
commands share, and the whole command lines of ``log``, ``status`` and ``summary``.

Scripts call ``log``/``status``/``summary`` with ``--format json|csv`` often, so
``script_output.py`` parses those command lines without Typer (about a third of their
wall time); ``typer_params.py`` builds the Typer parameters (and those three commands)
from these same declarations, so the two parsers cannot disagree about a spelling, a
metavar or which options a command takes. No Typer here.
"""

from typing import Any, NamedTuple


class Param(NamedTuple):
    """One argument (``flags == ()``) or option of the command line."""

    name: str  # the keyword of the run_* function (and of the Typer parameter)
    flags: tuple[str, ...]  # ("--year", "-y"); () for a positional argument
    metavar: str
    help: str
    takes_value: bool = True  # False: a flag such as --check
    choices: tuple[str, ...] = ()  # --format: the values, accepted in any case
    default: Any = None
    required: bool = False
    complete: str | None = None  # "members" | "activities" | "programs": what <Tab> offers
    folder: bool = False  # --ledgers: a folder (an existing file is refused)


class Command(NamedTuple):
    """A whole command line: its parameters in order, its help, and the function that runs it."""

    name: str
    params: tuple[Param, ...]
    help: str
    run: str = ""  # "module.function" under cepledger.cli.run
    cached: bool = False  # answered from the report cache when the inputs are unchanged

    def param(self, flag: str) -> Param | None:
        """The option spelt ``flag`` (long or short), or None."""
        return next((p for p in self.params if flag in p.flags), None)


# ------------------------------------------------------------------ global options (before the command)

LEDGERS = Param("ledgers", ("--ledgers",), "DIR", "ledgers folder (default: $CEPLEDGER_DIR, else ./ledgers)",
                folder=True)
DEBUG = Param("debug", ("--debug",), "", "show the traceback of an internal error", takes_value=False,
              default=False)
GLOBAL = (LEDGERS, DEBUG)

# ------------------------------------------------------------------ shared by several commands

MEMBER = Param("member_id", (), "MEMBER", "member id (the ledger file name without .toml)", required=True,
               complete="members")
YEAR = Param("year", ("--year", "-y"), "YEAR",
             "reporting year, like 2025 or 2025-26 (default: the one containing today)")
PROGRAM_YEAR = Param("program_year", ("--program-year",), "N",
                     "program year N of a program whose years are years of enrolment (CASC: 1 or 2)")
PROGRAM = Param("program", ("--program", "-p"), "PROGRAM", "only this program", complete="programs")
CHECK = Param("check", ("--check",), "", "exit 1 when a requirement due in the period is not met",
              takes_value=False, default=False)
FORMAT = Param("fmt", ("--format", "-f"), "[table|json|csv]", "output format", choices=("table", "json", "csv"),
               default="table")
STATUS_FORMAT = Param("fmt", ("--format", "-f"), "[table|json|csv|md]",
                      "output format (md: Markdown to paste into an email or wiki)",
                      choices=("table", "json", "csv", "md"), default="table")
SUMMARY_FORMAT = Param("fmt", ("--format", "-f"), "[table|json|csv|md|ndjson]",
                       "output format (md: Markdown; ndjson: one program object per line, for DuckDB and the like)",
                       choices=("table", "json", "csv", "md", "ndjson"), default="table")
PLAIN_FORMAT = Param("fmt", ("--format", "-f"), "[table|json]", "output format", choices=("table", "json"),
                     default="table")
AS_OF = Param("as_of", ("--as-of",), "DATE",
              "count only entries dated on or before this day, and show what is left and overdue as of it")
ACTIVITY = Param("activity", ("--activity", "-a"), "ACTIVITY", "only this activity", complete="activities")
DATE_FORMAT = Param("date_format", ("--date-format",), "FORMAT",
                    "how to read a date with slashes or dots such as 01/02/2026, which is otherwise refused as "
                    "ambiguous: DMY (day first, 2026-02-01), MDY (month first, 2026-01-02), YMD, or a pattern "
                    "such as %d/%m/%Y")

# ------------------------------------------------------------------ the commands scripts call most

LOG_FORMAT = Param("fmt", ("--format", "-f"), "[table|json|csv|md]",
                   "output format (csv and md with --activity coaching: the coaching log)",
                   choices=("table", "json", "csv", "md"), default="table")

LOG = Command("log", (MEMBER, YEAR, PROGRAM_YEAR, ACTIVITY, LOG_FORMAT), """\
The entries, with claimed and counted amounts (all years unless --year).

With --activity coaching, --format csv or md is the coaching log a CASC program
reviews: date, with, hours, weeks counted, title, CPSEL tags, totals per program year.

\b
Example:
  cep log jdoe --year 2025-26 --activity live-webinar
  cep log dreyes --activity coaching --format md""", run="reports.run_log")

STATUS = Command("status", (MEMBER, YEAR, PROGRAM_YEAR, PROGRAM, AS_OF, CHECK, STATUS_FORMAT), """\
Requirements, earned and shortfall; per activity claimed vs counted.

\b
Example:
  cep status jdoe --year 2025 --format json
  cep status jdoe --check && echo "on track\"""", run="reports.run_status")

SUMMARY = Command("summary", (YEAR, PROGRAM_YEAR, PROGRAM, AS_OF, CHECK, SUMMARY_FORMAT), """\
One row per member and program: who is short, and by how much.

\b
Example:
  cep summary --year 2025 --program cass-cep --format csv
  cep summary --format ndjson > roster.ndjson""", run="reports.run_summary", cached=True)

SCRIPT_COMMANDS = {c.name: c for c in (LOG, STATUS, SUMMARY)}
