"""``fastread``: the reader for the usual layout gives exactly the TOML parser's document, or None.

The property tests build ledger texts line by line from pieces that are valid,
invalid, or merely unusual TOML, and check the contract: whenever ``fastread`` returns
a document it equals what tomli reads (floats as Decimal), with every entry's header
line; whenever tomli refuses the text, ``fastread`` returns None (so the usual parser
runs and reports the problem in its own words).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cepledger.ledger import fastread
from cepledger.ledger.load import parse_member

try:
    import tomli as toml
except ImportError:  # pragma: no cover
    import tomllib as toml  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parent.parent


def toml_loads(text: str) -> dict:
    return toml.loads(text, parse_float=Decimal)


def reference(text: str) -> dict | None:
    try:
        return toml_loads(text)
    except Exception:  # noqa: BLE001 - any refusal (TOMLDecodeError, ValueError on huge ints...)
        return None


def same(a: object, b: object) -> bool:
    """Equal, down to types, key order and Decimal exponents (and NaN equal to NaN)."""
    return repr(a) == repr(b)


def header_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.split("\n"), 1) if line == fastread.HEADER]


HEAD = 'schema = 1\n\n[member]\nid = "m"\nname = "M"\n\n[programs.cass-cep]\nsince = 2020-09-01\n'


def test_usual_ledger_reads_exactly_as_tomli() -> None:
    text = HEAD + (
        '\n[[entries]]\nid = "a1"\ndate = 2025-10-03\nactivity = "live-webinar"\nhours = 1.50\n'
        'title = "Webinar: data, equity & «leadership»\tnotes"\nitem = "w-1"\nverified = true\n'
        '\n# a comment between entries\n[[entries]]\ndate = 2025-11-01\nactivity = "cep-course"\ncourse = 3\n'
        '  notes = "indented key"\ncpsel = ["1", "2A"]\nratings = { 1 = "proficient" }\n'
        'title = "He said \\"hi\\""\nhours = 2.5 # trailing comment\n'
    )
    found = fastread.loads(text, toml_loads)
    assert found is not None
    doc, lines = found
    assert same(doc, toml_loads(text))
    assert lines == [10, 20] == header_lines(text)
    assert doc["entries"][0]["hours"] == Decimal("1.50") and str(doc["entries"][0]["hours"]) == "1.50"
    assert doc["entries"][0]["date"] == date(2025, 10, 3)


@pytest.mark.parametrize("path", sorted((REPO / "ledgers").glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_examples_read_exactly_as_tomli(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = fastread.loads(text, toml_loads)
    assert found is not None, "the shipped examples are in the usual layout"
    assert same(found[0], toml_loads(text))
    assert found[1] == header_lines(text)


@pytest.mark.parametrize("tail", [
    'date = 2025-02-30\n',             # no such day
    'hours = 01\n',                    # leading zero
    'hours = 1.\n',                    # no digits after the point
    'title = "a\n',                    # unterminated
    'title = "a" "b"\n',               # two values
    'date = 2025-10-03\ndate = 2025-10-04\n',  # key twice
    'title = """\nx\n"""\n',           # multi-line string
    'a.b = 1\n',                       # dotted key
    '"q" = 1\n',                       # quoted key
    'hours =1\n',                      # unusual spacing
    'title = "bell\x07"\n',            # control character
    'title = "x"\r\n',                 # CRLF
    '[member]\nx = 1\n',               # another table after the entries
    '[[ entries ]]\n',                 # spaced header
    'n = ' + '9' * 5000 + '\n',        # more digits than int() takes
])
def test_unusual_or_invalid_lines_give_none_or_the_same_document(tail: str) -> None:
    text = HEAD + "\n[[entries]]\ndate = 2025-10-03\nactivity = \"x\"\n" + tail
    found = fastread.loads(text, toml_loads)
    expected = reference(text)
    if found is not None:
        assert expected is not None and same(found[0], expected)
    else:
        # None is always allowed; for invalid TOML it is required (checked by the property test too)
        pass
    if expected is None:
        assert found is None


def test_head_that_defines_entries_gives_none() -> None:
    text = 'schema = 1\nentries = []\n[[entries]]\ndate = 2025-10-03\n'
    assert fastread.loads(text, toml_loads) is None


def test_header_inside_a_multiline_string_of_the_head_gives_none() -> None:
    text = 'schema = 1\n[member]\nnotes = """\n[[entries]]\ndate = 2025-10-03\n"""\nid = "m"\n'
    assert reference(text) is not None
    assert fastread.loads(text, toml_loads) is None


def test_no_entries_gives_none() -> None:
    assert fastread.loads(HEAD, toml_loads) is None


def test_parse_member_gives_the_same_member_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    path = REPO / "ledgers" / "dana-reyes.toml"
    data = path.read_bytes()
    fast = parse_member(data, str(path))
    monkeypatch.setattr(fastread, "loads", lambda text, loads: None)
    slow = parse_member(data, str(path))
    assert fast == slow
    assert [e.source.line for e in fast.entries] == [e.source.line for e in slow.entries]


# ---------------------------------------------------------------- property: never a different answer

KEYS = st.sampled_from(["date", "activity", "hours", "title", "item", "course", "id", "cpsel", "notes",
                        "verified", "x-1", "A_b"])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
VALUES = st.one_of(
    TEXT.map(lambda s: '"' + s.replace("\\", "").replace('"', "").replace("\n", "") + '"'),
    TEXT.map(lambda s: '"' + s + '"'),  # may hold quotes, backslashes, newlines, controls
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10**6, max_value=10**6).map(str),
    st.dates().map(date.isoformat),
    st.sampled_from(["true", "false", "True", "0", "00", "01", "1.", ".5", "1e3", "1_000", "+1", "-0",
                     "2025-13-01", "2025-02-29", "2024-02-29", "2025-10-03T10:00:00", "10:00:00",
                     '["1", "2A"]', "[1, 2]", "[]", "[ ]", '["a", 1]', '["a",]', '["a, b"]', '["a",  "b"]',
                     '["a" , "b"]', "[01]", '[""]', '["\\"]', "[[1]]", '["x"', "[1, 2] # c", "{ 1 = \"proficient\" }", "'literal'", '"a" # c', "nan",
                     "inf", '"\\u00e9"', '"\\x41"', '"""x"""', "", " 1", "1 ", "\t2"]),
)
LINE = st.one_of(
    st.tuples(KEYS, VALUES).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    st.tuples(KEYS, VALUES).map(lambda kv: f"  {kv[0]} = {kv[1]}"),
    st.just(fastread.HEADER),
    st.sampled_from(["", "# note", "#\x01", "  ", "\t# x", "[member]", "[[entries]] # c", " [[entries]]",
                     "[entries]", "key=1", "k =  1", "=", "k = ", "\r"]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, max_size=25), st.booleans())
def test_fastread_never_disagrees_with_tomli(lines: list[str], final_newline: bool) -> None:
    text = HEAD + "\n" + fastread.HEADER + "\n" + "\n".join(lines) + ("\n" if final_newline else "")
    expected = reference(text)
    found = fastread.loads(text, toml_loads)
    if expected is None:
        assert found is None
    elif found is not None:
        assert same(found[0], expected)
        assert found[1] == header_lines(text)


def test_plain_values_and_arrays_need_no_general_parser() -> None:
    calls: list[str] = []

    def counting(text: str) -> dict:
        calls.append(text)
        return toml_loads(text)

    text = HEAD + '\n[[entries]]\ndate = 2025-10-03\nactivity = "coaching"\nhours = 1.5\ncpsel = ["1", "2A", 5]\n' \
        'verified = false\n\n[[entries]]\ndate = 2025-10-04\nactivity = "x"\ncpsel = []\n'
    found = fastread.loads(text, counting)
    assert found is not None and same(found[0], toml_loads(text))
    assert calls == [text[:text.index(fastread.HEADER)]]  # the head only
