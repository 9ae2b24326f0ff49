"""Reading ledgers: line numbers, exact amounts, every schema problem, hostile files."""

from __future__ import annotations

import os
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cepledger.model.errors import DataError, UsageError
from cepledger.ledger.files import ledger_path, member_files
from cepledger.ledger.load import inspect_file, inspect_member, load_member, parse_member
from conftest import SAMPLE, run_python

HEAD = """\
schema = 1

[member]
id = "jdoe"
name = "Jane Doe"

[programs.cass-cep]
since = 2021-09-01
"""


def problems_of(text: str | bytes, path: str = "led/jdoe.toml") -> list:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(DataError) as exc:
        parse_member(data, path)
    return exc.value.problems


def one_problem(text: str | bytes) -> tuple[str, int, str]:
    probs = problems_of(text)
    assert len(probs) == 1, probs
    p = probs[0]
    return p.code, p.line, p.message


# ----------------------------------------------------------------- happy path


def test_sample_parses_with_sources(write_ledger) -> None:
    path = write_ledger(SAMPLE)
    m = load_member(path)
    assert (m.id, m.name, m.path, m.schema) == ("jdoe", "Jane Doe", str(path), 1)
    (enr,) = m.enrolments
    assert (enr.program, enr.since, enr.source.line, enr.employed_since) == ("cass-cep", date(2021, 9, 1), 7, None)
    (e,) = m.entries
    assert e.index == 0 and e.id == "7f3a2c" and e.date == date(2025, 10, 3)
    assert e.activity == "cass-conference" and e.hours == Decimal(12) and type(e.hours) is Decimal
    assert e.title == "Fall Conference 2025" and e.source.line == 10 and e.source.path == str(path)


def test_entry_line_numbers_follow_headers_with_spaces_and_comments() -> None:
    text = HEAD + (
        "\n# first\n[[entries]]\ndate = 2025-01-01\nactivity = \"a\"\n"   # header on line 11
        "\n  [[ entries ]]   # indented, spaced, commented\ndate = 2025-01-02\nactivity = \"b\"\n"  # 15
        "notes = '''\n[[entries]] inside a literal string is not a header\n'''\n"  # would confuse a naive count
        "\n[[entries]]\ndate = 2025-01-03\nactivity = \"c\"\n"
    )
    # The look-alike header inside the multi-line string makes the fast regex
    # count 4 headers for 3 entries; the string-aware fallback still gets them right.
    m = parse_member(text.encode(), "jdoe.toml")
    assert [e.activity for e in m.entries] == ["a", "b", "c"]
    assert [e.source.line for e in m.entries] == [11, 15, 22]
    assert [e.index for e in m.entries] == [0, 1, 2]


@pytest.mark.parametrize(
    "trap",
    [
        'notes = """\n[[entries]]\n"""',
        'notes = """a \\""" \n[[entries]]\n"""',  # escaped quote does not close the string
        "notes = \'\'\'x\n[[entries]]\n\'\'\'\'\'",  # closes with extra quotes
        'notes = "x#y" # """\n',  # delimiters after a comment start nothing
    ],
)
def test_header_lookalikes_inside_strings_never_confuse_lines(trap: str) -> None:
    text = HEAD + "\n[[entries]]\ndate = 2025-01-01\nactivity = \"a\"\n" + trap + "\n\n[[entries]]\ndate = 2025-01-02\nactivity = \"b\"\n"
    m = parse_member(text.encode(), "jdoe.toml")
    lines = text.split("\n")
    last = len(lines) - lines[::-1].index("[[entries]]")  # 1-based line of the real last header
    assert [e.source.line for e in m.entries] == [10, last]


def test_decimal_amounts_are_exact() -> None:
    text = HEAD + "".join(
        f"\n[[entries]]\ndate = 2025-10-0{i + 1}\nactivity = \"x\"\nhours = {h}\n" for i, h in enumerate(["0.1", "0.2"])
    )
    m = parse_member(text.encode(), "jdoe.toml")
    assert sum(e.hours for e in m.entries) == Decimal("0.3")
    assert all(type(e.hours) is Decimal for e in m.entries)


def test_all_entry_fields_and_unknown_keys() -> None:
    text = HEAD + """
[[entries]]
id = "a1"
date = 2026-06-01
activity = "cpsel-rating"
course = 4
title = "T"
item = "k"
cpsel = ["2a", 5]
ratings = { 1 = "meets", 2 = "exemplifies" }
evidence = "certs/x.pdf"
evidence_sha256 = "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
notes = "n"
verified = true
void = "entered twice"
colour = "blue"

[[entries]]
date = 2026-06-02
activity = "cep-course"
course = "leading-learning"
"""
    m = parse_member(text.encode(), "jdoe.toml")
    a, b = m.entries
    assert a.course == 4 and a.cpsel == ("2A", "5") and a.ratings == (("1", "meets"), ("2", "exemplifies"))
    assert a.ratings_map == {"1": "meets", "2": "exemplifies"}
    assert a.evidence_sha256 == "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
    assert a.verified is True and a.is_void and a.void == "entered twice" and a.extra == ("colour",)
    assert b.course == "leading-learning" and b.id is None and not b.is_void


def test_unknown_member_and_program_keys_go_to_extra() -> None:
    text = HEAD.replace('name = "Jane Doe"', 'name = "Jane Doe"\nemail = "j@x"')
    text = text.replace("since = 2021-09-01\n", "since = 2021-09-01\nregion = \"north\"\n")
    m = parse_member(text.encode(), "jdoe.toml")
    assert set(m.extra) == {"member.email", "programs.cass-cep.region"}


def test_employed_since_and_second_program() -> None:
    text = HEAD + "\n[programs.\"casc-butte\"]\nsince = 2024-09-03\nemployed_since = 2024-07-01\n"
    m = parse_member(text.encode(), "jdoe.toml")
    enr = m.enrolment("casc-butte")
    assert enr is not None and enr.employed_since == date(2024, 7, 1) and enr.source.line == 10


def test_no_entries_and_no_programs_is_valid() -> None:
    m = parse_member(b'schema = 1\n[member]\nid = "jdoe"\nname = "J"\n', "jdoe.toml")
    assert m.entries == () and m.enrolments == ()


def test_inline_entries_array_parses() -> None:
    text = HEAD.replace("[member]", 'entries = [\n  { date = 2025-01-01, activity = "a", hours = 1.5 },\n'
                                    '  { date = 2025-01-02, activity = "b" },\n]\n\n[member]')
    m = parse_member(text.encode(), "jdoe.toml")
    assert [(e.activity, e.hours) for e in m.entries] == [("a", Decimal("1.5")), ("b", None)]
    assert [e.source.line for e in m.entries] == [3, 3]  # the line of the `entries` key


# ----------------------------------------------------------------- encodings


def test_utf8_bom_is_accepted() -> None:
    m = parse_member(b"\xef\xbb\xbf" + SAMPLE.encode(), "jdoe.toml")
    assert m.entries[0].source.line == 10


def test_latin1_is_refused_with_its_line() -> None:
    data = SAMPLE.replace("Jane Doe", "Ren\u00e9e").encode("latin-1")
    code, line, msg = one_problem(data)
    assert (code, line) == ("not-utf8", 5)
    assert msg == "the file is not valid UTF-8 (line 5); save it as UTF-8."
    assert str(problems_of(data)[0]).startswith("led/jdoe.toml:5: ")


def test_crlf_files_parse_with_the_same_lines() -> None:
    m = parse_member(SAMPLE.replace("\n", "\r\n").encode(), "jdoe.toml")
    assert m.entries[0].source.line == 10 and m.enrolments[0].source.line == 7


def test_unicode_titles() -> None:
    m = parse_member(SAMPLE.replace("Fall Conference 2025", "Conférence d'automne 🍁").encode(), "jdoe.toml")
    assert m.entries[0].title == "Conférence d'automne 🍁"


# ----------------------------------------------------------------- schema problems

ENTRY = '\n[[entries]]\ndate = 2025-10-03\nactivity = "x"\n'  # header on line 10

# (replace this, with that, expected code, expected line, text in the message)
SCHEMA_CASES = [
    ("schema = 1\n", "", "schema-version", 1, "add schema = 1"),
    ("schema = 1\n", "schema = 2\n", "schema-version", 1, "schema = 2 is not supported"),
    ("schema = 1\n", "schema = true\n", "schema-version", 1, "reads schema = 1"),
    ("schema = 1\n", 'schema = "1"\n', "schema-version", 1, "not supported"),
    ('id = "jdoe"\n', 'id = "jane"\n', "member-id-mismatch", 4, "does not match the file name 'jdoe.toml'"),
    ('id = "jdoe"\n', "id = 7\n", "bad-type", 4, "member id must be text"),
    ('id = "jdoe"\n', "", "missing-key", 3, "[member] has no id"),
    ('name = "Jane Doe"\n', "", "missing-key", 3, "[member] has no name"),
    ('name = "Jane Doe"\n', 'name = ""\n', "bad-type", 5, "non-empty"),
    ('[member]\nid = "jdoe"\nname = "Jane Doe"\n', "", "missing-key", 1, "no [member] table"),
    ("since = 2021-09-01\n", 'since = "2021-09-01"\n', "bad-date", 8, "without quotes: since = 2021-09-01"),
    ("since = 2021-09-01\n", "since = 2021-09-01T10:00:00\n", "bad-date", 8, "not a date and time"),
    ("since = 2021-09-01\n", "", "missing-key", 7, "programs.cass-cep has no since date"),
    ("since = 2021-09-01\n", "since = 2021-09-01\nemployed_since = 7\n", "bad-date", 9, "employed_since must be a date"),
    ("date = 2025-10-03\n", 'date = "2025-10-03"\n', "bad-date", 11, "write the date without quotes: date = 2025-10-03"),
    ("date = 2025-10-03\n", "date = 2025-10-03 08:00:00\n", "bad-date", 11, "not a date and time"),
    ("date = 2025-10-03\n", "date = 10:00:00\n", "bad-date", 11, "not a time"),
    ("date = 2025-10-03\n", "", "missing-key", 10, "the entry has no date"),
    ('activity = "x"\n', "", "missing-key", 10, "the entry has no activity"),
    ('activity = "x"\n', 'activity = ""\n', "bad-type", 12, "activity must be the activity's name"),
    ('activity = "x"\n', "activity = 3\n", "bad-type", 12, "activity must be"),
    ('activity = "x"\n', 'activity = "x"\nhours = -1\n', "bad-amount", 13, "hours -1 is negative"),
    ('activity = "x"\n', 'activity = "x"\nhours = 1000.5\n', "bad-amount", 13, "more than 1000"),
    ('activity = "x"\n', 'activity = "x"\nhours = inf\n', "bad-amount", 13, "not nan or inf"),
    ('activity = "x"\n', 'activity = "x"\nhours = -inf\n', "bad-amount", 13, "not nan or inf"),
    ('activity = "x"\n', 'activity = "x"\nhours = nan\n', "bad-amount", 13, "not nan or inf"),
    ('activity = "x"\n', 'activity = "x"\nhours = 1e400\n', "bad-amount", 13, "more than 1000"),
    ('activity = "x"\n', 'activity = "x"\nhours = true\n', "bad-type", 13, "not true/false"),
    ('activity = "x"\n', 'activity = "x"\nhours = "3.5"\n', "bad-type", 13, "without quotes: hours = 3.5"),
    ('activity = "x"\n', 'activity = "x"\nhours = "lots"\n', "bad-type", 13, "hours must be a number"),
    ('activity = "x"\n', 'activity = "x"\nhours = [1]\n', "bad-type", 13, "not a list"),
    ('activity = "x"\n', 'activity = "x"\ncourse = true\n', "bad-type", 13, "course must be"),
    ('activity = "x"\n', 'activity = "x"\ncourse = 1.5\n', "bad-type", 13, "course must be"),
    ('activity = "x"\n', 'activity = "x"\ncpsel = "2A"\n', "bad-type", 13, "cpsel must be a list"),
    ('activity = "x"\n', 'activity = "x"\ncpsel = [true]\n', "bad-type", 13, "cpsel must be a list"),
    ('activity = "x"\n', 'activity = "x"\nratings = { 1 = 3 }\n', "bad-type", 13, "ratings must be a table"),
    ('activity = "x"\n', 'activity = "x"\nratings = ["meets"]\n', "bad-type", 13, "ratings must be a table"),
    ('activity = "x"\n', 'activity = "x"\nverified = "yes"\n', "bad-type", 13, "true or false"),
    ('activity = "x"\n', 'activity = "x"\nvoid = true\n', "bad-type", 13, "void must be text"),
    ('activity = "x"\n', 'activity = "x"\nnotes = 5\n', "bad-type", 13, "notes must be text"),
    ('activity = "x"\n', 'activity = "x"\nid = 5\n', "bad-type", 13, "id must be text"),
    ('activity = "x"\n', 'activity = "x"\nevidence_sha256 = "abc"\n', "bad-type", 13, "SHA-256"),
]


@pytest.mark.parametrize(("old", "new", "code", "line", "text"), SCHEMA_CASES)
def test_schema_problem(old: str, new: str, code: str, line: int, text: str) -> None:
    doc = HEAD + ENTRY
    assert old in doc
    got_code, got_line, msg = one_problem(doc.replace(old, new, 1))
    assert (got_code, got_line) == (code, line), msg
    assert text in msg
    assert msg.endswith(".") and "\n" not in msg


BARE = 'schema = 1\n[member]\nid = "jdoe"\nname = "J"\n'


@pytest.mark.parametrize(
    ("root", "code", "line", "text"),
    [
        ("programs = 3", "bad-type", 2, "programs must be tables"),
        ("programs = { cass-cep = 3 }", "bad-type", 0, "programs.cass-cep must be a table"),
        ("entries = 5", "bad-type", 2, "entries must be [[entries]] tables"),
        ("entries = [5]", "bad-type", 2, "each entry must be a table"),
        ("member = 5", "bad-type", 2, "member must be a table"),
    ],
)
def test_wrong_shapes_at_the_root(root: str, code: str, line: int, text: str) -> None:
    doc = BARE.replace("schema = 1\n", f"schema = 1\n{root}\n")
    if root.startswith("member"):
        doc = f"schema = 1\n{root}\n"
    got_code, got_line, msg = one_problem(doc)
    assert (got_code, got_line) == (code, line), msg
    assert text in msg


def test_zero_hours_is_accepted_by_the_store() -> None:
    m = parse_member((HEAD + ENTRY + "hours = 0\n").encode(), "jdoe.toml")
    assert m.entries[0].hours == 0


def test_all_problems_are_reported_at_once() -> None:
    text = HEAD.replace("schema = 1", "schema = 3").replace('id = "jdoe"', 'id = "x"') + ENTRY + (
        "hours = -2\n\n[[entries]]\ndate = \"2025-01-01\"\nactivity = \"y\"\n")
    probs = problems_of(text)
    assert [(p.code, p.line) for p in probs] == [
        ("schema-version", 1), ("member-id-mismatch", 4), ("bad-amount", 13), ("bad-date", 16)]
    assert all(p.severity == "error" and p.path == "led/jdoe.toml" for p in probs)


def test_duplicate_entry_ids_still_read() -> None:
    # Not a schema problem: `cep check` warns about them (check.check_duplicates).
    text = HEAD + '\n[[entries]]\nid = "a"\ndate = 2025-01-01\nactivity = "x"\n' * 2
    m, probs = inspect_member(text.encode(), "jdoe.toml")
    assert m is not None and [e.id for e in m.entries] == ["a", "a"] and probs == []


def test_member_id_is_not_checked_against_a_non_ledger_path() -> None:
    m = parse_member(HEAD.replace('"jdoe"', '"other"').encode(), "<stdin>")
    assert m.id == "other"


# ----------------------------------------------------------------- hostile content


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        (HEAD + "x = 1\nx = 2\n", "toml-syntax", 10),  # duplicate key
        (HEAD + "[member]\nfoo = 1\n", "toml-syntax", 9),  # duplicate table
        (HEAD + "x = \n", "toml-syntax", 9),
        (HEAD + 'x = "unterminated\n', "toml-syntax", 9),
        (HEAD + 'x = "\x01"\n', "toml-syntax", 9),
        (HEAD + "x = 1" + "0" * 4999 + "\n", "bad-number", 9),
        (HEAD + "\n\nx = " + "[" * 5000 + "]" * 5000 + "\n", "too-deep", 11),
        (HEAD + "x = " + "{ a = " * 3000 + "1" + " }" * 3000 + "\n", "too-deep", 9),
    ],
    ids=["duplicate-key", "duplicate-table", "no-value", "unterminated", "control-char", "5000-digits",
         "nested-arrays", "nested-tables"],
)
def test_hostile_toml_is_a_data_error_with_a_line(text: str, code: str, line: int) -> None:
    got_code, got_line, msg = one_problem(text)
    assert (got_code, got_line) == (code, line), msg
    assert "(at line" not in msg  # the position is in path:line, not repeated


def test_parser_message_is_plain() -> None:
    _, _, msg = one_problem(HEAD + "x = 1\nx = 2\n")
    assert msg.startswith("invalid TOML: ") and "defined twice" in msg


# ----------------------------------------------------------------- file refusal


def test_missing_member_names_known_members_and_how_to_add(ledgers: Path, write_ledger) -> None:
    write_ledger(SAMPLE)
    write_ledger(SAMPLE.replace('"jdoe"', '"asmith"'), member="asmith")
    with pytest.raises(UsageError) as exc:
        load_member(ledger_path(ledgers, "zed"))
    msg = str(exc.value)
    assert "no member 'zed'" in msg and "known members: asmith, jdoe" in msg and "cep member add zed" in msg


def test_missing_member_in_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        load_member(tmp_path / "nope" / "x.toml")


def test_symlink_is_refused(ledgers: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.toml"
    target.write_text(SAMPLE)
    (ledgers / "jdoe.toml").symlink_to(target)
    with pytest.raises(DataError) as exc:
        load_member(ledgers / "jdoe.toml")
    assert exc.value.problems[0].code == "symlink" and "symbolic link" in str(exc.value)
    with pytest.raises(DataError, match="outside the ledgers folder"):
        ledger_path(ledgers, "jdoe")


def test_fifo_is_refused_without_hanging(ledgers: Path) -> None:
    os.mkfifo(ledgers / "jdoe.toml")
    t = time.monotonic()
    with pytest.raises(DataError, match="named pipe"):
        load_member(ledgers / "jdoe.toml")
    assert time.monotonic() - t < 2


def test_device_and_directory_are_refused(ledgers: Path) -> None:
    (ledgers / "jdoe.toml").mkdir()
    with pytest.raises(DataError, match="is a folder"):
        load_member(ledgers / "jdoe.toml")
    with pytest.raises(DataError, match="a device"):
        load_member(Path("/dev/null"))


def test_hard_link_is_refused(ledgers: Path, write_ledger, tmp_path: Path) -> None:
    p = write_ledger(SAMPLE)
    os.link(p, tmp_path / "copy.toml")
    with pytest.raises(DataError) as exc:
        load_member(p)
    assert exc.value.problems[0].code == "hard-link" and "2 hard links" in str(exc.value)


def test_a_new_member_file_still_linked_to_its_own_temp_name_is_read(ledgers: Path, write_ledger) -> None:
    """`member add` links the new file into place, then removes its temp name; killed in
    between, the ledger has two names, the other one cepledger's own temp file: it reads."""
    p = write_ledger(SAMPLE)
    twin = p.parent / f".{p.name}.k3x9q2.tmp"
    os.link(p, twin)
    assert load_member(p).id == p.stem
    os.link(p, p.parent / f".{p.name}.second.tmp")  # three names: not just the writer's own leftover
    with pytest.raises(DataError, match="3 hard links"):
        load_member(p)


def test_huge_file_is_refused_quickly(ledgers: Path) -> None:
    p = ledgers / "jdoe.toml"
    with open(p, "wb") as f:
        f.truncate(64 * 1024 * 1024 + 1)  # sparse: no real disk use
    t = time.monotonic()
    with pytest.raises(DataError, match="larger than the 64 MiB"):
        load_member(p)
    assert time.monotonic() - t < 1


def test_inspect_file_returns_problems_instead_of_raising(write_ledger) -> None:
    p = write_ledger(SAMPLE.replace("schema = 1", "schema = 9"))
    m, probs = inspect_file(p)
    assert m is None and [x.code for x in probs] == ["schema-version"]


# ----------------------------------------------------------------- paths and listing


def test_ledger_path_validates_and_stays_inside(ledgers: Path) -> None:
    assert ledger_path(ledgers, "jdoe") == ledgers / "jdoe.toml"
    for bad in ("..", "../x", "a/b", "CON", "con", "\uff4adoe"):
        with pytest.raises(UsageError):
            ledger_path(ledgers, bad)


def test_member_files_lists_valid_ledgers_only(ledgers: Path, write_ledger) -> None:
    for name in ("b", "a", "c-1"):
        write_ledger(SAMPLE, member=name)
    (ledgers / "programs").mkdir()
    (ledgers / "programs" / "x.toml").write_text("")
    for odd in ("README.md", "Upper.toml", ".jdoe.toml.abc.tmp", "con.toml", "x.toml.bak", ".hidden.toml"):
        (ledgers / odd).write_text("")
    assert [p.name for p in member_files(ledgers)] == ["a.toml", "b.toml", "c-1.toml"]


def test_member_files_on_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cep init"):
        member_files(tmp_path / "missing")


# ----------------------------------------------------------------- speed


def test_ten_thousand_entries_parse_fast() -> None:
    body = "".join(
        f'\n[[entries]]\nid = "{i:06x}"\ndate = 2025-10-{i % 28 + 1:02d}\nactivity = "cass-conference"\n'
        f'hours = {i % 7}.5\ntitle = "Conference {i}"\n'
        for i in range(10_000)
    )
    data = (HEAD + body).encode()
    t = time.perf_counter()
    m = parse_member(data, "jdoe.toml")
    elapsed = time.perf_counter() - t
    assert len(m.entries) == 10_000 and m.entries[-1].source.line == 10 + 7 * 9_999
    assert elapsed < 5.0, elapsed  # ~0.4 s on a quiet machine; tomli itself is most of it


def test_read_path_imports_neither_tomlkit_nor_filelock(write_ledger) -> None:
    p = write_ledger(SAMPLE)
    r = run_python(
        "import sys\nfrom cepledger.ledger.load import load_member\n"
        f"load_member({str(p)!r})\n"
        "print(sorted(m for m in ('tomlkit', 'filelock') if m in sys.modules))"
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
