"""The Typer commands ``cep log``, ``status``, ``summary`` and ``report`` (the work: ``run/reports.py``).

``log``, ``status`` and ``summary`` are built from their declarations in ``options.py``,
the same ones the script-output parser reads; ``report`` is written out here.
"""

# No `from __future__ import annotations`: Typer reads these annotations at start-up.

import importlib
from typing import Annotated

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


def report_cmd(
    ctx: typer.Context,
    member_id: annotated(options.MEMBER),
    output: Annotated[str, option("--output", "-o", meta="FILE", help="FILE.html (one self-contained page) or FILE.md")],
    year: annotated(options.YEAR) = None,
    program_year: annotated(options.PROGRAM_YEAR) = None,
) -> None:
    """An audit-ready annual report: entries, rules applied, evidence hashes, reflections.

    HTML is one file (inline CSS and chart, no network) that prints well; .md pastes
    into a wiki.

    \b
    Example:
      cep report jdoe --year 2025 -o jdoe-2025-26.html
    """
    from cepledger.cli.run.reports import run_report

    call(ctx, run_report, member_id, year, output, program_year)
