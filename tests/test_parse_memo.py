"""The in-process parse memo and the append verification that reuses it: an append
verified without re-parsing the history must give the member a full parse of the new file gives.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cepledger.ledger import load as ledger_load
from cepledger.ledger import parse as ledger_parse
from cepledger.ledger import write as ledger_write
from cepledger.model.errors import WriteError

HEAD = """\
schema = 1

[member]
id = "big"
name = "Big Ledger"

[programs.cass-cep]
since = 2015-09-01
"""


def big_text(n: int = 800, eol: str = "\n") -> str:
    parts = [HEAD]
    for i in range(n):
        parts.append(
            f'\n[[entries]]\nid = "e{i:05d}"\ndate = 20{15 + i % 11}-{1 + i % 12:02d}-{1 + i % 28:02d}\n'
            f'activity = "live-webinar"\nhours = {1 + i % 3}.{i % 100:02d}\ntitle = "Webinar number {i} with a longer title"\n'
            f'item = "webinar-{i}"\n' + ('cpsel = ["2A", 5]\nratings = { 1 = "meets" }\n' if i % 7 == 0 else "")
            + ("verified = true\n" if i % 5 == 0 else "") + ("course = 4\n" if i % 9 == 0 else "")
        )
    text = "".join(parts)
    return text.replace("\n", eol)


@pytest.fixture(autouse=True)
def fresh_memo():
    ledger_load.remember(None)  # type: ignore[arg-type]
    yield
    ledger_load.remember(None)  # type: ignore[arg-type]


def full_parse(path: Path):
    return ledger_load.parse_member(path.read_bytes(), str(path))


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("tail", ["", "# a last comment\n", "\n\n", "no-final-newline"])
def test_append_verified_without_reparsing_equals_a_full_parse(ledgers: Path, eol: str, tail: str, monkeypatch) -> None:
    path = ledgers / "big.toml"
    text = big_text(30, eol)
    if tail == "no-final-newline":
        text = text.rstrip("\r\n")
    else:
        text += tail.replace("\n", eol)
    path.write_bytes(text.encode())
    ledger_load.load_member(path)  # the memo now holds these bytes
    with monkeypatch.context() as m:
        calls = []
        real = ledger_parse._toml.loads  # the TOML parser itself: every parse of any text goes through it

        def counting(text, **kwargs):
            calls.append(len(text))
            return real(text, **kwargs)

        m.setattr(ledger_parse._toml, "loads", counting)
        added = ledger_write.append_entries(path, [
            {"date": date(2025, 10, 3), "activity": "live-webinar", "hours": Decimal("1.5"), "item": "w-x"},
            {"date": date(2025, 10, 4), "activity": "professional-learning", "hours": 2, "cpsel": ["2A", 5],
             "notes": 'a "quoted" note\nover two lines'},
        ])
        assert calls and max(calls) < 2000  # only the new block (and no history) was parsed
    assert path.read_bytes().startswith(text.encode())
    full = full_parse(path)
    assert list(full.entries[-2:]) == added
    assert ledger_load.load_member(path) == full  # memo of the written bytes equals a full parse


def test_append_to_odd_ledgers_still_takes_the_full_check(ledgers: Path) -> None:
    path = ledgers / "big.toml"
    path.write_text(HEAD.replace("schema = 1\n", "schema = 1\nentries = []\n"))
    assert not ledger_load.parsed_member(path.read_bytes(), str(path)).appendable
    with pytest.raises(WriteError, match="inline"):
        ledger_write.append_entries(path, [{"date": date(2025, 10, 3), "activity": "live-webinar", "hours": 1}])
    path.write_text(HEAD.replace('name = "Big Ledger"', 'name = "Big Ledger"\nnote = """\n[[entries]]\n"""')
                    + '\n[[entries]]\ndate = 2025-01-01\nactivity = "live-webinar"\nhours = 1\n')
    assert not ledger_load.parsed_member(path.read_bytes(), str(path)).appendable
    (e,) = ledger_write.append_entries(path, [{"date": date(2025, 10, 3), "activity": "live-webinar", "hours": 1}])
    assert full_parse(path).entries[-1] == e
