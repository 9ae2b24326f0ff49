"""Read the dates people type on the command line.

``YYYY-MM-DD`` (also without zero padding, ``2025-10-3``), ``today``, ``yesterday`` and
``tomorrow`` are read here directly; anything else (``Oct 3 2025``, ``3 October 2025``,
``2025/10/03``, ``Oct 3`` = the latest Oct 3 up to today) goes to python-dateutil,
imported only then because it is slow to load. Text that names no single day (``March
2025``, ``monday``, ``3``) is refused rather than guessed.
"today" is always a parameter: nothing here reads the clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from cepledger.model.errors import UsageError

_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_RELATIVE = {"today": 0, "yesterday": -1, "tomorrow": 1}


def parse_date(text: str, today: date) -> date:
    """The date ``text`` names, relative words counted from ``today``; ``UsageError`` if none."""
    raw = text.strip().lower()
    if raw in _RELATIVE:
        return today + timedelta(days=_RELATIVE[raw])
    m = _ISO_RE.match(raw)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise _bad(text) from None
    try:
        from dateutil import parser

        # Parse twice with different defaults: a part that changes was not in the text.
        a = parser.parse(raw, default=datetime(2000, 1, 1))
        b = parser.parse(raw, default=datetime(2004, 6, 15))
    except (ValueError, OverflowError, TypeError):
        raise _bad(text) from None
    if (a.month, a.day) != (b.month, b.day):
        raise _bad(text)  # "March 2025", "monday", "3": not one calendar day
    if a.year == b.year:
        return a.date()
    # No year given ("Oct 3"): the latest such day that is not after today.
    for year in (today.year, today.year - 1):
        try:
            d = date(year, a.month, a.day)
        except ValueError:
            continue
        if d <= today:
            return d
    raise _bad(text)


def _bad(text: str) -> UsageError:
    return UsageError(f"bad date '{text}': use YYYY-MM-DD, 'today' or 'yesterday'")
