"""``cep log|status|summary ...`` without Typer: the path scripts and people take most.

Importing Typer costs about a third of such a run (81 ms against 52 ms for ``status
--format json`` on a member of 200 entries; 21 ms of a table's run), so ``__main__``
offers every command line here first, whatever its ``--format``. It is parsed with the declarations in ``options.py``, the ones the Typer
commands are built from, and handled here only when it is understood completely and the
run succeeds: anything else (``--help``, an unknown or repeated option, a value click
might read differently, a completion request, any error raised by the command) returns
None, and ``__main__`` hands the same arguments to the Typer app, which prints what it
always prints. ``tests/test_cli_script_output.py`` runs every such line both ways.
"""

from __future__ import annotations

import importlib
import io
import os
import stat
import sys
from typing import Any

from cepledger.cli import options
from cepledger.cli.options import Command, Param

SCRIPT_FORMATS = ("json", "csv", "ndjson")  # the formats the report cache may answer (a table depends on the terminal)


class _Held(io.StringIO):
    """Output held back until the run succeeds. It is a terminal when stdout is one, so
    rich colours a table exactly as it would on stdout itself (width: rich asks the
    standard streams either way, and ``NO_COLOR`` / ``FORCE_COLOR`` still apply)."""

    def __init__(self, terminal: bool):
        super().__init__()
        self._terminal = terminal

    def isatty(self) -> bool:
        return self._terminal


def parse(argv: list[str]) -> tuple[dict[str, Any], Command, dict[str, Any]] | None:
    """``(global values, command, command values)`` when ``argv`` is a script-output line, else None."""
    global_values: dict[str, Any] = {}
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i = _read_option(argv, i, options.GLOBAL, global_values)
        if i is None:
            return None
    if i >= len(argv) or argv[i] not in options.SCRIPT_COMMANDS:
        return None
    command = options.SCRIPT_COMMANDS[argv[i]]
    values: dict[str, Any] = {}
    words: list[str] = []
    i += 1
    while i < len(argv):
        if argv[i] == "--":  # the rest are arguments, even if they start with "-"
            words.extend(argv[i + 1:])
            break
        if argv[i].startswith("-") and argv[i] != "-":
            i = _read_option(argv, i, command.params, values)
            if i is None:
                return None
        else:
            words.append(argv[i])
            i += 1
    arguments = [p for p in command.params if not p.flags]
    if len(words) != len(arguments):
        return None
    values.update(zip((p.name for p in arguments), words))
    for p in command.params:
        values.setdefault(p.name, p.default)
    return global_values, command, values


def _read_option(argv: list[str], i: int, params: tuple[Param, ...], into: dict[str, Any]) -> int | None:
    """Read the option at ``argv[i]`` into ``into``; the index after it, or None when it is
    not one of ``params`` or anything about it is unusual (click then decides)."""
    flag, value = argv[i], None
    if flag.startswith("--") and "=" in flag:
        flag, value = flag.split("=", 1)
    p = next((p for p in params if flag in p.flags), None)
    if p is None or p.name in into:  # unknown, or repeated
        return None
    if not p.takes_value:
        if value is not None:
            return None
        into[p.name] = True
        return i + 1
    if value is None:
        if i + 1 >= len(argv):
            return None
        i += 1
        value = argv[i]
    if not value or value.startswith("-") or (p.choices and value not in p.choices):
        return None
    if p.folder and not _plain_folder(value):
        return None
    into[p.name] = value
    return i + 1


def _plain_folder(path: str) -> bool:
    """True unless click would refuse ``path`` as a folder option (an existing file, unreadable)."""
    try:
        st = os.stat(path)
    except OSError:
        return True
    return not stat.S_ISREG(st.st_mode) and os.access(path, os.R_OK)


def run(argv: list[str]) -> int | None:
    """Run ``argv`` here and return its exit code, or None to hand it to the Typer app."""
    if any(k.startswith("_CEP") and k.endswith("_COMPLETE") for k in os.environ):
        return None  # a shell completion request: Typer's job
    parsed = parse(argv)
    if parsed is None:
        return None
    global_values, command, values = parsed
    try:
        from cepledger.cli.env import Env, ledgers_from, today_from_env

        ledgers, today = ledgers_from(global_values.get("ledgers")), today_from_env()

        def compute() -> tuple[int, str, str]:  # imported only on a cache miss
            module, name = command.run.rsplit(".", 1)
            run_command = getattr(importlib.import_module(f"cepledger.cli.run.{module}"), name)
            out, err = _Held(_stdout_is_terminal()), io.StringIO()
            code = run_command(Env(ledgers=ledgers, today=today, out=out, err=err, progress=sys.stderr), **values)
            return code, out.getvalue(), err.getvalue()

        if command.cached and values.get("fmt") in SCRIPT_FORMATS:  # only where the benchmark shows the cache pays (docs/performance.md)
            from cepledger.cli import report_cache

            code, text, errors = report_cache.cached_run(argv, ledgers, today, values.get("member_id"), compute)
        else:
            code, text, errors = compute()
    except Exception:  # noqa: BLE001 - the Typer app runs it again and reports the error its own way
        return None
    return _emit(text, errors, code)


def _stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def _emit(text: str, errors: str, code: int) -> int:
    from cepledger.cli.exit_codes import closed_pipe

    try:
        if text:
            sys.stdout.write(text)
            sys.stdout.flush()
    except BrokenPipeError:  # `cep status jdoe --format csv | head -1`
        return closed_pipe()
    if errors:
        sys.stderr.write(errors)
        sys.stderr.flush()
    return code
