"""Fuzzing the reader and the writer (docs/testing.md).

The reader: ledgers written the way people write them by hand (comments everywhere, CRLF,
no final newline, a BOM, the array of entries split by other tables, quoted and dotted
keys, Unicode, numbers with underscores and signs, and every TOML 1.0 string form:
basic with every escape, literal, multi-line basic with line-ending backslashes,
multi-line literal) read back exactly the values written.

The writer: hostile text in every field the tool writes (title, item, notes, the void
reason, a member's name): an append either fails cleanly, leaving every byte, or keeps
the old bytes as an exact prefix, leaves the old entries as they were, and reads back
exactly the values given. ``CEP_FUZZ_EXAMPLES`` raises the number of examples
(``make crash-test`` runs 1000 of each; 200 in ``make test``).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cepledger.ledger.load import parse_member
from cepledger.ledger.write import append_entries, create_member, void_entry
from cepledger.model.errors import DataError, UsageError, WriteError

EXAMPLES = int(os.environ.get("CEP_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ----------------------------------------------------------------- TOML string forms

_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _basic_char(draw, ch: str) -> str:
    """``ch`` inside a basic string: as itself where allowed, else an escape (any form)."""
    o = ord(ch)
    must = ch in '"\\' or o < 0x20 or o == 0x7F
    if must or draw(st.integers(0, 9)) == 0:
        forms = [f"\\u{o:04X}"] if o <= 0xFFFF else []
        forms.append(f"\\U{o:08X}")
        if ch in _ESCAPES:
            forms.append(_ESCAPES[ch])
        return draw(st.sampled_from(forms))
    return ch


@st.composite
def toml_string(draw, text: str, multiline_ok: bool = True) -> str:
    """``text`` written as one TOML 1.0 string, in a form chosen at random among those
    that can hold it."""
    forms = ["basic"]
    plain = all(ord(c) >= 0x20 and ord(c) != 0x7F or c == "\t" for c in text)
    if plain and "'" not in text:
        forms.append("literal")
    if multiline_ok:
        forms.append("ml-basic")
        ml_plain = all(ord(c) >= 0x20 and ord(c) != 0x7F or c in "\t\n" for c in text)
        if ml_plain and "'''" not in text and not text.endswith("'") and "\r" not in text:
            forms.append("ml-literal")
    form = draw(st.sampled_from(forms))
    if form == "basic":
        return '"' + "".join(_basic_char(draw, c) for c in text) + '"'
    if form == "literal":
        return "'" + text + "'"
    if form == "ml-literal":
        return "'''" + _opening(draw, text) + text + "'''"
    out = []
    for c in text:  # raw newlines allowed; quotes escaped so no run of three appears
        out.append("\n" if c == "\n" and draw(st.booleans()) else _basic_char(draw, c))
    body = "".join(out)
    if draw(st.booleans()):  # a line-ending backslash: it and the whitespace after it vanish
        cut = draw(st.integers(0, len(body)))
        while cut > 0 and body[cut - 1] == "\\" and not body[:cut].endswith("\\\\"):
            cut -= 1  # never split an escape
        # ... so only where no space or line break of the text itself follows
        if not _in_escape(body, cut) and body[cut:cut + 1] not in (" ", "\n"):
            body = body[:cut] + "\\\n   \n  " + body[cut:]
    return '"""' + _opening(draw, body) + body + '"""'


def _opening(draw, body: str) -> str:
    """What follows an opening triple quote: a newline there is trimmed, so a body that
    starts with one needs one more."""
    return "\n" if body.startswith("\n") else draw(st.sampled_from(["", "\n"]))


def _in_escape(body: str, cut: int) -> bool:
    """Whether position ``cut`` falls inside a backslash escape of ``body``."""
    i = 0
    while i < cut:
        if body[i] == "\\":
            n = {"u": 6, "U": 10}.get(body[i + 1], 2) if i + 1 < len(body) else 2
            if cut < i + n:
                return True
            i += n
        else:
            i += 1
    return False


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=25)
NASTY = ['"""', "'''", "\\", '\\"', '"\n[[entries]]\nid = "evil"\n', "\r\n", "\x00", "\u202e", "\ufeff",
         "# not a comment", "\\u0041", "a\u0300", "\U0001F600", "\u2028", "${HOME}", "=cmd()", " ", ""]
hostile = st.one_of(texts, st.sampled_from(NASTY), st.lists(st.sampled_from(NASTY), max_size=4).map("".join),
                    st.tuples(texts, st.sampled_from(NASTY), texts).map("".join))


# ----------------------------------------------------------------- hand-written ledgers


@dataclass
class Written:
    data: bytes
    name: str
    entries: list[dict] = field(default_factory=list)


def _key(draw, key: str) -> str:
    return draw(st.sampled_from([key, f'"{key}"', f"'{key}'"]))


def _comment(draw) -> str:
    return draw(st.sampled_from(["", "", " # note", "  #", " # ü [[entries]] = \"x\"", "\t# tab"]))


def _number(draw, value: Decimal) -> str:
    text = format(value, "f")
    if value == value.to_integral_value() and draw(st.booleans()):
        text = str(int(value))
        if len(text) > 1 and draw(st.booleans()):
            text = text[0] + "_" + text[1:]  # 1_2 is 12
    return draw(st.sampled_from(["", "+"])) + text if value >= 0 else text


@st.composite
def hand_written(draw) -> Written:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    name = draw(texts.filter(lambda t: t.strip() != ""))
    lines: list[str] = []
    if draw(st.booleans()):
        # a comment holds no control character but tab (TOML 1.0)
        lines += ["# " + "".join(c for c in draw(texts) if ord(c) >= 0x20 and ord(c) != 0x7F or c == "\t"), "#"]
    lines.append(f"{_key(draw, 'schema')} = 1{_comment(draw)}")
    member = ["", f"[member]{_comment(draw)}", f'{_key(draw, "id")} = "jdoe"{_comment(draw)}',
              f"{_key(draw, 'name')} = {draw(toml_string(name))}{_comment(draw)}"]
    programs = ["", draw(st.sampled_from(["[programs.cass-cep]", '[ programs . "cass-cep" ]', "[programs.'cass-cep']"]))
                + _comment(draw), f"since = 2021-09-01{_comment(draw)}"]
    if draw(st.booleans()):  # dotted keys under [programs] instead
        programs = ["", "[programs]", f"cass-cep.since = 2021-09-01{_comment(draw)}"]
    n = draw(st.integers(0, 4))
    split_at = draw(st.integers(0, n))  # [member] / [programs] may come between entries
    tables_later = draw(st.booleans())
    written = Written(b"", name)
    if not tables_later:
        lines += member + programs
    for i in range(n):
        if tables_later and i == split_at:
            lines += member + programs
        title = draw(texts)
        hours = draw(st.decimals(0, 500, places=2))
        entry = {"date": date(2025, 10, i + 1), "activity": "live-webinar", "hours": hours, "title": title}
        body = [f"date = 2025-10-{i + 1:02d}{_comment(draw)}",
                f"{_key(draw, 'activity')} = {draw(toml_string('live-webinar'))}{_comment(draw)}",
                f"hours = {_number(draw, hours)}{_comment(draw)}",
                f"{_key(draw, 'title')} = {draw(toml_string(title))}{_comment(draw)}"]
        if draw(st.booleans()):
            notes = draw(hostile)
            entry["notes"] = notes
            body.append(f"notes = {draw(toml_string(notes))}")
        body = draw(st.permutations(body))
        lines += [""] * draw(st.integers(0, 2)) + [draw(st.sampled_from(["[[entries]]", "[[ entries ]]",
                                                                        '[["entries"]]'])) + _comment(draw)]
        lines += [ln + draw(st.sampled_from(["", " ", "\t"])) if not ln.endswith("'''") else ln for ln in body]
        written.entries.append(entry)
    if tables_later and split_at >= n:
        lines += member + programs
    text = eol.join(lines) + draw(st.sampled_from([eol, ""]))
    data = text.encode("utf-8")
    written.data = b"\xef\xbb\xbf" + data if draw(st.booleans()) else data
    return written


def _as_read(entry) -> dict:
    return {k: getattr(entry, k) for k in ("date", "activity", "hours", "title", "notes")}


def _expected(fields: dict) -> dict:
    out = {"date": None, "activity": None, "hours": None, "title": None, "notes": None}
    out.update({k: v for k, v in fields.items() if k in out})
    return out


@FUZZ
@given(w=hand_written())
def test_the_reader_reads_back_exactly_what_was_written_by_hand(w: Written) -> None:
    member = parse_member(w.data, "jdoe.toml")
    assert member.name == w.name
    assert [_as_read(e) for e in member.entries] == [_expected(x) for x in w.entries]


# ----------------------------------------------------------------- the writer


def _ledger(folder: Path, data: bytes) -> Path:
    path = folder / "jdoe.toml"
    path.write_bytes(data)
    return path


@FUZZ
@given(w=hand_written(), title=hostile, item=hostile, notes=hostile, hours=st.decimals(0, 10_000, places=3))
def test_an_append_fails_cleanly_or_keeps_the_old_bytes_and_reads_back_what_was_given(
        w: Written, title: str, item: str, notes: str, hours: Decimal) -> None:
    given_fields = {"date": date(2026, 1, 5), "activity": "live-webinar", "hours": hours, "title": title,
                    "item": item, "notes": notes}
    with tempfile.TemporaryDirectory() as tmp:
        path = _ledger(Path(tmp), w.data)
        try:
            (new,) = append_entries(path, [dict(given_fields)])
        except (UsageError, DataError, WriteError) as exc:
            assert path.read_bytes() == w.data, exc
            assert str(exc).endswith((".", ")")) and "\n" not in str(exc).strip()
            assert sorted(os.listdir(tmp)) == [".cepledger", "jdoe.toml"] or sorted(os.listdir(tmp)) == ["jdoe.toml"]
            return
        data = path.read_bytes()
        assert data.startswith(w.data)
        member = parse_member(data, str(path))
        assert [_as_read(e) for e in member.entries[:-1]] == [_expected(x) for x in w.entries]
        last = member.entries[-1]
        assert (last.id, last.date, last.activity, last.hours, last.title, last.item, last.notes) == \
            (new.id, date(2026, 1, 5), "live-webinar", hours, title, item, notes)
        assert sorted(n for n in os.listdir(tmp) if n.endswith(".tmp")) == []


@FUZZ
@given(w=hand_written().filter(lambda w: w.entries), reason=hostile, name=hostile)
def test_void_reasons_and_member_names_read_back_exactly_or_fail_cleanly(w: Written, reason: str,
                                                                         name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _ledger(Path(tmp), w.data)
        (mine,) = append_entries(path, [{"date": date(2026, 1, 5), "activity": "live-webinar"}])
        before = path.read_bytes()
        try:
            void_entry(path, mine.id, reason)
        except UsageError:
            assert path.read_bytes() == before and not reason.strip()
        else:
            member = parse_member(path.read_bytes(), str(path))
            assert member.entries[-1].void == reason
            assert [_as_read(e) for e in member.entries[:-1]] == [_expected(x) for x in w.entries]
        new = Path(tmp) / "amy.toml"
        try:
            created = create_member(new, "amy", name, "cass-cep", date(2021, 9, 1))
        except UsageError:
            assert not new.exists() and not name.strip()
        else:
            assert created.name == name == parse_member(new.read_bytes(), str(new)).name
