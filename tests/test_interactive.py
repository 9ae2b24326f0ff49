"""Interactive add: on a terminal the missing arguments are asked for; without one, never."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import pytest

from cli_helpers import JDOE, MLEE, cep, make_ledgers, snapshot

from cepledger.ledger.load import load_member

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")


class Terminal:
    """``cep`` run on a pseudo-terminal: read what it prints, type answers."""

    def __init__(self, *args: str, env: dict):
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen([sys.executable, "-m", "cepledger", *args], stdin=slave, stdout=slave,
                                     stderr=slave, env=env, close_fds=True)
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 20) -> None:
        end = time.monotonic() + timeout
        while text not in self.seen:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"never saw {text!r}; got:\n{self.seen}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"cep ended before {text!r}; got:\n{self.seen}")
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")

    def type(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())

    def wait(self) -> int:
        code = self.proc.wait(timeout=30)
        try:
            while True:
                ready, _, _ = select.select([self.master], [], [], 0.2)
                if not ready:
                    break
                chunk = os.read(self.master, 4096)
                if not chunk:
                    break
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        except OSError:
            pass
        os.close(self.master)
        return code


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEPLEDGER")}
    env.update(CEPLEDGER_TODAY="2026-03-15", NO_COLOR="1", COLUMNS="100")
    return env


def test_add_asks_for_member_activity_amount_and_date_on_a_terminal(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE, mlee=MLEE)
    t = Terminal("--ledgers", str(ledgers), "add", env=_env())
    t.expect("members: jdoe, mlee")
    t.expect("member:")
    t.type("jdoe")
    t.expect("live-webinar")
    t.expect("at most 3 per webinar")  # activities are listed with their caps
    t.expect("activity:")
    t.type("live-webinr")  # a typo is asked again, with a hint
    t.expect("did you mean 'live-webinar'")
    t.type("live-webinar")
    t.expect("credits:")
    t.type("2")
    t.expect("date [2026-03-15]:")
    t.type("")
    assert t.wait() == 0, t.seen
    assert "counted 2 of 2" in t.seen
    entry = load_member(ledgers / "jdoe.toml").entries[-1]
    assert (entry.activity, entry.hours, str(entry.date)) == ("live-webinar", 2, "2026-03-15")


def test_a_complete_command_on_a_terminal_asks_nothing(tmp_path):
    ledgers = make_ledgers(tmp_path, mlee=MLEE)
    t = Terminal("--ledgers", str(ledgers), "add", "mlee", "orientation", "--date", "2025-09-06", env=_env())
    assert t.wait() == 0, t.seen
    assert "orientation recorded" in t.seen and "date" not in t.seen.split("added")[0]


def test_without_a_terminal_it_never_prompts(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    before = snapshot(ledgers)
    r = cep(ledgers, "add")
    assert r.exit_code == 2 and "Missing argument 'MEMBER'" in r.stderr
    r = cep(ledgers, "add", "jdoe")
    assert r.exit_code == 2 and "Missing argument 'ACTIVITY'" in r.stderr
    r = cep(ledgers, "add", "jdoe", "live-webinar")
    assert r.exit_code == 2 and "counted in hours" in r.stderr
    proc = subprocess.run([sys.executable, "-m", "cepledger", "--ledgers", str(ledgers), "add", "jdoe"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=_env(), timeout=30)
    assert proc.returncode == 2 and "member:" not in proc.stdout
    assert snapshot(ledgers) == before


def _many(tmp_path, n=25):
    members = {f"m{i:02d}": JDOE.replace('id = "jdoe"', f'id = "m{i:02d}"') for i in range(n)}
    return make_ledgers(tmp_path, **members)


def test_summary_and_check_show_a_progress_bar_on_a_terminal_stderr(tmp_path):
    ledgers = _many(tmp_path)
    for command, label in (("summary", "summary"), ("check", "checking")):
        t = Terminal("--ledgers", str(ledgers), command, env=_env())
        code = t.wait()
        assert code in (0, 1), t.seen
        assert f"{label} " in t.seen and "25/25" in t.seen


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    ledgers = _many(tmp_path)
    for command in ("summary", "check"):
        proc = subprocess.run([sys.executable, "-m", "cepledger", "--ledgers", str(ledgers), command],
                              capture_output=True, text=True, env=_env(), timeout=60)
        assert "█" not in proc.stderr and "\r" not in proc.stderr and "█" not in proc.stdout


def test_import_shows_progress_over_many_rows_on_a_terminal(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    csv = tmp_path / "many.csv"
    csv.write_text("date,activity,hours,item\n" + "".join(f"2026-01-05,live-webinar,1,w{i}\n" for i in range(30)),
                   encoding="utf-8")
    t = Terminal("--ledgers", str(ledgers), "import", "jdoe", str(csv), env=_env())
    assert t.wait() == 0, t.seen
    assert "checking rows" in t.seen and "30/30" in t.seen and "imported 30 entries" in t.seen


def test_a_catalogued_activity_asks_for_its_course(tmp_path):
    ledgers = make_ledgers(tmp_path, jdoe=JDOE)
    t = Terminal("--ledgers", str(ledgers), "add", "jdoe", "cep-course", env=_env())
    t.expect("12 visionary-leadership")
    t.expect("course (number or name):")
    t.type("13")
    t.expect("unknown course '13'")
    t.type("relational-leadership")
    assert t.wait() == 0, t.seen
    assert load_member(ledgers / "jdoe.toml").entries[-1].course == "relational-leadership"
