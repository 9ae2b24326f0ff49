"""The parse cache and the in-process parse memo (store_read.parsed_member, cache.py) and
the append verification that reuses them (store_write._verify_append).

A reused parse must be exactly the parse of the same bytes; anything stale, corrupt or
unwritable is ignored; an append verified without re-parsing the history must give the
member a full parse of the new file gives.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cepledger import cache
from cepledger import ledger as store
from cepledger.ledger import read as store_read
from cepledger.ledger import write as store_write
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
def fresh_memo(monkeypatch):
    monkeypatch.delenv("CEPLEDGER_NO_CACHE", raising=False)
    store_read.remember(None)  # type: ignore[arg-type]
    store_read._PENDING = None
    store_read._KNOWN.clear()
    yield
    store_read.remember(None)  # type: ignore[arg-type]
    store_read._PENDING = None  # nothing left to write into another test's folder at exit
    store_read._KNOWN.clear()


def full_parse(path: Path):
    return store_read.parse_member(path.read_bytes(), str(path))


def no_parsing(monkeypatch) -> None:
    def boom(*a, **k):
        raise AssertionError("parsed again")

    monkeypatch.setattr(store_read, "parse_toml", boom)
    monkeypatch.setattr(store_write, "parse_toml", boom)


def test_cold_and_warm_loads_are_identical(ledgers: Path, monkeypatch) -> None:
    path = ledgers / "big.toml"
    path.write_text(big_text())
    assert path.stat().st_size >= store_read.CACHE_MIN_BYTES
    cold = store.load_member(path)
    assert not list((ledgers / ".cepledger" / "cache").glob("p-big.bin"))  # written at exit
    store_read.flush_cache()
    assert list((ledgers / ".cepledger" / "cache").glob("p-big.bin"))
    store_read.remember(None)  # type: ignore[arg-type]
    with monkeypatch.context() as m:
        no_parsing(m)
        warm = store.load_member(path)  # from the cache file
    assert warm == cold == full_parse(path)
    assert repr(warm) == repr(cold)
    assert [type(getattr(e, f)) for e in warm.entries for f in type(e).__slots__] == \
        [type(getattr(e, f)) for e in cold.entries for f in type(e).__slots__]


def test_small_ledgers_get_no_cache_file(ledgers: Path) -> None:
    path = ledgers / "big.toml"
    path.write_text(big_text(5))
    store.load_member(path)
    assert not (ledgers / ".cepledger").exists()


def test_stale_cache_is_ignored_even_with_same_size_and_mtime(ledgers: Path) -> None:
    path = ledgers / "big.toml"
    path.write_text(big_text())
    store.load_member(path)
    store_read.flush_cache()
    st = path.stat()
    text = path.read_text().replace('name = "Big Ledger"', 'name = "Big Lodger"')
    with open(path, "r+") as f:
        f.write(text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    store_read.remember(None)  # type: ignore[arg-type]
    assert store.load_member(path).name == "Big Lodger"


def test_corrupt_cache_is_ignored(ledgers: Path) -> None:
    path = ledgers / "big.toml"
    path.write_text(big_text())
    want = store.load_member(path)
    store_read.flush_cache()
    (f,) = (ledgers / ".cepledger" / "cache").glob("p-*.bin")
    data = f.read_bytes()
    for bad in (data[:100], data[:-3] + b"xyz", b"garbage"):
        f.write_bytes(bad)
        store_read.remember(None)  # type: ignore[arg-type]
        assert store.load_member(path) == want


def test_wrong_shape_record_is_ignored(ledgers: Path) -> None:
    path = ledgers / "big.toml"
    path.write_text(big_text())
    want = store.load_member(path)
    data = path.read_bytes()
    cache.put_parsed(path, data, ("not", "a", "ledger"))  # right bytes, nonsense content
    store_read.remember(None)  # type: ignore[arg-type]
    assert store.load_member(path) == want


def test_unwritable_state_folder_is_fine(ledgers: Path) -> None:
    path = ledgers / "big.toml"
    path.write_text(big_text())
    (ledgers / ".cepledger").write_text("in the way")
    assert store.load_member(path) == full_parse(path)


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
    store.load_member(path)  # the memo now holds these bytes
    with monkeypatch.context() as m:
        calls = []
        real = store_write.parse_toml

        def counting(data, p):
            calls.append(len(data))
            return real(data, p)

        m.setattr(store_write, "parse_toml", counting)
        added = store.append_entries(path, [
            {"date": date(2025, 10, 3), "activity": "live-webinar", "hours": Decimal("1.5"), "item": "w-x"},
            {"date": date(2025, 10, 4), "activity": "professional-learning", "hours": 2, "cpsel": ["2A", 5],
             "notes": 'a "quoted" note\nover two lines'},
        ])
        assert calls and max(calls) < 2000  # only the new block was parsed
    assert path.read_bytes().startswith(text.encode())
    full = full_parse(path)
    assert list(full.entries[-2:]) == added
    assert store.load_member(path) == full  # memo of the written bytes equals a full parse


def test_append_to_odd_ledgers_still_takes_the_full_check(ledgers: Path) -> None:
    path = ledgers / "big.toml"
    path.write_text(HEAD.replace("schema = 1\n", "schema = 1\nentries = []\n"))
    assert not store_read.parsed_member(path.read_bytes(), str(path)).appendable
    with pytest.raises(WriteError, match="inline"):
        store.append_entries(path, [{"date": date(2025, 10, 3), "activity": "live-webinar", "hours": 1}])
    path.write_text(HEAD.replace('name = "Big Ledger"', 'name = "Big Ledger"\nnote = """\n[[entries]]\n"""')
                    + '\n[[entries]]\ndate = 2025-01-01\nactivity = "live-webinar"\nhours = 1\n')
    assert not store_read.parsed_member(path.read_bytes(), str(path)).appendable
    (e,) = store.append_entries(path, [{"date": date(2025, 10, 3), "activity": "live-webinar", "hours": 1}])
    assert full_parse(path).entries[-1] == e


def test_add_leaves_a_warm_cache_for_the_next_read(ledgers: Path, monkeypatch) -> None:
    path = ledgers / "big.toml"
    path.write_text(big_text())
    store.load_member(path)
    store.append_entries(path, [{"date": date(2025, 10, 3), "activity": "live-webinar", "hours": 1}])
    store.void_entry(path, "e00003", "twice")
    store_read.flush_cache()
    cached = list((ledgers / ".cepledger" / "cache").glob("p-*.bin"))
    assert len(cached) == 1
    want = full_parse(path)
    store_read.remember(None)  # type: ignore[arg-type]
    with monkeypatch.context() as m:
        no_parsing(m)
        assert store.load_member(path) == want  # from the cache file written after the void


# ------------------------------------------------------------------ append records: `add` on a cached ledger


def _new_process() -> None:
    """Forget everything this process knows, as a new `cep` run would."""
    store_read.flush_cache()
    store_read.remember(None)  # type: ignore[arg-type]
    store_read._KNOWN.clear()


def _webinar(day: int) -> dict:
    return {"date": date(2025, 10, day), "activity": "live-webinar", "hours": Decimal("1.5"), "item": f"w-{day}"}


def test_add_on_a_cached_ledger_writes_only_an_append_record(ledgers: Path, monkeypatch) -> None:
    path = ledgers / "big.toml"
    path.write_text(big_text())
    store.load_member(path)
    _new_process()  # the p- record of the original bytes is written
    folder = ledgers / ".cepledger" / "cache"
    base = (folder / "p-big.bin").read_bytes()
    for day in (3, 4, 5):  # three `cep add` runs, each starting from the cache
        store.load_member(path)
        store.append_entries(path, [_webinar(day)])
        _new_process()
        assert (folder / "p-big.bin").read_bytes() == base  # the big record is never rewritten
        assert (folder / "a-big.bin").stat().st_size < len(base) // 20
    want = full_parse(path)
    with monkeypatch.context() as m:
        no_parsing(m)
        got = store.load_member(path)  # p- record + append record
    assert got == want and repr(got) == repr(want)
    assert [e.source.line for e in got.entries] == [e.source.line for e in want.entries]
    assert [e.item for e in got.entries[-3:]] == ["w-3", "w-4", "w-5"]
    store.append_entries(path, [_webinar(6)])  # and appending still works from that parse
    assert store.load_member(path) == full_parse(path)


def test_append_record_is_ignored_when_its_base_or_its_bytes_differ(ledgers: Path) -> None:
    path = ledgers / "big.toml"
    path.write_text(big_text())
    store.load_member(path)
    _new_process()
    store.load_member(path)
    store.append_entries(path, [_webinar(3)])
    _new_process()
    folder = ledgers / ".cepledger" / "cache"
    record = (folder / "a-big.bin").read_bytes()
    # the file edited by hand after the add: the record names other bytes
    path.write_text(path.read_text().replace("Webinar number 7 ", "Webinar number seven "))
    assert store.load_member(path) == full_parse(path)
    _new_process()
    # a new base record (written for the edited file): the old append record no longer applies
    (folder / "a-big.bin").write_bytes(record)
    assert store.load_member(path) == full_parse(path)
    # a corrupt append record is no record
    _new_process()
    (folder / "a-big.bin").write_bytes(record[:-3] + b"xyz")
    assert store.load_member(path) == full_parse(path)


def test_add_without_a_cache_stores_the_whole_parse(ledgers: Path, monkeypatch) -> None:
    path = ledgers / "big.toml"
    path.write_text(big_text())
    store.append_entries(path, [_webinar(3)])
    _new_process()
    folder = ledgers / ".cepledger" / "cache"
    assert (folder / "p-big.bin").exists() and not (folder / "a-big.bin").exists()
    want = full_parse(path)
    with monkeypatch.context() as m:
        no_parsing(m)
        assert store.load_member(path) == want


def test_append_records_give_way_to_a_whole_parse_when_long(ledgers: Path, monkeypatch) -> None:
    monkeypatch.setattr(store_read, "APPEND_RECORD_MAX", 2)
    path = ledgers / "big.toml"
    path.write_text(big_text())
    store.load_member(path)
    _new_process()
    folder = ledgers / ".cepledger" / "cache"
    base = (folder / "p-big.bin").read_bytes()
    for day in (3, 4, 5):
        store.load_member(path)
        store.append_entries(path, [_webinar(day)])
        _new_process()
    assert (folder / "p-big.bin").read_bytes() != base  # the third add stored the whole parse
    want = full_parse(path)
    with monkeypatch.context() as m:
        no_parsing(m)
        assert store.load_member(path) == want


# ------------------------------------------------------------------ the garbage collector during a read


def test_a_read_pauses_the_collector_and_restores_it(ledgers: Path, monkeypatch) -> None:
    import gc

    import cepledger

    path = ledgers / "big.toml"
    path.write_text(big_text(300))
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    store.load_member(path)
    assert gc.isenabled() and gc.get_freeze_count() == frozen  # a library caller: nothing frozen
    path.write_text(big_text(300).replace("date = 2015", "date = 2o15", 1))
    with pytest.raises(store_read.DataError):
        store.load_member(path)
    assert gc.isenabled()  # restored after an error too
    monkeypatch.setattr(cepledger, "FREEZE_AFTER_READ", True)  # as `cep` sets it
    path.write_text(big_text(300))
    store_read.remember(None)  # type: ignore[arg-type]
    try:
        store.load_member(path)
        assert gc.isenabled() and gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()


def test_reports_and_add_from_the_cache_print_what_a_cold_run_prints(tmp_path: Path, monkeypatch) -> None:
    """Entries built lazily from the cache (only a year's, for `add` and `status`) change nothing printed."""
    import re as regex

    from typer.testing import CliRunner

    from cepledger.cli.app import app

    commands = [
        ["status", "big", "--format", "json", "--year", "2024"],
        ["add", "big", "live-webinar", "1.5", "--date", "2024-10-03", "--item", "webinar-7", "--title", "T"],
        ["add", "big", "live-webinar", "2", "--date", "2019-01-05", "--item", "new-one"],
        ["status", "big", "--format", "json", "--year", "2024"],
        ["status", "big", "--year", "2018"],
        ["log", "big", "--format", "csv"],
    ]
    printed = {}
    for mode in ("cold", "warm"):
        folder = tmp_path / mode
        folder.mkdir()
        (folder / "big.toml").write_text(big_text())
        if mode == "cold":
            monkeypatch.setenv("CEPLEDGER_NO_CACHE", "1")
        else:
            monkeypatch.delenv("CEPLEDGER_NO_CACHE", raising=False)
            store.load_member(folder / "big.toml")
            _new_process()  # the p- record is there before the commands run
        outs, ids = [], []
        for args in commands:
            result = CliRunner().invoke(app, ["--ledgers", str(folder), *args], env={"CEPLEDGER_TODAY": "2025-06-01"})
            assert result.exit_code in (0, 1), result.output
            ids += regex.findall(r"^added ([0-9a-f]{6})", result.output, regex.M)
            text = result.output
            for n, eid in enumerate(ids):
                text = text.replace(eid, f"NEW{n}")
            outs.append((result.exit_code, text))
            _new_process()
        printed[mode] = outs
        assert (folder / ".cepledger" / "cache" / "a-big.bin").exists() == (mode == "warm")
    assert printed["warm"] == printed["cold"]
    assert "counted" in printed["warm"][1][1]
