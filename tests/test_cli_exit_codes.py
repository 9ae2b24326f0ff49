"""Exit codes a script can trust: 70 for a bug (never 1, "short"), 130 for a cancelled
prompt, click's 2 for a bad command line, and 141 with nothing on stderr when the reader
of stdout goes away, on the script-output path and on the Typer path alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import JDOE, TODAY, cep, make_ledgers, snapshot

from cepledger.cli import app as cli_app

REPO = Path(__file__).resolve().parent.parent


def many_entries(n: int) -> str:
    """jdoe's ledger with ``n`` more webinars: enough output to outgrow a pipe's buffer."""
    entries = "".join(f'\n[[entries]]\nid = "w{i:05d}"\ndate = 2025-11-{1 + i % 28:02d}\nactivity = "live-webinar"\n'
                      f'hours = 1\nitem = "webinar-{i}"\ntitle = "A webinar on leading learning communities, number {i}"\n' for i in range(n))
    return JDOE + entries


def env_for(tmp_path: Path) -> dict[str, str]:
    # PYTHONUNBUFFERED makes stdout a raw file, whose partial write to a pipe whose reader
    # left is silently cut short (CPython): not how `cep` runs
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEPLEDGER") and k != "PYTHONUNBUFFERED"}
    env.update(CEPLEDGER_TODAY=TODAY, PYTHONPATH=str(REPO), COLUMNS="100")
    return env


CEP = [sys.executable, "-m", "cepledger"]


@pytest.mark.parametrize("tail", [
    ["log", "jdoe", "--format", "json"],  # the script-output path
    ["log", "jdoe"],  # the Typer app, a rich table
    ["log", "jdoe", "--format", "csv", "--activity", "live-webinar"],
])
def test_a_reader_that_stops_early_gets_141_and_nothing_on_stderr(tmp_path: Path, tail: list[str]) -> None:
    ledgers = make_ledgers(tmp_path, jdoe=many_entries(700))
    proc = subprocess.Popen([*CEP, "--ledgers", str(ledgers), *tail], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env_for(tmp_path))
    assert len(proc.stdout.read(10)) == 10  # `| head -c 10`
    proc.stdout.close()
    err = proc.stderr.read()
    assert (proc.wait(timeout=60), err) == (141, b"")


@pytest.mark.parametrize("tail", [
    ["status", "jdoe", "--format", "json"],  # the script-output path
    ["status", "jdoe"],  # the Typer app: rich
    ["status", "jdoe", "--format", "md"],  # the Typer app: plain text, flushed at exit
    ["--help"],
])
def test_a_reader_gone_before_the_first_byte_gets_141(tmp_path: Path, tail: list[str]) -> None:
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    read_end, write_end = os.pipe()
    # The reader is gone before the child starts: closed only after Popen, a parent kept
    # off the CPU under load let the child write its whole output into the pipe's buffer
    # and exit 0 (seen twice in full runs).
    os.close(read_end)
    proc = subprocess.Popen([*CEP, "--ledgers", str(ledgers), *tail], stdout=write_end, stderr=subprocess.PIPE,
                            env=env_for(tmp_path))
    os.close(write_end)
    err = proc.stderr.read()
    assert (proc.wait(timeout=60), err) == (141, b"")


def test_an_error_outside_any_command_is_a_bug_70(monkeypatch, capsys) -> None:
    def boom(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(cli_app, "app", boom)
    with pytest.raises(SystemExit) as exit_:
        cli_app.main(["status", "jdoe"])
    assert exit_.value.code == 70
    assert capsys.readouterr().err == ("internal error (a bug in cepledger): KeyError: 'oops'; "
                                       "run the command again with --debug and report the traceback\n")


def test_click_usage_errors_keep_their_code_2(capsys) -> None:
    for argv in (["status", "--bogus"], ["nosuchcommand"], ["status", "jdoe", "--format", "xml"], []):
        with pytest.raises(SystemExit) as exit_:
            cli_app.main(argv)
        assert exit_.value.code == 2, argv
        assert "Usage: " in capsys.readouterr().err + capsys.readouterr().out


def test_help_and_version_exit_0(capsys) -> None:
    for argv in (["--help"], ["status", "-h"], ["--version"]):
        with pytest.raises(SystemExit) as exit_:
            cli_app.main(argv)
        assert exit_.value.code == 0, argv
    assert capsys.readouterr().err == ""


def test_a_cancelled_prompt_is_130_and_changes_nothing(tmp_path: Path) -> None:
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    before = snapshot(ledgers)
    from typer.testing import CliRunner

    r = CliRunner().invoke(cli_app.app, ["--ledgers", str(ledgers), "reflect", "jdoe"], input="",
                           env={"CEPLEDGER_TODAY": TODAY})
    assert r.exit_code == 130
    assert r.stderr.endswith("aborted; nothing was changed\n") and "Traceback" not in r.output
    assert snapshot(ledgers) == before


def test_exit_1_still_means_short(tmp_path: Path) -> None:
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    assert cep(ledgers, "status", "jdoe", "--check").exit_code == 1


@pytest.mark.parametrize(("amount", "kind"), [("-1", "numbers such as 1.5"), ("-1.5", "numbers such as 1.5"),
                                            ("-0.25", "numbers such as 1.5"), ("-1h", "durations such as 1h30m"),
                                            ("-1h30m", "durations such as 1h30m"), ("-90m", "durations such as 1h30m"),
                                            ("-1:30", "durations such as 1h30m")])
def test_a_negative_amount_is_one_sentence_and_exit_2(tmp_path: Path, monkeypatch, capsys, amount, kind) -> None:
    """Click would say "No such option: -1"; the user meant an amount."""
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    before = snapshot(ledgers)
    monkeypatch.setenv("CEPLEDGER_TODAY", TODAY)
    for command in (["add", "jdoe", "live-webinar", amount], ["amend", "jdoe", "a00001", amount]):
        with pytest.raises(SystemExit) as exit_:
            cli_app.main(["--ledgers", str(ledgers), *command])
        assert exit_.value.code == 2
        out = capsys.readouterr()
        assert out.err == (f"cep: {amount} is negative; amounts are positive {kind} (to cancel an "
                           "entry, void it with `cep void`; to correct it, `cep amend`).\n") and out.out == ""
    assert snapshot(ledgers) == before


def test_an_unknown_option_that_is_not_a_number_keeps_clicks_message(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli_app.main(["add", "jdoe", "live-webinar", "-1x"])
    assert exit_.value.code == 2
    assert "No such option: -1" in capsys.readouterr().err
