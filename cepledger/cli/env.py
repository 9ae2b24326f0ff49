"""What every command needs from the outside world, passed in: ``Env``.

The ledgers folder (``--ledgers``, else ``$CEPLEDGER_DIR``, else ``./ledgers``), today
(``$CEPLEDGER_TODAY``, else the clock: the only place cepledger reads it), the output
streams and the program rules. No Typer here: the script-output path builds an ``Env`` too.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Any, TextIO


class Env:
    """The ledgers folder, today, the output streams; the rules loaded on first use.

    A plain class, not a dataclass: the script-output path imports this module before
    its cache lookup, which ``dataclasses`` (through ``inspect``) would slow by 7 ms.
    """

    __slots__ = ("ledgers", "today", "out", "err", "width", "progress", "_registry")

    def __init__(self, ledgers: Path, today: date, out: TextIO | None = None, err: TextIO | None = None,
                 width: int | None = None, progress: TextIO | None = None):
        self.ledgers = ledgers
        self.today = today
        self.out = sys.stdout if out is None else out
        self.err = sys.stderr if err is None else err
        self.width = width  # table width; None = the terminal's
        # where a progress bar is drawn: stderr itself even when messages on ``err`` are held
        self.progress = self.err if progress is None else progress
        self._registry: Any = None

    def registry(self):
        """Packaged programs plus ``<ledgers>/programs/*.toml`` (DataError on a broken rule file)."""
        if self._registry is None:
            from cepledger.rules.load import load_registry

            self._registry = load_registry([self.ledgers / "programs"])
        return self._registry

    def console(self):
        """A rich console on ``out`` (imports rich: table output only)."""
        from cepledger.render.console import make_console

        console = make_console(self.out, width=self.width)
        # rich answers a closed pipe with SystemExit(1), which scripts would read as
        # "short"; raised as BrokenPipeError, the CLI exits 141 like every other command.
        console.on_broken_pipe = _raise_broken_pipe
        return console


def _raise_broken_pipe() -> None:
    raise BrokenPipeError


def today_from_env(environ=os.environ) -> date:
    """``$CEPLEDGER_TODAY`` (ISO date, for tests and reproducible scripts) else the clock."""
    text = environ.get("CEPLEDGER_TODAY", "").strip()
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        from cepledger.model.errors import UsageError

        raise UsageError(f"bad CEPLEDGER_TODAY '{text}': use YYYY-MM-DD or unset it") from None


def ledgers_from(option: str | Path | None, environ=os.environ) -> Path:
    """``--ledgers DIR``, else ``$CEPLEDGER_DIR``, else ``./ledgers``."""
    if option:
        return Path(option)
    return Path(environ.get("CEPLEDGER_DIR") or "ledgers")
