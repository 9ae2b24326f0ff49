"""Cap allocation: what each entry claims, and what counts after every cap, in counting order.

Counting order (RULES.md): entries are allocated chronologically (date, then order in
the file); each cap the rules define (per entry, per item, per year, per period, and
combined groups) takes what it must, so every entry has a claimed and a counted amount.
Pure functions: no I/O, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from cepledger.model.periods import period_on, reporting_year
from cepledger.model.records import ZERO, Enrolment, Entry, Member
from cepledger.model.results import ActivityTotal, Clip, EntryResult
from cepledger.rules.model import Activity, Program


def claimed_amount(entry: Entry, activity: Activity) -> Decimal:
    """What an entry claims before caps: its hours, the fixed credits, or 0 for a milestone."""
    if activity.amount == "fixed":
        return activity.credits or ZERO
    if activity.amount == "none":
        return ZERO
    return entry.hours if entry.hours is not None else ZERO


def ordered(entries) -> list[Entry]:
    """``entries`` in counting order: by date, then by place in the file."""
    return sorted(entries, key=lambda e: (e.date, e.index))


class CapUsage:
    """Running usage of every cap while entries are allocated in counting order.

    Item and year caps are keyed by the reporting year of the entry; ``period`` caps by
    the program period that holds it (so one allocation over several periods, as a
    window requirement does, still gives each period its own cap).
    """

    def __init__(self, program: Program, enrolment: Enrolment | None = None):
        self.program = program
        self.enrolment = enrolment
        self.start_month = program.period.start_month
        self.used: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
        self.groups_of: dict[str, list] = defaultdict(list)
        self._rules_of: dict[str, list[tuple]] = {}
        for g in program.groups:
            for aid in g.activities:
                self.groups_of[aid].append(g)

    def _key(self, owner: str, per: str, entry: Entry) -> tuple | None:
        if per == "entry":
            return None
        year = reporting_year(entry.date, self.start_month)
        if per == "item":
            return (owner, "item", year, entry.item if entry.item is not None else ("#", entry.index))
        if per == "year":
            return (owner, "year", year)
        period = period_on(self.program.period, self.enrolment, entry.date) if self.enrolment else None
        return (owner, "period", period.start if period else None)

    def _rules(self, activity: Activity) -> list[tuple]:
        """The caps on ``activity``: (the rule, its scope, cap, key owner, per, description)."""
        found = self._rules_of.get(activity.id)
        if found is None:
            found = []
            if activity.cap is not None:
                found.append((activity, activity.per, activity.cap, "a:" + activity.id, activity.per,
                              activity.cap_description()))
            for g in self.groups_of.get(activity.id, ()):
                found.append((g, "group", g.cap, "g:" + g.id, g.per, g.cap_description()))
            self._rules_of[activity.id] = found
        return found

    def allocate(self, entry: Entry, activity: Activity, claimed: Decimal) -> EntryResult:
        """Take ``claimed`` through every cap on ``activity`` in turn; record what each used."""
        amount = claimed
        clips = []
        keys = []
        used = self.used
        for rule, scope, cap, owner, per, description in self._rules(activity):
            key = self._key(owner, per, entry)
            keys.append(key)
            before = used[key] if key is not None else ZERO
            room = cap - before if cap > before else ZERO  # max(ZERO, cap - before)
            if amount > room:
                clips.append(Clip(activity.id, rule.code, description, scope, cap, before, amount - room))
                amount = room
        for key in keys:
            if key is not None:
                used[key] += amount
        return EntryResult(entry, claimed, amount, tuple(clips))


def allocate(member: Member, program: Program, start: date, end: date, as_of: date | None = None) -> list[EntryResult]:
    """Claimed and counted for every entry of the program's activities in [start, end].

    Void entries are listed with counted 0 and take no room under any cap.
    """
    caps = CapUsage(program, member.enrolment(program.id))
    results = []
    acts = program.activities
    last = end if as_of is None or as_of > end else as_of
    # Filter before sorting (the same entries in the same order): a long history
    # has far more entries than one period.
    for entry in ordered(member.select(start, last, acts)):
        activity = program.activities[entry.activity]
        claimed = claimed_amount(entry, activity)
        if entry.is_void:
            results.append(EntryResult(entry, claimed, ZERO))
        else:
            results.append(caps.allocate(entry, activity, claimed))
    return results


def activity_totals(results: list[EntryResult], program: Program) -> tuple[ActivityTotal, ...]:
    """Claimed vs counted per activity that carries an amount (milestones are requirements, not amounts)."""
    claimed: dict[str, Decimal] = {}
    counted: dict[str, Decimal] = {}
    clips: dict[str, list[str]] = {}
    for r in results:
        if r.entry.is_void or program.activities[r.entry.activity].amount == "none":
            continue
        aid = r.entry.activity
        claimed[aid] = claimed.get(aid, ZERO) + r.claimed
        counted[aid] = counted.get(aid, ZERO) + r.counted
        for c in r.clips:
            if c.description not in clips.setdefault(aid, []):
                clips[aid].append(c.description)
    order = list(program.activities)
    return tuple(
        ActivityTotal(aid, claimed[aid], counted[aid], tuple(clips.get(aid, ())))
        for aid in sorted(claimed, key=order.index)
    )
