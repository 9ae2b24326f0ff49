"""Numbers, rules and ledger text in words: the pieces every output format shares.

Numbers go out exact to two decimals: a ``Decimal`` is rounded half-up to cents and
written as an int when whole (``30``), else as the float whose repr is those digits
(``27.5``, never ``27.499999``); ``num_text`` is the same digits as text. Text from a
ledger is shown through ``shown`` so it cannot steer a terminal. No rich, no I/O.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from cepledger.model.errors import Problem
from cepledger.rules.model import Activity, PeriodRule, Requirement

CENT = Decimal("0.01")


def num(value: Decimal | int | None) -> int | float | None:
    """A JSON number exact to two decimals: ``Decimal("27.50")`` → ``27.5``, ``30.00`` → ``30``."""
    if value is None:
        return None
    q = Decimal(value).quantize(CENT, ROUND_HALF_UP)
    if q == q.to_integral_value():
        return int(q)
    return float(q)  # a two-decimal value: its float repr is exactly these digits


def num_text(value: Decimal | int | None) -> str:
    """``30``, ``27.5``, ``0.25``: the same digits as ``num`` as text ('' for none)."""
    n = num(value)
    return "" if n is None else str(n)


_UNSAFE = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)] if c not in (0x09,)}
_UNSAFE.update({c: f"\\u{c:04x}" for c in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]})


def shown(text: str | None) -> str:
    """Text from a ledger made safe for a terminal: control characters and bidi overrides escaped.

    The file keeps them as written; only what is shown to a person is escaped, so a
    title cannot recolour the terminal or reverse the text after it.
    """
    return "" if text is None else str(text).translate(_UNSAFE)


def problem_line(p: Problem) -> str:
    """``path:line: message``, warnings marked as such."""
    where = f"{p.path}:{p.line}" if p.line else p.path
    tag = "warning: " if p.severity == "warning" else ""
    return f"{where}: {tag}{p.message}" if where else f"{tag}{p.message}"


def period_words(rule: PeriodRule) -> str:
    """``annual``, ``3-year cycle``, ``2-year program``."""
    if rule.kind == "program":
        return f"{rule.years}-year program"
    if rule.years > 1:
        return f"{rule.years}-year cycle"
    return "annual"


def cap_words(a: Activity) -> str:
    """``at most 3 per webinar``, ``10 per entry (fixed)``, ``milestone``, ``no cap``."""
    if a.amount == "fixed":
        return f"{num_text(a.credits)} per entry (fixed)"
    if a.amount == "none":
        return "milestone"
    if a.cap is None:
        return "no cap"
    return f"at most {num_text(a.cap)} per {a.item_noun or a.per}"


def requirement_words(r: Requirement) -> str:
    """A requirement in a few words: ``at least 30 each period``, ``at least 5 within 5 years of since``."""
    minimum = f"at least {num_text(r.min)}" if r.kind in ("total", "count", "distinct") else ""
    if r.kind == "coverage":
        minimum = "cover " + (
            "; ".join(f"year {y}: {' '.join(v)}" for y, v in r.cover.items())
            if isinstance(r.cover, dict)
            else " ".join(r.cover or ())
        )
    elif r.kind == "ratings":
        minimum = f"{' '.join(r.standards) or 'every standard'} rated {r.level or 'proficient'} or higher"
    elif r.kind == "deadline":
        minimum = f"enrol within {r.max_days} days of starting the position"
    scope = {
        "period": "each period",
        "program": "in the program",
        "window": f"within {r.window_years} years of since",
        "enrolment": "at enrolment",
    }.get(r.scope, r.scope)
    return f"{minimum} {scope}".strip()
