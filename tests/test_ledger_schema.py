"""The one schema: unknown top-level names, ratings keys, and `check` agreeing with every reader.

A ledger holds `schema`, `[member]`, `[programs.<id>]` and `[[entries]]`, nothing else
(SPEC.md "Files"): a misspelt `[[entires]]` is an error with a did-you-mean, so its hours
can never silently vanish. `check` reads through the same reader as `status` and `log`,
so each schema problem is reported word for word the same by all of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from calc_helpers import registry
from cepledger.check import check_ledgers
from cepledger.ledger.load import inspect_file, load_member, parse_member
from cepledger.model.errors import DataError
from cli_helpers import JDOE, cep, make_ledgers, snapshot
from test_store_read import ENTRY, HEAD, SCHEMA_CASES


def problems_of(text: str, path: str = "led/jdoe.toml") -> list[tuple[str, int, str]]:
    with pytest.raises(DataError) as exc:
        parse_member(text.encode(), path)
    return [(p.code, p.line, p.message) for p in exc.value.problems]


# ----------------------------------------------------------------- unknown top-level names

TOP_LEVEL_CASES = [
    # (text added after HEAD (9 lines), code, line, message)
    ('\n[[entires]]\ndate = 2025-10-03\nactivity = "x"\nhours = 3\n', "unknown-table", 10,
     "unknown table 'entires'; did you mean 'entries'?"),
    ('\n[entry]\ndate = 2025-10-03\n', "unknown-table", 10, "unknown table 'entry'; did you mean 'entries'?"),
    ('\n[Member]\nnote = "x"\n', "unknown-table", 10, "unknown table 'Member'; did you mean 'member'?"),
    ('\n[programme.cass-cep]\nsince = 2021-09-01\n', "unknown-table", 10,
     "unknown table 'programme'; did you mean 'programs'?"),
    ('\n[[ "attachments" ]]  # quoted, spaced\nx = 1\n', "unknown-table", 10,
     "unknown table 'attachments'; a ledger holds only schema, [member], [programs.<id>] and [[entries]]; "
     "remove it or move it into one of them."),
]


@pytest.mark.parametrize(("added", "code", "line", "message"), TOP_LEVEL_CASES,
                         ids=["entires", "entry", "Member", "programme", "attachments"])
def test_an_unknown_table_is_an_error_with_a_did_you_mean(added: str, code: str, line: int, message: str) -> None:
    assert problems_of(HEAD + added) == [(code, line, message)]


@pytest.mark.parametrize(
    ("root", "message"),
    [
        ("shcema = 1", "unknown key 'shcema'; did you mean 'schema'?"),
        ('owner = "me"', "unknown key 'owner'; a ledger holds only schema, [member], [programs.<id>] and "
                         "[[entries]]; remove it or move it into one of them."),
        ("entrie.x = 1", "unknown key 'entrie'; did you mean 'entries'?"),
    ],
)
def test_an_unknown_top_level_key_is_an_error(root: str, message: str) -> None:
    text = HEAD.replace("schema = 1\n", f"schema = 1\n{root}\n")
    assert problems_of(text) == [("unknown-key", 2, message)]


def test_a_header_lookalike_in_a_string_is_not_a_table() -> None:
    text = HEAD.replace('name = "Jane Doe"', 'name = "Jane Doe"\nnote = """\n[[entires]]\n"""') + ENTRY
    m = parse_member(text.encode(), "jdoe.toml")
    assert m.extra == ("member.note",) and [e.source.line for e in m.entries] == [13]


# ----------------------------------------------------------------- ratings


@pytest.mark.parametrize("key", ['"1A"', '"2a"', "7", "0", '" 1"', '""'])
def test_ratings_are_keyed_by_standard_only(key: str) -> None:
    text = HEAD + ENTRY + f'ratings = {{ 1 = "meets", {key} = "meets" }}\n'
    ((code, line, message),) = problems_of(text)
    assert (code, line) == ("unknown-standard", 13)
    assert message.startswith("ratings are keyed by standard (1 to 6), not ") and message.endswith(".")


def test_all_six_standards_may_be_rated() -> None:
    text = HEAD + ENTRY + "ratings = { " + ", ".join(f'{i} = "meets"' for i in range(1, 7)) + " }\n"
    (e,) = parse_member(text.encode(), "jdoe.toml").entries
    assert e.ratings == tuple((str(i), "meets") for i in range(1, 7))


# ----------------------------------------------------------------- check agrees with every reader

BAD_LEDGERS = [HEAD.replace(old, new, 1) + ENTRY if old in HEAD else (HEAD + ENTRY).replace(old, new, 1)
               for old, new, *_ in SCHEMA_CASES]
BAD_LEDGERS += [HEAD + added for added, *_ in TOP_LEVEL_CASES]
BAD_LEDGERS += [HEAD + ENTRY + 'ratings = { "1A" = "meets" }\n', HEAD + "x = \n", b"\xff".decode("latin-1") + HEAD]


@pytest.mark.parametrize("text", BAD_LEDGERS)
def test_check_reports_exactly_what_the_reader_refuses(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "ledgers"
    folder.mkdir()
    path = folder / "jdoe.toml"
    path.write_bytes(text.encode("latin-1" if text.startswith("\xff") else "utf-8"))
    with pytest.raises(DataError) as exc:
        load_member(path)
    refused = [str(p) for p in exc.value.problems]
    checked = [str(p) for p in check_ledgers(folder, registry()) if p.path == str(path)]
    assert checked == refused and refused
    assert [str(p) for p in inspect_file(path)[1]] == refused


@pytest.mark.parametrize(
    ("added", "message"),
    [('\n[[entires]]\ndate = 2026-03-01\nactivity = "live-webinar"\nhours = 3\n',
      "unknown table 'entires'; did you mean 'entries'?"),
     ('\n[[entries]]\ndate = 2026-03-01\nactivity = "cpsel-rating"\nratings = { "1A" = "meets" }\n',
      "ratings are keyed by standard (1 to 6), not '1A'; rate the standard itself, e.g. ratings = { 1 = \"meets\" }.")],
    ids=["entires", "rating-1A"],
)
def test_status_log_summary_and_check_all_refuse_it(tmp_path: Path, added: str, message: str) -> None:
    ledgers = make_ledgers(tmp_path, jdoe=JDOE + added)
    line = JDOE.count("\n") + 2 + (3 if "ratings" in added else 0)  # the header, or the ratings line
    where = f"{ledgers / 'jdoe.toml'}:{line}: {message}"
    before = snapshot(ledgers)
    for args in (["status", "jdoe"], ["status", "jdoe", "--format", "json"], ["log", "jdoe"], ["summary"]):
        r = cep(ledgers, *args)
        assert r.exit_code == 3, (args, r.output)
        assert where in r.stderr, (args, r.stderr)
    for args in (["check"], ["check", "--strict"]):
        r = cep(ledgers, *args)
        assert r.exit_code == 3 and where in r.stdout, r.stdout
    assert snapshot(ledgers) == before
