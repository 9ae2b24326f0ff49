"""The Typer command ``cep due`` (the work: ``run/due.py``)."""

# No `from __future__ import annotations`: Typer reads these annotations at start-up.

from typing import Annotated, Optional

import typer

from cepledger.cli.exit_codes import call
from cepledger.cli.typer_params import complete_member, option


def due_cmd(
    ctx: typer.Context,
    within: Annotated[Optional[str], option("--within", meta="DAYS",
                                            help="look this many days ahead (default 60); overdue is always shown")]
    = None,
    member_id: Annotated[Optional[str], option("--member", "-m", meta="MEMBER", help="only this member",
                                               autocompletion=complete_member)] = None,
    fmt: Annotated[str, option("--format", "-f", meta="[table|json|csv|ics]",
                               help="output format (ics: a calendar of the deadlines to subscribe to)")] = "table",
) -> None:
    """Every requirement not yet met that falls due within DAYS or is overdue, across all
    members and programs, soonest first, with what is missing.

    --format ics writes an RFC 5545 calendar: one all-day event per deadline with an
    alarm a week before, and stable UIDs, so importing it again updates the events.

    \b
    Example:
      cep due --within 30
      cep due --format ics > deadlines.ics
    """
    from cepledger.cli.run.due import run_due

    call(ctx, run_due, within, member_id, fmt.lower())
