"""The calculator: member + program + period → results. Pure functions, no I/O, no clock.

Counting order (RULES.md): entries are allocated chronologically (date, then order in
the file); each cap the rules define (per entry, per item, per year, per period, and
combined groups) takes what it must, so every entry has a claimed and a counted amount.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from cepledger.model.errors import DataError, Problem
from cepledger.model.records import ZERO, Enrolment, Entry, Member, Period
from cepledger.model.results import (
    ActivityTotal,
    Clip,
    EntryResult,
    MemberStatus,
    ProgramResult,
    RequirementResult,
)
from cepledger.model.periods import program_period, program_span, previous_period, reporting_year, window_end
from cepledger.rules.model import Activity, Program, Registry, Requirement, fmt_amount

CENT = Decimal("0.01")


def claimed_amount(entry: Entry, activity: Activity) -> Decimal:
    """What an entry claims before caps: its hours, the fixed credits, or 0 for a milestone."""
    if activity.amount == "fixed":
        return activity.credits or ZERO
    if activity.amount == "none":
        return ZERO
    return entry.hours if entry.hours is not None else ZERO


def _in_range(entry: Entry, start: date, end: date, as_of: date | None) -> bool:
    return start <= entry.date <= end and (as_of is None or entry.date <= as_of)


def _ordered(entries) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.date, e.index))


class _Caps:
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
        period = program_period(self.program.period, self.enrolment, year) if self.enrolment else None
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
    caps = _Caps(program, member.enrolment(program.id))
    results = []
    acts = program.activities
    last = end if as_of is None or as_of > end else as_of
    # Filter before sorting (the same entries in the same order): a long history
    # has far more entries than one period.
    for entry in _ordered(member.select(start, last, acts)):
        activity = program.activities[entry.activity]
        claimed = claimed_amount(entry, activity)
        if entry.is_void:
            results.append(EntryResult(entry, claimed, ZERO))
        else:
            results.append(caps.allocate(entry, activity, claimed))
    return results


def _activity_totals(results: list[EntryResult], program: Program) -> tuple[ActivityTotal, ...]:
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


class _Context:
    """What requirement evaluators need: the member, program, period and the entry sets."""

    def __init__(self, member: Member, program: Program, period: Period, as_of: date | None):
        self.member, self.program, self.period, self.as_of = member, program, period, as_of
        self.enrolment = member.enrolment(program.id)
        self.results = allocate(member, program, period.start, period.end, as_of)
        self.span_start, span_end = program_span(program.period, self.enrolment)
        self.program_end = span_end or period.end
        self.carried: dict[str, Decimal] = {}  # requirement id -> credits carried in

    def live(self, activities: tuple[str, ...], start: date, end: date) -> list[Entry]:
        """Non-void entries of ``activities`` (all the program's when empty) in [start, end]."""
        wanted = frozenset(activities or self.program.activities)
        last = end if self.as_of is None or self.as_of > end else self.as_of
        # The date test first: in a long history most entries fall outside the range.
        return _ordered(e for e in self.member.select(start, last, wanted) if e.void is None)

    def scope_range(self, req: Requirement) -> tuple[date, date, date]:
        """(first day, last day, due date) of what a requirement counts."""
        if req.scope == "program":
            return self.span_start, self.period.end, self.program_end
        if req.scope == "window":
            since = self.enrolment.since
            last = window_end(since, req.window_years or 1)
            return since, min(last, self.period.end), last
        if req.scope == "enrolment":
            return self.span_start, self.period.end, self.enrolment.since
        return self.period.start, self.period.end, self.period.end


def _total(ctx: _Context, req: Requirement) -> RequirementResult:
    start, end, due = ctx.scope_range(req)
    wanted = req.activities or tuple(ctx.program.activities)
    if req.scope == "period":
        results = ctx.results
    else:
        results = allocate(ctx.member, ctx.program, start, end, ctx.as_of)
    earned = sum((r.counted for r in results if r.entry.activity in wanted), ZERO)
    required = req.min
    detail = ""
    if req.scope == "period":
        required = _required_this_period(ctx, req)
        carried = _carried_in(ctx, req)
        ctx.carried.setdefault(req.id, carried)
        if carried:
            earned += carried
            detail = f"includes {fmt_amount(carried)} carried over from the previous period"
    return _result(req, ctx.program.unit, required, earned, due, detail=detail)


def _required_this_period(ctx: _Context, req: Requirement) -> Decimal:
    """The minimum, pro-rated in the member's first period when the rules say so."""
    rule = ctx.program.period
    since = ctx.enrolment.since
    if not rule.prorate_first_year or not ctx.period.contains(since) or since == ctx.period.start:
        return req.min
    total_days = (ctx.period.end - ctx.period.start).days + 1
    left_days = (ctx.period.end - since).days + 1
    return (req.min * left_days / total_days).quantize(CENT, ROUND_HALF_UP)


def _carried_in(ctx: _Context, req: Requirement) -> Decimal:
    """Credits above last period's minimum, up to ``carry_over_max`` (own credits only, no chains)."""
    limit = ctx.program.period.carry_over_max
    if limit <= 0:
        return ZERO
    prev = previous_period(ctx.program.period, ctx.enrolment, ctx.period)
    if prev is None:
        return ZERO
    prev_ctx = _Context(ctx.member, ctx.program, prev, ctx.as_of)
    wanted = req.activities or tuple(ctx.program.activities)
    prev_earned = sum((r.counted for r in prev_ctx.results if r.entry.activity in wanted), ZERO)
    surplus = prev_earned - _required_this_period(prev_ctx, req)
    return min(limit, max(ZERO, surplus))


def _count(ctx: _Context, req: Requirement) -> RequirementResult:
    start, end, due = ctx.scope_range(req)
    entries = ctx.live(req.activities, start, end)
    return _result(req, req.unit or "times", req.min, Decimal(len(entries)), due,
                   dates=tuple(e.date for e in entries))


def _distinct(ctx: _Context, req: Requirement) -> RequirementResult:
    start, end, due = ctx.scope_range(req)
    seen: dict[str, date] = {}
    for e in ctx.live(req.activities, start, end):
        value = getattr(e, req.field or "", None)
        if req.field == "course":
            value = ctx.program.resolve_course(value)
        if value is not None:
            seen.setdefault(str(value), e.date)
    return _result(req, req.unit or "distinct", req.min, Decimal(len(seen)), due,
                   dates=tuple(seen.values()), detail=", ".join(seen))


def _coverage(ctx: _Context, req: Requirement) -> RequirementResult:
    start, end, due = ctx.scope_range(req)
    wanted = req.cover_for(ctx.period.program_year)
    entries = ctx.live(req.activities, start, end)
    covered: set[str] = set()
    for e in entries:
        for tag in getattr(e, req.field or "cpsel", ()) or ():
            std = ctx.program.standard_of(tag, req.field or "cpsel")
            if std is not None:
                covered.add(std)
    missing = tuple(s for s in wanted if s not in covered)
    earned = Decimal(len(wanted) - len(missing))
    return _result(req, req.unit or "standards", Decimal(len(wanted)), earned, due, missing=missing,
                   dates=tuple(e.date for e in entries))


def _ratings(ctx: _Context, req: Requirement) -> RequirementResult:
    start, end, due = ctx.scope_range(req)
    program = ctx.program
    standards = req.standards or tuple(program.tags.get("cpsel", {}).get("standards", {}))
    threshold = program.level_rank(req.level) if req.level else len(program.levels) - 2
    latest: dict[str, str] = {}
    entries = ctx.live(req.activities, start, end)
    for e in entries:  # chronological: a later rating replaces an earlier one
        for std, level in e.ratings:
            latest[str(std).upper()] = level
    missing = tuple(
        s for s in standards
        if s not in latest or (program.level_rank(latest[s]) is None) or program.level_rank(latest[s]) < threshold
    )
    earned = Decimal(len(standards) - len(missing))
    detail = ", ".join(f"{s}: {latest.get(s, '-')}" for s in standards)
    return _result(req, req.unit or "standards", Decimal(len(standards)), earned, due, missing=missing,
                   detail=detail, dates=tuple(e.date for e in entries))


def _deadline(ctx: _Context, req: Requirement) -> RequirementResult:
    enrolment = ctx.enrolment
    due = enrolment.since
    if enrolment.employed_since is None:
        return _result(req, req.unit or "deadline", Decimal(1), ZERO, due,
                       detail="employed_since is not recorded for this program")
    days = (enrolment.since - enrolment.employed_since).days
    ok = days <= (req.max_days or 0)
    return _result(req, req.unit or "deadline", Decimal(1), Decimal(1 if ok else 0), due,
                   detail=f"enrolled {days} days after starting as an administrator (at most {req.max_days})")


_EVALUATORS = {
    "total": _total,
    "count": _count,
    "distinct": _distinct,
    "coverage": _coverage,
    "ratings": _ratings,
    "deadline": _deadline,
}


def _result(req: Requirement, unit: str, required: Decimal, earned: Decimal, due: date, *,
            missing: tuple[str, ...] | None = None, detail: str = "", dates: tuple[date, ...] = ()) -> RequirementResult:
    met = earned >= required if missing is None else not missing and earned >= required
    return RequirementResult(req.id, req.name, req.kind, req.unit or unit, required, earned, met, due,
                             missing, detail, dates)


def evaluate_program(member: Member, program: Program, period: Period, *, as_of: date | None = None) -> ProgramResult:
    """One program's standing for one period: requirements, per-activity totals, per-entry results."""
    if member.enrolment(program.id) is None:
        raise ValueError(f"{member.id} is not enrolled in {program.id}")
    ctx = _Context(member, program, period, as_of)
    reqs = tuple(_EVALUATORS[r.kind](ctx, r) for r in program.requirements)
    met = all(r.met for r in reqs if period.start <= r.due <= period.end)
    return ProgramResult(
        program=program.id, program_name=program.name, unit=program.unit, period=period, met=met,
        requirements=reqs, activities=_activity_totals(ctx.results, program), entries=tuple(ctx.results),
        carried_in=next(iter(ctx.carried.values()), ZERO),
    )


def evaluate_member(member: Member, registry: Registry, year: int, *, as_of: date | None = None,
                    program: str | None = None) -> MemberStatus:
    """Every program the member is in during reporting year ``year`` (or just ``program``)."""
    results = []
    for enrolment in member.enrolments:
        if program is not None and enrolment.program != program:
            continue
        prog = registry.programs.get(enrolment.program)
        if prog is None or prog.abstract:
            raise DataError(Problem(enrolment.source.path, enrolment.source.line, "unknown-program",
                                    f"unknown program '{enrolment.program}'; known: {', '.join(registry.enrollable())}"))
        period = program_period(prog.period, enrolment, year)
        if period is None:
            continue
        results.append(evaluate_program(member, prog, period, as_of=as_of))
    return MemberStatus(member, tuple(results))
