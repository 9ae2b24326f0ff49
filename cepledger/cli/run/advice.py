"""``cep explain``, ``plan`` and ``verify``: why an entry counted, what is left, whether evidence holds."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from cepledger.cli.env import Env
from cepledger.cli.run.evaluation import (load_all_members, load_member, member_programs, parse_program_year_option,
                                          parse_year_option)
from cepledger.cli.run.formats import PLAIN_FORMATS, check_format
from cepledger.model.errors import UsageError
from cepledger.model.records import Entry, Member, Source
from cepledger.render import plain as render

# ------------------------------------------------------------------ explain


def run_explain(env: Env, member_id: str, entry_id: str, fmt: str = "table", program_year: str | None = None) -> int:
    """Every cap the entry met, what earlier entries had used, and what it clipped.

    With ``--program-year N``, only the programs in whose year N the entry falls.
    """
    from cepledger.calc.explain import explain_entry
    from cepledger.cli.run.amend import resolve_entry
    from cepledger.render.explain import explanation_json, explanation_lines

    check_format(fmt, PLAIN_FORMATS)
    _, member = load_member(env, member_id)
    programs = member_programs(env, member)

    entry = resolve_entry(member, entry_id)  # an id, or L17 for a hand-written entry without one
    explanations = explain_entry(member, programs, entry.id or f"@{entry.source.line}")
    explanations = _in_program_year(env, member, programs, explanations, entry_id, program_year)
    if fmt == "json":
        render.write_json(explanation_json(member, explanations), env.out)
        return 0
    if not explanations:
        env.out.write(f"{entry_id}: its activity is in none of "
                      f"{member.id}'s programs, so it counts for nothing\n")
        return 0
    for line in explanation_lines(explanations):
        env.out.write(line + "\n")
    return 0


def _in_program_year(env: Env, member: Member, programs: list, explanations: list, entry_id: str,
                     program_year: str | None) -> list:
    """The explanations of program year N (``--program-year``); a usage error when the entry is in none."""
    from cepledger.calc.views import check_program_year

    n = parse_program_year_option(program_year)
    if n is None:
        return explanations
    check_program_year(programs, member, None, n)
    kept = [x for x in explanations if x.period is not None and x.period.program_year == n]
    if explanations and not kept:
        where = "; ".join(f"{x.program} {x.period.label}" for x in explanations if x.period is not None)
        raise UsageError(f"entry {entry_id} is not in program year {n} ({where or 'in no program period'}); "
                         "drop --program-year or give the year it is in")
    return kept


# ------------------------------------------------------------------ plan


def what_if_entry(env: Env, member: Member, programs: list, text: str) -> Entry:
    """``"live-webinar 4"``, ``"cep-course course=4 2026-03-01"``: a trial entry (never written).

    Words: the activity, then an amount, a date and ``key=value`` (item, title, course) in
    any order; the date defaults to today. Checked like ``cep add`` checks its options.
    """
    from cepledger.cli.run.entry_fields import build_entry

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
    fields = build_entry(member, programs, activity, amount, today=env.today, ledgers=env.ledgers,
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
             fmt: str = "table", program_year: str | None = None) -> int:
    """Per program, what is left this period and the fewest entries that close each shortfall."""
    from cepledger.calc.evaluate import evaluate_program
    from cepledger.calc.plan import plan_program
    from cepledger.calc.views import check_program_year, select_period
    from cepledger.render.plan import plan_json

    check_format(fmt, PLAIN_FORMATS)
    year_n = parse_year_option(year)
    program_year_n = parse_program_year_option(program_year)
    _, member = load_member(env, member_id)
    programs = member_programs(env, member)
    check_program_year(programs, member, year_n, program_year_n)
    trial = None
    if what_if is not None:
        trial = what_if_entry(env, member, programs, what_if)
        member = member._replace(entries=(*member.entries, trial))
    plans = []
    for prog in programs:
        period = select_period(prog, member.enrolment(prog.id), on=env.today, year=year_n,
                               program_year=program_year_n)
        if period is not None:
            pr = evaluate_program(member, prog, period)
            plans.append((prog, pr, plan_program(prog, pr, env.today)))
    if fmt == "json":
        render.write_json(plan_json([(prog.id, steps) for prog, _, steps in plans]), env.out)
        return 0
    if trial is not None:
        _write_what_if(env.out, trial, [pr for _, pr, _ in plans])
    if not plans:
        env.out.write(f"{member.id} is in no program during that year\n")
    for prog, pr, steps in plans:
        label = (pr.period.label if pr.period.program_year is None
                 else f"{pr.period.label} ({pr.period.start} to {pr.period.end})")
        env.out.write(f"{prog.id} {label}: " + ("every requirement is met\n" if not steps else "still to do\n"))
        for step in steps:
            _write_step(env.out, pr, step)
    return 0


def _write_what_if(out, trial: Entry, results: list) -> None:
    out.write(f"what if: {trial.activity} {render.num_text(trial.hours)} on {trial.date} "
              "(nothing is written)\n".replace("  ", " "))
    for pr in results:
        er = next((r for r in pr.entries if r.entry.id == "what-if"), None)
        if er is not None:
            clip = f" ({'; '.join(c.description for c in er.clips)})" if er.clips else ""
            out.write(f"  {pr.program}: would count {render.num_text(er.counted)} of "
                      f"{render.num_text(er.claimed)}{clip}\n")


def _write_step(out, pr, s) -> None:
    """One requirement still to meet: what is left, when it is due, the pace, the suggestions."""
    r = s.requirement
    unit = "" if r.unit == "times" else r.unit
    left = (f"missing {', '.join(r.missing)}" if r.missing
            else f"{render.num_text(s.left)} {unit}".rstrip() + " left")
    when = (f"due {s.due} ({s.days_left} days)" if s.days_left >= 0 else f"was due {s.due} (overdue)")
    pace = (f", {render.num_text(s.weekly)} {unit} a week".replace("  ", " ")
            if s.weekly is not None and s.days_left > 7 and (r.kind == "total" or s.left > 1) else "")
    if r.kind == "weeks" and s.days_left >= 0:
        from cepledger.calc.plan import weeks_remaining

        n = weeks_remaining(s.due - timedelta(days=s.days_left), s.due)
        pace = f", {n} weeks to go" + ("; it can no longer be met" if n < s.left else "")
    out.write(f"  {r.id}: {left}, {when}{pace}\n")
    if s.suggestions:
        total = sum((g.credits for g in s.suggestions), Decimal(0))
        out.write(f"    the fewest entries that close it ({len(s.suggestions)}, "
                  f"{render.num_text(total)} {pr.unit}):\n")
        for g in s.suggestions:
            code = f"{g.code} " if g.code else ""
            can = "no cap" if g.why == "no cap" else f"a new one can earn {render.num_text(g.room)}; {g.why}"
            out.write(f"      {code}{g.activity}: {render.num_text(g.credits)} {pr.unit} ({can})\n")
    elif s.options:
        out.write(f"    not yet counted: {', '.join(s.options)}\n")
    elif r.kind == "total" and s.left > 0:
        out.write("    no open activity can close it this period: every cap on its activities is used\n")


# ------------------------------------------------------------------ verify


def run_verify(env: Env, member_id: str | None = None, fmt: str = "table") -> int:
    """Exit 1 when an evidence file is missing or changed (like ``--check``), 3 when a ledger
    does not load, else 0."""
    from cepledger.ledger.evidence import verify_member

    check_format(fmt, PLAIN_FORMATS)
    if member_id is not None:
        members, problems = [load_member(env, member_id, validate=False)[1]], []
    else:
        members, problems = load_all_members(env)
    checks = [c for m in members for c in verify_member(m, env.ledgers)]
    if fmt == "json":
        render.write_json([
            {"member": c.member, "entry": c.entry.id, "date": c.entry.date.isoformat(), "evidence": c.entry.evidence,
             "state": c.state, "recorded_sha256": c.entry.evidence_sha256, "actual_sha256": c.actual,
             "line": c.entry.source.line}
            for c in checks
        ], env.out)
    else:
        for c in checks:
            _write_check(env.out, c)
        bad = sum(c.bad for c in checks)
        ok = sum(c.state == "ok" for c in checks)
        env.out.write(f"{len(checks)} evidence files: {ok} match, {bad} missing or changed\n")
    for p in problems:
        env.err.write(render.problem_line(p) + "\n")
    if problems:
        return 3
    return 1 if any(c.bad for c in checks) else 0


def _write_check(out, c) -> None:
    where = f"{c.entry.source.path}:{c.entry.source.line}"
    if c.state == "missing":
        out.write(f"{where}: missing: {render.shown(c.entry.evidence)} (entry {c.entry.id or '-'})\n")
    elif c.state == "changed":
        out.write(f"{where}: changed: {render.shown(c.entry.evidence)} (entry {c.entry.id or '-'}): "
                  f"recorded {c.entry.evidence_sha256[:12]}…, now {c.actual[:12]}…\n")
    elif c.state == "no-checksum":
        out.write(f"{where}: note: {render.shown(c.entry.evidence)} has no recorded SHA-256 "
                  f"(now {c.actual[:12]}…)\n")
