"""What the writer renders (tomlkit) reads back exactly what was given.

Strings with any character (controls, quotes, backslashes, line breaks, bidi overrides,
emoji), amounts exactly as the Decimal says, dates as TOML dates; and only the write
modules import tomlkit.
"""

from __future__ import annotations

import re
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cepledger.ledger.edit import render_entry, render_key, render_member_file, render_program
from cepledger.ledger.load import load_member
from cepledger.ledger.parse import loads_toml
from cepledger.ledger.write import append_entries, void_entry
from conftest import REPO, SAMPLE

any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
tags = st.lists(st.one_of(st.sampled_from(["1", "2A", "6c", " 3B "]), st.integers(1, 6)), max_size=4)
levels = st.dictionaries(st.sampled_from(["1", "2", "3", "4", "5", "6"]), any_text, max_size=6)
hours = st.integers(0, 8).flatmap(lambda places: st.decimals(min_value=0, max_value=1000, places=places))

# Characters that must never stand raw in what the writer adds (it writes them as \uXXXX).
HIDDEN_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]")


@settings(max_examples=300, deadline=None)
@given(notes=any_text, title=any_text, hours=hours, cpsel=tags, ratings=levels,
       day=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)), verified=st.booleans())
def test_a_rendered_entry_reads_back_exactly(notes, title, hours, cpsel, ratings, day, verified) -> None:
    fields = {"id": "a1", "date": day, "activity": "x", "hours": hours, "title": title, "cpsel": cpsel,
              "ratings": ratings, "notes": notes, "verified": verified}
    text = render_entry(fields)
    assert HIDDEN_RE.search(text) is None
    assert text.startswith("[[entries]]\n") and text.endswith("\n")
    assert text.count("\n") == 1 + len(fields)  # one line per key: no value spans lines
    (back,) = loads_toml(text, "x")["entries"]
    assert back == fields
    assert Decimal(back["hours"]).as_tuple() == hours.as_tuple()  # the same digits, not only the same value
    assert f"\nhours = {format(hours, 'f')}\n" in text


@settings(max_examples=60, deadline=None)
@given(notes=any_text, title=any_text, reason=any_text.filter(str.strip), crlf=st.booleans())
def test_strings_written_to_a_ledger_read_back_exactly(notes: str, title: str, reason: str, crlf: bool) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "jdoe.toml"
        old = SAMPLE.replace("\n", "\r\n") if crlf else SAMPLE
        path.write_bytes(old.encode())
        (e,) = append_entries(path, [{"date": date(2025, 1, 2), "activity": "x", "notes": notes,
                                      "title": title or None, "hours": Decimal("1.25")}])
        void_entry(path, e.id, reason)
        data = path.read_bytes()
        assert data.startswith(old.encode())  # the append and the void both come after the old bytes
        assert (b"\n" not in data.replace(b"\r\n", b"")) if crlf else (b"\r" not in data[len(old):])
        back = load_member(path).entries[-1]
        assert (back.notes, back.title, back.void, back.hours) == (notes, title or None, reason, Decimal("1.25"))


def test_amounts_are_written_as_the_decimal_says() -> None:
    cases = {Decimal("1.5"): "1.5", Decimal("12"): "12", Decimal("1E+1"): "10", Decimal("0.10"): "0.10",
             Decimal("2.675"): "2.675", Decimal("0.1234567890123456789"): "0.1234567890123456789"}
    for d, written in cases.items():
        text = render_entry({"date": date(2025, 1, 2), "activity": "x", "hours": d})
        assert f"\nhours = {written}\n" in text
        assert loads_toml(text, "x")["entries"][0]["hours"] == d


def test_fragments() -> None:
    assert render_key("void", 'said "no" \\ \u202e') == 'void = "said \\"no\\" \\\\ \\u202E"'
    assert render_program("casc-butte", date(2024, 9, 3), None) == "[programs.casc-butte]\nsince = 2024-09-03\n"
    assert render_member_file("jdoe", "Jane", "x", date(2024, 9, 3), date(2024, 7, 1)) == (
        'schema = 1\n\n[member]\nid = "jdoe"\nname = "Jane"\n\n[programs.x]\nsince = 2024-09-03\n'
        "employed_since = 2024-07-01\n")
    assert render_entry({"date": date(2025, 1, 2), "activity": "x", "cpsel": [], "ratings": {}}) == (
        '[[entries]]\ndate = 2025-01-02\nactivity = "x"\ncpsel = []\nratings = {}\n')


def test_only_the_write_modules_import_tomlkit() -> None:
    importers = sorted(str(p.relative_to(REPO)) for p in (REPO / "cepledger").rglob("*.py")
                       if re.search(r"^\s*(import tomlkit|from tomlkit)", p.read_text(encoding="utf-8"), re.M))
    assert importers == ["cepledger/ledger/edit.py"]
