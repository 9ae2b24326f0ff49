"""The branches of the ledger reader and writer that the behaviour tests do not reach
(branch coverage gate, docs/testing.md): each is a real case, asserted exactly."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cepledger.ledger import edit, parse
from cepledger.ledger.load import parse_member
from cepledger.ledger.parse import Layout, parse_toml
from cepledger.ledger.schema import type_name
from cepledger.model.errors import DataError, UsageError


def test_nan_and_odd_values_cannot_be_written() -> None:
    with pytest.raises(UsageError, match="not nan or inf"):
        edit._number(Decimal("NaN"))
    with pytest.raises(UsageError, match="cannot write a value of type object"):
        edit._item(object())


def test_tuples_become_the_lists_and_tables_toml_reads_back() -> None:
    out = edit.normalise_entry({"date": date(2026, 6, 1), "activity": "x", "cpsel": ("1", "2A")})
    assert out["cpsel"] == ["1", "2A"]
    out = edit.normalise_entry({"date": date(2026, 6, 1), "activity": "x",
                                "ratings": [("1", "meets"), ("2", "exemplifies")]})
    assert out["ratings"] == {"1": "meets", "2": "exemplifies"}
    with pytest.raises(UsageError):  # a rating that is not text is checked, then refused by the schema
        edit.normalise_entry({"date": date(2026, 6, 1), "activity": "x", "ratings": {"1": 3}})


def test_a_random_id_already_taken_is_drawn_again(monkeypatch) -> None:
    drawn = iter(["a00001", "a00001", "b00002"])
    monkeypatch.setattr(edit.secrets, "token_hex", lambda n: next(drawn))
    (entry,) = edit.with_ids([{"date": date(2026, 1, 1), "activity": "x"}], {"a00001"}, Path("j.toml"))
    assert entry["id"] == "b00002"


def test_padding_an_empty_file_adds_nothing() -> None:
    assert edit.padded(b"", b"\n") == b""
    assert edit.padded(b"a = 1", b"\r\n") == b"a = 1\r\n\r\n"


def test_a_table_with_only_comments_has_no_line_to_insert_after() -> None:
    old = b"[[entries]]\n# nothing yet\n\n"
    assert edit.insert_line(old, 1, 4, 'void = "x"') is None
    assert edit.insert_line(b'[[entries]]\nid = "a"\n# after\n', 1, 4, 'void = "x"') == \
        b'[[entries]]\nid = "a"\nvoid = "x"\n# after\n'


def test_the_parser_is_tomllib_when_tomli_is_too_new(monkeypatch) -> None:
    monkeypatch.setattr(parse, "choose_parser", lambda version, python: "tomllib")
    import tomllib

    assert parse._load_parser() is tomllib
    monkeypatch.setattr(parse, "choose_parser", lambda version, python: "tomli")
    assert parse._load_parser().__name__ == "tomli"


def test_a_syntax_error_without_a_line_number_takes_it_from_the_message_or_the_end() -> None:
    p = parse._syntax_problem(ValueError("Invalid value (at line 3, column 5)"), "a\nb\nc\nd\n", "f.toml")
    assert (p.line, p.message) == (3, "invalid TOML: Invalid value.")
    p = parse._syntax_problem(ValueError("Cannot overwrite a value"), "a\nb\n", "f.toml")
    assert p.line == 3 and p.message.endswith("(a key or table is defined twice; keep one of them).")


def test_nesting_depth_under_the_limit_has_no_line() -> None:
    assert parse._deep_line("a = [[1], {b = 2}]\n") == 0
    assert parse._deep_line("a = " + "[" * 101 + "\n") == 1


def test_layout_lines_for_odd_documents() -> None:
    assert Layout("programs = 1\n", {"programs": 1}).program_lines() == {}
    text = 'a = 1\n[member]\nid = "x"\n'
    lay = Layout(text, parse_toml(text.encode(), "x.toml")[1])
    assert lay.key("a") == 1  # found before the first header
    assert lay.key("zz") == 0  # the root table ends at [member]: not found
    assert lay.key("zz", 2) == 2  # nor in [member], which runs to the end
    text = ('[programs]\n[programs.cass-cep.extra]\nx = 1\n[programs.cass-cep]\nsince = 2021-09-01\n'
            '[[entries]]\nid = "a"\n')
    doc = parse_toml(text.encode(), "x.toml")[1]
    assert Layout(text, doc).program_lines() == {"cass-cep": 4}


def test_type_names_of_values_toml_cannot_hold() -> None:
    assert type_name(object()) == "object"
    assert type_name(Decimal(1)) == "a number"


def test_an_invalid_member_id_in_a_file_not_named_like_a_ledger() -> None:
    with pytest.raises(DataError) as info:
        parse_member(b'schema = 1\n[member]\nid = "Bad Id"\nname = "X"\n', "notes.txt")
    assert any(p.code == "bad-id" for p in info.value.problems)


def test_new_ids_skip_taken_ones_and_line_references_name_the_line(monkeypatch) -> None:
    drawn = iter(["a00001", "c00003"])
    monkeypatch.setattr(edit.secrets, "token_hex", lambda n: next(drawn))
    taken = {"a00001"}
    assert edit.new_id(taken) == "c00003" and taken == {"a00001", "c00003"}
    member = parse_member(b'schema = 1\n[member]\nid = "jdoe"\nname = "J"\n[programs.cass-cep]\n'
                          b'since = 2021-09-01\n', "jdoe.toml")
    with pytest.raises(UsageError, match="no \\[\\[entries\\]\\] table starts on line 999 of jdoe.toml"):
        edit.entry_to_void(member, "L999", Path("jdoe.toml"))


def test_a_line_inserted_after_a_last_line_without_a_final_newline() -> None:
    assert edit.insert_after_line(b"a = 1\r\nb = 2", 2, "c = 3") == b"a = 1\r\nb = 2\r\nc = 3"
