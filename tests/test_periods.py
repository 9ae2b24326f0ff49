"""periods.py: reporting years, labels, --year parsing, windows, program periods and cycles."""

from __future__ import annotations

from datetime import date

import pytest

from calc_helpers import d
from cepledger.model.errors import UsageError
from cepledger.model.records import Enrolment, Source
from cepledger.model.periods import (
    parse_year,
    previous_period,
    program_period,
    program_span,
    reporting_year,
    window_end,
    year_end,
    year_label,
    year_start,
)
from cepledger.rules.model import PeriodRule


def enrol(since, employed=None):
    return Enrolment("p", d(since), Source("x.toml", 1), d(employed) if employed else None)


@pytest.mark.parametrize("day,year", [
    ("2025-08-31", 2024), ("2025-09-01", 2025), ("2026-01-01", 2025), ("2026-08-31", 2025),
    ("2026-09-01", 2026), ("2024-02-29", 2023),
])
def test_reporting_year_starts_september_1(day, year):
    assert reporting_year(d(day)) == year


@pytest.mark.parametrize("day,start_month,year", [
    ("2025-12-31", 1, 2025), ("2025-01-01", 1, 2025), ("2025-03-31", 4, 2024), ("2025-04-01", 4, 2025),
])
def test_reporting_year_with_another_start_month(day, start_month, year):
    assert reporting_year(d(day), start_month) == year


@pytest.mark.parametrize("year,start_month,years,label,start,end", [
    (2025, 9, 1, "2025-26", "2025-09-01", "2026-08-31"),
    (2099, 9, 1, "2099-00", "2099-09-01", "2100-08-31"),
    (2024, 9, 3, "2024-27", "2024-09-01", "2027-08-31"),
    (2025, 1, 1, "2025", "2025-01-01", "2025-12-31"),
    (2025, 1, 2, "2025-26", "2025-01-01", "2026-12-31"),
    (2023, 9, 1, "2023-24", "2023-09-01", "2024-08-31"),  # leap year: Feb 29 2024 inside
])
def test_year_labels_and_bounds(year, start_month, years, label, start, end):
    assert year_label(year, start_month, years) == label
    assert year_start(year, start_month) == d(start)
    assert year_end(year, start_month, years) == d(end)


@pytest.mark.parametrize("text,year", [
    ("2025", 2025), ("2025-26", 2025), ("2025-2026", 2025), ("2025/26", 2025), (" 2025-26 ", 2025),
    ("1999-00", 1999), ("1999-2000", 1999),
])
def test_parse_year_accepts_start_year_and_label(text, year):
    assert parse_year(text) == year


@pytest.mark.parametrize("text", ["2025-27", "2025-25", "25-26", "twenty", "", "2025-26-27", "20255"])
def test_parse_year_rejects_the_rest_with_a_usage_error(text):
    with pytest.raises(UsageError, match="2025-26"):
        parse_year(text)


def test_parse_year_for_calendar_years():
    assert parse_year("2025", start_month=1) == 2025


@pytest.mark.parametrize("since,years,last", [
    ("2021-09-01", 5, "2026-08-31"),
    ("2021-10-15", 5, "2026-10-14"),
    ("2024-02-29", 5, "2029-02-28"),  # Feb 29 + 5 years = Mar 1 2029: Feb 28 is in the window
    ("2024-02-29", 4, "2028-02-28"),  # to a leap year: Feb 29 2028 is the window's end
    ("2024-03-01", 1, "2025-02-28"),
])
def test_window_end_is_the_day_before_since_plus_years(since, years, last):
    assert window_end(d(since), years) == d(last)


# ---------------------------------------------------------------- program periods

ANNUAL = PeriodRule()
CASC = PeriodRule(kind="program", years=2)
CYCLE3 = PeriodRule(kind="annual", years=3)
ANCHORED = PeriodRule(kind="annual", years=3, anchor=2023)
CALENDAR = PeriodRule(kind="annual", years=1, start_month=1)


@pytest.mark.parametrize("rule,since,year,expected", [
    (ANNUAL, "2021-09-01", 2020, None),
    (ANNUAL, "2021-09-01", 2021, ("2021-22", "2021-09-01", "2022-08-31", None)),
    (ANNUAL, "2021-09-01", 2030, ("2030-31", "2030-09-01", "2031-08-31", None)),
    (ANNUAL, "2021-08-31", 2020, ("2020-21", "2020-09-01", "2021-08-31", None)),
    (CASC, "2024-09-03", 2024, ("2024-25", "2024-09-01", "2025-08-31", 1)),
    (CASC, "2024-09-03", 2025, ("2025-26", "2025-09-01", "2026-08-31", 2)),
    (CASC, "2024-09-03", 2026, None),
    (CASC, "2024-09-03", 2023, None),
    (CYCLE3, "2025-03-01", 2026, ("2024-27", "2024-09-01", "2027-08-31", None)),
    (CYCLE3, "2025-03-01", 2027, ("2027-30", "2027-09-01", "2030-08-31", None)),
    (CYCLE3, "2025-03-01", 2023, None),
    (ANCHORED, "2025-03-01", 2024, ("2023-26", "2023-09-01", "2026-08-31", None)),
    (ANCHORED, "2025-03-01", 2026, ("2026-29", "2026-09-01", "2029-08-31", None)),
    (ANCHORED, "2025-03-01", 2022, None),
    (CALENDAR, "2025-03-01", 2025, ("2025", "2025-01-01", "2025-12-31", None)),
    (CALENDAR, "2025-03-01", 2024, None),
])
def test_program_period(rule, since, year, expected):
    p = program_period(rule, enrol(since), year)
    got = None if p is None else (p.label, str(p.start), str(p.end), p.program_year)
    assert got == expected


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_year_of_a_cycle_gives_the_same_period(year):
    assert program_period(CYCLE3, enrol("2025-03-01"), year) == program_period(CYCLE3, enrol("2025-03-01"), 2024)


@pytest.mark.parametrize("rule,since,year,previous", [
    (ANNUAL, "2021-09-01", 2025, "2024-25"),
    (ANNUAL, "2021-09-01", 2021, None),
    (CASC, "2024-09-03", 2025, "2024-25"),
    (CASC, "2024-09-03", 2024, None),
    (CYCLE3, "2025-03-01", 2028, "2024-27"),
    (CYCLE3, "2025-03-01", 2025, None),
])
def test_previous_period(rule, since, year, previous):
    p = previous_period(rule, enrol(since), program_period(rule, enrol(since), year))
    assert (p and p.label) == previous


@pytest.mark.parametrize("rule,since,span", [
    (ANNUAL, "2021-10-01", ("2021-09-01", None)),
    (CASC, "2024-09-03", ("2024-09-01", "2026-08-31")),
    (CASC, "2024-08-31", ("2023-09-01", "2025-08-31")),
    (CYCLE3, "2025-03-01", ("2024-09-01", None)),
    (ANCHORED, "2025-03-01", ("2023-09-01", None)),
])
def test_program_span(rule, since, span):
    start, end = program_span(rule, enrol(since))
    assert (str(start), None if end is None else str(end)) == span


def test_periods_never_read_the_clock(monkeypatch):
    import cepledger.model.periods as periods

    class NoToday(date):
        @classmethod
        def today(cls):  # pragma: no cover - must not be called
            raise AssertionError("periods.py read the clock")

    monkeypatch.setattr(periods, "date", NoToday)
    assert program_period(ANNUAL, enrol("2021-09-01"), 2025).label == "2025-26"


# ---------------------------------------------------------------- years of enrolment (CASC)

from cepledger.model.periods import add_years, enrolment_year, enrolment_year_for, period_on  # noqa: E402

ENROLMENT = PeriodRule(kind="program", years=2, years_of="enrolment")


@pytest.mark.parametrize("since,n,expected", [
    ("2024-08-20", 1, ("2024-08-20", "2025-08-19")),
    ("2024-08-20", 2, ("2025-08-20", "2026-08-19")),
    ("2024-02-29", 1, ("2024-02-29", "2025-02-27")),  # 2024-02-29 + 1 year = 2025-02-28 starts year 2
    ("2024-02-29", 2, ("2025-02-28", "2026-02-27")),
    ("2023-03-01", 1, ("2023-03-01", "2024-02-29")),  # a year that holds a leap day has 366 days
    ("2024-08-20", 3, None),
    ("2024-08-20", 0, None),
])
def test_enrolment_years(since, n, expected):
    p = enrolment_year(ENROLMENT, enrol(since), n)
    assert (None if p is None else (str(p.start), str(p.end))) == expected
    if p is not None:
        assert (p.label, p.program_year) == (f"year {n}", n)


def test_add_years_keeps_the_day_or_takes_february_28():
    assert add_years(d("2024-02-29"), 1) == d("2025-02-28")
    assert add_years(d("2024-02-29"), 4) == d("2028-02-29")
    assert add_years(d("2024-08-20"), 2) == d("2026-08-20")


@pytest.mark.parametrize("day,program_year", [
    ("2024-08-19", None), ("2024-08-20", 1), ("2025-08-19", 1), ("2025-08-20", 2), ("2026-08-19", 2),
    ("2026-08-20", None),
])
def test_period_on_a_day(day, program_year):
    p = period_on(ENROLMENT, enrol("2024-08-20"), d(day))
    assert (None if p is None else p.program_year) == program_year


@pytest.mark.parametrize("since,year,program_year", [
    ("2024-09-05", 2024, 1), ("2024-09-05", 2025, 2),  # RULES.md's examples
    ("2025-03-15", 2024, 1), ("2025-03-15", 2025, 1),
    ("2024-08-20", 2023, 1),  # 12 days, and no other year has more
    ("2023-03-02", 2023, 1),  # 183 days each: the earlier one
    ("2024-08-20", 2026, None),
])
def test_the_program_year_with_the_most_days(since, year, program_year):
    p = enrolment_year_for(ENROLMENT, enrol(since), year)
    assert (None if p is None else p.program_year) == program_year
    assert program_period(ENROLMENT, enrol(since), year) == p


def test_span_and_previous_year_of_enrolment():
    assert program_span(ENROLMENT, enrol("2024-08-20")) == (d("2024-08-20"), d("2026-08-19"))
    y2 = enrolment_year(ENROLMENT, enrol("2024-08-20"), 2)
    assert previous_period(ENROLMENT, enrol("2024-08-20"), y2) == enrolment_year(ENROLMENT, enrol("2024-08-20"), 1)
    assert previous_period(ENROLMENT, enrol("2024-08-20"), enrolment_year(ENROLMENT, enrol("2024-08-20"), 1)) is None


from datetime import timedelta  # noqa: E402

from hypothesis import given, strategies as st  # noqa: E402

SINCES = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(SINCES, st.integers(min_value=0, max_value=800))
def test_years_of_enrolment_cover_the_program_day_by_day(since, offset):
    e = enrol(since.isoformat())
    y1, y2 = enrolment_year(ENROLMENT, e, 1), enrolment_year(ENROLMENT, e, 2)
    assert y1.start == since and y2.start == y1.end + timedelta(days=1)
    assert 365 <= (y1.end - y1.start).days + 1 <= 366 and 365 <= (y2.end - y2.start).days + 1 <= 366
    day = since + timedelta(days=offset)
    p = period_on(ENROLMENT, e, day)
    assert p == (y1 if y1.contains(day) else y2 if y2.contains(day) else None)


@given(SINCES, st.integers(min_value=-2, max_value=3))
def test_year_y_shows_the_program_year_with_the_most_days(since, shift):
    e = enrol(since.isoformat())
    year = reporting_year(since) + shift
    start, end = year_start(year), year_end(year)
    days = {n: max(0, (min(p.end, end) - max(p.start, start)).days + 1)
            for n in (1, 2) for p in [enrolment_year(ENROLMENT, e, n)]}
    chosen = program_period(ENROLMENT, e, year)
    if max(days.values()) == 0:
        assert chosen is None
    else:
        assert days[chosen.program_year] == max(days.values())
        assert chosen.program_year == min(n for n in days if days[n] == max(days.values()))
