"""Shared by the rule-file tests: a good program, and writing rule files into a real temp folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

from cepledger.rules.load import load_registry

GOOD = """\
format = 1
id = "{id}"
name = "A small program"

[activities.talk]
cap = 5
per = "item"

[[requirements]]
id = "hours"
kind = "total"
min = 10
"""


def write(folder: Path, name: str, text: str) -> Path:
    """``folder/<name>.toml`` holding ``text`` (dedented)."""
    path = folder / f"{name}.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(folder: Path):
    """The packaged programs and ``folder``'s, problems kept (not raised)."""
    return load_registry([folder], strict=False)


def line_of(text: str, needle: str) -> int:
    """The first line of the dedented ``text`` holding ``needle``, counted from 1."""
    for n, line in enumerate(textwrap.dedent(text).splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


def only_problem(reg, code=None):
    """The registry's one problem (of ``code``, when given)."""
    assert len(reg.problems) == 1, [str(p) for p in reg.problems]
    (p,) = reg.problems
    if code:
        assert p.code == code, str(p)
    return p
