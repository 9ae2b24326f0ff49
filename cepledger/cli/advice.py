"""The Typer commands ``cep explain``, ``plan`` and ``verify`` (the work: ``run/advice.py``)."""

# No `from __future__ import annotations`: Typer reads these annotations at start-up.

from typing import Annotated, Optional

import typer

from cepledger.cli import options
from cepledger.cli.exit_codes import call
from cepledger.cli.typer_params import annotated, argument, complete_entry, complete_member, default_of, option, plain

FormatOpt = annotated(options.PLAIN_FORMAT)
DEFAULT_FORMAT = default_of(options.PLAIN_FORMAT)


def explain_cmd(
    ctx: typer.Context,
    member_id: annotated(options.MEMBER),
    entry_id: Annotated[str, argument("ENTRY-ID", "the entry's id (see `cep log MEMBER`), or L17 (the line of its "
                                                  "[[entries]] header) for an entry written by hand without an id",
                                      autocompletion=complete_entry)],
    fmt: FormatOpt = DEFAULT_FORMAT,
    program_year: annotated(options.PROGRAM_YEAR) = None,
) -> None:
    """Why an entry counted what it did: every cap it met, with its rule code.

    For each cap on the entry's activity (per entry, per item, per year, combined
    group): what earlier entries had already used, the room left, and what it clipped.

    \b
    Example:
      cep explain jdoe 7f3a2c --format json
    """
    from cepledger.cli.run.advice import run_explain

    call(ctx, run_explain, member_id, entry_id, plain(fmt), program_year)


def plan_cmd(
    ctx: typer.Context,
    member_id: annotated(options.MEMBER),
    year: annotated(options.YEAR) = None,
    what_if: Annotated[Optional[str], option("--what-if", meta="'ACTIVITY [AMOUNT] [DATE] [item=K]'",
                                             help="show the standing as if this entry were added "
                                                  "(nothing is written)")] = None,
    fmt: FormatOpt = DEFAULT_FORMAT,
    program_year: annotated(options.PROGRAM_YEAR) = None,
) -> None:
    """What is left this period: the fewest activities that close each shortfall.

    Suggestions use only caps that are still open; for milestones and hours, what is
    left per requirement, its due date and the weekly pace needed from today.

    \b
    Example:
      cep plan jdoe --year 2025
      cep plan jdoe --what-if "live-webinar 4"
    """
    from cepledger.cli.run.advice import run_plan

    call(ctx, run_plan, member_id, year, what_if, plain(fmt), program_year)


def verify_cmd(
    ctx: typer.Context,
    member_id: Annotated[Optional[str], argument("[MEMBER]", "only this member (default: every member)",
                                                 autocompletion=complete_member)] = None,
    fmt: FormatOpt = DEFAULT_FORMAT,
) -> None:
    """Check every evidence file against the SHA-256 recorded when it was added.

    Reports files that are missing or changed (and those with no recorded checksum).
    Exits 1 when a file is missing or changed, like --check when something is short;
    3 when a ledger cannot be read.

    \b
    Example:
      cep verify jdoe
    """
    from cepledger.cli.run.advice import run_verify

    call(ctx, run_verify, member_id, plain(fmt))
