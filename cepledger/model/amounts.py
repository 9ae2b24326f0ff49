"""Amounts as people type them: a number of hours or credits, or a duration.

RULES.md ("Amounts"): a decimal number with at most two decimal places, not negative,
not NaN or infinite, at most 1000 in one entry, computed as ``Decimal`` (never a binary
float). ``cep add`` also takes durations for activities counted in hours:

- ``1h30m``, ``1h 30m``, ``2h``, ``1.5h``: hours and minutes (minutes below 60);
- ``90m``, ``90min``: minutes alone;
- ``1:30``: hours:minutes (two digits of minutes, below 60).

A duration is exact in hundredths of an hour when its minutes are a multiple of 0.6
(``1h30m`` = 1.5, ``1h15m`` = 1.25); otherwise (``1h20m`` = 1.3333...) it is rounded half
up to two decimals and ``Amount.note`` says so, for the effect line. A plain number is
never rounded: ``1.555`` is refused ("say 1.56"). Nothing here reads a file or the clock.
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from cepledger.model.errors import UsageError

__all__ = ["Amount", "MAX_AMOUNT", "PLACES", "FORMS", "parse_amount", "is_duration", "places_problem", "plain"]

MAX_AMOUNT = Decimal(1000)
PLACES = 2
_HUNDREDTH = Decimal("0.01")
FORMS = "a number like 3 or 1.5 (at most two decimals), or a duration like 1h30m, 90m or 1:30"

# Patterns for what a user types, compiled by `re` on first use (most commands read no input).
_HM = r"^(?:(\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?|s)?)?)?$"
_COLON = r"^(\d+):(\d{2})$"
_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$"  # no exponent (1e3), no digit groups


class Amount(NamedTuple):
    """An amount read from the command line; ``note`` says how a duration was rounded."""

    value: Decimal
    note: str | None = None
    duration: bool = False


def places_problem(value: Decimal) -> str | None:
    """Why ``value`` has too many decimal places ("1.555 has 3 ...; say 1.56"), or None."""
    exponent = value.normalize().as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= -PLACES:
        return None
    rounded = value.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    return (f"{value} has {-exponent} decimal places; amounts take at most {PLACES}: "
            f"say {plain(rounded)}")


def plain(value: Decimal) -> str:
    """``3`` for a whole number, else the digits without trailing zeros (``1.5``)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def is_duration(text: str) -> bool:
    """True when ``text`` is written as a duration (``1h30m``, ``90m``, ``1:30``), not a number."""
    raw = text.strip().lower()
    if re.match(_COLON, raw):
        return True
    m = re.match(_HM, raw)
    return bool(m and (m.group(1) or m.group(2)))


def parse_amount(text: str, *, durations: bool = True) -> Amount:
    """The amount ``text`` names; ``UsageError`` (one sentence) when it is not a sensible one.

    With ``durations=False`` (an activity not counted in hours) a duration is refused.
    """
    raw = text.strip()
    if is_duration(raw):
        if not durations:
            raise UsageError(f"'{text}' is a duration, but this activity is not counted in hours; "
                             "give its amount as a number like 3 or 1.5")
        amount = _duration(raw.lower(), text)
    else:
        if raw.lower().lstrip("+-") in ("nan", "snan", "inf", "infinity"):
            raise UsageError(f"bad amount '{text}': give an ordinary number, like 3 or 1.5")
        if not re.match(_NUMBER, raw):
            raise UsageError(f"bad amount '{text}': give {FORMS}")
        value = Decimal(raw)
        why = places_problem(value)
        if why is not None:
            raise UsageError(f"the amount {why}")
        amount = Amount(value)
    if amount.value < 0:
        raise UsageError(f"the amount {text} is negative; to cancel an entry, void it with `cep void`")
    if amount.value > MAX_AMOUNT:
        raise UsageError(f"the amount {text} is more than 1000 for one entry (a typo?); split it or check the number")
    return amount


def _duration(raw: str, text: str) -> Amount:
    colon = re.match(_COLON, raw)
    if colon:
        hours, minutes, with_hours = Decimal(colon.group(1)), int(colon.group(2)), True
    else:
        m = re.match(_HM, raw)
        assert m is not None
        hours, minutes, with_hours = Decimal(m.group(1) or 0), int(m.group(2) or 0), bool(m.group(1))
        if with_hours and places_problem(hours):
            raise UsageError(f"bad duration '{text}': write the hours with at most two decimals, or as 1h30m")
    if minutes >= 60 and with_hours:
        raise UsageError(f"bad duration '{text}': the minutes must be below 60 (write 2h15m, or 135m)")
    exact = hours + Decimal(minutes) / 60
    value = exact.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    note = None
    if value != exact:
        shown = format(exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), "f")
        note = f"{text.strip()} is {shown}... h, recorded as {plain(value)} h (two decimals)"
    return Amount(value, note, duration=True)
