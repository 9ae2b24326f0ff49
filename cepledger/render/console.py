"""The rich console and the table style every table for people shares.

Imported only when a command prints a table (rich costs ~40 ms to import). Colour
follows the console (``NO_COLOR`` and non-terminals get none); text from ledgers is
passed as ``Text`` objects, never as markup, so a title like ``[bold]`` prints as written.
"""

from __future__ import annotations

from typing import Any, Sequence, TextIO

from rich import box
from rich.console import Console
from rich.table import Table

SHORT = "bold red"
MET = "green"
DIM = "dim"


def make_console(out: TextIO, width: int | None = None, **kw: Any) -> Console:
    """A console writing to ``out``; rich itself honours ``NO_COLOR`` and non-terminals."""
    return Console(file=out, width=width, markup=False, highlight=False, emoji=False, **kw)


def new_table(title: str | None = None, **kw: Any) -> Table:
    """A table in the house style: a rule under the header, no outer edge, a bold title on the left."""
    return Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, show_edge=False,
                 pad_edge=False, collapse_padding=True, **kw)


def id_column(t: Table, header: str, ids: Sequence[str], cap: int = 16) -> None:
    """The first column: ids stay whole up to ``cap`` characters; longer ones fold."""
    t.add_column(header, overflow="fold", min_width=min(max((len(i) for i in ids), default=0), cap))
