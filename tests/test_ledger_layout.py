"""Where things are written (``parse.Layout``), and when an append may skip re-reading the history.

An append verified without parsing the old text again is only safe when the entries are
all ``[[entries]]`` tables: appending one after an inline ``entries = [...]`` list would
make the file invalid. Header look-alikes inside strings and arrays must never pass for
real headers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cepledger.ledger.load import parse_member
from cepledger.ledger.parse import Layout, header_keys, parse_toml
from cepledger.ledger.write import append_entries
from cepledger.model.errors import WriteError

HEAD = 'schema = 1\n\n[member]\nid = "jdoe"\nname = "J"\n\n[programs.cass-cep]\nsince = 2021-09-01\n'  # 8 lines
ENTRY = '\n[[entries]]\ndate = 2025-01-01\nactivity = "x"\n'


def layout(text: str) -> Layout:
    return Layout(*parse_toml(text.encode(), "jdoe.toml"))


@pytest.mark.parametrize(
    ("text", "lines", "appendable"),
    [
        (HEAD, None, True),
        (HEAD + ENTRY * 3, [10, 14, 18], True),
        (HEAD + ENTRY.replace("[[entries]]", "  [[ 'entries' ]]  # spaced") + ENTRY, [10, 14], True),
        (HEAD.replace("schema = 1\n", "schema = 1\nentries = []\n"), None, False),
        (HEAD.replace("schema = 1\n", 'schema = 1\nentries = [{ date = 2025-01-01, activity = "a" }]\n'), None, False),
        # a look-alike inside a multi-line string: the lexer finds the real ones
        (HEAD.replace('name = "J"', 'name = "J"\nnote = """\n[[entries]]\n"""') + ENTRY, [13], False),
        # inline entries and a look-alike in an array value: never taken for a header
        (HEAD.replace("schema = 1\n", 'schema = 1\nentries = [{ date = 2025-01-01, activity = "a" }]\n')
         + 'x = [\n[["entries"]]\n]\n', None, False),
    ],
    ids=["none", "plain", "spaced", "inline-empty", "inline", "in-a-string", "in-an-array"],
)
def test_entry_lines_and_appendable(text: str, lines: list[int] | None, appendable: bool) -> None:
    lay = layout(text)
    assert lay.entry_lines() == lines
    assert lay.appendable() is appendable


def test_appending_after_inline_entries_and_a_lookalike_is_refused(ledgers: Path) -> None:
    text = (HEAD.replace("schema = 1\n", 'schema = 1\nentries = [{ date = 2025-01-01, activity = "a" }]\n')
            + 'x = [\n[["entries"]]\n]\n')
    path = ledgers / "jdoe.toml"
    path.write_text(text)
    assert len(parse_member(text.encode(), str(path)).entries) == 1
    with pytest.raises(WriteError, match="inline"):
        append_entries(path, [{"date": date(2025, 10, 3), "activity": "x"}])
    assert path.read_text() == text


def test_program_lines_before_after_and_inline() -> None:
    text = HEAD + ENTRY + '\n[programs."casc-butte"]  # later\nsince = 2024-09-03\n'
    assert layout(text).program_lines() == {"cass-cep": 7, "casc-butte": 14}
    inline = 'schema = 1\nprograms = { cass-cep = { since = 2021-09-01 } }\n[member]\nid = "jdoe"\nname = "J"\n'
    assert layout(inline).program_lines() == {}


def test_table_end_skips_lookalikes() -> None:
    text = HEAD + '\n[[entries]]\ndate = 2025-01-01\nnotes = """\n[[entries]]\n"""\n' + ENTRY
    lay = layout(text)
    assert lay.table_end(10) == 16 and lay.table_end(16) == len(text.split("\n")) + 1


@pytest.mark.parametrize(
    ("line", "keys"),
    [("[[entries]]", ("entries",)), ('[ programs . "casc-butte" ]  # x', ("programs", "casc-butte")),
     ("[a.'b c'.d]\r", ("a", "b c", "d")), ('x = "[y]"', ("x",)), ("[oops", ())],
)
def test_header_keys(line: str, keys: tuple[str, ...]) -> None:
    assert header_keys(line) == keys
