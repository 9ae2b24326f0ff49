"""Reporting years, multi-year cycles, program years and rolling windows.

Pure date arithmetic: "today" is always a parameter, never read here.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from cepledger.model.errors import UsageError
from cepledger.model.records import Enrolment, Period

_YEAR_RE = re.compile(r"^(\d{4})(?:[-/](\d{2}|\d{4}))?$")


def reporting_year(d: date, start_month: int = 9) -> int:
    """The reporting year containing ``d``, named by its start year (2026-08-31 → 2025)."""
    return d.year if d.month >= start_month else d.year - 1


def year_start(year: int, start_month: int = 9) -> date:
    """First day of reporting year ``year``."""
    return date(year, start_month, 1)


def year_end(year: int, start_month: int = 9, years: int = 1) -> date:
    """Last day of the span of ``years`` reporting years starting with ``year``."""
    return date(year + years, start_month, 1) - timedelta(days=1)


def year_label(year: int, start_month: int = 9, years: int = 1) -> str:
    """``2025-26`` for a Sept-Aug year, ``2024-27`` for a 3-year cycle, ``2025`` for a calendar year."""
    if start_month == 1 and years == 1:
        return str(year)
    last = year + years - (1 if start_month == 1 else 0)
    return f"{year}-{last % 100:02d}"


def parse_year(text: str, start_month: int = 9) -> int:
    """Read ``--year``: ``2025`` or ``2025-26`` (also ``2025-2026``) → 2025."""
    m = _YEAR_RE.match(text.strip())
    if m:
        first = int(m.group(1))
        if m.group(2) is None:
            return first
        second = int(m.group(2))
        expected = first + 1 if start_month != 1 else first
        if second == expected or second == expected % 100:
            return first
    raise UsageError(f"bad year '{text}': use the start year of the reporting year, like 2025 or 2025-26")


def add_years(d: date, years: int) -> date:
    """``d`` moved by whole years; Feb 29 becomes Feb 28 in a common year (dateutil's
    ``relativedelta``, imported only by the programs whose years need it)."""
    from dateutil.relativedelta import relativedelta

    return d + relativedelta(years=years)


def window_end(since: date, years: int) -> date:
    """Last day of the window [since, since + years).

    ``since`` on Feb 29 plus whole years lands on Mar 1 in a common year, so the window
    still holds Feb 28 of its last year (the member gets every day of the years).
    """
    try:
        end = since.replace(year=since.year + years)
    except ValueError:  # Feb 29 -> a common year
        end = date(since.year + years, 3, 1)
    return end - timedelta(days=1)


def by_enrolment(period_rule) -> bool:
    """Whether the program's years are years of enrolment (year 1 starts on ``since``)."""
    return period_rule.kind == "program" and getattr(period_rule, "years_of", "") == "enrolment"


def enrolment_year(period_rule, enrolment: Enrolment, n: int) -> Period | None:
    """Program year ``n`` of a program whose years are years of enrolment, or ``None``.

    Year 1 runs from ``since`` for one calendar year (2024-08-20 .. 2025-08-19), year 2
    the next; a 2024-02-29 enrolment has year 2 from 2025-02-28.
    """
    if not 1 <= n <= period_rule.years:
        return None
    start = add_years(enrolment.since, n - 1)
    end = add_years(enrolment.since, n) - timedelta(days=1)
    return Period(f"year {n}", start, end, n)


def _overlap(period: Period, start: date, end: date) -> int:
    return max(0, (min(period.end, end) - max(period.start, start)).days + 1)


def enrolment_year_for(period_rule, enrolment: Enrolment, year: int) -> Period | None:
    """The program year with the most days in reporting year ``year`` (ties: the earlier one)."""
    sm = period_rule.start_month
    start, end = year_start(year, sm), year_end(year, sm)
    best, best_days = None, 0
    for n in range(1, period_rule.years + 1):
        period = enrolment_year(period_rule, enrolment, n)
        days = _overlap(period, start, end)
        if days > best_days:
            best, best_days = period, days
    return best


def period_on(period_rule, enrolment: Enrolment, d: date) -> Period | None:
    """The program's period that holds the day ``d`` for this enrolment, or ``None``."""
    if by_enrolment(period_rule):
        if d < enrolment.since:
            return None
        n = 1
        while n <= period_rule.years:
            period = enrolment_year(period_rule, enrolment, n)
            if period.contains(d):
                return period
            n += 1
        return None
    period = program_period(period_rule, enrolment, reporting_year(d, period_rule.start_month))
    return period if period is not None and period.contains(d) else None


def program_period(period_rule, enrolment: Enrolment, year: int) -> Period | None:
    """The period of a program that covers reporting year ``year`` for this enrolment.

    ``period_rule`` is a ``rules.PeriodRule``. Returns ``None`` when the member is not
    in the program during that year (before ``since`` or after a fixed-length program).
    For years of enrolment, the program year with the most days in ``year``.
    """
    if by_enrolment(period_rule):
        return enrolment_year_for(period_rule, enrolment, year)
    sm = period_rule.start_month
    first = reporting_year(enrolment.since, sm)
    if period_rule.kind == "program":
        program_year = year - first + 1
        if not 1 <= program_year <= period_rule.years:
            return None
        return Period(year_label(year, sm), year_start(year, sm), year_end(year, sm), program_year)
    # annual cycles of `years` reporting years, anchored at the member's first year or a fixed year
    anchor = first if period_rule.anchor is None else period_rule.anchor
    cycle_start = anchor + ((year - anchor) // period_rule.years) * period_rule.years
    period = Period(
        year_label(cycle_start, sm, period_rule.years),
        year_start(cycle_start, sm),
        year_end(cycle_start, sm, period_rule.years),
    )
    if enrolment.since > period.end:
        return None
    return period


def previous_period(period_rule, enrolment: Enrolment, period: Period) -> Period | None:
    """The period just before ``period`` for this enrolment, or ``None``."""
    if by_enrolment(period_rule):
        return enrolment_year(period_rule, enrolment, (period.program_year or 1) - 1)
    sm = period_rule.start_month
    step = 1 if period_rule.kind == "program" else period_rule.years
    return program_period(period_rule, enrolment, reporting_year(period.start, sm) - step)


def program_span(period_rule, enrolment: Enrolment) -> tuple[date, date | None]:
    """First and last day of a fixed-length program (last is ``None`` for open-ended ones)."""
    if by_enrolment(period_rule):
        return enrolment.since, add_years(enrolment.since, period_rule.years) - timedelta(days=1)
    sm = period_rule.start_month
    first = reporting_year(enrolment.since, sm)
    if period_rule.kind == "program":
        return year_start(first, sm), year_end(first, sm, period_rule.years)
    anchor = first if period_rule.anchor is None else period_rule.anchor
    cycle_start = anchor + ((first - anchor) // period_rule.years) * period_rule.years
    return year_start(cycle_start, sm), None
