"""One ``cep summary`` row for people, in words: what the table and the Markdown show.

``summary_row`` turns a member's result for one program (and its earlier years) into a
``SummaryRow`` of plain strings, so a worker process that evaluated the member sends back
a few short strings rather than the member and every result (docs/performance.md). No
rich, no I/O.

(No ``from __future__ import annotations`` here: ``NamedTuple`` compiles annotations
written as strings when the class is made; docs/ARCHITECTURE.md.)
"""

from datetime import date
from typing import NamedTuple, Sequence

from cepledger.model.results import ProgramResult
from cepledger.render.words import closed_short, due_gaps, gap_words, period_name


class SummaryRow(NamedTuple):
    """A member's standing in one program, as ``summary`` shows it."""

    member: str
    program: str
    period: str                # ``2025-26`` or ``year 1``
    gaps: tuple[str, ...]      # each requirement not met that falls due in or before the period,
                               # in words with its due date (none: the row says met)
    closed: tuple[str, ...]    # each earlier or this period that closed short, in words


def summary_row(member: str, pr: ProgramResult, earlier: Sequence[ProgramResult], today: date) -> SummaryRow:
    """The row of ``member`` in ``pr``; ``earlier``: its results of the periods before
    ``pr`` (the ones that may have closed short); ``today``: the day counted to."""
    gaps = due_gaps(pr)
    return SummaryRow(member, pr.program, period_name(pr.period),
                      tuple(gap_words(r, today) for r in gaps), tuple(closed_short([*earlier, pr], today)))
