"""The script-output path (cli/script_output.py) against the Typer app, byte for byte.

Every command line that path may take runs two ways: through ``script_output.run`` (and,
when it hands over by returning None, through the app, as ``__main__`` does), and through
the app alone. stdout, stderr and the exit code must be identical. The lines are built
from the declarations in ``options.py`` (each option of log, status and summary in each
spelling, ``--opt=value``, bad values, a missing value, repeats, ``--``, the global
options), so an option is covered the day it is declared.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from cli_helpers import JDOE, MLEE, TODAY, make_ledgers

from cepledger.cli import options, script_output
from cepledger.cli.app import app

REPO = Path(__file__).resolve().parent.parent

# Values to try per parameter: (value, valid for jdoe's ledger)
VALUES = {
    "year": [("2025", True), ("2024-25", True), ("20x5", False)],
    "program": [("cass-cep", True), ("casc-butte", False), ("nope", False)],
    "as_of": [("2025-12-31", True), ("never", False)],
    "program_year": [("1", False), ("one", False)],  # jdoe is in no program of program years
    "activity": [("live-webinar", True), ("no-such", False)],
    "fmt": [("json", True), ("csv", True), ("JSON", False), ("md", None), ("table", True), ("xml", False)],
}  # None: valid where the command offers it (status and summary take md, log does not)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CEPLEDGER_TODAY", TODAY)
    monkeypatch.delenv("CEPLEDGER_DIR", raising=False)
    monkeypatch.delenv("CEPLEDGER_NO_CACHE", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(tmp_path)
    return make_ledgers(tmp_path, jdoe=JDOE, mlee=MLEE)


def typer_run(argv: list[str]) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, argv, catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def script_run(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int | None, str, str]:
    capsys.readouterr()
    code = script_output.run(argv)
    out, err = capsys.readouterr()
    return code, out, err


def command_lines(folder: Path) -> list[tuple[list[str], bool]]:
    """``(argv, plain)`` for every spelling of every option; ``plain``: a line the script
    path should take whenever the command succeeds."""
    base = ["--ledgers", str(folder)]
    lines: list[tuple[list[str], bool]] = []
    for command in options.SCRIPT_COMMANDS.values():
        head = [*base, command.name] + (["jdoe"] if any(not p.flags for p in command.params) else [])
        for p in command.params:
            fmt = [] if p.name == "fmt" else ["--format", "json"]
            for flag in p.flags:
                if not p.takes_value:
                    lines += [([*head, flag, *fmt], True), ([*head, f"{flag}=1", *fmt], False)]
                    continue
                for value, valid in VALUES[p.name]:
                    valid = value in p.choices if valid is None else valid
                    plain = valid or p.name != "fmt"  # a bad value fails: the app says why
                    lines.append(([*head, flag, value, *fmt], plain))
                    if flag.startswith("--"):
                        lines.append(([*head, f"{flag}={value}", *fmt], plain))
                first = VALUES[p.name][0][0]
                lines += [([*head, *fmt, flag], False),  # no value
                          ([*head, flag, first, flag, first, *fmt], False),  # repeated: click's last wins
                          ([*head, flag, "-x", *fmt], False)]  # a value like an option
    status = ["status", "jdoe", "--format", "json"]
    lines += [
        ([f"--ledgers={folder}", *status], True),
        (["--debug", *base, *status], True),
        ([*base, "--debug", "summary", "-f", "csv", "--check"], True),
        ([*base, "status", "--format", "json", "--", "jdoe"], True),
        ([*base, "status", "--", "jdoe", "--format", "json"], True),  # after --, "--format" is an argument
        ([*base, "log", "-f", "csv", "--", "-jdoe"], True),
        ([*base, "status", "mlee", "-f", "csv", "-y", "2025", "--check"], True),
        ([*base, "status", "nobody", "--format", "json"], True),
        ([*base, "status", "Bad/Id", "--format", "json"], True),
        ([*base, "status", "jdoe", "extra", "--format", "json"], False),
        ([*base, "status", "--format", "json"], False),
        ([*base, "status", "jdoe", "--format", "json", "--bogus"], False),
        ([*base, "status", "jdoe", "--format", "json", "-h"], False),
        ([*base, "status", "jdoe", "-fjson"], False),
        ([*base, "summary", "--format", "json", "--year", "1900-1"], True),
        (["--ledgers", str(folder / "jdoe.toml"), "summary", "--format", "json"], False),  # a file
        (["--ledgers", str(folder.parent / "missing"), "summary", "--format", "json"], True),
        (["--ledgers=", "summary", "--format", "json"], False),
        ([*base, "--version"], False),
        ([*base, "programs", "--format", "json"], False),
        ([*base, "-y", "2025", "status", "jdoe", "-f", "json"], False),  # not a global option
        ([*base, "status", "jdoe", "-f", "json", "--ledgers", str(folder)], False),
    ]
    return lines


def test_every_script_line_prints_what_the_app_prints(folder: Path, capsys) -> None:
    taken = 0
    for argv, plain in command_lines(folder):
        want = typer_run(argv)
        for attempt in ("cold", "cached"):
            code, out, err = script_run(argv, capsys)
            got = typer_run(argv) if code is None else (code, out, err)
            assert got == want, (attempt, argv)
            assert (code is not None) == (plain and want[0] in (0, 1)), (attempt, argv, want)
        taken += code is not None
    assert taken > 40  # the path is really taken, not always handed over


def test_a_table_on_a_terminal_is_coloured_as_the_app_colours_it(folder: Path, capsys, monkeypatch) -> None:
    argv = ["--ledgers", str(folder), "status", "jdoe", "--year", "2025"]
    plain = typer_run(argv)
    monkeypatch.setattr(script_output, "_stdout_is_terminal", lambda: True)
    code, out, err = script_run(argv, capsys)
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # the app's console on a terminal
    want = typer_run(argv)
    assert (code, out, err) == want
    assert "\x1b[" in out and "\x1b[" not in plain[1]


def test_the_ledgers_folder_from_the_environment(folder: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CEPLEDGER_DIR", str(folder))
    argv = ["summary", "--format", "csv"]
    code, out, err = script_run(argv, capsys)
    assert code == 0 and (code, out, err) == typer_run(argv)
    assert out.startswith("member,program,period,requirement")


def test_a_broken_ledger_prints_the_same_problems(folder: Path, capsys) -> None:
    (folder / "zz-broken.toml").write_text("schema = 1\n[member\n")
    argv = ["--ledgers", str(folder), "summary", "--format", "json"]
    want = typer_run(argv)
    assert want[0] == 3 and "zz-broken.toml" in want[2]
    assert script_run(argv, capsys) == want
    assert script_run(argv, capsys) == want


def test_handed_over_without_output_when_it_cannot_decide(folder: Path, capsys, monkeypatch) -> None:
    argv = ["--ledgers", str(folder), "status", "jdoe", "--format", "json"]
    monkeypatch.setenv("CEPLEDGER_TODAY", "someday")  # the app says what is wrong with it
    assert script_run(argv, capsys) == (None, "", "")
    monkeypatch.setenv("CEPLEDGER_TODAY", TODAY)
    monkeypatch.setenv("_CEP_COMPLETE", "complete_bash")  # a completion request
    assert script_run(argv, capsys) == (None, "", "")


def test_the_parser_reads_the_declarations() -> None:
    parsed = script_output.parse(["--ledgers=L", "--debug", "status", "-y", "2025", "M", "--check", "-f", "csv"])
    assert parsed is not None
    global_values, command, values = parsed
    assert global_values == {"ledgers": "L", "debug": True}
    assert command is options.STATUS
    assert values == {"year": "2025", "member_id": "M", "check": True, "fmt": "csv", "program": None,
                      "as_of": None, "program_year": None}


@st.composite
def script_lines(draw) -> list[str]:
    """A log/status/summary line from the declarations: some options in any order and
    spelling, usually a script format, now and then a stray word."""
    command = draw(st.sampled_from(list(options.SCRIPT_COMMANDS.values())))
    groups: list[list[str]] = []
    for p in command.params:
        if not p.flags:
            groups.append([draw(st.sampled_from(["jdoe", "mlee", "nobody"]))])
        elif p.name == "fmt" or draw(st.booleans()):
            flag = draw(st.sampled_from(p.flags))
            if not p.takes_value:
                groups.append([flag])
                continue
            choices = [v for v, _ in VALUES[p.name]] + (["json", "csv"] * 4 if p.name == "fmt" else [])
            value = draw(st.sampled_from(choices))
            long_form = flag.startswith("--") and draw(st.booleans())
            groups.append([f"{flag}={value}"] if long_form else [flag, value])
    groups += draw(st.lists(st.sampled_from([["--"], ["-x"], ["x"], ["--debug"], ["-f", "json"]]), max_size=1))
    words = [w for g in draw(st.permutations(groups)) for w in g]
    return [draw(st.sampled_from([["--debug"], []])), command.name, words]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script_lines())
def test_any_line_is_either_handed_over_or_printed_as_the_app_prints_it(folder: Path, capsys, line) -> None:
    debug, name, words = line
    argv = ["--ledgers", str(folder), *debug, name, *words]
    code, out, err = script_run(argv, capsys)
    if code is not None:
        assert (code, out, err) == typer_run(argv), argv
    else:
        assert (out, err) == ("", "")


def test_whole_processes_print_the_same_bytes(folder: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEPLEDGER")}
    env.update(CEPLEDGER_TODAY=TODAY, PYTHONPATH=str(REPO))
    typer_only = "import sys; from cepledger.cli.app import main; sys.argv[0] = 'cep'; main()"
    for tail in (["summary", "--format", "csv"], ["status", "mlee", "-f", "json", "--check"],
                 ["log", "jdoe", "--format", "json"]):
        args = ["--ledgers", str(folder), *tail]
        runs = [subprocess.run(argv, capture_output=True, env=env)
                for argv in ([sys.executable, "-c", typer_only, *args],
                             [sys.executable, "-m", "cepledger", *args], [sys.executable, "-m", "cepledger", *args])]
        assert runs[0].stdout and runs[0].returncode in (0, 1)
        assert {(r.returncode, r.stdout, r.stderr) for r in runs} == {(runs[0].returncode, runs[0].stdout, b"")}


def test_script_output_never_imports_typer_and_a_cached_run_not_the_calculator(folder: Path) -> None:
    code = ("import atexit, sys\n"
            "atexit.register(lambda: sys.stderr.write(' '.join(sorted(m for m in sys.modules if m.split('.')[0] "
            "in ('typer', 'rich', 'click') or m.startswith(('cepledger.calc', 'cepledger.ledger'))))))\n"
            "from cepledger.__main__ import main\nsys.argv[0] = 'cep'\nmain()\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEPLEDGER")}
    env.update(CEPLEDGER_TODAY=TODAY, PYTHONPATH=str(REPO))
    args = [sys.executable, "-c", code, "--ledgers", str(folder), "summary", "--format", "json"]
    cold = subprocess.run(args, capture_output=True, text=True, env=env)
    assert cold.returncode == 0 and "typer" not in cold.stderr and "rich" not in cold.stderr
    assert "cepledger.calc.evaluate" in cold.stderr  # it did compute
    cached = subprocess.run(args, capture_output=True, text=True, env=env)
    assert (cached.returncode, cached.stdout, cached.stderr) == (0, cold.stdout, "")
