"""The Typer commands ``cep add``, ``void``, ``import`` and ``reflect`` (the work: ``run/entries.py``)."""

# No `from __future__ import annotations`: Typer reads these annotations at start-up.

import sys
from typing import Annotated, Optional

import typer

from cepledger.cli import options
from cepledger.cli.exit_codes import call
from cepledger.cli.typer_params import (annotated, argument, complete_activity, complete_counting_entry,
                                        complete_member, option)

OptStr = Optional[str]
TextsOpt = Optional[list[str]]
ENTRY_HELP = "the entry's id (see `cep log MEMBER`), or L17: the line of its [[entries]] header"


def _interactive() -> bool:
    """Prompt only when a person is at the keyboard (stdin and stdout are terminals)."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def add_cmd(
    ctx: typer.Context,
    member_id: Annotated[OptStr, argument("MEMBER", "member id (asked for on a terminal when left out)",
                                          autocompletion=complete_member)] = None,
    activity: Annotated[OptStr, argument("ACTIVITY", "activity id (see `cep programs PROGRAM`; asked for on a "
                                                     "terminal)", autocompletion=complete_activity)] = None,
    amount: Annotated[OptStr, argument("[AMOUNT]", "hours or credits, at most two decimals (1.5, 1.25), or for "
                                                   "hours a duration: 1h30m, 90m or 1:30 (= 1.5); leave out "
                                                   "for milestones and fixed credits")] = None,
    when: Annotated[OptStr, option("--date", "-d", meta="DATE", help="YYYY-MM-DD (also 2025-10-3), 'today', "
                                                                    "'yesterday' or e.g. 'Oct 3 2025'; never in "
                                                                    "the future (default: today)")] = None,
    date_format: annotated(options.DATE_FORMAT) = None,
    title: Annotated[OptStr, option("--title", "-t", meta="TEXT", help="what it was")] = None,
    item: Annotated[OptStr, option("--item", "-i", meta="ITEM",
                                   help="the event, webinar, guide or course a per-item cap applies to")] = None,
    course: Annotated[OptStr, option("--course", meta="COURSE", help="course number or name (cep-course)")] = None,
    cpsel: Annotated[TextsOpt, option("--cpsel", meta="TAGS",
                                      help="CPSEL standards or elements, e.g. 2A,5 (repeatable)")] = None,
    rating: Annotated[TextsOpt, option("--rating", meta="S=LEVEL",
                                       help="STANDARD=LEVEL, e.g. 3=meets (repeatable)")] = None,
    evidence: Annotated[OptStr, option("--evidence", "-e", meta="PATH", help="certificate or report (its SHA-256 "
                                                                            "is recorded if the file exists)")] = None,
    notes: Annotated[OptStr, option("--notes", "-n", meta="TEXT", help="free text")] = None,
    with_: Annotated[OptStr, option("--with", "-w", meta="NAME",
                                    help="who it was with, e.g. the coach (shown in coaching logs)")] = None,
) -> None:
    """Append one entry; print its id, what counted, what capped it, and the year's standing.

    On a terminal, what is left out (member, activity, amount, date) is asked for, with
    the choices; without a terminal nothing is asked.

    An amount has at most two decimals (1.555 is refused: say 1.56); a duration that is
    not a whole number of hundredths of an hour (1h20m) is rounded to two decimals and
    the effect line says so. A date is never in the future; one with slashes or dots
    (01/02/2026) is refused as ambiguous unless --date-format says how to read it.

    \b
    Example:
      cep add jdoe live-webinar 1.5 --item webinar-2025-11 --date 2025-11-12
      cep add jdoe live-webinar 1h30m --date 12/11/2025 --date-format DMY
      cep add jdoe cep-course --course 4
      cep add mlee professional-learning 3.5 --cpsel 2A,5
      cep add mlee coaching 1 --with "Dr. Ana Ruiz"
    """
    given = dict(title=title, item=item, course=course, cpsel=cpsel or (), ratings=rating or (),
                 evidence=evidence, notes=notes, date_format=date_format)
    if with_ is not None:
        given["with_"] = with_
    if member_id is None or activity is None or (amount is None and _interactive()):
        _add_interactively(ctx, member_id, activity, amount, when, given)
        return
    from cepledger.cli.run.entries import run_add

    call(ctx, run_add, member_id, activity, amount, when=when, **given)


def _add_interactively(ctx: typer.Context, member_id: OptStr, activity: OptStr, amount: OptStr, when: OptStr,
                       given: dict) -> None:
    """``cep add`` with something left out: ask for it on a terminal, else the usual usage error."""
    if not _interactive():  # never prompt without a terminal
        ctx.fail(f"Missing argument '{'MEMBER' if member_id is None else 'ACTIVITY'}'.")
    from cepledger.cli.run.interactive_add import run_add_interactive

    def ask(text: str, default: Optional[str]) -> str:
        return typer.prompt(text, default=default) if default is not None else typer.prompt(text)

    call(ctx, run_add_interactive, member_id, activity, amount, ask=ask, say=typer.echo, when=when, **given)


def void_cmd(
    ctx: typer.Context,
    member_id: annotated(options.MEMBER),
    entry_id: Annotated[str, argument("ENTRY-ID", ENTRY_HELP, autocompletion=complete_counting_entry)],
    reason: Annotated[str, option("--reason", "-r", meta="TEXT", help="why it no longer counts")],
) -> None:
    """Mark an entry void: it stays in the file and counts for nothing.

    A hand-written entry without an id is named by the line of its [[entries]] header
    (L17); it gets an id in place, and nothing else in the file changes.

    \b
    Example:
      cep void jdoe 7f3a2c --reason "logged twice"
      cep void jdoe L17 --reason "wrong member"
    """
    from cepledger.cli.run.entries import run_void

    call(ctx, run_void, member_id, entry_id, reason)


def import_cmd(
    ctx: typer.Context,
    member_id: annotated(options.MEMBER),
    csv_file: Annotated[str, argument("FILE", "a spreadsheet export (.csv, with a header row) or a calendar "
                                              "export (.ics)")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="check and show what would be added; write nothing")] = False,
    maps: Annotated[TextsOpt, option("--map", meta="COLUMN=FIELD",
                                     help="CSV: read COLUMN as FIELD (date, activity, amount, title, item, "
                                          "course, cpsel, evidence, notes); repeatable")] = None,
    date_format: annotated(options.DATE_FORMAT) = None,
    activity: Annotated[OptStr, option("--activity", "-a", meta="ACTIVITY",
                                       help=".ics: the activity every event becomes",
                                       autocompletion=complete_activity)] = None,
    item_from: Annotated[str, option("--item-from", meta="[uid|summary]",
                                     help=".ics: each entry's item is the event's UID (default) or its summary")]
    = "uid",
    year: Annotated[OptStr, option("--year", "-y", meta="YEAR",
                                   help=".ics: the reporting year whose events are imported, recurring series "
                                        "expanded (default: the one containing today)")] = None,
) -> None:
    """Add many entries from a CSV or an iCalendar file: everything checked first, then all
    written at once or none.

    CSV: rows already in the ledger (same date, activity, amount, title and item) are
    skipped and reported; a bad row stops the import with its line number (exit 3): among
    them a date in the future, an amount with more than two decimals, and a date with
    slashes or dots (01/02/2026) unless --date-format says how to read it.
    .ics: each event of the year up to today becomes an entry of --activity, dated on its
    start, with its duration as hours and its summary as title; events still to come are
    left out and counted; an event without a duration stops the import (exit 3).

    \b
    Example:
      cep import jdoe pd-2025.csv --map "Event Date=date" --map Credits=amount --dry-run
      cep import jdoe export.csv --date-format DMY
      cep import jdoe webinars.ics --activity live-webinar --year 2025 --dry-run
    """
    if csv_file.lower().endswith((".ics", ".ical", ".ifb", ".icalendar")):
        from cepledger.cli.run.ical import run_import_ics

        call(ctx, run_import_ics, member_id, csv_file, activity=activity, item_from=item_from.lower(),
             year=year, dry_run=dry_run)
        return
    from cepledger.cli.run.entries import run_import

    if activity is not None or year is not None or item_from != "uid":
        from cepledger.cli.run.ical import refuse_ics_options

        call(ctx, refuse_ics_options, csv_file)
        return
    call(ctx, run_import, member_id, csv_file, dry_run, maps or (), date_format=date_format)


def reflect_cmd(
    ctx: typer.Context,
    member_id: annotated(options.MEMBER),
    answers: Annotated[TextsOpt, option("--answer", "-a", meta="TEXT",
                                        help="an answer, once per question in order (4 in all); "
                                             "leave out to be asked")] = None,
    when: Annotated[OptStr, option("--date", "-d", meta="DATE", help="default: today")] = None,
    activity: Annotated[OptStr, option("--activity", meta="ACTIVITY",
                                       help="record it under an activity that earns hours (with --hours)",
                                       autocompletion=complete_activity)] = None,
    hours: Annotated[OptStr, option("--hours", meta="HOURS", help="time spent, with --activity")] = None,
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
    from cepledger.cli.run.entries import run_reflect

    def ask(question: str) -> str:
        return typer.prompt(question)

    call(ctx, run_reflect, member_id, answers or (), ask=ask, when=when, activity=activity, hours=hours)


def amend_cmd(
    ctx: typer.Context,
    member_id: annotated(options.MEMBER),
    entry_id: Annotated[str, argument("ENTRY-ID", ENTRY_HELP, autocompletion=complete_counting_entry)],
    amount: Annotated[OptStr, argument("[AMOUNT]", "the corrected hours or credits")] = None,
    when: Annotated[OptStr, option("--date", "-d", meta="DATE", help="the corrected date")] = None,
    title: Annotated[OptStr, option("--title", "-t", meta="TEXT", help="the corrected title")] = None,
    item: Annotated[OptStr, option("--item", "-i", meta="ITEM", help="the corrected item")] = None,
    course: Annotated[OptStr, option("--course", meta="COURSE", help="the corrected course")] = None,
    cpsel: Annotated[TextsOpt, option("--cpsel", meta="TAGS", help="the corrected CPSEL tags, e.g. 2A,5")] = None,
    rating: Annotated[TextsOpt, option("--rating", meta="S=LEVEL", help="the corrected ratings")] = None,
    evidence: Annotated[OptStr, option("--evidence", "-e", meta="PATH", help="the corrected evidence")] = None,
    notes: Annotated[OptStr, option("--notes", "-n", meta="TEXT", help="the corrected notes")] = None,
    with_: Annotated[OptStr, option("--with", "-w", meta="NAME", help="the corrected coach or partner")] = None,
) -> None:
    """Correct an entry: the old one is voided ("amended by NEW-ID") and a corrected copy
    with replaces = "OLD-ID" is appended; prints what each counted.

    What is not given is copied from the old entry. `cep undo MEMBER` takes it back.

    \b
    Example:
      cep amend jdoe 7f3a2c 10 --date 2025-10-04
      cep amend jdoe L17 --title "Fall Conference 2025 (day 1)"
    """
    from cepledger.cli.run.amend import run_amend

    call(ctx, run_amend, member_id, entry_id, amount, when=when, title=title, item=item, course=course,
         cpsel=cpsel or (), ratings=rating or (), evidence=evidence, notes=notes, with_=with_)


def undo_cmd(
    ctx: typer.Context,
    member_id: annotated(options.MEMBER),
) -> None:
    """Take back the last add, amend, void, import or member enrol on a member's ledger.

    Only while the file still holds exactly what that command left: after a hand edit
    it refuses (exit 2) and changes nothing. Run it again to walk back further.

    \b
    Example:
      cep undo jdoe
    """
    from cepledger.cli.run.undo import run_undo

    call(ctx, run_undo, member_id)
