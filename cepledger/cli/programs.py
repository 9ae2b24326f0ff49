"""The Typer commands ``cep check`` and ``cep programs`` (the work: ``run/programs.py``)."""

# No `from __future__ import annotations`: Typer reads these annotations at start-up.

from typing import Annotated, Optional

import typer

from cepledger.cli import options
from cepledger.cli.exit_codes import call
from cepledger.cli.typer_params import annotated, argument, complete_program, default_of, plain


def check_cmd(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="fail on warnings too")] = False,
    fmt: annotated(options.FORMAT) = default_of(options.FORMAT),
) -> None:
    """Validate every ledger and rule file; every problem as path:line: message.

    Exits 3 when it finds an error (with --strict, a warning too).

    \b
    Example:
      cep check --strict
    """
    from cepledger.cli.run.programs import run_check

    call(ctx, run_check, strict, plain(fmt))


def programs_cmd(
    ctx: typer.Context,
    program: Annotated[Optional[str], argument("[PROGRAM]", "show this program's activities, caps and requirements",
                                               autocompletion=complete_program)] = None,
    fmt: annotated(options.FORMAT) = default_of(options.FORMAT),
) -> None:
    """List the programs, or show one program's activities, caps and requirements.

    \b
    Example:
      cep programs cass-cep
    """
    from cepledger.cli.run.programs import run_programs

    call(ctx, run_programs, program, plain(fmt))
