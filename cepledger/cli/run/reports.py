"""``cep log``, ``status``, ``summary`` and ``report``: what a member (or everyone) has earned.

``log``, ``status`` and ``summary`` are what scripts call with ``--format json|csv``:
these functions serve both the Typer app and the script-output path (``cli/script_output.py``),
so they import nothing heavy unless the format needs it (rich for tables only).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from cepledger.cli.env import Env
from cepledger.cli.run.evaluation import (check_program_filter, evaluate, load_member, member_programs,
                                          parse_year_option, report_problems, year_for)
from cepledger.cli.run.formats import STATUS_FORMATS, check_format
from cepledger.cli.suggest import choices_hint
from cepledger.model.errors import DataError, Problem, UsageError
from cepledger.model.records import Member
from cepledger.model.results import ProgramResult
from cepledger.render import plain as render

# ------------------------------------------------------------------ log


def run_log(env: Env, member_id: str, year: str | None = None, activity: str | None = None,
            fmt: str = "table") -> int:
    """The entries (of one year, of one activity) with claimed and counted amounts."""
    check_format(fmt, STATUS_FORMATS)
    year_n = parse_year_option(year)
    _, member = load_member(env, member_id)
    rows = log_rows(env, member, year_n, activity)
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


def log_rows(env: Env, member: Member, year: int | None, activity: str | None) -> list[render.LogRow]:
    """Every entry (of one year / one activity) with claimed and counted per program."""
    from cepledger.model.periods import reporting_year

    programs = member_programs(env, member)
    if activity is not None:
        known = sorted({a for p in programs for a in p.activities} | {e.activity for e in member.entries})
        if activity not in known:
            raise UsageError(f"unknown activity '{activity}' for {member.id}; {choices_hint(activity, known)}")
    start_month = programs[0].period.start_month if programs else 9
    entries = [
        e for e in sorted(member.entries, key=lambda e: (e.date, e.index))
        if (year is None or reporting_year(e.date, start_month) == year)
        and (activity is None or e.activity == activity)
    ]
    counted: dict[int, dict[str, Decimal]] = {e.index: {} for e in entries}
    claimed: dict[int, Decimal] = {}
    for prog in programs:
        _count_in_program(member, prog, entries, counted, claimed)
    return [render.LogRow(e, claimed.get(e.index, e.hours), counted[e.index]) for e in entries]


def _count_in_program(member: Member, prog, entries: list, counted: dict, claimed: dict) -> None:
    """Fill ``claimed`` (first program defining the activity) and ``counted[entry][program]``."""
    from cepledger.calc.caps import allocate, claimed_amount
    from cepledger.model.periods import program_period, reporting_year

    enrolment = member.enrolment(prog.id)
    periods = {}
    for e in entries:
        if e.activity in prog.activities:
            claimed.setdefault(e.index, claimed_amount(e, prog.activities[e.activity]))
            period = program_period(prog.period, enrolment, reporting_year(e.date, prog.period.start_month))
            if period is not None and period.contains(e.date):
                periods[period.start] = period
    for period in periods.values():
        for r in allocate(member, prog, period.start, period.end):
            if r.entry.index in counted:
                counted[r.entry.index][prog.id] = r.counted


# ------------------------------------------------------------------ status


def run_status(env: Env, member_id: str, year: str | None = None, program: str | None = None,
               as_of: str | None = None, check: bool = False, fmt: str = "table") -> int:
    """Requirements, earned and shortfall; with ``check``, exit 1 when one due is not met."""
    from cepledger.model.dates import parse_date

    check_format(fmt, STATUS_FORMATS)
    year_n = parse_year_option(year)
    as_of_d = parse_date(as_of, env.today) if as_of else None
    _, member = load_member(env, member_id)
    check_program_filter(env, member, program)
    results = evaluate(env, member, year_n, program=program, as_of=as_of_d)
    if fmt == "json":
        render.write_json(render.status_json(member, results), env.out)
    elif fmt == "csv":
        render.write_csv(render.STATUS_CSV_HEADER,
                         [row for pr in results for row in render.requirement_rows(member.id, pr)], env.out)
    elif fmt == "md":
        from cepledger.render.markdown import status_markdown

        env.out.write(status_markdown(member, results))
    else:
        from cepledger.render.status_view import status_view

        years = {pr.program: _program_years(env, member, pr, as_of_d) for pr in results}
        status_view(env.console(), member, results, years, rules=env.registry().programs, today=env.today,
                    as_of=as_of_d, year=year_n)
    return 1 if check and not all(pr.met for pr in results) else 0


def _program_years(env: Env, member: Member, pr: ProgramResult, as_of: date | None) -> list[ProgramResult]:
    """Every year of a fixed-length program (``pr`` among them), for the side-by-side view."""
    from cepledger.calc.evaluate import evaluate_program
    from cepledger.model.periods import program_period

    if pr.period.program_year is None:
        return [pr]
    prog = env.registry().get(pr.program)
    first = pr.period.start.year - (pr.period.program_year - 1)  # a program year is named by its start year
    out = []
    for n in range(1, prog.period.years + 1):
        if n == pr.period.program_year:
            out.append(pr)
            continue
        period = program_period(prog.period, member.enrolment(prog.id), first + n - 1)
        if period is not None:
            out.append(evaluate_program(member, prog, period, as_of=as_of))
    return out


# ------------------------------------------------------------------ summary


def run_summary(env: Env, year: str | None = None, program: str | None = None, check: bool = False,
                fmt: str = "table") -> int:
    """One row per member and program; a ledger that does not load is reported (exit 3), not fatal."""
    from cepledger.ledger import files as ledger_files

    check_format(fmt, STATUS_FORMATS)
    year_n = parse_year_option(year)
    check_program_filter(env, None, program)
    paths = ledger_files.member_files(env.ledgers)
    if fmt in ("json", "csv"):
        return _summary_for_scripts(env, paths, year_n, program, check, fmt)
    rows: list[tuple[Member, ProgramResult]] = []
    problems: list[Problem] = []
    for member, results, probs in _evaluate_each(env, paths, year_n, program):
        rows.extend((member, pr) for pr in results)
        problems.extend(probs)
    if fmt == "md":
        from cepledger.render.markdown import summary_markdown

        env.out.write(summary_markdown(rows))
    else:
        from cepledger.render.tables import summary_table

        summary_table(env.console(), rows)
    short = check and not all(pr.met for _, pr in rows)
    return report_problems(env, problems, 1 if short else 0)


def _summary_for_scripts(env: Env, paths: list[Path], year: int | None, program: str | None, check: bool,
                         fmt: str) -> int:
    """``summary --format json|csv``: each member's rows rendered as soon as it is evaluated,
    so a large organisation never holds every ledger in memory at once."""
    items: list[tuple[bool, Any]] = []
    problems: list[Problem] = []
    for member, results, probs in _evaluate_each(env, paths, year, program):
        problems.extend(probs)
        for pr in results:
            items.append((pr.met, render.program_json(pr, member=member.id) if fmt == "json"
                          else render.requirement_rows(member.id, pr)))
    if fmt == "json":
        render.write_json([obj for _, obj in items], env.out)
    else:
        render.write_csv(render.STATUS_CSV_HEADER, [row for _, rows in items for row in rows], env.out)
    short = check and not all(met for met, _ in items)
    return report_problems(env, problems, 1 if short else 0)


def _evaluate_each(env: Env, paths: list[Path], year: int | None, program: str | None):
    """``(member, results, [])`` per ledger that loads, ``(None, [], problems)`` per one that does not."""
    from cepledger.ledger import load as ledger_load
    from cepledger.render.progress import track

    for path in track(paths, env.err, "summary"):
        try:
            member = ledger_load.load_member(path)
            results = evaluate(env, member, year, program=program)
        except DataError as exc:
            yield None, [], exc.problems
            continue
        yield member, results, []


# ------------------------------------------------------------------ report


def run_report(env: Env, member_id: str, year: str | None, output: str) -> int:
    """Write the audit-ready annual report to ``output`` (.html or .md), replacing it atomically."""
    from cepledger.calc.report import build_report
    from cepledger.ledger.evidence import verify_member
    from cepledger.render.report import render_html, render_markdown

    target = Path(output)
    suffix = target.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        raise UsageError(f"cannot tell the format of '{output}': name the file .html or .md")
    _, member = load_member(env, member_id)
    programs = member_programs(env, member)
    if not programs:
        raise UsageError(f"{member.id} is in no program; enrol them with `cep member enrol`")
    year_n = year_for(programs[0], parse_year_option(year), env.today)
    report = build_report(member, programs, year_n, verify_member(member, env.ledgers), env.today)
    text = render_markdown(report) if suffix in (".md", ".markdown") else render_html(report)
    _write_shared_file(target, text)
    env.out.write(f"wrote {target}: {member.id} {report.year_label}, {len(report.evidence)} evidence files, "
                  f"{len(report.reflections)} reflections\n")
    return 0


def _write_shared_file(target: Path, text: str) -> None:
    """Replace ``target`` atomically with ``text``, as an ordinary file to share (umask applied)."""
    import os
    import tempfile

    from cepledger.model.errors import WriteError

    folder = target.parent if str(target.parent) else Path(".")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".cep-report-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # an ordinary file to share, not mkstemp's private 0600
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise WriteError(f"cannot write {target}: {exc.strerror}; check the folder exists and is writable") from None
