"""The Typer commands ``cep init`` and ``cep member add|enrol|list`` (the work: ``run/members.py``)."""

# No `from __future__ import annotations`: Typer reads these annotations at start-up.

from typing import Annotated, Optional

import typer

from cepledger.cli import options
from cepledger.cli.exit_codes import call
from cepledger.cli.typer_params import annotated, argument, complete_program, default_of, option, plain

SinceOpt = Annotated[str, option("--since", meta="DATE", help="date the member entered the program")]
EmployedOpt = Annotated[Optional[str], option("--employed-since", meta="DATE",
                                              help="first day in the administrative position (CASC)")]


def init_cmd(
    ctx: typer.Context,
    directory: Annotated[Optional[str], argument("[DIR]", "folder to create (default: the ledgers folder)")] = None,
) -> None:
    """Create a ledgers folder (and its programs/ folder for extra rule files).

    Nothing that exists is touched.

    \b
    Example:
      cep init ~/cep-ledgers
    """
    from cepledger.cli.run.members import run_init

    call(ctx, run_init, directory)


def member_add_cmd(
    ctx: typer.Context,
    member_id: Annotated[str, argument("ID", "new member id: a-z, 0-9, '-', '_'")],
    name: Annotated[str, option("--name", meta="NAME", help="the member's full name")],
    program: Annotated[str, option("--program", meta="PROGRAM", help="program to enrol in",
                                   autocompletion=complete_program)],
    since: SinceOpt,
    employed_since: EmployedOpt = None,
    date_format: annotated(options.DATE_FORMAT) = None,
) -> None:
    """Create a member's ledger file, enrolled in one program.

    \b
    Example:
      cep member add jdoe --name "Jane Doe" --program cass-cep --since 2021-09-01
    """
    from cepledger.cli.run.members import run_member_add

    call(ctx, run_member_add, member_id, name, program, since, employed_since, date_format)


def member_enrol_cmd(
    ctx: typer.Context,
    member_id: annotated(options.MEMBER),
    program: Annotated[str, argument("PROGRAM", "program to enrol in", autocompletion=complete_program)],
    since: SinceOpt,
    employed_since: EmployedOpt = None,
    date_format: annotated(options.DATE_FORMAT) = None,
) -> None:
    """Enrol a member in another program.

    \b
    Example:
      cep member enrol jdoe casc-butte --since 2024-09-03 --employed-since 2024-07-01
    """
    from cepledger.cli.run.members import run_member_enrol

    call(ctx, run_member_enrol, member_id, program, since, employed_since, date_format)


def member_list_cmd(ctx: typer.Context, fmt: annotated(options.FORMAT) = default_of(options.FORMAT)) -> None:
    """List the members: id, name and programs.

    \b
    Example:
      cep member list --format csv
    """
    from cepledger.cli.run.members import run_member_list

    call(ctx, run_member_list, plain(fmt))
