"""``cep log``, ``status``, ``summary`` and ``report``: what a member (or everyone) has earned.

``log``, ``status`` and ``summary`` are what scripts call with ``--format json|csv``:
these functions serve both the Typer app and the script-output path (``cli/script_output.py``),
so they import nothing heavy unless the format needs it (rich for tables only).
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from cepledger.cli.env import Env
from cepledger.cli.run.evaluation import (check_program_filter, checked, evaluate, load_member, member_programs,
                                          parse_program_year_option, parse_year_option, report_problems)
from cepledger.cli.run.formats import STATUS_FORMATS, SUMMARY_FORMATS, check_format
from cepledger.cli.suggest import choices_hint
from cepledger.model.errors import DataError, Problem, UsageError
from cepledger.model.records import Member
from cepledger.model.results import ProgramResult
from cepledger.render import plain as render

# ------------------------------------------------------------------ log


def run_log(env: Env, member_id: str, year: str | None = None, program_year: str | None = None,
            activity: str | None = None, fmt: str = "table") -> int:
    """The entries (of one year, of one activity) with claimed and counted amounts."""
    check_format(fmt, STATUS_FORMATS)
    year_n = parse_year_option(year)
    program_year_n = parse_program_year_option(program_year)
    _, member = load_member(env, member_id)
    rows = log_rows(env, member, year_n, activity, program_year=program_year_n)
    if fmt == "md" or (fmt == "csv" and activity == "coaching"):
        from cepledger.cli.run.coaching import write_coaching_log

        return write_coaching_log(env, member, activity, [r.entry for r in rows], fmt)
    if fmt == "json":
        render.write_json(render.log_json(rows), env.out)
    elif fmt == "csv":
        render.write_csv(render.LOG_FIELDS, [r.values() for r in rows], env.out)
    else:
        from cepledger.render.tables import log_table

        programs = [p.id for p in member_programs(env, member)]
        log_table(env.console(), member, rows, programs)
    return 0


def log_rows(env: Env, member: Member, year: int | None, activity: str | None, *,
             program_year: int | None = None) -> list[render.LogRow]:
    """Every entry (of the period asked for / one activity) with claimed and counted per program.

    ``--year`` / ``--program-year`` keep the entries inside the period each program shows
    for them (``calc.views.select_period``); a member in no program: the reporting year.
    """
    from cepledger.calc.views import check_program_year, select_period
    from cepledger.model.periods import reporting_year

    programs = member_programs(env, member)
    check_program_year(programs, member, year, program_year)
    periods = [p for p in (select_period(prog, member.enrolment(prog.id), on=env.today, year=year,
                                         program_year=program_year) for prog in programs) if p is not None]
    chosen = year is not None or program_year is not None
    if activity is not None:
        known = sorted({a for p in programs for a in p.activities} | {e.activity for e in member.entries})
        if activity not in known:
            raise UsageError(f"unknown activity '{activity}' for {member.id}; {choices_hint(activity, known)}")
    def in_view(e) -> bool:
        if not chosen:
            return True
        if programs:
            return any(p.contains(e.date) for p in periods)
        return reporting_year(e.date) == year

    entries = [e for e in sorted(member.entries, key=lambda e: (e.date, e.index))
               if in_view(e) and (activity is None or e.activity == activity)]
    counted: dict[int, dict[str, Decimal]] = {e.index: {} for e in entries}
    claimed: dict[int, Decimal] = {}
    for prog in programs:
        _count_in_program(member, prog, entries, counted, claimed)
    return [render.LogRow(e, claimed.get(e.index, e.hours), counted[e.index]) for e in entries]


def _count_in_program(member: Member, prog, entries: list, counted: dict, claimed: dict) -> None:
    """Fill ``claimed`` (first program defining the activity) and ``counted[entry][program]``."""
    from cepledger.calc.caps import allocate, claimed_amount
    from cepledger.model.periods import period_on

    enrolment = member.enrolment(prog.id)
    periods = {}
    for e in entries:
        if e.activity in prog.activities:
            claimed.setdefault(e.index, claimed_amount(e, prog.activities[e.activity]))
            period = period_on(prog.period, enrolment, e.date)
            if period is not None:
                periods[period.start] = period
    for period in periods.values():
        for r in allocate(member, prog, period.start, period.end):
            if r.entry.index in counted:
                counted[r.entry.index][prog.id] = r.counted


# ------------------------------------------------------------------ status


def run_status(env: Env, member_id: str, year: str | None = None, program_year: str | None = None,
               program: str | None = None, as_of: str | None = None, check: bool = False,
               fmt: str = "table") -> int:
    """Requirements, earned and shortfall; with ``check``, exit 1 when one due is not met."""
    from cepledger.model.dates import parse_date

    check_format(fmt, STATUS_FORMATS)
    year_n = parse_year_option(year)
    as_of_d = parse_date(as_of, env.today) if as_of else None
    _, member = load_member(env, member_id)
    check_program_filter(env, member, program)
    program_year_n = parse_program_year_option(program_year)
    results = evaluate(env, member, year_n, program=program, as_of=as_of_d, program_year=program_year_n)
    if fmt == "json":
        render.write_json(render.status_json(member, results), env.out)
    elif fmt == "csv":
        render.write_csv(render.STATUS_CSV_HEADER,
                         [row for pr in results for row in render.requirement_rows(member.id, pr)], env.out)
    elif fmt == "md":
        from cepledger.render.markdown import status_markdown

        years = {pr.program: _program_years(env, member, pr, as_of_d) for pr in results}
        env.out.write(status_markdown(member, results, as_of_d or env.today, years))
    else:
        from cepledger.render.status_view import status_view

        years = {pr.program: _program_years(env, member, pr, as_of_d) for pr in results}
        status_view(env.console(), member, results, years, rules=env.registry().programs,
                    today=as_of_d or env.today, as_of=as_of_d, year=year_n, program_year=program_year_n)
    return 1 if check and not all(pr.met for pr in results) else 0


def _program_years(env: Env, member: Member, pr: ProgramResult, as_of: date | None) -> list[ProgramResult]:
    """Every year of a fixed-length program (``pr`` among them), for the side-by-side view;
    for an annual program the period before ``pr`` (when the member was in it) and ``pr``,
    so a year that closed short says so."""
    from cepledger.calc.evaluate import evaluate_program
    from cepledger.calc.views import program_years
    from cepledger.model.periods import previous_period

    prog = env.registry().get(pr.program)
    if pr.period.program_year is None:
        before = previous_period(prog.period, member.enrolment(prog.id), pr.period)
        return [pr] if before is None else [evaluate_program(member, prog, before, as_of=as_of), pr]
    return [pr if period.program_year == pr.period.program_year
            else evaluate_program(member, prog, period, as_of=as_of)
            for period in program_years(prog, member.enrolment(prog.id))]


# ------------------------------------------------------------------ summary


def run_summary(env: Env, year: str | None = None, program_year: str | None = None, program: str | None = None,
                as_of: str | None = None, check: bool = False, fmt: str = "table") -> int:
    """One row per member and program; a ledger that does not load is reported (exit 3), not fatal."""
    from cepledger.ledger import files as ledger_files
    from cepledger.model.dates import parse_date

    check_format(fmt, SUMMARY_FORMATS)
    year_n = parse_year_option(year)
    program_year_n = parse_program_year_option(program_year)
    if year_n is not None and program_year_n is not None:
        raise UsageError("give --year or --program-year, not both")
    as_of_d = parse_date(as_of, env.today) if as_of else None
    check_program_filter(env, None, program)
    paths = ledger_files.member_files(env.ledgers)
    view = dict(year=year_n, program=program, as_of=as_of_d, program_year=program_year_n)
    if fmt in ("json", "csv", "ndjson"):
        return _summary_for_scripts(env, paths, view, check, fmt)
    from cepledger.render.summary import SummaryRow

    rows: list[SummaryRow] = []
    mets: list[bool] = []
    problems: list[Problem] = []
    for member_mets, pieces, probs, warnings in _rendered_each(env, paths, view, fmt):
        mets.extend(member_mets)
        rows.extend(pieces)
        problems.extend(probs)
        env.err.write(warnings)
    if fmt == "md":
        from cepledger.render.markdown import summary_markdown

        env.out.write(summary_markdown(rows))
    else:
        from cepledger.render.tables import summary_table

        summary_table(env.console(), rows)
    short = check and not all(mets)
    return report_problems(env, problems, 1 if short else 0)


def _summary_for_scripts(env: Env, paths: list[Path], view: dict, check: bool, fmt: str) -> int:
    """``summary --format json|csv|ndjson``: each member's rows rendered as soon as it is
    evaluated, so a large organisation never holds every ledger in memory at once (ndjson
    lines are written at once: one program object with ``member`` per line). Many ledgers
    are read by several processes (``summary_jobs``), in order."""
    from cepledger.render.json_csv import write_json_line

    items: list[tuple[bool, Any]] = []
    problems: list[Problem] = []
    for mets, pieces, probs, warnings in _rendered_each(env, paths, view, fmt):
        problems.extend(probs)
        env.err.write(warnings)
        for met, piece in zip(mets, pieces):
            if fmt == "ndjson":
                write_json_line(piece, env.out)
                piece = None
            items.append((met, piece))
    if fmt == "json":
        render.write_json([obj for _, obj in items], env.out)
    elif fmt == "csv":
        render.write_csv(render.STATUS_CSV_HEADER, [row for _, rows in items for row in rows], env.out)
    short = check and not all(met for met, _ in items)
    return report_problems(env, problems, 1 if short else 0)


PARALLEL_FROM = 64  # ledgers; below this, starting processes costs more than it saves (docs/performance.md)


def summary_jobs(n_paths: int, environ=os.environ) -> int:
    """How many processes read the ledgers: ``$CEPLEDGER_JOBS``, else one per CPU (at most
    4), and one for fewer than ``PARALLEL_FROM`` ledgers."""
    text = environ.get("CEPLEDGER_JOBS", "").strip()
    if text:
        if not text.isdigit() or int(text) < 1:
            raise UsageError(f"bad CEPLEDGER_JOBS '{text}': give a number of processes such as 2, or unset it")
        return int(text)
    return 1 if n_paths < PARALLEL_FROM else max(1, min(4, os.cpu_count() or 1))


def _rendered_each(env: Env, paths: list[Path], view: dict, fmt: str):
    """Per ledger, in order: ``(mets, pieces, problems, warnings)``, its programs rendered for
    ``fmt`` (for a table or Markdown, the rows in words to lay out together)."""
    from cepledger.render.progress import Progress

    with Progress(env.progress, len(paths), "summary") as bar:
        for done in each_ledger(env, paths, _render_one, view, fmt):
            yield done
            bar.tick()


def each_ledger(env: Env, paths: list[Path], work, *args) -> Iterator:
    """``work(env, path, *args)`` for each ledger, in order, in this process or, for many
    ledgers, in several (``summary_jobs``; ``work`` a module-level function, its results
    picklable and small: they are sent back whole)."""
    jobs = summary_jobs(len(paths))
    if jobs == 1:
        for path in paths:
            yield work(env, path, *args)
        return
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, len(paths) // (jobs * 8))
    chunks = [paths[i:i + size] for i in range(0, len(paths), size)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for done in pool.map(_work_chunk, [(work, env.ledgers, env.today, c, args) for c in chunks]):
            yield from done


def _work_chunk(task: tuple) -> list:
    """A worker's share of ``each_ledger``: each ledger of the chunk, in order."""
    import io

    work, ledgers, today, chunk, args = task
    env = Env(ledgers=ledgers, today=today, out=io.StringIO(), err=io.StringIO())
    return [work(env, path, *args) for path in chunk]


def _render_one(env: Env, path: Path, view: dict, fmt: str) -> tuple[list, list, list, str]:
    import io

    from cepledger.ledger import load as ledger_load

    err, env.err = env.err, io.StringIO()  # the warnings of this ledger, printed in ledger order
    try:
        member = checked(env, ledger_load.load_member(path))
        results = evaluate(env, member, view["year"], program=view["program"], as_of=view["as_of"],
                           program_year=view["program_year"], one_member=False)
    except DataError as exc:
        return [], [], exc.problems, env.err.getvalue()
    finally:
        warnings, env.err = env.err.getvalue(), err
    if fmt in ("table", "md"):  # laid out together once every ledger is in: words here, in the worker
        from cepledger.render.summary import summary_row

        today = view["as_of"] or env.today
        pieces = [summary_row(member.id, pr, [y for y in _program_years(env, member, pr, view["as_of"])
                                              if y.period.start < pr.period.start], today)
                  for pr in results]
    else:
        pieces = [render.requirement_rows(member.id, pr) if fmt == "csv" else render.program_json(pr, member=member.id)
                  for pr in results]
    return [pr.met for pr in results], pieces, [], warnings


# ------------------------------------------------------------------ report


def run_report(env: Env, member_id: str | None, year: str | None = None, output: str | None = None,
               all_members: bool = False, program_year: str | None = None) -> int:
    """``cep report`` (the work is in ``run/report.py``)."""
    from cepledger.cli.run.report import run_report as run

    return run(env, member_id, year, output, all_members, program_year)
