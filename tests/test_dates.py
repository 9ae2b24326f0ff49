"""Dates as people type them on the command line (cepledger.model.dates)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from cepledger.model.dates import parse_date
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
        ("2025/10/03", date(2025, 10, 3)),
        ("20251003", date(2025, 10, 3)),
        ("10/3/2025", date(2025, 10, 3)),
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
    ["", "garbage", "3", "2025", "March 2025", "monday", "10:30", "2025-02-30", "2025-13-01", "2025-02-29",
     "next week", "x 3 y", "2025-10-03x"],
)
def test_refuses_what_names_no_single_day(text):
    with pytest.raises(UsageError) as exc:
        parse_date(text, TODAY)
    assert str(exc.value) == f"bad date '{text}': use YYYY-MM-DD, 'today' or 'yesterday'"


def test_the_fast_paths_do_not_import_dateutil():
    code = (
        "import sys; from datetime import date; from cepledger.model.dates import parse_date;"
        "parse_date('2025-10-3', date(2026, 1, 1)); parse_date('yesterday', date(2026, 1, 1));"
        "print('dateutil' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
