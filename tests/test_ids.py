"""Member ids: the only user text that becomes part of a file name."""

from __future__ import annotations

import pytest

from cepledger.model.errors import UsageError
from cepledger.model.ids import is_valid_member_id, validate_member_id

VALID = ["jdoe", "j", "0", "a-b", "a_b", "j-doe-2", "x" * 64, "9lives", "com0", "com10", "lpt", "conx", "nul1"]

INVALID = [
    ("", "empty"),
    ("..", "not valid"),
    (".", "not valid"),
    ("a/b", "not valid"),
    ("../etc", "not valid"),
    ("a\\b", "not valid"),
    ("/abs", "not valid"),
    ("A", "upper-case"),
    ("JDoe", "upper-case"),
    ("con", "reserved"),
    ("prn", "reserved"),
    ("aux", "reserved"),
    ("nul", "reserved"),
    ("com1", "reserved"),
    ("com9", "reserved"),
    ("lpt1", "reserved"),
    ("lpt9", "reserved"),
    ("\x00", "not valid"),
    ("jdoe\x00", "not valid"),
    ("\uff4adoe", "look-alike"),  # fullwidth j: NFKC -> "jdoe", still refused
    ("\uff23\uff2f\uff2e", "look-alike"),  # fullwidth CON
    ("co\u0301n", "look-alike"),  # combining accent composes under NFKC
    ("\ufb01le", "look-alike"),  # the "fi" ligature
    ("com\u00b9", "look-alike"),  # superscript one
    ("-x", "not valid"),
    ("_x", "not valid"),
    ("x" * 65, "65 characters"),
    ("j doe", "not valid"),
    ("jdoe.toml", "not valid"),
    ("jdoe\n", "not valid"),
    ("j\u0430doe", "not valid"),  # Cyrillic a: NFKC-stable but outside a-z
    ("\u202ejdoe", "not valid"),  # bidi override
]


@pytest.mark.parametrize("raw", VALID)
def test_valid_ids_are_returned_unchanged(raw: str) -> None:
    assert validate_member_id(raw) == raw
    assert is_valid_member_id(raw)


@pytest.mark.parametrize(("raw", "why"), INVALID)
def test_invalid_ids_are_refused_with_a_plain_sentence(raw: str, why: str) -> None:
    with pytest.raises(UsageError) as exc:
        validate_member_id(raw)
    msg = str(exc.value)
    assert why in msg
    assert "\n" not in msg and "\x00" not in msg  # one line, nothing invisible echoed
    assert not is_valid_member_id(raw)


def test_message_says_what_a_valid_id_looks_like() -> None:
    with pytest.raises(UsageError, match="lower-case letters a-z, digits"):
        validate_member_id("a/b")


def test_upper_case_suggests_the_lower_case_id() -> None:
    with pytest.raises(UsageError, match="use 'jdoe'"):
        validate_member_id("JDOE")


def test_non_text_is_refused() -> None:
    with pytest.raises(UsageError):
        validate_member_id(None)  # type: ignore[arg-type]


def test_very_long_input_is_shortened_in_the_message() -> None:
    with pytest.raises(UsageError) as exc:
        validate_member_id("/" * 10_000)
    assert len(str(exc.value)) < 400
