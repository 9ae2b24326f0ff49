"""``cep amend``, ``cep undo``, entries named by line (``L17``), ``with``/``replaces`` and
entry-id completion: exact ledger bytes before and after, refusals that change nothing."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cepledger.cli.complete import complete_entry_ids
from cepledger.ledger import edit, journal
from cepledger.ledger.corrections import undo_last
from cepledger.ledger.load import load_member
from cepledger.ledger.write import FAULT_ENV, append_entries
from tests.cli_helpers import cep
from tests.conftest import REPO

LEDGER = """\
schema = 1

[member]
id = "jdoe"
name = "Jane Doe"

[programs.cass-cep]
since = 2021-09-01

# written by hand, no ids
[[entries]]
date = 2025-10-03   # the first day
activity = "cass-conference"
hours = 12
title = "Fall Conference 2025"
item = "fall-conference-2025"

[[entries]]
id = "a00002"
date = 2025-11-12
activity = "live-webinar"
hours = 4
item = "webinar-1"
"""
# line 11 is the header of the hand-written entry, line 18 that of a00002


@pytest.fixture
def ids(monkeypatch):
    """The new entry ids, in order: ``n00001``, ``n00002`` ..."""
    counter = iter(f"n{i:05d}" for i in range(1, 1000))
    monkeypatch.setattr(edit.secrets, "token_hex", lambda n: next(counter))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "ledgers"
    d.mkdir()
    (d / "jdoe.toml").write_text(LEDGER, encoding="utf-8")
    return d


def ledger_text(folder: Path) -> str:
    return (folder / "jdoe.toml").read_bytes().decode("utf-8")


# ------------------------------------------------------------------ amend


def test_amend_voids_the_old_entry_and_appends_the_corrected_copy(folder, ids) -> None:
    r = cep(folder, "amend", "jdoe", "a00002", "2", "--date", "2025-11-13")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[0] == "amended a00002 -> n00001: counted 3 -> 2"
    assert r.stdout.splitlines()[1] == "added n00001: counted 2 of 2; 2025-26: 12 of 30 credits"
    assert ledger_text(folder) == LEDGER.replace('item = "webinar-1"\n', 'item = "webinar-1"\nvoid = "amended by n00001"\n') + """\

[[entries]]
id = "n00001"
date = 2025-11-13
activity = "live-webinar"
hours = 2
item = "webinar-1"
replaces = "a00002"
"""


def test_amend_of_a_hand_written_entry_by_its_line_gives_it_an_id_in_place(folder, ids) -> None:
    r = cep(folder, "amend", "jdoe", "L11", "--title", "Fall Conference 2025 (day 1)")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[0] == "amended n00002 -> n00001: counted 10 -> 10"
    old_part = LEDGER.replace('[[entries]]\ndate = 2025-10-03   # the first day\n',
                              '[[entries]]\nid = "n00002"\ndate = 2025-10-03   # the first day\n')
    old_part = old_part.replace('item = "fall-conference-2025"\n',
                                'item = "fall-conference-2025"\nvoid = "amended by n00001"\n')
    assert ledger_text(folder) == old_part + """\

[[entries]]
id = "n00001"
date = 2025-10-03
activity = "cass-conference"
hours = 12
title = "Fall Conference 2025 (day 1)"
item = "fall-conference-2025"
replaces = "n00002"
"""


def test_log_and_explain_show_the_chain(folder, ids) -> None:
    assert cep(folder, "amend", "jdoe", "a00002", "2").exit_code == 0
    rows = json.loads(cep(folder, "log", "jdoe", "--format", "json").stdout)
    by_id = {r["id"]: r for r in rows}
    assert by_id["a00002"]["void"] == "amended by n00001" and by_id["a00002"]["counted"] == 0
    assert by_id["n00001"]["replaces"] == "a00002" and by_id["n00001"]["counted"] == 2
    assert "replaces" not in by_id[None]  # rows of other entries keep their shape
    old = cep(folder, "explain", "jdoe", "a00002").stdout
    new = cep(folder, "explain", "jdoe", "n00001").stdout
    assert "  amended by n00001: that entry counts in its place" in old.splitlines()
    assert "  replaces a00002: the entry it corrects (now void)" in new.splitlines()
    data = json.loads(cep(folder, "explain", "jdoe", "n00001", "--format", "json").stdout)
    assert data["entry"]["replaces"] == "a00002"
    assert json.loads(cep(folder, "explain", "jdoe", "a00002", "--format", "json").stdout)["entry"]["amended_by"] \
        == "n00001"
    table = cep(folder, "log", "jdoe").stdout
    assert "(replaces a00002)" in table and "VOID (amended by n00001)" in table


@pytest.mark.parametrize(("args", "message"), [
    (("a0002", "3"), "no entry 'a0002' in jdoe's ledger; did you mean 'a00002'?"),
    (("L12", "3"), "no [[entries]] table starts on line 12 of jdoe's ledger (entries without an id: L11)"),
    (("a00002",), "nothing to amend: give what to correct"),
    (("a00002", "4", "--item", "webinar-1"), "amending a00002 changes nothing"),
    (("a00002", "abc"), "bad amount 'abc'"),
])
def test_bad_amends_change_nothing(folder, args, message) -> None:
    before = ledger_text(folder)
    r = cep(folder, "amend", "jdoe", *args)
    assert r.exit_code == 2
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert ledger_text(folder) == before


def test_amend_of_a_void_entry_is_refused(folder, ids) -> None:
    assert cep(folder, "amend", "jdoe", "a00002", "2").exit_code == 0
    before = ledger_text(folder)
    r = cep(folder, "amend", "jdoe", "a00002", "1")
    assert r.exit_code == 2 and "is void (amended by n00001)" in r.stderr
    assert ledger_text(folder) == before


# ------------------------------------------------------------------ void and explain by line


def test_void_by_line_writes_an_id_and_the_reason_and_nothing_else(folder, ids) -> None:
    r = cep(folder, "void", "jdoe", "L11", "--reason", "wrong member")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("voided n00001")
    assert ledger_text(folder) == LEDGER.replace(
        '[[entries]]\ndate = 2025-10-03   # the first day\n',
        '[[entries]]\nid = "n00001"\ndate = 2025-10-03   # the first day\n').replace(
        'item = "fall-conference-2025"\n', 'item = "fall-conference-2025"\nvoid = "wrong member"\n')


def test_void_by_line_keeps_crlf(folder, ids) -> None:
    (folder / "jdoe.toml").write_bytes(LEDGER.replace("\n", "\r\n").encode())
    assert cep(folder, "void", "jdoe", "L11", "--reason", "x").exit_code == 0
    data = (folder / "jdoe.toml").read_bytes()
    assert b'[[entries]]\r\nid = "n00001"\r\ndate' in data and b'void = "x"\r\n' in data
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_explain_by_line(folder) -> None:
    r = cep(folder, "explain", "jdoe", "L11")
    assert r.exit_code == 0 and "cass-conference" in r.stdout and "counted 10" in r.stdout
    assert ledger_text(folder) == LEDGER  # explain never writes
    r = cep(folder, "explain", "jdoe", "L99")
    assert r.exit_code == 2 and "no [[entries]] table starts on line 99" in r.stderr


# ------------------------------------------------------------------ undo


def test_undo_walks_back_exactly(folder, ids) -> None:
    states = [ledger_text(folder)]
    assert cep(folder, "add", "jdoe", "cass-event", "2", "--date", "2025-12-01").exit_code == 0
    states.append(ledger_text(folder))
    assert cep(folder, "void", "jdoe", "L11", "--reason", "dup").exit_code == 0
    states.append(ledger_text(folder))
    assert cep(folder, "amend", "jdoe", "a00002", "1").exit_code == 0
    states.append(ledger_text(folder))
    assert cep(folder, "member", "enrol", "jdoe", "casc-butte", "--since", "2025-09-03",
               "--employed-since", "2025-07-01").exit_code == 0
    messages = []
    while True:
        r = cep(folder, "undo", "jdoe")
        if r.exit_code != 0:
            break
        messages.append(r.stdout.split(" on ")[0])
        assert ledger_text(folder) == states.pop()
    assert messages == ["undid `member enrol casc-butte`", "undid `amend a00002 -> n00003`",
                        "undid `void n00002`", "undid `add n00001`"]
    assert r.exit_code == 2 and "nothing to undo for jdoe" in r.stderr
    assert states == [] and ledger_text(folder) == LEDGER


def test_undo_refuses_after_a_hand_edit(folder) -> None:
    assert cep(folder, "add", "jdoe", "cass-event", "2", "--date", "2025-12-01").exit_code == 0
    edited = ledger_text(folder).replace("hours = 2\n", "hours = 2.5\n")
    (folder / "jdoe.toml").write_text(edited, encoding="utf-8")
    r = cep(folder, "undo", "jdoe")
    assert r.exit_code == 2
    assert r.stderr.startswith("error: cannot undo `add ")
    assert "has changed since (edited by hand or by another program)" in r.stderr
    assert ledger_text(folder) == edited
    # a write after the hand edit starts the history again: it alone can be undone
    assert cep(folder, "add", "jdoe", "cass-event", "1", "--date", "2025-12-02").exit_code == 0
    assert cep(folder, "undo", "jdoe").exit_code == 0 and ledger_text(folder) == edited
    assert cep(folder, "undo", "jdoe").exit_code == 2 and ledger_text(folder) == edited


def test_undo_of_an_import(folder, tmp_path) -> None:
    csv = tmp_path / "pd.csv"
    csv.write_text("date,activity,amount,title\n2025-12-01,cass-event,2,A\n2025-12-02,cass-event,1,B\n")
    assert cep(folder, "import", "jdoe", str(csv)).exit_code == 0
    r = cep(folder, "undo", "jdoe")
    assert r.exit_code == 0 and r.stdout.startswith("undid `import of 2 entries` on jdoe")
    assert ledger_text(folder) == LEDGER


def test_the_journal_lives_in_the_state_dir(folder, private_state_dir) -> None:
    assert cep(folder, "add", "jdoe", "cass-event", "2", "--date", "2025-12-01").exit_code == 0
    files = list((private_state_dir / "cepledger" / "journal").glob("*.json"))
    assert len(files) == 1
    assert [p.name for p in folder.iterdir()] == ["jdoe.toml", ".cepledger"] or \
        sorted(p.name for p in folder.iterdir()) == [".cepledger", "jdoe.toml"]
    assert not list(folder.rglob("*.json"))


def child_env(**extra: str) -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop(FAULT_ENV, None)
    env.update(extra)
    return env


UNDO = "import sys\nfrom cepledger.ledger.corrections import undo_last\nundo_last(sys.argv[1])\n"


def test_undo_cut_off_after_replacing_is_finished_by_the_next(folder) -> None:
    path = folder / "jdoe.toml"
    append_entries(path, [{"date": __import__("datetime").date(2025, 12, 1), "activity": "cass-event", "hours": 2}])
    r = subprocess.run([sys.executable, "-c", UNDO, str(path)], env=child_env(**{FAULT_ENV: "after-replace"}),
                       capture_output=True, timeout=30)
    assert r.returncode == 137 and ledger_text(folder) == LEDGER
    done = undo_last(path)
    assert done.already and ledger_text(folder) == LEDGER
    assert journal.steps(path) == []


LOOP_UNDO = """
import sys
from cepledger.ledger.corrections import undo_last
from cepledger.model.errors import UsageError
print("ready", flush=True)
while True:
    try:
        undo_last(sys.argv[1], lock_timeout=60)
    except UsageError:
        break
"""


def test_sigkill_during_undo_leaves_the_before_or_the_after(folder) -> None:
    from datetime import date

    path = folder / "jdoe.toml"
    states = [path.read_bytes()]
    for i in range(12):
        append_entries(path, [{"date": date(2025, 12, 1 + i), "activity": "cass-event", "hours": 1}])
        states.append(path.read_bytes())
    rng = random.Random(13)
    kills = 0
    while True:
        p = subprocess.Popen([sys.executable, "-c", LOOP_UNDO, str(path)], env=child_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert p.stdout is not None and p.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.05))
        p.send_signal(signal.SIGKILL)
        code = p.wait()
        data = path.read_bytes()
        assert data in states  # never torn, never another state
        load_member(path)
        kills += code == -signal.SIGKILL
        if code == 0 or data == states[0]:
            break
    while True:  # whatever the kills left, undo goes on walking back to the start
        try:
            undo_last(path)
        except Exception:
            break
    assert path.read_bytes() == states[0]
    assert journal.steps(path) == []
    assert kills >= 3  # the loop did kill undos part-way, not just run them all


# ------------------------------------------------------------------ with, completion


def test_add_with_writes_the_with_key(folder, ids) -> None:
    r = cep(folder, "add", "jdoe", "cass-event", "2", "--date", "2025-12-01", "--with", "Dr. Ana Ruiz")
    assert r.exit_code == 0, r.stderr
    assert ledger_text(folder).endswith('hours = 2\nwith = "Dr. Ana Ruiz"\n')
    rows = json.loads(cep(folder, "log", "jdoe", "--format", "json").stdout)
    assert rows[-1]["with"] == "Dr. Ana Ruiz"
    assert load_member(folder / "jdoe.toml").entries[-1].with_ == "Dr. Ana Ruiz"


def test_with_must_be_text(folder) -> None:
    (folder / "jdoe.toml").write_text(LEDGER + "with = 3\n", encoding="utf-8")
    r = cep(folder, "log", "jdoe")
    assert r.exit_code == 3 and "jdoe.toml:24: with must be text in quotes" in r.stderr


def test_entry_ids_complete(folder, ids) -> None:
    assert complete_entry_ids(folder, "jdoe", "") == ["L11", "a00002"]
    assert complete_entry_ids(folder, "jdoe", "a") == ["a00002"]
    assert cep(folder, "amend", "jdoe", "a00002", "1").exit_code == 0
    assert complete_entry_ids(folder, "jdoe", "", counting_only=True) == ["L11", "n00001"]
    assert complete_entry_ids(folder, "jdoe", "") == ["L11", "a00002", "n00001"]
    assert complete_entry_ids(folder, "nobody", "") == [] and complete_entry_ids(folder, None, "") == []


def test_entry_ids_complete_through_the_shell_protocol(folder) -> None:
    import os

    env = child_env(_CEP_COMPLETE="complete_bash", COMP_WORDS=f"cep --ledgers {folder} void jdoe a",
                    COMP_CWORD="5")
    r = subprocess.run([sys.executable, "-m", "cepledger"], env=env, capture_output=True, text=True, timeout=30)
    assert "a00002" in r.stdout.split(), (r.stdout, r.stderr)
    assert os.path.exists(folder / "jdoe.toml")


def test_the_journal_keeps_twenty_steps(folder) -> None:
    from datetime import date

    path = folder / "jdoe.toml"
    for i in range(23):
        append_entries(path, [{"date": date(2025, 12, 1), "activity": "cass-event", "hours": 1, "notes": str(i)}])
    assert len(journal.steps(path)) == journal.MAX_STEPS
    assert journal.steps(path)[-1].after_sha256 == journal.digest(path.read_bytes())


def test_a_broken_journal_only_means_nothing_to_undo(folder, private_state_dir) -> None:
    assert cep(folder, "add", "jdoe", "cass-event", "2", "--date", "2025-12-01").exit_code == 0
    (jf,) = (private_state_dir / "cepledger" / "journal").glob("*.json")
    jf.write_text("{not json")
    before = ledger_text(folder)
    r = cep(folder, "undo", "jdoe")
    assert r.exit_code == 2 and "nothing to undo for jdoe" in r.stderr and ledger_text(folder) == before


def test_an_unwritable_state_dir_does_not_fail_the_write(folder, tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    r = cep(folder, "add", "jdoe", "cass-event", "2", "--date", "2025-12-01")
    assert r.exit_code == 0 and ledger_text(folder) != LEDGER
    assert cep(folder, "undo", "jdoe").exit_code == 2


AMEND = ("import sys\nfrom cepledger.ledger.corrections import amend_entry\n"
         "amend_entry(sys.argv[1], 'a00002', {'date': __import__('datetime').date(2025, 11, 12), "
         "'activity': 'live-webinar', 'hours': 2, 'item': 'webinar-1'})\n")


@pytest.mark.parametrize("point", ["after-temp-write", "before-fsync", "before-replace", "after-replace",
                                   "after-journal"])
def test_a_crash_during_amend_or_undo_leaves_the_before_or_the_after(folder, point) -> None:
    path = folder / "jdoe.toml"
    r = subprocess.run([sys.executable, "-c", AMEND, str(path)], env=child_env(**{FAULT_ENV: point}),
                       capture_output=True, timeout=30)
    assert r.returncode == 137
    replaced = point in ("after-replace", "after-journal")
    m = load_member(path)
    assert (m.entry("a00002").void is not None) == replaced
    if not replaced:
        assert ledger_text(folder) == LEDGER
        return
    amended = path.read_bytes()
    if point == "after-replace":  # killed before the journal step: undo must not guess
        assert cep(folder, "undo", "jdoe").exit_code == 2 and path.read_bytes() == amended
        return
    r = subprocess.run([sys.executable, "-c", UNDO, str(path)], env=child_env(**{FAULT_ENV: "before-replace"}),
                       capture_output=True, timeout=30)
    assert r.returncode == 137 and path.read_bytes() == amended
    assert cep(folder, "undo", "jdoe").exit_code == 0 and ledger_text(folder) == LEDGER


def test_a_change_the_journal_cannot_keep_is_made_and_says_undo_cannot_take_it_back(folder, monkeypatch,
                                                                                     tmp_path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the state folder should be\n")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocked))
    before = (folder / "jdoe.toml").read_bytes()
    r = cep(folder, "add", "jdoe", "live-webinar", "1", "--date", "2025-11-20", "--item", "webinar-2")
    assert r.exit_code == 0, r.stderr
    after = (folder / "jdoe.toml").read_bytes()
    assert after.startswith(before) and b"webinar-2" in after  # the change is made
    assert r.stderr == (f"warning: the change to {folder / 'jdoe.toml'} was made, but the undo journal could not "
                        "be saved, so `cep undo` cannot take this command back.\n")
