"""Why an entry counted what it did: every cap on its way from claimed to counted.

``explain_entry`` replays the counting order (``calc.caps.allocate``) for the period that
holds the entry and, for each cap the rules put on its activity (its own cap per entry,
item, year or period, then each combined group), says what earlier entries had already
used, how much room was left, and how much the cap took off. Caps that applied but did
not clip are listed too, with their room. Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cepledger.calc.caps import allocate
from cepledger.model.periods import period_on, reporting_year
from cepledger.model.records import ZERO, Entry, Member, Period
from cepledger.model.results import EntryResult
from cepledger.rules.model import Activity, Program


@dataclass(frozen=True, slots=True)
class CapStep:
    """One cap an entry met: its rule code, the room earlier entries left, what it clipped."""

    code: str
    scope: str  # entry | item | year | period | group
    per: str  # what the cap applies to (entry, item, year, period)
    description: str
    cap: Decimal
    used_before: Decimal
    room: Decimal
    clipped: Decimal
    earlier: tuple[EntryResult, ...] = ()  # the earlier entries that used this cap


@dataclass(frozen=True, slots=True)
class Explanation:
    """One program's account of one entry."""

    program: str
    unit: str
    period: Period | None
    entry: Entry
    activity: Activity  # the rule the entry counts under
    claimed: Decimal
    counted: Decimal
    steps: tuple[CapStep, ...] = ()
    note: str = ""


def _caps_of(program: Program, activity: Activity) -> list[tuple[str, str, str, str, Decimal, tuple[str, ...]]]:
    """(code, scope, per, description, cap, activities sharing it) in the order calc applies them."""
    caps = []
    if activity.cap is not None:
        caps.append((activity.code, activity.per, activity.per, activity.cap_description(), activity.cap,
                     (activity.id,)))
    for g in program.groups:
        if activity.id in g.activities:
            caps.append((g.code, "group", g.per, g.cap_description(), g.cap, g.activities))
    return caps


def _same_key(per: str, a: Entry, b: Entry, start_month: int, period: Period) -> bool:
    """Whether entries ``a`` and ``b`` share one cap applied per ``per`` (calc's cap keys)."""
    if per == "entry":
        return False
    if per == "period":
        return period.contains(a.date) and period.contains(b.date)
    if reporting_year(a.date, start_month) != reporting_year(b.date, start_month):
        return False
    if per == "item":
        return a.item is not None and a.item == b.item
    return True  # year


def explain_entry(member: Member, programs, entry_id: str) -> list[Explanation]:
    """The cap chain of one entry in every program (of ``programs``) that defines its activity.

    ``entry_id`` may also be ``@LINE``, the line of the ``[[entries]]`` table, for a
    hand-written entry without an id. Raises ``KeyError`` when there is no such entry.
    """
    entry = member.entry(entry_id)
    if entry is None and entry_id.startswith("@") and entry_id[1:].isdigit():
        entry = next((e for e in member.entries if e.source.line == int(entry_id[1:])), None)
    if entry is None:
        raise KeyError(entry_id)
    out = []
    for prog in programs:
        activity = prog.activities.get(entry.activity)
        if activity is None:
            continue
        enrolment = member.enrolment(prog.id)
        start_month = prog.period.start_month
        period = period_on(prog.period, enrolment, entry.date) if enrolment else None
        if period is None or not period.contains(entry.date):
            out.append(Explanation(prog.id, prog.unit, period, entry, activity, ZERO, ZERO,
                                   note=f"not counted: {entry.date} is outside the member's time in {prog.id}"))
            continue
        results = allocate(member, prog, period.start, period.end)
        pos = next(i for i, r in enumerate(results) if r.entry.index == entry.index)  # same member: same index
        mine = results[pos]
        if entry.is_void:
            out.append(Explanation(prog.id, prog.unit, period, entry, activity, mine.claimed, ZERO,
                                   note=f"void ({entry.void}): counts for nothing and takes no room under any cap"))
            continue
        before = [r for r in results[:pos] if not r.entry.is_void]
        steps = []
        amount = mine.claimed
        for code, scope, per, desc, cap, sharing in _caps_of(prog, activity):
            users = tuple(r for r in before if r.entry.activity in sharing
                          and _same_key(per, r.entry, entry, start_month, period) and r.counted > 0)
            used = sum((r.counted for r in users), ZERO)
            room = max(ZERO, cap - used)
            clipped = max(ZERO, amount - room)
            amount -= clipped
            steps.append(CapStep(code, scope, per, desc, cap, used, room, clipped, users))
        note = ""
        if activity.amount == "fixed":
            note = f"a fixed {activity.credits} per entry, whatever the hours say"
        elif activity.amount == "none":
            note = "a milestone: it counts toward its requirement, not toward any total"
        if not steps and activity.amount == "hours":
            note = "no cap applies to this activity"
        out.append(Explanation(prog.id, prog.unit, period, entry, activity, mine.claimed,
                               mine.counted, tuple(steps), note))
    return out
