"""Read the dates people type on the command line (RULES.md, "Dates").

Accepted: ``YYYY-MM-DD`` (also without zero padding, ``2025-10-3``, or without dashes,
``20251003``), a month name with a day and a year in any order (``3 Oct 2025``, ``Oct 3
2025``, ``October 3, 2025``, ``3-oct-2025``; without a year, ``Oct 3`` is the latest Oct 3
up to today; read by python-dateutil), ``today`` and ``yesterday``. Text that names no single day (``March 2025``,
``monday``, ``3``) is refused rather than guessed.

A numeric date with slashes or dots (``01/02/2026``, ``1.2.2026``, ``2025/10/03``, also
``01-02-2026``) is ambiguous: Alberta reads it day first (1 February), California month
first (2 January). It is refused with the ISO spelling of both readings, unless a date
format says which: ``DMY``, ``MDY`` or ``YMD`` (any of ``/``, ``.``, ``-`` between the
numbers), or a ``strptime`` pattern such as ``%d/%m/%Y``.

Entries are never dated in the future (``entry_date``): an activity is recorded once it
has happened. "today" is always a parameter: nothing here reads the clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from cepledger.model.errors import UsageError

__all__ = ["parse_date", "entry_date", "check_date_format", "future_message", "ACCEPTED", "FORMS", "NAMED_FORMATS"]

FORMS = ("YYYY-MM-DD (2025-10-03, also 2025-10-3 or 20251003), a month name (3 Oct 2025, Oct 3 2025, Oct 3), "
         "'today' or 'yesterday'")
ACCEPTED = (f"{FORMS}; a date with slashes or dots (03/10/2025) needs --date-format DMY, MDY or YMD "
            "(or a pattern such as %d/%m/%Y)")
NAMED_FORMATS = {"DMY": "day first", "MDY": "month first", "YMD": "year first"}

# Patterns for what a user types, compiled by `re` on first use (most commands read no input).
_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})$"
_BASIC = r"^(\d{4})(\d{2})(\d{2})$"
_NUMERIC = r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})$"
_RELATIVE = {"today": 0, "yesterday": -1, "tomorrow": 1}  # tomorrow: read, then refused for entries
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")


def check_date_format(fmt: str | None) -> str | None:
    """The date format as given (``DMY``, ``MDY``, ``YMD`` upper-cased), or ``UsageError``."""
    if fmt is None:
        return None
    named = fmt.strip().upper()
    if named in NAMED_FORMATS:
        return named
    has_month = any(d in fmt for d in ("%m", "%b", "%B"))
    if "%d" in fmt and has_month and ("%Y" in fmt or "%y" in fmt):
        try:
            datetime(2025, 10, 3).strftime(fmt)
        except ValueError:
            pass
        else:
            return fmt
    raise UsageError(f"bad --date-format '{fmt}': give DMY (day first), MDY (month first) or YMD, "
                     "or a pattern with %d, %m and %Y such as %d/%m/%Y")


def parse_date(text: str, today: date, date_format: str | None = None) -> date:
    """The day ``text`` names (relative words counted from ``today``); ``UsageError`` if none.

    ``date_format`` (see ``check_date_format``) says how a numeric date with slashes or
    dots is read; without it such a date is refused as ambiguous.
    """
    fmt = check_date_format(date_format)
    raw = text.strip().lower()
    if raw in _RELATIVE:
        return today + timedelta(days=_RELATIVE[raw])
    if fmt is not None and fmt not in NAMED_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            pass  # the usual forms still apply; a numeric one is refused below, naming the format
    for regex in (_ISO, _BASIC):
        m = re.match(regex, raw)
        if m:
            return _day(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    m = re.match(_NUMERIC, raw)
    if m:
        return _numeric(text, int(m.group(1)), int(m.group(3)), int(m.group(4)),
                        (len(m.group(1)), len(m.group(4))), fmt)
    return _with_month_name(raw, text, today)


def entry_date(text: str | None, today: date, date_format: str | None = None) -> date:
    """The date of a new entry: ``parse_date`` (today when ``text`` is None), never after ``today``."""
    day = today if text is None else parse_date(text, today, date_format)
    if day > today:
        raise UsageError(f"the date {day} is in the future; {future_message(today)}")
    return day


def future_message(today: date) -> str:
    """The shared end of every future-date message (``add``, ``import``, ``check``)."""
    return f"an activity is recorded once it has happened (today is {today})"


def _day(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _bad(text, "there is no such day") from None


def _maybe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric(text: str, a: int, b: int, c: int, widths: tuple[int, int], fmt: str | None) -> date:
    """``a/b/c``: read by the named format, else refused with the ISO spelling of each reading."""
    if widths[0] == 4:  # 2025/10/03: year first
        if fmt == "YMD":
            return _day(a, b, c, text)
        reading = _maybe(a, b, c)
        shown = f"year first it is {reading}" if reading else "it is no day read year first"
        raise UsageError(f"ambiguous date '{text}': {shown}; say so with --date-format YMD, or use {FORMS}")
    if widths[1] != 4:
        raise _bad(text, "write the year with four digits")
    if fmt == "DMY":
        return _day(c, b, a, text)
    if fmt == "MDY":
        return _day(c, a, b, text)
    dmy, mdy = _maybe(c, b, a), _maybe(c, a, b)
    why = (f"does not match --date-format {fmt}; " if fmt else "")
    raise UsageError(f"ambiguous date '{text}': {why}day first (DMY, as in Alberta) it is {dmy or 'no day'}, "
                     f"month first (MDY, as in California) {mdy or 'no day'}; say which with --date-format DMY "
                     f"or MDY, or use {FORMS}")


def _with_month_name(raw: str, text: str, today: date) -> date:
    """``3 Oct 2025``, ``Oct 3 2025``, ``October 3, 2025``, ``Oct 3``: read by python-dateutil
    (imported only here: it is slow to load), once a month name shows the order is not in doubt."""
    words = re.findall(r"[a-z]+", raw)
    if not any(len(w) >= 3 and any(m.startswith(w) for m in _MONTHS + ("sept",)) for w in words):
        raise _bad(text)  # no month name: "3 10 2025" would be a guess, "monday" is not one day
    from dateutil import parser

    try:
        # Parsed twice with different defaults: a part that changes was not in the text.
        a = parser.parse(raw, default=datetime(2000, 1, 1))
        b = parser.parse(raw, default=datetime(2004, 6, 15))
    except (ValueError, OverflowError, TypeError) as e:
        raise _bad(text, "there is no such day" if "out of range" in str(e) else None) from None
    if (a.month, a.day) != (b.month, b.day) or a.time() != b.time() or a.time() != datetime.min.time():
        raise _bad(text)  # "March 2025", "Oct 3 10:00": not one calendar day
    if a.year == b.year:
        return a.date()
    # No year given ("Oct 3"): the latest such day that is not after today.
    for y in range(today.year, today.year - 5, -1):
        d = _maybe(y, a.month, a.day)
        if d is not None and d <= today:
            return d
    raise _bad(text, "there is no such day")


def _bad(text: str, why: str | None = None) -> UsageError:
    return UsageError(f"bad date '{text}': {why + '; ' if why else ''}use {ACCEPTED}")
