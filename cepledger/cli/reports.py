"""The Typer commands ``cep log``, ``status``, ``summary`` and ``report`` (the work: ``run/reports.py``).

``log``, ``status`` and ``summary`` are built from their declarations in ``options.py``,
the same ones the script-output parser reads; ``report`` is written out here.
"""

# No `from __future__ import annotations`: Typer reads these annotations at start-up.

import importlib
from typing import Annotated, Optional

import typer

from cepledger.cli import options
from cepledger.cli.exit_codes import call
from cepledger.cli.typer_params import annotated, command_function, option


def run_function(command: options.Command):
    """The ``run_*`` function of a declared command, imported on first use (never for --help)."""
    module, name = command.run.rsplit(".", 1)
    return getattr(importlib.import_module(f"cepledger.cli.run.{module}"), name)


def _declared(command: options.Command):
    def body(ctx: typer.Context, **values) -> None:
        call(ctx, run_function(command), **values)

    return command_function(command, body)


log_cmd = _declared(options.LOG)
status_cmd = _declared(options.STATUS)
summary_cmd = _declared(options.SUMMARY)


OPTIONAL_MEMBER = options.MEMBER._replace(required=False, metavar="[MEMBER]",
                                      help="member id (leave it out with --all)")


def report_cmd(
    ctx: typer.Context,
    member_id: annotated(OPTIONAL_MEMBER) = None,
    output: Annotated[Optional[str], option("--output", "-o", meta="FILE|DIR",
                                            help="FILE.html (one self-contained page) or FILE.md; the folder with "
                                                 "--all. Without it: Markdown on stdout")] = None,
    year: annotated(options.YEAR) = None,
    program_year: annotated(options.PROGRAM_YEAR) = None,
    all_members: Annotated[bool, typer.Option("--all", help="Every member: an index and one page each, "
                                                            "written into the folder -o DIR")] = False,
) -> None:
    """An audit-ready report: requirements by name, entries and totals, evidence and file
    hashes, reflections, and an attestation to sign.

    Markdown goes to stdout unless -o names a file. HTML is one file (inline CSS and
    charts, no network) that prints well. --all -o DIR writes a static folder: an index
    of every member and program (sortable, filterable) and one page per member, to open
    from disk or put on any web server.

    \b
    Examples:
      cep report jdoe --year 2025
      cep report jdoe --year 2025 -o jdoe-2025-26.html
      cep report --all -o site/
    """
    from cepledger.cli.run.reports import run_report

    call(ctx, run_report, member_id, year, output, all_members, program_year)
