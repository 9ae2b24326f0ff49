"""Writing ledgers: exact bytes before and after every kind of change."""

from __future__ import annotations

import os
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cepledger.model.errors import DataError, UsageError, WriteError
from cepledger.ledger.files import ledger_path
from cepledger.ledger.load import load_member, parse_member
from cepledger.ledger.write import add_enrolment, append_entries, create_member, lock_path, render_entry, void_entry
from conftest import SAMPLE

NEW = {"id": "abc123", "date": date(2025, 11, 20), "activity": "professional-learning", "hours": Decimal("3.5")}
NEW_BLOCK = '[[entries]]\nid = "abc123"\ndate = 2025-11-20\nactivity = "professional-learning"\nhours = 3.5\n'


def append_one(path: Path, fields: dict = NEW) -> bytes:
    before = path.read_bytes()
    append_entries(path, [fields])
    after = path.read_bytes()
    assert after.startswith(before)
    return after[len(before):]


# ----------------------------------------------------------------- append: exact bytes


@pytest.mark.parametrize(
    ("old", "added"),
    [
        (SAMPLE, "\n" + NEW_BLOCK),  # ends with newline: one blank line, then the block
        (SAMPLE + "\n", NEW_BLOCK),  # already ends with a blank line
        (SAMPLE + "\n\n\n", NEW_BLOCK),  # several: left as they are
        (SAMPLE + "   \n", NEW_BLOCK),  # whitespace-only last line counts as blank
        (SAMPLE.rstrip("\n"), "\n\n" + NEW_BLOCK),  # no final newline: add it, then the blank line
        (SAMPLE + "# the end", "\n\n" + NEW_BLOCK),  # last line a comment without newline
        (SAMPLE + "hours2 = 1 # trailing comment", "\n\n" + NEW_BLOCK),
        (SAMPLE + "# the end\n", "\n" + NEW_BLOCK),
        (SAMPLE + 'notes = """\nmulti\n"""', "\n\n" + NEW_BLOCK),  # ends right after a multi-line string
    ],
    ids=["lf", "blank", "blanks", "spaces", "no-final-newline", "comment-no-newline", "key-comment-no-newline",
         "comment", "multiline-string"],
)
def test_append_adds_exactly_the_block(write_ledger, old: str, added: str) -> None:
    path = write_ledger(old)
    assert append_one(path) == added.encode()
    m = load_member(path)
    assert [e.id for e in m.entries] == ["7f3a2c", "abc123"]


def test_append_to_hand_written_file_with_comments_exact_bytes(write_ledger) -> None:
    old = (
        "# Jane's ledger -- kept by hand\n"
        "schema = 1\n\n"
        "[member]   # who\n"
        'id = "jdoe"\n'
        "name = 'Jane Doe'   # literal string\n\n"
        "[programs.cass-cep]\n"
        "since = 2021-09-01\n\n"
        "  [[entries]]   # indented header\n"
        "  date = 2025-10-03\n"
        '  activity = "cass-conference"  # the big one\n'
        "  hours = 12.0\n"
        "# a closing remark\n"
    )
    path = write_ledger(old)
    append_entries(path, [NEW])
    assert path.read_bytes() == (old + "\n" + NEW_BLOCK).encode()


def test_append_to_crlf_file_uses_crlf(write_ledger) -> None:
    old = SAMPLE.replace("\n", "\r\n")
    path = write_ledger(old)
    assert append_one(path) == ("\n" + NEW_BLOCK).replace("\n", "\r\n").encode()
    assert b"\n" not in path.read_bytes().replace(b"\r\n", b"")


def test_append_to_crlf_file_without_final_newline(write_ledger) -> None:
    path = write_ledger(SAMPLE.replace("\n", "\r\n").rstrip("\r\n"))
    assert append_one(path) == ("\n\n" + NEW_BLOCK).replace("\n", "\r\n").encode()


def test_append_keeps_a_bom(write_ledger) -> None:
    path = write_ledger(b"\xef\xbb\xbf" + SAMPLE.encode())
    append_one(path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf" + SAMPLE.encode())


def test_append_several_entries_at_once(write_ledger) -> None:
    path = write_ledger(SAMPLE)
    second = {"date": date(2026, 2, 11), "activity": "cep-course", "course": 4, "id": "def456"}
    got = append_entries(path, [NEW, second])
    assert [e.id for e in got] == ["abc123", "def456"] and got[1].course == 4
    assert path.read_bytes() == (SAMPLE + "\n" + NEW_BLOCK + "\n[[entries]]\nid = \"def456\"\n"
                                 "date = 2026-02-11\nactivity = \"cep-course\"\ncourse = 4\n").encode()
    assert [e.source.line for e in got] == [17, 23]


def test_append_renders_every_field_in_order(write_ledger) -> None:
    path = write_ledger(SAMPLE)
    fields = {
        "void": "no", "verified": True, "notes": "n", "evidence_sha256": "ab" * 32, "evidence": "certs/a.pdf",
        "ratings": {1: "meets", "2": "exemplifies"}, "cpsel": ["2A", 5], "item": "k", "title": "T",
        "course": "leading-learning", "hours": 12, "activity": "a", "date": date(2026, 1, 2), "id": "ffffff",
    }
    assert append_one(path, fields).decode() == (
        '\n[[entries]]\nid = "ffffff"\ndate = 2026-01-02\nactivity = "a"\nhours = 12\ncourse = "leading-learning"\n'
        'title = "T"\nitem = "k"\ncpsel = ["2A", 5]\nratings = { 1 = "meets", 2 = "exemplifies" }\n'
        f'evidence = "certs/a.pdf"\nevidence_sha256 = "{"ab" * 32}"\nnotes = "n"\nverified = true\nvoid = "no"\n'
    )
    e = load_member(path).entries[-1]
    assert e.hours == 12 and e.ratings == (("1", "meets"), ("2", "exemplifies")) and e.cpsel == ("2A", "5")


def test_generated_ids_are_six_hex_digits_and_unique(write_ledger) -> None:
    path = write_ledger(SAMPLE)
    fields = {k: v for k, v in NEW.items() if k != "id"}
    got = append_entries(path, [fields] * 30)
    ids = [e.id for e in got]
    assert len(set(ids + ["7f3a2c"])) == 31
    assert all(len(i) == 6 and int(i, 16) >= 0 for i in ids)
    assert path.read_text().count("[[entries]]\nid = ") == 31


def test_hours_are_written_without_exponents(write_ledger) -> None:
    path = write_ledger(SAMPLE)
    got = append_entries(path, [dict(NEW, id="e1", hours=Decimal("1E+1")), dict(NEW, id="e2", hours=Decimal("0.25")),
                                dict(NEW, id="e3", hours=2.5)])
    assert [e.hours for e in got] == [Decimal(10), Decimal("0.25"), Decimal("2.5")]
    assert "hours = 10\n" in path.read_text()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hours": Decimal(-1)}, "negative"),
        ({"hours": Decimal("NaN")}, "not nan or inf"),
        ({"hours": Decimal(1001)}, "more than 1000"),
        ({"hours": True}, "not true/false"),
        ({"date": "2025-10-03"}, "without quotes"),
        ({"activity": ""}, "activity must be"),
        ({"colour": "blue"}, "unknown entry field 'colour'"),
        ({"id": "7f3a2c"}, "already used"),
        ({"id": "a b"}, "not valid"),
        ({"notes": "bad \udcff byte"}, "not valid UTF-8"),
        ({"cpsel": [True]}, "cpsel must be a list"),
    ],
)
def test_bad_entries_are_refused_and_the_file_is_untouched(write_ledger, change: dict, message: str) -> None:
    path = write_ledger(SAMPLE)
    with pytest.raises(UsageError, match=message):
        append_entries(path, [{**NEW, **change}])
    assert path.read_bytes() == SAMPLE.encode()
    assert not [n for n in os.listdir(path.parent) if n.endswith(".tmp")]


def test_nothing_to_append(write_ledger) -> None:
    with pytest.raises(UsageError):
        append_entries(write_ledger(SAMPLE), [])


def test_validate_runs_on_the_fresh_ledger_and_can_refuse(write_ledger) -> None:
    path = write_ledger(SAMPLE)
    seen = []

    def check(member) -> None:
        seen.append(len(member.entries))
        raise UsageError("no such activity")

    with pytest.raises(UsageError, match="no such activity"):
        append_entries(path, [NEW], validate=check)
    assert seen == [1] and path.read_bytes() == SAMPLE.encode()
    append_entries(path, [NEW], validate=lambda m: None)
    assert len(load_member(path).entries) == 2


def test_invalid_ledger_is_not_appended_to(write_ledger) -> None:
    bad = SAMPLE.replace("hours = 12", "hours = -12")
    path = write_ledger(bad)
    with pytest.raises(DataError, match="negative"):
        append_entries(path, [NEW])
    assert path.read_text() == bad


def test_inline_entries_array_is_refused_with_advice(write_ledger) -> None:
    old = SAMPLE.split("[[entries]]")[0].replace(
        "[member]", 'entries = [{ date = 2025-01-01, activity = "a" }]\n\n[member]')
    path = write_ledger(old)
    with pytest.raises(WriteError, match=r"inline `entries = \[...\]` list"):
        append_entries(path, [NEW])
    assert path.read_text() == old


def test_missing_member(ledgers: Path) -> None:
    with pytest.raises(UsageError, match="no member 'jdoe'"):
        append_entries(ledgers / "jdoe.toml", [NEW])


def test_mode_is_kept_and_state_folder_created(write_ledger, ledgers: Path) -> None:
    path = write_ledger(SAMPLE)
    os.chmod(path, 0o600)
    append_one(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert (ledgers / ".cepledger" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert lock_path(path) == ledgers / ".cepledger" / "locks" / "jdoe.lock" and lock_path(path).exists()
    assert sorted(os.listdir(ledgers)) == [".cepledger", "jdoe.toml"]


# ----------------------------------------------------------------- hostile text


def test_a_note_injecting_a_table_stays_one_entry(write_ledger) -> None:
    path = write_ledger(SAMPLE)
    evil = 'x"\n\n[[entries]]\ndate = 2020-01-01\nactivity = "free-credits"\nhours = 999\n#'
    got = append_entries(path, [{**NEW, "notes": evil, "title": "a'''b\"\"\"c\\"}])
    m = load_member(path)
    assert len(m.entries) == 2 and m.entries[1].notes == evil and m.entries[1].title == "a'''b\"\"\"c\\"
    assert got[0].notes == evil
    block = path.read_text()[len(SAMPLE):]
    assert block.count("\n") == 8  # blank line + header + 6 keys, nothing else


CONTROL = "".join(chr(c) for c in range(0x20)) + "\x7f\x85"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
INVISIBLE = "\u200b\u200d\u2028\u2029\ufeff\U000e0001\ue000"


@pytest.mark.parametrize("text", [CONTROL, BIDI, INVISIBLE, "tab\there", "emoji 🍁 é ñ 中文", "\\u0041 not an escape"])
def test_control_bidi_and_invisible_characters_round_trip_escaped(write_ledger, text: str) -> None:
    path = write_ledger(SAMPLE)
    append_entries(path, [{**NEW, "notes": text, "title": text}])
    assert load_member(path).entries[-1].notes == text
    written = path.read_bytes()[len(SAMPLE):].decode()
    for ch in CONTROL + BIDI + INVISIBLE:
        if ch != "\n":
            assert ch not in written, repr(ch)


def test_render_entry_escapes_and_orders() -> None:
    text = render_entry({"notes": "\u202eevil\x00\n", "activity": "a", "date": date(2025, 1, 2), "title": None})
    assert text == '[[entries]]\ndate = 2025-01-02\nactivity = "a"\nnotes = "\\u202Eevil\\u0000\\n"\n'
    with pytest.raises(UsageError):
        render_entry({"bogus": 1})


# ----------------------------------------------------------------- void


VOID_OLD = SAMPLE + (
    "\n[[entries]]\n"
    'id = "b2"\n'
    "date = 2025-11-01\n"
    'activity = "live-webinar"   # webinar\n'
    "hours = 1\n"
    "# about the next one\n"
    "\n"
    "[[entries]]\n"
    'id = "c3"\n'
    "date = 2026-06-01\n"
    'activity = "cpsel-rating"\n'
    "\n"
    "[entries.ratings]\n"
    '1 = "meets"\n'
)


def test_void_inserts_one_line_after_the_last_key(write_ledger) -> None:
    path = write_ledger(VOID_OLD)
    e = void_entry(path, "b2", "entered twice")
    assert e.void == "entered twice" and e.id == "b2" and e.is_void
    assert path.read_text() == VOID_OLD.replace(
        'hours = 1\n# about', 'hours = 1\nvoid = "entered twice"\n# about')


def test_void_before_a_sub_table(write_ledger) -> None:
    path = write_ledger(VOID_OLD)
    void_entry(path, "c3", "wrong year")
    assert path.read_text() == VOID_OLD.replace(
        'activity = "cpsel-rating"\n', 'activity = "cpsel-rating"\nvoid = "wrong year"\n')
    assert load_member(path).entry("c3").ratings == (("1", "meets"),)


def test_void_first_entry_and_last_entry_without_final_newline(write_ledger) -> None:
    old = SAMPLE.rstrip("\n")
    path = write_ledger(old)
    void_entry(path, "7f3a2c", 'said "no"')
    assert path.read_text() == old + '\nvoid = "said \\"no\\""'
    assert load_member(path).entries[0].void == 'said "no"'


def test_void_in_a_crlf_file(write_ledger) -> None:
    old = VOID_OLD.replace("\n", "\r\n")
    path = write_ledger(old)
    void_entry(path, "7f3a2c", "x")
    assert path.read_bytes() == old.replace(
        'Conference 2025"\r\n', 'Conference 2025"\r\nvoid = "x"\r\n').encode()


@pytest.mark.parametrize(
    ("entry_id", "message"),
    [("zzz", "no entry 'zzz'.*cep log jdoe"), ("7f3a2c", "already void")],
)
def test_void_refusals(write_ledger, entry_id: str, message: str) -> None:
    old = SAMPLE.replace('title = "Fall', 'void = "dup"\ntitle = "Fall')
    path = write_ledger(old)
    with pytest.raises(UsageError, match=message):
        void_entry(path, entry_id, "r")
    assert path.read_text() == old


def test_void_refuses_an_ambiguous_id_and_an_empty_reason(write_ledger) -> None:
    old = SAMPLE + SAMPLE[SAMPLE.index("\n[[entries]]"):]
    path = write_ledger(old)
    with pytest.raises(UsageError, match="used 2 times"):
        void_entry(path, "7f3a2c", "r")
    with pytest.raises(UsageError, match="reason"):
        void_entry(path, "7f3a2c", "  ")
    assert path.read_text() == old


def test_void_with_a_header_lookalike_in_a_string(write_ledger) -> None:
    old = SAMPLE + 'notes = """\n[[entries]]\n"""\n'
    path = write_ledger(old)
    void_entry(path, "7f3a2c", "r")
    assert path.read_text() == old + 'void = "r"\n'


# ----------------------------------------------------------------- enrol


def test_enrol_goes_before_the_first_entry_and_its_comment(write_ledger) -> None:
    old = SAMPLE.replace("\n[[entries]]", "\n# entries below\n[[entries]]")
    path = write_ledger(old)
    m = add_enrolment(path, "casc-butte", date(2024, 9, 3), date(2024, 7, 1))
    assert path.read_text() == old.replace(
        "\n# entries below", "\n[programs.casc-butte]\nsince = 2024-09-03\nemployed_since = 2024-07-01\n\n# entries below")
    assert m.enrolment("casc-butte").source.line == 10 and len(m.entries) == 1


def test_enrol_without_entries_appends(write_ledger) -> None:
    old = SAMPLE.split("\n[[entries]]")[0].rstrip("\n")  # ends in a comment, no final newline
    path = write_ledger(old)
    add_enrolment(path, "casc-lead", date(2025, 9, 1))
    assert path.read_text() == old + "\n\n[programs.casc-lead]\nsince = 2025-09-01\n"


def test_enrol_crlf(write_ledger) -> None:
    old = SAMPLE.replace("\n", "\r\n")
    path = write_ledger(old)
    add_enrolment(path, "x", date(2025, 9, 1))
    assert path.read_bytes() == old.replace("\r\n[[entries]]", "\r\n[programs.x]\r\nsince = 2025-09-01\r\n\r\n[[entries]]").encode()


def test_enrol_refusals(write_ledger) -> None:
    path = write_ledger(SAMPLE)
    with pytest.raises(UsageError, match="already enrolled in cass-cep since 2021-09-01"):
        add_enrolment(path, "cass-cep", date(2024, 1, 1))
    with pytest.raises(UsageError, match="program id"):
        add_enrolment(path, "a b]", date(2024, 1, 1))
    assert path.read_text() == SAMPLE


# ----------------------------------------------------------------- create


def test_create_writes_the_canonical_file(ledgers: Path) -> None:
    path = ledger_path(ledgers, "jdoe")
    m = create_member(path, "jdoe", "Jane \"JD\" Doe", "casc-butte", date(2024, 9, 3), date(2024, 7, 1))
    assert path.read_text() == (
        'schema = 1\n\n[member]\nid = "jdoe"\nname = "Jane \\"JD\\" Doe"\n\n'
        "[programs.casc-butte]\nsince = 2024-09-03\nemployed_since = 2024-07-01\n"
    )
    assert m.name == 'Jane "JD" Doe' and m.enrolments[0].source.line == 7
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644 & ~umask
    assert os.stat(path).st_nlink == 1
    assert parse_member(path.read_bytes(), str(path)) == m


def test_create_refuses_an_existing_member(write_ledger, ledgers: Path) -> None:
    path = write_ledger(SAMPLE)
    with pytest.raises(UsageError, match="already exists.*cep member enrol"):
        create_member(path, "jdoe", "J", "cass-cep", date(2024, 1, 1))
    assert path.read_text() == SAMPLE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("other", "J", "cass-cep", date(2024, 1, 1)), "does not match"),
        (("jdoe", " ", "cass-cep", date(2024, 1, 1)), "name is empty"),
        (("jdoe", "J", "", date(2024, 1, 1)), "program id"),
        (("jdoe", "J", "p", "2024-01-01"), "without quotes"),
    ],
)
def test_create_refusals(ledgers: Path, args: tuple, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        create_member(ledgers / "jdoe.toml", *args)
    assert os.listdir(ledgers) in ([], [".cepledger"])


def test_create_in_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cep init"):
        create_member(tmp_path / "nope" / "jdoe.toml", "jdoe", "J", "p", date(2024, 1, 1))


def test_create_then_append_then_void_round_trip(ledgers: Path) -> None:
    path = ledger_path(ledgers, "amy")
    create_member(path, "amy", "Amy", "cass-cep", date(2021, 9, 1))
    (e,) = append_entries(path, [{"date": date(2025, 10, 3), "activity": "x", "hours": Decimal("0.1")}])
    void_entry(path, e.id, "oops")
    m = load_member(path)
    assert m.entries[0].void == "oops" and m.entries[0].hours == Decimal("0.1")
