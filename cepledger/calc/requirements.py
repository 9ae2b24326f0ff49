"""The evaluators, one per requirement kind: total, count, distinct, coverage, ratings, deadline.

Each takes a ``Context`` (member, program, period and the period's allocation) and one
``Requirement`` and returns its ``RequirementResult``. Pure functions: no I/O, no clock.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from cepledger.calc.caps import allocate, ordered
from cepledger.model.periods import add_years, previous_period, program_span, window_end
from cepledger.model.records import ZERO, Entry, Member, Period
from cepledger.model.results import RequirementResult
from cepledger.rules.model import Program, Requirement, fmt_amount

CENT = Decimal("0.01")


class Context:
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
        return ordered(e for e in self.member.select(start, last, wanted) if e.void is None)

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


def _total(ctx: Context, req: Requirement) -> RequirementResult:
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


def _required_this_period(ctx: Context, req: Requirement) -> Decimal:
    """The minimum, pro-rated in the member's first period when the rules say so."""
    rule = ctx.program.period
    since = ctx.enrolment.since
    if not rule.prorate_first_year or not ctx.period.contains(since) or since == ctx.period.start:
        return req.min
    total_days = (ctx.period.end - ctx.period.start).days + 1
    left_days = (ctx.period.end - since).days + 1
    return (req.min * left_days / total_days).quantize(CENT, ROUND_HALF_UP)


def _carried_in(ctx: Context, req: Requirement) -> Decimal:
    """Credits above last period's minimum, up to ``carry_over_max`` (own credits only, no chains)."""
    limit = ctx.program.period.carry_over_max
    if limit <= 0:
        return ZERO
    prev = previous_period(ctx.program.period, ctx.enrolment, ctx.period)
    if prev is None:
        return ZERO
    prev_ctx = Context(ctx.member, ctx.program, prev, ctx.as_of)
    wanted = req.activities or tuple(ctx.program.activities)
    prev_earned = sum((r.counted for r in prev_ctx.results if r.entry.activity in wanted), ZERO)
    surplus = prev_earned - _required_this_period(prev_ctx, req)
    return min(limit, max(ZERO, surplus))


def _count(ctx: Context, req: Requirement) -> RequirementResult:
    start, end, due = ctx.scope_range(req)
    entries = ctx.live(req.activities, start, end)
    return _result(req, req.unit or "times", req.min, Decimal(len(entries)), due,
                   dates=tuple(e.date for e in entries))


def _distinct(ctx: Context, req: Requirement) -> RequirementResult:
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


def _weeks(ctx: Context, req: Requirement) -> RequirementResult:
    """Distinct Monday-to-Sunday weeks with at least one entry (two in one week are one week)."""
    start, end, due = ctx.scope_range(req)
    weeks: dict[date, date] = {}
    for e in ctx.live(req.activities, start, end):
        weeks.setdefault(e.date - timedelta(days=e.date.weekday()), e.date)
    return _result(req, req.unit or "weeks", req.min, Decimal(len(weeks)), due, dates=tuple(weeks.values()))


def _coverage(ctx: Context, req: Requirement) -> RequirementResult:
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


def _ratings(ctx: Context, req: Requirement) -> RequirementResult:
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


def _deadline(ctx: Context, req: Requirement) -> RequirementResult:
    enrolment = ctx.enrolment
    due = enrolment.since
    if enrolment.employed_since is None:
        return _result(req, req.unit or "deadline", Decimal(1), ZERO, due,
                       detail="employed_since is not recorded for this program")
    employed, since = enrolment.employed_since, enrolment.since
    if req.max_years is not None:
        last = add_years(employed, req.max_years)
        ok = since <= last
        years = "a year" if req.max_years == 1 else f"{req.max_years} years"
        when = (f"employed from {employed}, after enrolling on {since}" if employed > since
                else f"enrolled {since}, employed from {employed}: enrol by {last} (within {years})")
        return _result(req, req.unit or "deadline", Decimal(1), Decimal(1 if ok else 0), due, detail=when)
    days = (since - employed).days
    ok = days <= (req.max_days or 0)
    return _result(req, req.unit or "deadline", Decimal(1), Decimal(1 if ok else 0), due,
                   detail=f"enrolled {days} days after starting as an administrator (at most {req.max_days})")


EVALUATORS = {
    "total": _total,
    "count": _count,
    "distinct": _distinct,
    "weeks": _weeks,
    "coverage": _coverage,
    "ratings": _ratings,
    "deadline": _deadline,
}


def _result(req: Requirement, unit: str, required: Decimal, earned: Decimal, due: date, *,
            missing: tuple[str, ...] | None = None, detail: str = "", dates: tuple[date, ...] = ()) -> RequirementResult:
    met = earned >= required if missing is None else not missing and earned >= required
    return RequirementResult(req.id, req.name, req.kind, req.unit or unit, required, earned, met, due,
                             missing, detail, dates)
