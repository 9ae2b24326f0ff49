"""What is left to do in a period, and the fewest activities that close a total's shortfall.

``plan_program`` takes a ``ProgramResult`` (from ``calc.evaluate_program``) and the
rules, and returns per unmet requirement what is left, when it is due and the weekly
pace needed from ``today``; for a ``total`` requirement also ``suggest`` the fewest new
entries that close the gap under the caps still open. Each suggestion is one new entry
(of a new item, so per-item and per-entry caps start fresh), earning at most what every
cap on it still allows: year and period caps (and combined groups applied per year or
period) count what the period's entries already used, so an exhausted cap is never
suggested. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_UP, Decimal

from cepledger.model.records import ZERO
from cepledger.model.results import ProgramResult, RequirementResult
from cepledger.model.periods import reporting_year
from dataclasses import dataclass

NO_CAP_ENTRY = Decimal(1000)  # the most one entry may claim (intake.MAX_AMOUNT)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One new entry that would close part of a total's shortfall."""

    activity: str
    code: str
    credits: Decimal  # what this one new entry can still earn (at most the gap left)
    room: Decimal  # what a new entry of this activity could earn under the open caps
    why: str  # the cap that limits it, in words


@dataclass(frozen=True, slots=True)
class Step:
    """One unmet requirement: what is left, by when, the weekly pace, and suggestions."""

    requirement: RequirementResult
    left: Decimal
    due: date
    days_left: int
    weekly: Decimal | None  # amount per week from today to the due date (None when past due)
    suggestions: tuple[Suggestion, ...] = ()
    activities: tuple[str, ...] = ()  # the activities that count toward it (the rules' list)
    options: tuple[str, ...] = ()  # a distinct requirement over a catalogue: the values not yet counted


def _plan_day(pr: ProgramResult, today: date) -> date:
    """The day a new entry would be dated: today, kept inside the period."""
    return min(max(today, pr.period.start), pr.period.end)


def open_room(program, pr: ProgramResult, day: date) -> dict[str, tuple[Decimal, str]]:
    """For each activity that earns an amount: (what one new entry on ``day`` can earn, the limiting cap).

    Per-entry and per-item caps (and groups per item) start fresh for a new item; year,
    period and group caps per year/period subtract what the period's entries used.
    """
    year = reporting_year(day, program.period.start_month)
    used: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for r in pr.entries:
        e = r.entry
        if e.is_void or r.counted <= 0:
            continue
        y = reporting_year(e.date, program.period.start_month)
        used[("a", e.activity, "year", y)] += r.counted
        used[("a", e.activity, "period")] += r.counted
        for g in program.groups:
            if e.activity in g.activities:
                used[("g", g.id, "year", y)] += r.counted
                used[("g", g.id, "period")] += r.counted
    out = {}
    for a in program.activities.values():
        if a.amount == "none":
            continue
        room = a.credits if a.amount == "fixed" else NO_CAP_ENTRY
        why = f"{a.credits} per entry (fixed)" if a.amount == "fixed" else "no cap"
        limits = []
        if a.cap is not None:
            limits.append((a.cap, a.per, ("a", a.id), a.cap_description()))
        for g in program.groups:
            if a.id in g.activities:
                limits.append((g.cap, g.per, ("g", g.id), g.cap_description()))
        for cap, per, key, desc in limits:
            if per == "year":
                left = cap - used[(*key, "year", year)]
            elif per == "period":
                left = cap - used[(*key, "period")]
            else:  # entry, item: a new entry of a new item starts fresh
                left = cap
            left = max(ZERO, left)
            if left < room:
                room, why = left, desc + (f" ({left} left)" if per in ("year", "period") else "")
        out[a.id] = (room, why)
    return out


def suggest(program, pr: ProgramResult, req: RequirementResult, today: date) -> tuple[Suggestion, ...]:
    """The fewest new entries whose credits close ``req``'s shortfall (empty if none can).

    Greedy and optimal in the number of entries: while no single activity covers what
    is left, take the one that earns the most; then the smallest that covers the rest.
    Year and period caps shrink as suggestions use them; item caps start fresh each time.
    """
    gap = req.shortfall
    if gap <= 0:
        return ()
    reqdef = next((r for r in program.requirements if r.id == req.id), None)
    wanted = set(reqdef.activities) if reqdef is not None and reqdef.activities else set(program.activities)
    day = _plan_day(pr, today)
    rooms = {aid: v for aid, v in open_room(program, pr, day).items()
             if aid in wanted and v[0] > 0 and program.activities[aid].plannable}
    order = list(program.activities)
    taken: list[Suggestion] = []
    spent: dict[tuple, Decimal] = defaultdict(lambda: ZERO)  # year/period caps used by suggestions

    def caps_of(aid: str) -> list[tuple[tuple, str, Decimal]]:
        a = program.activities[aid]
        caps = [(("a", aid), a.per, a.cap)] if a.cap is not None else []
        return caps + [(("g", g.id), g.per, g.cap) for g in program.groups if aid in g.activities]

    def room_now(aid: str) -> tuple[Decimal, str]:
        room, why = rooms[aid]
        for cap_key, per, cap in caps_of(aid):
            if per in ("year", "period") and spent[cap_key] > 0:
                room = min(room, max(ZERO, _cap_left(program, pr, day, cap_key, per, cap) - spent[cap_key]))
        return room, why

    while gap > 0 and len(taken) < 100:
        live = [(aid, *room_now(aid)) for aid in rooms]
        live = [x for x in live if x[1] > 0]
        if not live:
            break
        covering = [x for x in live if x[1] >= gap]
        if covering:
            aid, room, why = min(covering, key=lambda x: (x[1], order.index(x[0])))
        else:
            aid, room, why = max(live, key=lambda x: (x[1], -order.index(x[0])))
        earn = min(room, gap)
        a = program.activities[aid]
        taken.append(Suggestion(aid, a.code, earn, room, why))
        gap -= earn
        for cap_key, per, _cap in caps_of(aid):
            if per in ("year", "period"):
                spent[cap_key] += earn
    return tuple(taken)


def _cap_left(program, pr: ProgramResult, day: date, cap_key: tuple, per: str, cap: Decimal) -> Decimal:
    """What a year or period cap has left on ``day`` after the period's entries."""
    year = reporting_year(day, program.period.start_month)
    acts = (cap_key[1],) if cap_key[0] == "a" else next(g.activities for g in program.groups if g.id == cap_key[1])
    used = sum((r.counted for r in pr.entries if not r.entry.is_void and r.entry.activity in acts
                and (per == "period" or reporting_year(r.entry.date, program.period.start_month) == year)), ZERO)
    return max(ZERO, cap - used)


def weeks_remaining(today: date, due: date) -> int:
    """The Monday-to-Sunday weeks from the one holding ``today`` to the one holding ``due`` (0 once past)."""
    if due < today:
        return 0
    monday = today - timedelta(days=today.weekday())
    return (due - monday).days // 7 + 1


def weekly_pace(left: Decimal, today: date, due: date) -> Decimal | None:
    """``left`` spread over the weeks from today to ``due`` (at least one week), rounded up to 0.1."""
    days = (due - today).days
    if days < 0:
        return None
    weeks = max(Decimal(1), Decimal(days) / 7)
    return (left / weeks).quantize(Decimal("0.1"), ROUND_UP)


def plan_program(program, pr: ProgramResult, today: date) -> list[Step]:
    """Every requirement of the period not yet met: what is left, the pace, and suggestions."""
    steps = []
    for r in pr.requirements:
        if r.met:
            continue
        left = Decimal(len(r.missing)) if r.missing else r.shortfall
        days = (r.due - today).days
        pace = weekly_pace(left, today, r.due) if r.kind in ("total", "count") else None
        sugg = suggest(program, pr, r, today) if r.kind == "total" else ()
        reqdef = next((q for q in program.requirements if q.id == r.id), None)
        steps.append(Step(r, left, r.due, days, pace, sugg, reqdef.activities if reqdef else (),
                          _not_yet(program, reqdef, r)))
    return steps


def _not_yet(program, reqdef, r: RequirementResult) -> tuple[str, ...]:
    """For ``distinct`` over a catalogued field (courses): the catalogue values not yet counted."""
    if reqdef is None or r.kind != "distinct" or reqdef.field != "course":
        return ()
    catalogues = {program.activities[a].catalogue for a in reqdef.activities
                  if a in program.activities and program.activities[a].catalogue}
    seen = {s.strip() for s in r.detail.split(",") if s.strip()}
    values = [v for c in sorted(catalogues) for v in program.catalogues.get(c, {}).values()]
    return tuple(v for v in dict.fromkeys(values) if v not in seen)
