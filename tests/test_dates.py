"""Dates as people type them on the command line (cepledger.model.dates)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from cepledger.model.dates import ACCEPTED, FORMS, check_date_format, entry_date, parse_date
from cepledger.model.errors import UsageError

TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-03", date(2025, 10, 3)),
        ("2025-10-3", date(2025, 10, 3)),
        ("2025-1-9", date(2025, 1, 9)),
        (" 2025-10-03 ", date(2025, 10, 3)),
        ("today", TODAY),
        ("TODAY", TODAY),
        ("yesterday", date(2026, 3, 14)),
        ("tomorrow", date(2026, 3, 16)),
        ("Oct 3 2025", date(2025, 10, 3)),
        ("3 October 2025", date(2025, 10, 3)),
        ("3 Oct 2025", date(2025, 10, 3)),
        ("October 3, 2025", date(2025, 10, 3)),
        ("Oct. 3rd, 2025", date(2025, 10, 3)),
        ("3-oct-2025", date(2025, 10, 3)),
        ("2025 Oct 3", date(2025, 10, 3)),
        ("Sept 30 2025", date(2025, 9, 30)),
        ("3rd of October 2025", date(2025, 10, 3)),
        ("20251003", date(2025, 10, 3)),
        ("2026-08-31", date(2026, 8, 31)),
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_reads_common_forms(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oct 3", date(2025, 10, 3)),  # no year: the latest Oct 3 up to today
        ("Mar 15", date(2026, 3, 15)),  # today itself
        ("Mar 16", date(2025, 3, 16)),  # tomorrow's date last year, not a future day
    ],
)
def test_without_a_year_means_the_latest_such_day(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    ["", "garbage", "3", "2025", "March 2025", "monday", "10:30", "next week", "x 3 y", "2025-10-03x",
     "Oct 3 Nov 2025", "3 3 2025", "Oct 2025 2026", "2025-10-03T10:00"],
)
def test_refuses_what_names_no_single_day_listing_every_accepted_form(text):
    with pytest.raises(UsageError) as exc:
        parse_date(text, TODAY)
    assert str(exc.value) == f"bad date '{text}': use {ACCEPTED}"


@pytest.mark.parametrize("text", ["2025-02-30", "2025-13-01", "2025-02-29", "Feb 30 2025", "20250230", "31 Apr"])
def test_a_day_that_does_not_exist_is_said_so(text):
    with pytest.raises(UsageError) as exc:
        parse_date(text, TODAY)
    assert str(exc.value) == f"bad date '{text}': there is no such day; use {ACCEPTED}"


def test_the_accepted_forms_are_listed_in_full():
    assert ACCEPTED == ("YYYY-MM-DD (2025-10-03, also 2025-10-3 or 20251003), a month name (3 Oct 2025, "
                        "Oct 3 2025, Oct 3), 'today' or 'yesterday'; a date with slashes or dots (03/10/2025) "
                        "needs --date-format DMY, MDY or YMD (or a pattern such as %d/%m/%Y)")


# ------------------------------------------------------------------ numeric dates: ambiguous


@pytest.mark.parametrize(
    ("text", "dmy", "mdy"),
    [
        ("01/02/2026", "2026-02-01", "2026-01-02"),  # 1 February in Alberta, 2 January in California
        ("1/2/2026", "2026-02-01", "2026-01-02"),
        ("01.02.2026", "2026-02-01", "2026-01-02"),
        ("01-02-2026", "2026-02-01", "2026-01-02"),
        ("03/03/2026", "2026-03-03", "2026-03-03"),  # the same day either way, still refused: no guessing
        ("13/02/2026", "2026-02-13", "no day"),
        ("02/13/2026", "no day", "2026-02-13"),
    ],
)
def test_numeric_dates_with_slashes_or_dots_are_refused_with_both_readings(text, dmy, mdy):
    with pytest.raises(UsageError) as exc:
        parse_date(text, TODAY)
    assert str(exc.value) == (f"ambiguous date '{text}': day first (DMY, as in Alberta) it is {dmy}, "
                              f"month first (MDY, as in California) {mdy}; say which with --date-format DMY "
                              f"or MDY, or use {FORMS}")


def test_a_year_first_numeric_date_is_refused_too_naming_its_reading():
    with pytest.raises(UsageError) as exc:
        parse_date("2025/10/03", TODAY)
    assert str(exc.value) == (f"ambiguous date '2025/10/03': year first it is 2025-10-03; say so with "
                              f"--date-format YMD, or use {FORMS}")


def test_a_two_digit_year_is_refused():
    with pytest.raises(UsageError) as exc:
        parse_date("1/2/26", TODAY)
    assert str(exc.value) == f"bad date '1/2/26': write the year with four digits; use {ACCEPTED}"


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("01/02/2026", "DMY", date(2026, 2, 1)),
        ("01/02/2026", "dmy", date(2026, 2, 1)),
        ("01/02/2026", "MDY", date(2026, 1, 2)),
        ("1.2.2026", "DMY", date(2026, 2, 1)),
        ("2025/10/03", "YMD", date(2025, 10, 3)),
        ("2025/10/03", "DMY", None),  # a year first is never read day first
        ("13/02/2026", "MDY", None),
        ("01/02/2026", "%d/%m/%Y", date(2026, 2, 1)),
        ("02.01.2026", "%m.%d.%Y", date(2026, 2, 1)),
        ("1 Feb 2026", "%d/%m/%Y", date(2026, 2, 1)),  # the usual forms still apply
        ("2026-02-01", "MDY", date(2026, 2, 1)),
        ("yesterday", "DMY", date(2026, 3, 14)),
    ],
)
def test_a_date_format_says_how_to_read_them(text, fmt, expected):
    if expected is None:
        with pytest.raises(UsageError):
            parse_date(text, TODAY, fmt)
    else:
        assert parse_date(text, TODAY, fmt) == expected


def test_a_pattern_that_does_not_match_says_so_with_both_readings():
    with pytest.raises(UsageError) as exc:
        parse_date("01/02/2026", TODAY, "%d.%m.%Y")
    assert str(exc.value).startswith("ambiguous date '01/02/2026': does not match --date-format %d.%m.%Y; "
                                     "day first (DMY, as in Alberta) it is 2026-02-01, month first")


@pytest.mark.parametrize("fmt", ["Q", "", "DM", "%d/%m", "%Y-%m", "dd/mm/yyyy"])
def test_a_bad_date_format_is_a_usage_error_naming_the_choices(fmt):
    with pytest.raises(UsageError) as exc:
        check_date_format(fmt)
    assert str(exc.value) == (f"bad --date-format '{fmt}': give DMY (day first), MDY (month first) or YMD, "
                              "or a pattern with %d, %m and %Y such as %d/%m/%Y")


# ------------------------------------------------------------------ entries: never in the future


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, TODAY), ("today", TODAY), ("yesterday", date(2026, 3, 14)), ("2026-03-15", TODAY),
     ("Mar 16", date(2025, 3, 16))],
)
def test_an_entry_may_be_dated_today_or_earlier(text, expected):
    assert entry_date(text, TODAY) == expected


@pytest.mark.parametrize(("text", "day"), [("tomorrow", "2026-03-16"), ("2026-03-16", "2026-03-16"),
                                           ("2030-01-01", "2030-01-01"), ("1 Jan 2030", "2030-01-01")])
def test_an_entry_is_never_dated_in_the_future(text, day):
    with pytest.raises(UsageError) as exc:
        entry_date(text, TODAY)
    assert str(exc.value) == (f"the date {day} is in the future; an activity is recorded once it has happened "
                              "(today is 2026-03-15)")


def test_only_a_month_name_imports_dateutil():
    """The ISO and relative forms (what scripts and most people type) never load dateutil."""
    code = (
        "import sys; from datetime import date; from cepledger.model.dates import parse_date;"
        "parse_date('2025-10-3', date(2026, 1, 1)); parse_date('yesterday', date(2026, 1, 1));"
        "print('dateutil' in sys.modules, end=' ');"
        "parse_date('Oct 3 2025', date(2026, 1, 1)); print('dateutil' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False True"
