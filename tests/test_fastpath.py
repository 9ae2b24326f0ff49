"""The no-Typer fast path (cepledger/fastpath.py) and the report cache (cepledger/cache.py).

The fast path must print exactly what the Typer app prints, byte for byte, with the same
exit code; anything it does not handle (errors included) must fall through untouched.
Whatever is cached must give the output of a cold run, and a stale, corrupt or
unwritable cache must be ignored.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cepledger import cache
from cepledger.cli import fastpath
from cepledger.cli.app import app
from cepledger.cli.commands import ledgers_from, today_from_env

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-03-15"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "ledgers"
    shutil.copytree(REPO / "ledgers", d, ignore=shutil.ignore_patterns(".*"))
    monkeypatch.setenv("CEPLEDGER_TODAY", TODAY)
    monkeypatch.delenv("CEPLEDGER_DIR", raising=False)
    monkeypatch.delenv("CEPLEDGER_NO_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    return d


def members(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.toml"))


def typer_run(argv: list[str]) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, argv, catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def fast_run(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int | None, str, str]:
    capsys.readouterr()
    code = fastpath.run(argv)
    out, err = capsys.readouterr()
    return code, out, err


def matrix(folder: Path) -> list[list[str]]:
    m = members(folder)
    base = ["--ledgers", str(folder)]
    cases = []
    for member in m:
        for fmt in ("json", "csv"):
            cases.append([*base, "status", member, "--format", fmt])
            cases.append([*base, "log", member, "-f", fmt])
    cases += [
        [*base, "status", m[0], "--format", "json", "--year", "2025"],
        [*base, "status", m[0], "--year=2024-25", "--format=csv", "--check"],
        [*base, "status", m[1], "--format", "json", "--as-of", "2025-12-31"],
        [*base, "status", m[0], "-y", "2025", "-f", "json", "--check"],
        [*base, "--debug", "status", m[2], "--format", "json"],
        [*base, "summary", "--format", "json"],
        [*base, "summary", "--format", "csv", "--year", "2025"],
        [*base, "summary", "--format", "json", "--check"],
        [*base, "summary", "--format", "json", "--program", "cass-cep"],
        [*base, "log", m[0], "--format", "json", "--year", "2025"],
        [*base, "summary", "--year", "2025", "-f", "json"],
    ]
    return cases


def test_fast_path_output_is_byte_identical_to_typer(folder: Path, capsys) -> None:
    for argv in matrix(folder):
        want = typer_run(argv)
        for attempt in ("cold", "warm"):
            got = fast_run(argv, capsys)
            assert got == want, (attempt, argv)
    assert any((folder / ".cepledger" / "cache").glob("r-*.bin"))


@pytest.mark.parametrize("tail", [
    ["status", "nobody", "--format", "json"],                  # unknown member
    ["status", "Bad/Id", "--format", "json"],                  # invalid id
    ["status", "{m}", "--format", "json", "--year", "20x5"],    # bad year
    ["status", "{m}", "--format", "json", "--as-of", "never"],  # bad date
    ["status", "{m}", "--format", "json", "--program", "nope"],
    ["status", "{m}", "--format", "xml"],
    ["status", "{m}", "--format", "JSON"],
    ["status", "{m}"],                                          # table: Typer path
    ["status", "{m}", "--format", "json", "--help"],
    ["status", "{m}", "--format", "json", "--year", "2025", "--year", "2024"],
    ["status", "{m}", "extra", "--format", "json"],
    ["status", "{m}", "--format", "json", "--bogus"],
    ["status", "--format", "json"],
    ["summary", "--format", "json", "--year", "1900-1"],
    ["log", "{m}", "--format", "csv", "--activity", "no-such-activity"],
    ["--version"],
    ["programs", "--format", "json"],
])
def test_anything_else_falls_through_untouched(folder: Path, capsys, tail: list[str]) -> None:
    m = members(folder)[0]
    argv = ["--ledgers", str(folder), *[t.replace("{m}", m) for t in tail]]
    code, out, err = fast_run(argv, capsys)
    assert code is None and out == "" and err == ""
    assert not list((folder / ".cepledger" / "cache").glob("r-*.bin")) if (folder / ".cepledger").exists() else True


def test_bad_environment_falls_through(folder: Path, capsys, monkeypatch) -> None:
    m = members(folder)[0]
    monkeypatch.setenv("CEPLEDGER_TODAY", "someday")
    assert fast_run(["--ledgers", str(folder), "status", m, "--format", "json"], capsys) == (None, "", "")
    monkeypatch.setenv("CEPLEDGER_TODAY", TODAY)
    (folder.parent / "afile").write_text("x")
    assert fast_run(["--ledgers", str(folder.parent / "afile"), "summary", "--format", "json"], capsys) == (None, "", "")
    monkeypatch.setenv("_CEP_COMPLETE", "complete_bash")
    assert fast_run(["--ledgers", str(folder), "status", m, "--format", "json"], capsys) == (None, "", "")


def test_helpers_match_commands(monkeypatch) -> None:
    monkeypatch.delenv("CEPLEDGER_DIR", raising=False)
    assert fastpath._ledgers_from(None) == ledgers_from(None)
    assert fastpath._ledgers_from("x/y") == ledgers_from("x/y")
    monkeypatch.setenv("CEPLEDGER_DIR", "/tmp/somewhere")
    assert fastpath._ledgers_from(None) == ledgers_from(None)
    monkeypatch.setenv("CEPLEDGER_TODAY", " 2026-01-02 ")
    assert fastpath._today() == today_from_env()


def test_summary_with_a_broken_ledger_is_identical_and_not_cached(folder: Path, capsys) -> None:
    (folder / "zz-broken.toml").write_text("schema = 1\n[member\n")
    argv = ["--ledgers", str(folder), "summary", "--format", "json"]
    want = typer_run(argv)
    assert want[0] == 3
    assert fast_run(argv, capsys) == want
    assert fast_run(argv, capsys) == want
    assert not list((folder / ".cepledger" / "cache").glob("r-*.bin"))


# ------------------------------------------------------------------ the cache is never trusted blindly


def _argv(folder: Path) -> list[str]:
    return ["--ledgers", str(folder), "status", "amelia-okafor", "--format", "json"]


def test_external_edit_with_same_size_and_mtime_is_noticed(folder: Path, capsys) -> None:
    path = folder / "amelia-okafor.toml"
    argv = _argv(folder)
    first = fast_run(argv, capsys)
    text = path.read_text()
    st = path.stat()
    edited = text.replace('name = "Amelia Okafor"', 'name = "Amelia Okafer"', 1)
    assert edited != text
    assert len(edited) == len(text)
    with open(path, "r+") as f:  # in place: same inode, same size
        f.write(edited)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    got = fast_run(argv, capsys)
    assert got == typer_run(argv)
    assert got != first


def test_corrupt_or_truncated_cache_is_ignored(folder: Path, capsys) -> None:
    argv = _argv(folder)
    want = typer_run(argv)
    assert fast_run(argv, capsys) == want
    files = list((folder / ".cepledger" / "cache").glob("r-*.bin"))
    assert len(files) == 1
    data = files[0].read_bytes()
    for bad in (data[: len(data) // 2], data[:-1] + bytes([data[-1] ^ 1]), b"", b"\x00" * 100):
        files[0].write_bytes(bad)
        assert fast_run(argv, capsys) == want
    files[0].unlink()
    files[0].mkdir()  # not even a file
    assert fast_run(argv, capsys) == want


def test_forged_cache_with_wrong_inputs_is_not_used(folder: Path, capsys) -> None:
    argv = _argv(folder)
    want = typer_run(argv)
    fast_run(argv, capsys)
    (f,) = (folder / ".cepledger" / "cache").glob("r-*.bin")
    # A well-formed record for this query but other inputs: never served.
    rec = cache._read_record(f)
    cache._write_record(folder, f.name, (rec[2], b"\x00" * 32, 0, "forged\n"))
    assert fast_run(argv, capsys) == want


@pytest.mark.skipif(os.name != "posix" or (hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="needs POSIX permissions and a non-root user")
def test_read_only_folder_is_fine(folder: Path, capsys) -> None:
    argv = _argv(folder)
    want = typer_run(argv)
    os.chmod(folder, 0o555)
    try:
        assert fast_run(argv, capsys) == want
        assert fast_run(argv, capsys) == want
        assert not (folder / ".cepledger").exists()
    finally:
        os.chmod(folder, 0o755)


def test_no_cache_env_disables_it(folder: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CEPLEDGER_NO_CACHE", "1")
    assert fast_run(_argv(folder), capsys) == typer_run(_argv(folder))
    assert not (folder / ".cepledger").exists()


def test_whole_process_cold_and_warm_identical(folder: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEPLEDGER")}
    env.update(CEPLEDGER_TODAY=TODAY, PYTHONPATH=str(REPO))
    argv = [sys.executable, "-m", "cepledger", "--ledgers", str(folder), "summary", "--format", "csv"]
    typer_argv = [sys.executable, "-c", "import sys; from cepledger.cli.app import main; sys.argv[0] = 'cep'; main()",
                  *argv[3:]]
    runs = [subprocess.run(a, capture_output=True, env=env) for a in (typer_argv, argv, argv)]
    assert runs[0].returncode == 0
    assert {(r.returncode, r.stdout, r.stderr) for r in runs} == {(0, runs[0].stdout, b"")}


def test_unusable_state_folder_is_fine(folder: Path, capsys) -> None:
    """`.cepledger` that is a file (or a cache folder that is a symlink): no cache, same output."""
    argv = _argv(folder)
    want = typer_run(argv)
    (folder / ".cepledger").write_text("not a folder")
    assert fast_run(argv, capsys) == want
    assert fast_run(argv, capsys) == want
    (folder / ".cepledger").unlink()
    (folder / ".cepledger").mkdir()
    elsewhere = folder.parent / "elsewhere"
    elsewhere.mkdir()
    (folder / ".cepledger" / "cache").symlink_to(elsewhere)
    assert fast_run(argv, capsys) == want
    assert fast_run(argv, capsys) == want
    assert list(elsewhere.iterdir()) == []
