"""What the calculator makes of a member: per entry, per activity, per requirement, per program.

Frozen records that flow calculator -> report; amounts are ``Decimal``. Nothing here
does I/O or reads the clock.
"""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from cepledger.model.records import ZERO, Entry, Member, Period

class Clip(NamedTuple):
    """One cap that reduced an entry's counted amount (for ``add`` and ``explain``).

    ``scope`` is ``entry``, ``item``, ``year``, ``period`` or ``group``; ``used_before``
    is what earlier entries had already used of this cap; ``clipped`` how much this cap
    took off the entry.
    """

    activity: str
    code: str
    description: str
    scope: str
    cap: Decimal
    used_before: Decimal
    clipped: Decimal


class EntryResult(NamedTuple):
    """What one entry claimed and what counted after every cap, in counting order."""

    entry: Entry
    claimed: Decimal
    counted: Decimal
    clips: tuple[Clip, ...] = ()


class ActivityTotal(NamedTuple):
    """Claimed vs counted for one activity over a period."""

    activity: str
    claimed: Decimal
    counted: Decimal
    clips: tuple[str, ...] = ()  # descriptions of the caps that clipped any entry


class RequirementResult(NamedTuple):
    """One requirement evaluated for one period (SPEC.md ``requirements[]``)."""

    id: str
    name: str
    kind: str
    unit: str
    required: Decimal
    earned: Decimal
    met: bool
    due: date
    missing: tuple[str, ...] | None = None
    detail: str = ""
    dates: tuple[date, ...] = ()  # milestone dates, for checklists

    @property
    def shortfall(self) -> Decimal:
        """What is still missing to meet the requirement (0 when met)."""
        return max(ZERO, self.required - self.earned)


class ProgramResult(NamedTuple):
    """One program's standing for one period (SPEC.md ``programs[]``)."""

    program: str
    program_name: str
    unit: str
    period: Period
    met: bool
    requirements: tuple[RequirementResult, ...]
    activities: tuple[ActivityTotal, ...]
    entries: tuple[EntryResult, ...] = ()
    carried_in: Decimal = ZERO


class MemberStatus(NamedTuple):
    """Every program a member is in for one reporting year."""

    member: Member
    programs: tuple[ProgramResult, ...] = ()
