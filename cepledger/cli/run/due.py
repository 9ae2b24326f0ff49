"""``cep due``: every requirement not yet met that falls due soon, or is overdue, across the roster."""

from __future__ import annotations

from cepledger.cli.env import Env
from cepledger.cli.run.evaluation import load_all_members, load_member, member_programs, report_problems
from cepledger.cli.run.formats import check_format
from cepledger.model.errors import UsageError
from cepledger.render import plain as render

DUE_FORMATS = ("table", "json", "csv", "ics")
DEFAULT_WITHIN = 60


def parse_within(text: str | int | None) -> int:
    """``--within DAYS``: a whole number of days, 0 or more."""
    if text is None:
        return DEFAULT_WITHIN
    try:
        days = int(str(text).strip())
    except ValueError:
        raise UsageError(f"--within {text} is not a number of days; give a whole number like 30") from None
    if days < 0:
        raise UsageError(f"--within {text} is negative; give the number of days ahead to look, like 30 "
                         "(overdue requirements are always shown)")
    if days > 3660:
        raise UsageError(f"--within {text} is more than ten years; give fewer days, like 365")
    return days


def run_due(env: Env, within: str | None = None, member_id: str | None = None, fmt: str = "table") -> int:
    """Soonest first: who must do what by when. Exit 3 when a ledger could not be read."""
    from cepledger.calc.due import due_rows

    check_format(fmt, DUE_FORMATS)
    days = parse_within(within)
    if member_id is not None:
        members, problems = [load_member(env, member_id)[1]], []
    else:
        members, problems = load_all_members(env)
    rows = []
    for member in members:
        rows.extend(due_rows(member, member_programs(env, member), env.today, days))
    rows.sort(key=lambda r: (r.due, r.member, r.program, r.requirement.id))
    if fmt == "json":
        from cepledger.render.due import due_json

        render.write_json(due_json(rows), env.out)
    elif fmt == "csv":
        from cepledger.render.due import write_due_csv

        write_due_csv(rows, env.out)
    elif fmt == "ics":
        from cepledger.render.due import due_calendar

        env.out.write(due_calendar(rows, env.today).decode("utf-8"))
    else:
        from cepledger.render.due import due_table

        due_table(env.console(), rows, days)
    return report_problems(env, problems)
