"""The one place errors become exit codes and sentences on stderr (SPEC.md, "Exit codes").

``call`` runs a ``run_*`` function for a Typer command: it builds the ``Env`` and turns
every exception into one plain sentence and its code: a ``CepError`` its own (2 usage,
3 data, 4 write), a closed output pipe 141 with nothing on stderr, a cancelled prompt 130,
anything else 70 (a bug). Typer is imported only when ``call`` runs, so the script-output
path can use ``closed_pipe`` without it.
"""

from __future__ import annotations

import os
import sys

INTERNAL_ERROR = 70  # EX_SOFTWARE: a bug, never bad input
ABORTED = 130  # 128 + SIGINT: Ctrl-C, or Ctrl-D at a prompt (as Typer exits on Ctrl-C)
CLOSED_PIPE = 141  # 128 + SIGPIPE: `cep log jdoe | head -1`


def report_error(exc: BaseException, err, debug: bool) -> int:
    """Print ``exc`` as plain sentences on ``err`` and return its exit code."""
    import traceback

    import typer

    from cepledger.model.errors import CepError, DataError

    if debug:
        traceback.print_exception(exc, file=err)
    if isinstance(exc, DataError):
        for problem in exc.problems:
            err.write(f"{problem}\n")
        return exc.exit_code
    if isinstance(exc, CepError):
        err.write(f"error: {exc}\n")
        return exc.exit_code
    if isinstance(exc, typer.Abort):
        err.write("aborted; nothing was changed\n")
        return ABORTED
    then = "please report it with the traceback above" if debug else \
        "run the command again with --debug and report the traceback"
    err.write(f"internal error (a bug in cepledger): {type(exc).__name__}: {exc}; {then}\n")
    return INTERNAL_ERROR


def closed_pipe() -> int:
    """The reader closed stdout (``cep log jdoe | head -1``): leave quietly with 141.

    stdout is pointed at /dev/null first, so the flush at interpreter exit cannot fail
    again and print a traceback (the recipe of the Python docs, "Note on SIGPIPE").
    """
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (a test runner's stream)
        pass
    return CLOSED_PIPE


def call(ctx, fn, *args, **kwargs) -> None:
    """Run ``fn(env, *args, **kwargs)`` for the Typer command of ``ctx``; exit with its code.

    Every error ends here as one sentence on stderr (``report_error``); click's own usage
    errors (``typer.TyperException``: Typer vendors click) pass through for click to print
    (exit 2).
    """
    import typer

    from cepledger.cli.env import Env, ledgers_from, today_from_env

    import warnings

    from cepledger.model.errors import UndoNotRecorded

    opts = ctx.find_root().obj or {}
    try:
        env = Env(ledgers=ledgers_from(opts.get("ledgers")), today=today_from_env(), out=sys.stdout, err=sys.stderr)
        with warnings.catch_warnings(record=True) as noted:
            warnings.simplefilter("always", UndoNotRecorded)
            code = fn(env, *args, **kwargs)
        for w in noted:  # a change made, with something the user must know about it
            if issubclass(w.category, UndoNotRecorded):
                sys.stderr.write(f"warning: {w.message}.\n")
            else:  # not ours: shown as Python would have shown it
                warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    except BrokenPipeError:
        code = closed_pipe()
    except typer.TyperException:
        raise
    except Exception as exc:  # noqa: BLE001 - this is the one place every error is mapped
        code = report_error(exc, sys.stderr, bool(opts.get("debug")))
    if code:
        raise typer.Exit(code)
