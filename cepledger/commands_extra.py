"""The "beyond the peers" commands: explain, plan, verify, import, reflect, report.

Same shape as ``commands.py``: ``run_<command>(env, ...) -> exit code``, plain values in,
``CepError`` out for anything the user must fix; the domain logic lives in ``explain``,
``plan``, ``evidence``, ``importer``, ``reflect`` and ``report``, imported lazily.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Sequence

from . import render
from .commands import Env, check_format, load_member, member_programs, parse_year_option, year_for
from .errors import UsageError
from .model import Entry, Member, Source

PLAIN_FORMATS = ("table", "json")


def _check_plain_format(fmt: str) -> str:
    if fmt not in PLAIN_FORMATS:
        raise UsageError(f"unknown format '{fmt}' for this command; choose one of: {', '.join(PLAIN_FORMATS)}")
    return fmt


# ------------------------------------------------------------------ explain


def run_explain(env: Env, member_id: str, entry_id: str, fmt: str = "table") -> int:
    from .explain import explain_entry, explanation_json, explanation_lines
    from .intake import did_you_mean

    _check_plain_format(fmt)
    _, member = load_member(env, member_id)
    programs = member_programs(env, member)
    try:
        explanations = explain_entry(member, programs, entry_id)
    except KeyError:
        hint = did_you_mean(entry_id, [e.id for e in member.entries if e.id], cutoff=0.5)
        raise UsageError(f"no entry '{entry_id}' in {member.id}'s ledger; {hint}"
                         f"`cep log {member.id}` lists the entry ids") from None
    if fmt == "json":
        render.write_json(explanation_json(member, explanations), env.out)
        return 0
    if not explanations:
        entry = member.entry(entry_id)
        env.out.write(f"{entry_id}: activity '{render.shown(entry.activity)}' is in none of "
                      f"{member.id}'s programs, so it counts for nothing\n")
        return 0
    for line in explanation_lines(explanations):
        env.out.write(line + "\n")
    return 0


# ------------------------------------------------------------------ plan


def what_if_entry(env: Env, member: Member, programs: list, text: str) -> Entry:
    """``"live-webinar 4"``, ``"cep-course course=4 2026-03-01"``: a trial entry (never written).

    Words: the activity, then an amount, a date and ``key=value`` (item, title, course) in
    any order; the date defaults to today. Checked like ``cep add`` checks its options.
    """
    from . import intake
    from .dates import parse_date

    words = text.split()
    if not words:
        raise UsageError("--what-if is empty; give an activity and an amount, like --what-if 'live-webinar 4'")
    activity, rest = words[0], words[1:]
    amount = when = None
    extra: dict[str, str] = {}
    for w in rest:
        key, sep, value = w.partition("=")
        if sep:
            if key not in ("item", "title", "course"):
                raise UsageError(f"unknown key '{key}' in --what-if; use item=, title= or course=")
            extra[key] = value
        elif amount is None and _is_number(w):
            amount = w
        elif when is None:
            when = w
        else:
            raise UsageError(f"cannot read '{w}' in --what-if; write 'ACTIVITY [AMOUNT] [DATE] [item=K]'")
    fields = intake.build_entry(member, programs, activity, amount, today=env.today, ledgers=env.ledgers,
                                registry=env.registry(), when=when, title=extra.get("title"),
                                item=extra.get("item"), course=extra.get("course"))
    return Entry(index=len(member.entries), date=fields["date"], activity=activity,
                 source=Source("what-if", 0), id="what-if",
                 hours=Decimal(str(fields["hours"])) if "hours" in fields else None,
                 title=fields.get("title"), item=fields.get("item"), course=fields.get("course"))


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def run_plan(env: Env, member_id: str, year: str | None = None, what_if: str | None = None,
             fmt: str = "table") -> int:
    from .calc import evaluate_program
    from .periods import program_period
    from .plan import plan_json, plan_program

    _check_plain_format(fmt)
    year_n = parse_year_option(year)
    _, member = load_member(env, member_id)
    programs = member_programs(env, member)
    trial = None
    if what_if is not None:
        trial = what_if_entry(env, member, programs, what_if)
        member = dataclasses.replace(member, entries=(*member.entries, trial))
    plans = []
    results = []
    for prog in programs:
        period = program_period(prog.period, member.enrolment(prog.id), year_for(prog, year_n, env.today))
        if period is None:
            continue
        pr = evaluate_program(member, prog, period)
        results.append(pr)
        plans.append((prog, pr, plan_program(prog, pr, env.today)))
    if fmt == "json":
        render.write_json(plan_json([(prog.id, steps) for prog, _, steps in plans]), env.out)
        return 0
    out = env.out
    if trial is not None:
        out.write(f"what if: {trial.activity} {render.num_text(trial.hours)} on {trial.date} "
                  "(nothing is written)\n".replace("  ", " "))
        for pr in results:
            er = next((r for r in pr.entries if r.entry.id == "what-if"), None)
            if er is not None:
                clip = f" ({'; '.join(c.description for c in er.clips)})" if er.clips else ""
                out.write(f"  {pr.program}: would count {render.num_text(er.counted)} of "
                          f"{render.num_text(er.claimed)}{clip}\n")
    if not plans:
        out.write(f"{member.id} is in no program during that year\n")
    for prog, pr, steps in plans:
        label = pr.period.label + (f" (program year {pr.period.program_year})" if pr.period.program_year else "")
        out.write(f"{prog.id} {label}: " + ("every requirement is met\n" if not steps else "still to do\n"))
        for s in steps:
            r = s.requirement
            left = (f"missing {', '.join(r.missing)}" if r.missing
                    else f"{render.num_text(s.left)} {'' if r.unit == 'times' else r.unit}".rstrip() + " left")
            when = (f"due {s.due} ({s.days_left} days)" if s.days_left >= 0 else f"was due {s.due} (overdue)")
            pace = (f", {render.num_text(s.weekly)} {'' if r.unit == 'times' else r.unit} a week".replace("  ", " ")
                    if s.weekly is not None and s.days_left > 7 and (r.kind == "total" or s.left > 1) else "")
            out.write(f"  {r.id}: {left}, {when}{pace}\n")
            if s.suggestions:
                total = sum((g.credits for g in s.suggestions), Decimal(0))
                out.write(f"    the fewest entries that close it ({len(s.suggestions)}, "
                          f"{render.num_text(total)} {pr.unit}):\n")
                for g in s.suggestions:
                    code = f"{g.code} " if g.code else ""
                    can = "no cap" if g.why == "no cap" else f"a new one can earn {render.num_text(g.room)}; {g.why}"
                    out.write(f"      {code}{g.activity}: {render.num_text(g.credits)} {pr.unit} ({can})\n")
            elif r.kind == "total" and s.left > 0:
                out.write("    no open activity can close it this period: every cap on its activities is used\n")
    return 0
