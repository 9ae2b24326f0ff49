"""The report cache (cli/report_cache.py): never changes what a command prints.

A cached run prints exactly what a cold run prints; the records live in the user's cache
directory (``$XDG_CACHE_HOME``, a temp folder here: conftest.py), never in the ledgers
folder; an edit that keeps a file's size and mtime is noticed, in a ledger or a rule file;
a record planted by anyone but the user, or for other inputs, is never served.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path
from zlib import crc32

import pytest
from typer.testing import CliRunner

from cli_helpers import JDOE, MLEE, TODAY, make_ledgers

from cepledger.cli import report_cache, script_output
from cepledger.cli.app import app
from cepledger.rules import load as rules_load

REPO = Path(__file__).resolve().parent.parent
TODAY_DATE = date.fromisoformat(TODAY)
HEAD = len(report_cache._MAGIC) + 2 * report_cache._DIGEST  # then the exit code, the CRC, stdout


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CEPLEDGER_TODAY", TODAY)
    monkeypatch.delenv("CEPLEDGER_DIR", raising=False)
    monkeypatch.delenv("CEPLEDGER_NO_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    return make_ledgers(tmp_path, jdoe=JDOE, mlee=MLEE)


@pytest.fixture
def records(private_cache_dir: Path) -> Path:
    """The folder the report cache writes to (inside the test's own XDG_CACHE_HOME)."""
    return private_cache_dir / "cepledger" / "reports"


def typer_run(argv: list[str]) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, argv, catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def script_run(argv: list[str], capsys) -> tuple[int | None, str, str]:
    capsys.readouterr()
    code = script_output.run(argv)
    out, err = capsys.readouterr()
    return code, out, err


def everything_in(folder: Path) -> dict[str, bytes]:
    """Every file and folder under ``folder``, hidden ones too."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<dir>") for p in folder.rglob("*")}


def status(folder: Path) -> list[str]:
    """The cached query these tests repeat: ``summary`` (the one command the cache serves)."""
    return ["--ledgers", str(folder), "summary", "--format", "json"]


def forge(record: Path, text: str) -> None:
    """Rewrite a record's stdout (with a valid checksum): what someone planting one would do."""
    data = record.read_bytes()
    body = text.encode()
    record.write_bytes(data[:HEAD + 1] + crc32(body).to_bytes(4, "little") + body)


def test_a_cached_run_prints_what_a_cold_run_prints(folder: Path, records: Path, capsys) -> None:
    before = everything_in(folder)
    for argv in (status(folder), ["--ledgers", str(folder), "summary", "-f", "csv", "--year", "2025"],
                 ["--ledgers", str(folder), "summary", "--format", "json", "--check"]):
        want = typer_run(argv)
        assert script_run(argv, capsys) == want  # cold
        assert script_run(argv, capsys) == want  # from the record
    assert len(list(records.glob("*.bin"))) == 3
    for argv in (["--ledgers", str(folder), "status", "jdoe", "--format", "json"],
                 ["--ledgers", str(folder), "log", "mlee", "-f", "csv"]):
        assert script_run(argv, capsys) == typer_run(argv)  # computed every time: no record
    assert len(list(records.glob("*.bin"))) == 3
    assert everything_in(folder) == before  # a read-only command writes nothing next to the ledgers
    assert stat.S_IMODE(records.stat().st_mode) == 0o700


def test_a_ledger_edit_keeping_size_and_mtime_is_noticed(folder: Path, records: Path, capsys) -> None:
    path = folder / "jdoe.toml"
    first = script_run(status(folder), capsys)
    st = path.stat()
    edited = JDOE.replace('hours = 2\ntitle = "Reading"', 'hours = 3\ntitle = "Reading"', 1)
    assert edited != JDOE and len(edited) == len(JDOE)
    with open(path, "r+") as f:  # in place: same inode, same size
        f.write(edited)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    got = script_run(status(folder), capsys)
    assert got == typer_run(status(folder)) and got != first
    assert json.loads(got[1])[0]["requirements"][0]["earned"] == 28.5


def test_a_rule_file_edit_keeping_size_and_mtime_is_noticed(folder: Path, capsys) -> None:
    programs = folder / "programs"
    programs.mkdir()
    rules = (rules_load.PACKAGE_PROGRAMS / "cass-cep.toml").read_text()
    path = programs / "cass-cep.toml"  # overrides the packaged program
    path.write_text(rules)
    earned = lambda r: json.loads(r[1])[0]["requirements"][0]["earned"]  # noqa: E731
    assert earned(script_run(status(folder), capsys)) == 27.5
    assert earned(script_run(status(folder), capsys)) == 27.5  # cached
    st = path.stat()
    path.write_text(rules.replace('item_noun = "event"\n\n[activities.cass-conference]\ncode = "A2"\n'
                                  'name = "CASS conference (Fall, Annual Learning, Summer Learning, FNMI Education '
                                  'Gathering)"\ncap = 10', 'item_noun = "event"\n\n[activities.cass-conference]\n'
                                  'code = "A2"\nname = "CASS conference (Fall, Annual Learning, Summer Learning, '
                                  'FNMI Education Gathering)"\ncap = 11', 1))
    assert path.stat().st_size == st.st_size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    got = script_run(status(folder), capsys)
    assert earned(got) == 28.5 and got == typer_run(status(folder))


def test_the_package_rule_files_are_part_of_the_key() -> None:
    assert report_cache._package_programs() == rules_load.PACKAGE_PROGRAMS


def test_another_day_is_not_served_from_yesterday(folder: Path, capsys, monkeypatch) -> None:
    script_run(status(folder), capsys)
    monkeypatch.setenv("CEPLEDGER_TODAY", "2026-09-01")  # (an earlier day would make JDOE's entries future-dated)
    got = script_run(status(folder), capsys)
    assert json.loads(got[1])[0]["period"]["label"] == "2026-27"
    assert got == typer_run(status(folder))


def test_a_record_for_other_inputs_is_never_served(folder: Path, records: Path, capsys) -> None:
    want = typer_run(status(folder))
    script_run(status(folder), capsys)
    (record,) = records.glob("*.bin")
    data = record.read_bytes()
    other = data[:len(report_cache._MAGIC) + report_cache._DIGEST] + b"\x00" * report_cache._DIGEST
    body = b'{"forged": true}\n'
    record.write_bytes(other + bytes([0]) + crc32(body).to_bytes(4, "little") + body)
    assert script_run(status(folder), capsys) == want


def test_a_corrupt_or_truncated_record_is_ignored(folder: Path, records: Path, capsys) -> None:
    want = typer_run(status(folder))
    script_run(status(folder), capsys)
    (record,) = records.glob("*.bin")
    data = record.read_bytes()
    for bad in (data[: len(data) // 2], data[:-1] + bytes([data[-1] ^ 1]), b"", b"\x00" * 100, data[:HEAD]):
        record.write_bytes(bad)
        record.chmod(0o600)
        assert script_run(status(folder), capsys) == want
    record.unlink()
    record.mkdir()  # not even a file
    assert script_run(status(folder), capsys) == want


def test_only_a_record_nobody_else_could_write_is_trusted(folder: Path, records: Path, capsys) -> None:
    want = typer_run(status(folder))
    script_run(status(folder), capsys)
    (record,) = records.glob("*.bin")
    forge(record, "forged\n")
    # The user's own private cache is trusted like the user's own files: the control case.
    assert script_run(status(folder), capsys) == (0, "forged\n", "")
    record.chmod(0o622)  # others could have written it
    assert script_run(status(folder), capsys) == want
    forge(record, "forged\n")
    record.chmod(0o600)
    records.chmod(0o777)  # anyone could have planted it
    try:
        assert script_run(status(folder), capsys) == want
    finally:
        records.chmod(0o700)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        forge(record, "forged\n")
        os.chown(record, 12345, 12345)  # someone else's
        assert script_run(status(folder), capsys) == want


def test_a_cache_dir_inside_the_ledgers_folder_is_never_used(folder: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    before = everything_in(folder)
    want = typer_run(status(folder))
    assert script_run(status(folder), capsys) == want
    assert script_run(status(folder), capsys) == want
    assert everything_in(folder) == before


def test_failed_or_warning_runs_are_not_stored(folder: Path, records: Path, capsys) -> None:
    (folder / "zz-broken.toml").write_text("schema = 1\n[member\n")
    argv = ["--ledgers", str(folder), "summary", "--format", "json"]
    assert script_run(argv, capsys)[0] == 3
    stray = JDOE + '\n[[entries]]\ndate = 2025-10-05\nactivity = "live-webinar"\nhours = 1\ncolour = "red"\n'
    (folder / "stray.toml").write_text(stray.replace('id = "jdoe"', 'id = "stray"', 1))
    code, _, err = script_run(["--ledgers", str(folder), "status", "stray", "--format", "json"], capsys)
    assert code == 0 and ": warning: unknown key(s) colour" in err  # check's warning, printed by status
    assert not records.exists() or not list(records.glob("*.bin"))


def test_a_ledger_rewritten_during_the_run_is_not_stored(folder: Path, records: Path) -> None:
    path = folder / "jdoe.toml"

    def compute():
        path.write_text(JDOE)  # the same bytes again: only its identity changes
        return 0, "stale\n", ""

    argv = status(folder)
    assert report_cache.cached_run(argv, folder, TODAY_DATE, "jdoe", compute) == (0, "stale\n", "")
    assert not records.exists() or not list(records.glob("*.bin"))


def test_no_cache_when_disabled(folder: Path, records: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CEPLEDGER_NO_CACHE", "1")
    assert script_run(status(folder), capsys) == typer_run(status(folder))
    assert not records.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_for_a_ledger_never_blocks(folder: Path, private_cache_dir: Path) -> None:
    os.mkfifo(folder / "pipe.toml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEPLEDGER")}
    env.update(CEPLEDGER_TODAY=TODAY, PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(private_cache_dir))
    for tail in (["status", "pipe", "--format", "json"], ["summary", "--format", "csv"]):
        r = subprocess.run([sys.executable, "-m", "cepledger", "--ledgers", str(folder), *tail],
                           capture_output=True, text=True, env=env, timeout=60)
        assert r.returncode == 3 and "pipe.toml" in r.stderr
