"""The command line as a whole: help, version, global options, the one error mapping."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import JDOE, cep, make_ledgers, snapshot

from cepledger.cli import complete
from cepledger.cli.run import reports
from cepledger.model.errors import DataError, Problem

COMMANDS = [
    [], ["init"], ["member"], ["member", "add"], ["member", "enrol"], ["member", "list"], ["add"], ["void"],
    ["log"], ["status"], ["summary"], ["check"], ["programs"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "cep")
def test_every_command_has_help_with_an_example(command):
    r = cep(None, *command, "--help")
    assert r.exit_code == 0, r.output
    assert "Example" in r.stdout
    assert "Traceback" not in r.output


def test_version():
    r = cep(None, "--version")
    assert r.exit_code == 0
    assert r.stdout.startswith("cepledger ")


def test_no_arguments_shows_help():
    r = cep(None)
    assert r.exit_code in (0, 2)
    assert "Usage" in r.output and "status" in r.output


@pytest.mark.parametrize(
    "args",
    [
        ["status", "jdoe", "--bogus"],
        ["status"],
        ["nosuchcommand"],
        ["status", "jdoe", "--format", "xml"],
        ["add", "jdoe", "live-webinar", "-1"],
    ],
)
def test_click_usage_errors_exit_2_without_a_traceback(tmp_path, args):
    ledgers = make_ledgers(tmp_path)
    before = snapshot(ledgers)
    r = cep(ledgers, *args)
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert r.stderr.strip()
    assert snapshot(ledgers) == before


def test_unknown_member_names_the_known_ones(tmp_path):
    ledgers = make_ledgers(tmp_path)
    r = cep(ledgers, "status", "jdoo")
    assert r.exit_code == 2
    assert "jdoe" in r.stderr and "mlee" in r.stderr
    assert r.stdout == ""


def test_a_bad_member_id_is_refused_before_any_file_is_touched(tmp_path):
    ledgers = make_ledgers(tmp_path)
    before = snapshot(ledgers)
    for bad in ["../jdoe", "JDoe", "con", "a/b", ""]:
        r = cep(ledgers, "status", bad)
        assert r.exit_code == 2, bad
        assert r.stderr.startswith("error: ")
    assert snapshot(ledgers) == before


def test_ledgers_come_from_the_option_then_the_environment_then_cwd(tmp_path, monkeypatch):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    r = cep(None, "member", "list", "--format", "csv", env={"CEPLEDGER_DIR": str(ledgers)})
    assert r.exit_code == 0 and "jdoe" in r.stdout
    monkeypatch.chdir(tmp_path)  # ./ledgers
    r = cep(None, "member", "list", "--format", "csv")
    assert r.exit_code == 0 and "jdoe" in r.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    r = cep(empty, "member", "list", "--format", "csv", env={"CEPLEDGER_DIR": str(ledgers)})
    assert r.stdout == "id,name,programs\n"


def test_a_missing_ledgers_folder_says_how_to_create_it(tmp_path):
    r = cep(tmp_path / "nowhere", "summary")
    assert r.exit_code == 2
    assert "cep init" in r.stderr


def test_bad_cepledger_today_is_a_usage_error(tmp_path):
    ledgers = make_ledgers(tmp_path)
    r = cep(ledgers, "status", "jdoe", today="someday")
    assert r.exit_code == 2
    assert "CEPLEDGER_TODAY" in r.stderr


def test_today_comes_from_the_environment(tmp_path):
    ledgers = make_ledgers(tmp_path)
    r = cep(ledgers, "status", "jdoe", "--format", "csv", today="2026-09-01")
    assert ",2026-27," in r.stdout


def test_data_errors_print_path_line_message_and_exit_3(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE.replace("hours = 12", "hours = \"twelve\""))
    r = cep(ledgers, "status", "jdoe")
    assert r.exit_code == 3
    line = JDOE.splitlines().index("hours = 12") + 1
    assert f"jdoe.toml:{line}: " in r.stderr
    assert "Traceback" not in r.output


def test_an_internal_error_is_one_line_without_debug(tmp_path, monkeypatch):
    ledgers = make_ledgers(tmp_path)

    def boom(*a, **kw):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(reports, "evaluate", boom)
    r = cep(ledgers, "status", "jdoe")
    assert r.exit_code == 70  # never 1, which scripts read as "short"
    assert r.stderr == ("internal error (a bug in cepledger): ZeroDivisionError: oops; "
                        "run the command again with --debug and report the traceback\n")

    r = cep(ledgers, "--debug", "status", "jdoe")
    assert r.exit_code == 70
    assert "Traceback" in r.stderr and "ZeroDivisionError: oops" in r.stderr
    assert r.stderr.endswith("internal error (a bug in cepledger): ZeroDivisionError: oops; "
                             "please report it with the traceback above\n")


def test_cep_errors_are_mapped_in_one_place(tmp_path, monkeypatch):
    ledgers = make_ledgers(tmp_path)

    def bad(*a, **kw):
        raise DataError([Problem("a.toml", 3, "x", "first"), Problem("b.toml", 0, "y", "second")])

    monkeypatch.setattr(reports, "evaluate", bad)
    r = cep(ledgers, "status", "jdoe")
    assert r.exit_code == 3
    assert r.stderr == "a.toml:3: first\nb.toml: second\n"


def test_python_dash_m_runs_the_same_program(tmp_path):
    ledgers = make_ledgers(tmp_path)
    env = dict(os.environ, CEPLEDGER_TODAY="2026-03-15")
    repo = Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = str(repo) + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-m", "cepledger", "--ledgers", str(ledgers), "status", "jdoe",
                          "--format", "csv"], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("member,program,period,requirement")
    out = subprocess.run([sys.executable, "-m", "cepledger", "--help"], capture_output=True, text=True, env=env)
    assert out.returncode == 0 and "Usage: cep " in out.stdout


def test_completion_lists_members_and_activities(tmp_path):
    ledgers = make_ledgers(tmp_path)
    assert complete.complete_members(ledgers, "j") == ["jdoe"]
    assert complete.complete_members(tmp_path / "missing", "") == []
    assert "live-webinar" in complete.complete_activities(ledgers, "jdoe", "live")
    assert complete.complete_activities(ledgers, "mlee", "coach") == ["coaching"]
    assert "coaching" in complete.complete_activities(ledgers, "../bad", "coach")  # never raises
    assert complete.complete_activities(tmp_path / "missing", None, "zzz") == []
    assert complete.complete_programs(ledgers, "casc-b") == ["casc-butte"]


def test_shell_completion_through_click(tmp_path):
    ledgers = make_ledgers(tmp_path)
    env = dict(os.environ, _CEP_COMPLETE="complete_bash", COMP_WORDS=f"cep --ledgers {ledgers} status j",
               COMP_CWORD="4")
    repo = Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = str(repo) + os.pathsep + env.get("PYTHONPATH", "")
    code = "import sys; sys.argv = ['cep']; from cepledger.cli.app import main; main()"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert "jdoe" in out.stdout, out.stderr
    assert "Traceback" not in out.stderr
