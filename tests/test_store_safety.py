"""Nothing lost: concurrency, crashes at every step, failing disks, locks, editors.

Each test checks the same three things afterwards: the ledger parses, it holds
either the old or the new entries (never a mix or a torn file), and no temp file
is left behind once the next write has run.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cepledger.ledger import write as store_write
from cepledger.model.errors import CepError, DataError, WriteError
from cepledger.ledger.load import load_member, parse_member
from cepledger.ledger.write import FAULT_ENV, append_entries, create_member, lock_path, void_entry
from conftest import REPO, SAMPLE, run_python

ENTRY = {"date": date(2025, 11, 20), "activity": "professional-learning", "hours": Decimal("3.5")}


def temps(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp"))


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop(FAULT_ENV, None)
    env.update(extra)
    return env


APPEND_SCRIPT = """
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from cepledger.ledger.write import append_entries
path, worker, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for i in range(count):
    append_entries(path, [{"date": date(2025, 1, 1), "activity": "x", "hours": Decimal(1),
                           "notes": f"{worker}-{i}"}], lock_timeout=60)
"""


# ----------------------------------------------------------------- concurrency


def test_four_writers_and_a_reader(write_ledger) -> None:
    path = write_ledger(SAMPLE)
    procs = [
        subprocess.Popen([sys.executable, "-c", APPEND_SCRIPT, str(path), f"w{w}", "50"], env=child_env(),
                         stderr=subprocess.PIPE, text=True)
        for w in range(4)
    ]
    reads, last = 0, 1
    while any(p.poll() is None for p in procs):
        m = load_member(path)  # must never fail, never see a torn file
        assert len(m.entries) >= last
        last = len(m.entries)
        reads += 1
    for p in procs:
        assert p.wait() == 0, p.stderr.read()
    m = load_member(path)
    assert len(m.entries) == 201
    assert sorted(e.notes for e in m.entries[1:]) == sorted(f"w{w}-{i}" for w in range(4) for i in range(50))
    assert len({e.id for e in m.entries}) == 201
    assert path.read_bytes().startswith(SAMPLE.encode())
    assert reads > 0 and temps(path.parent) == []


# ----------------------------------------------------------------- crashes


FAULT_APPEND = """
import sys
from datetime import date
from pathlib import Path
from cepledger.ledger.write import append_entries
append_entries(Path(sys.argv[1]), [{"id": "new001", "date": date(2025, 1, 2), "activity": "x"}])
"""


@pytest.mark.parametrize("point", ["after-temp-write", "before-fsync", "before-replace", "after-replace"])
def test_crash_at_each_step_of_an_append(write_ledger, point: str) -> None:
    path = write_ledger(SAMPLE)
    r = subprocess.run([sys.executable, "-c", FAULT_APPEND, str(path)], env=child_env(**{FAULT_ENV: point}),
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 137, r.stderr
    data = path.read_bytes()
    ids = [e.id for e in parse_member(data, str(path)).entries]
    if point == "after-replace":
        assert ids == ["7f3a2c", "new001"] and data.startswith(SAMPLE.encode())
        assert temps(path.parent) == []
    else:
        assert data == SAMPLE.encode() and ids == ["7f3a2c"]
        assert len(temps(path.parent)) == 1  # the crashed writer's leftover...
    append_entries(path, [ENTRY])
    assert temps(path.parent) == []  # ...is cleaned by the next write
    assert len(load_member(path).entries) == (3 if point == "after-replace" else 2)


@pytest.mark.parametrize("point", ["before-replace", "after-replace"])
def test_crash_while_creating_and_voiding(ledgers: Path, point: str) -> None:
    path = ledgers / "amy.toml"
    code = ("from datetime import date\nfrom cepledger.ledger.write import create_member\n"
            f"create_member({str(path)!r}, 'amy', 'Amy', 'cass-cep', date(2021, 9, 1))")
    assert run_python(code, env={FAULT_ENV: point}).returncode == 137
    assert path.exists() == (point == "after-replace")
    if not path.exists():
        create_member(path, "amy", "Amy", "cass-cep", date(2021, 9, 1))
    assert temps(ledgers) == [] and os.stat(path).st_nlink == 1
    (e,) = append_entries(path, [ENTRY])
    before = path.read_bytes()
    code = f"from cepledger.ledger.write import void_entry\nvoid_entry({str(path)!r}, {e.id!r}, 'dup')"
    assert run_python(code, env={FAULT_ENV: point}).returncode == 137
    voided = load_member(path).entries[0].void
    assert (voided == "dup") == (point == "after-replace")
    if point == "before-replace":
        assert path.read_bytes() == before


LOOP_APPEND = """
import sys
from datetime import date
from pathlib import Path
from cepledger.ledger.write import append_entries
path = Path(sys.argv[1])
print("ready", flush=True)
i = 0
while True:
    append_entries(path, [{"date": date(2025, 1, 1), "activity": "x", "notes": "n" * (i % 300)}], lock_timeout=60)
    i += 1
"""


def test_sigkill_at_random_moments(write_ledger) -> None:
    path = write_ledger(SAMPLE)
    rng = random.Random(1234)
    previous = path.read_bytes()
    for _ in range(20):
        p = subprocess.Popen([sys.executable, "-c", LOOP_APPEND, str(path)], env=child_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert p.stdout is not None and p.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.15))
        p.send_signal(signal.SIGKILL)
        p.wait()
        data = path.read_bytes()
        m = parse_member(data, str(path))  # never torn
        assert data.startswith(previous) and len(m.entries) >= 1
        previous = data
    assert len(parse_member(previous, str(path)).entries) > 1  # some appends completed between kills
    append_entries(path, [ENTRY])
    assert temps(path.parent) == []
    assert load_member(path).entries[-1].activity == "professional-learning"


# ----------------------------------------------------------------- failing disks


def fail_with(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return fail


@pytest.mark.parametrize(
    ("target", "code", "message"),
    [
        ("write", errno.ENOSPC, "disk is full; free some space"),
        ("fsync", errno.EIO, "input/output error"),
        ("fchmod", errno.EPERM, "permission denied"),
        ("replace", errno.EACCES, "permission denied"),
    ],
)
def test_os_errors_leave_the_ledger_unchanged(write_ledger, monkeypatch, target: str, code: int, message: str) -> None:
    path = write_ledger(SAMPLE)
    append_entries(path, [ENTRY])  # creates .cepledger/ before the failure is injected
    before = path.read_bytes()
    monkeypatch.setattr(store_write.os, target, fail_with(code))
    with pytest.raises(WriteError) as exc:
        append_entries(path, [ENTRY])
    monkeypatch.undo()
    msg = str(exc.value)
    assert msg.startswith(f"could not write {path}: ") and message in msg and "left unchanged" in msg
    assert path.read_bytes() == before and temps(path.parent) == []


def test_a_partial_write_then_disk_full(write_ledger, monkeypatch) -> None:
    path = write_ledger(SAMPLE)
    append_entries(path, [ENTRY])
    before = path.read_bytes()
    real_write = os.write
    calls = []

    def short_then_full(fd: int, data) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_write.os, "write", short_then_full)
    with pytest.raises(WriteError, match="disk is full"):
        append_entries(path, [ENTRY])
    monkeypatch.undo()
    assert len(calls) == 2 and path.read_bytes() == before and temps(path.parent) == []


def test_read_only_file_system(write_ledger, monkeypatch) -> None:
    path = write_ledger(SAMPLE)
    append_entries(path, [ENTRY])
    before = path.read_bytes()
    monkeypatch.setattr(store_write.tempfile, "mkstemp", fail_with(errno.EROFS))
    with pytest.raises(WriteError, match="read-only"):
        append_entries(path, [ENTRY])
    assert path.read_bytes() == before


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="running as root: root ignores folder permissions, so chmod cannot make it read-only")
def test_read_only_folder(write_ledger, ledgers: Path) -> None:
    path = write_ledger(SAMPLE)
    append_entries(path, [ENTRY])
    before = path.read_bytes()
    os.chmod(ledgers, 0o555)
    try:
        with pytest.raises(WriteError, match="permission denied"):
            append_entries(path, [ENTRY])
    finally:
        os.chmod(ledgers, 0o755)
    assert path.read_bytes() == before and temps(ledgers) == []


def test_failing_folder_sync_after_replace_says_the_change_was_written(write_ledger, monkeypatch) -> None:
    path = write_ledger(SAMPLE)
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if os.path.isdir(f"/proc/self/fd/{fd}") or (os.fstat(fd).st_mode & 0o170000) == 0o040000:
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(store_write.os, "fsync", fsync)
    with pytest.raises(WriteError, match="was written, but its folder could not be synced"):
        append_entries(path, [ENTRY])
    monkeypatch.undo()
    assert len(load_member(path).entries) == 2


# ----------------------------------------------------------------- locks and editors


def test_lock_timeout_is_a_write_error(write_ledger) -> None:
    from filelock import FileLock

    path = write_ledger(SAMPLE)
    append_entries(path, [ENTRY])
    before = path.read_bytes()
    holder = FileLock(str(lock_path(path)))
    holder.acquire()
    try:
        t = time.monotonic()
        with pytest.raises(WriteError, match="locked by another writer; try again in a moment") as exc:
            append_entries(path, [ENTRY], lock_timeout=0.2)
        assert time.monotonic() - t < 2
        assert exc.value.exit_code == 4
    finally:
        holder.release()
    assert path.read_bytes() == before
    append_entries(path, [ENTRY], lock_timeout=0.2)  # free again


def test_an_editor_saving_meanwhile_is_not_overwritten(write_ledger) -> None:
    path = write_ledger(SAMPLE)
    calls = []

    def editor_saves_once(member) -> None:
        calls.append(len(member.entries))
        if len(calls) == 1:  # between our read and our replace, someone saves
            with open(path, "ab") as f:
                f.write(b"# saved by an editor\n")

    (e,) = append_entries(path, [ENTRY], validate=editor_saves_once)
    assert calls == [1, 1]
    assert path.read_text().startswith(SAMPLE + "# saved by an editor\n")
    assert load_member(path).entries[-1].id == e.id


def test_a_ledger_that_keeps_changing_is_left_alone(write_ledger) -> None:
    path = write_ledger(SAMPLE)

    def always_saving(member) -> None:
        with open(path, "ab") as f:
            f.write(b"# again\n")

    with pytest.raises(WriteError, match="kept changing"):
        append_entries(path, [ENTRY], validate=always_saving)
    assert path.read_text() == SAMPLE + "# again\n" * 3 and temps(path.parent) == []


def test_only_stale_temp_files_of_other_members_are_removed(write_ledger, ledgers: Path) -> None:
    path = write_ledger(SAMPLE)
    mine = ledgers / ".jdoe.toml.abc.tmp"
    fresh = ledgers / ".amy.toml.def.tmp"
    stale = ledgers / ".bob.toml.ghi.tmp"
    unrelated = ledgers / "notes.tmp"
    for p in (mine, fresh, stale, unrelated):
        p.write_text("x")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    append_entries(path, [ENTRY])
    assert sorted(os.listdir(ledgers)) == [".amy.toml.def.tmp", ".cepledger", "jdoe.toml", "notes.tmp"]


def test_refused_files_are_never_written(ledgers: Path, tmp_path: Path) -> None:
    target = tmp_path / "outside.toml"
    target.write_text(SAMPLE)
    (ledgers / "jdoe.toml").symlink_to(target)
    with pytest.raises(DataError, match="symbolic link"):
        append_entries(ledgers / "jdoe.toml", [ENTRY])
    assert target.read_text() == SAMPLE
    other = ledgers / "amy.toml"
    other.write_text(SAMPLE.replace('"jdoe"', '"amy"'))
    os.link(other, tmp_path / "twin.toml")
    with pytest.raises(DataError, match="hard links"):
        void_entry(other, "7f3a2c", "r")
    assert (tmp_path / "twin.toml").read_text() == SAMPLE.replace('"jdoe"', '"amy"')


# ----------------------------------------------------------------- property test

title_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@st.composite
def hand_written_ledgers(draw) -> bytes:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    comment = st.sampled_from(["", "# note", "#", "   # indented ü", "# [[entries]] in a comment"])
    blank = st.integers(0, 2)
    out = [draw(comment), "schema = 1" + draw(st.sampled_from(["", "  # v1"]))]
    out += [""] * draw(blank) + ["[member]", 'id = "jdoe"', "name = " + json.dumps(draw(title_text), ensure_ascii=False)]
    out += [""] * draw(blank) + ["[programs.cass-cep]", "since = 2021-09-01"]
    for i in range(draw(st.integers(0, 4))):
        out += [""] * draw(blank) + [draw(comment), draw(st.sampled_from(["[[entries]]", "  [[ entries ]]  # x"]))]
        out += [f"date = 2025-01-{i + 1:02d}", 'activity = "x"' + draw(st.sampled_from(["", " # why"]))]
        if draw(st.booleans()):
            out.append("title = " + json.dumps(draw(title_text), ensure_ascii=False))
        if draw(st.booleans()):
            out.append(f"hours = {draw(st.decimals(0, 999, places=2))}")
        if draw(st.booleans()):
            out.append("notes = '''" + draw(st.sampled_from(["x", "[[entries]]", "multi\nline"])).replace("\n", eol)
                       + "'''")
    out += [""] * draw(blank) + [draw(comment)]
    text = eol.join(out)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if draw(st.booleans()) else data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old=hand_written_ledgers(), notes=any_text, title=title_text, hours=st.decimals(0, 1000, places=2))
def test_append_keeps_old_bytes_and_adds_exactly_one_entry(old: bytes, notes: str, title: str, hours: Decimal) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "jdoe.toml"
        path.write_bytes(old)
        try:
            before = parse_member(old, str(path)).entries
        except DataError:
            before = None
        fields = {**ENTRY, "notes": notes, "title": title or None, "hours": hours}
        try:
            (new,) = append_entries(path, [fields])
        except CepError:
            assert before is None  # only an invalid ledger may refuse this entry
            assert path.read_bytes() == old and temps(Path(d)) == []
            return
        data = path.read_bytes()
        assert data.startswith(old) and temps(Path(d)) == []
        after = parse_member(data, str(path)).entries
        assert before is not None and [e.id for e in after[:-1]] == [e.id for e in before]
        assert after[:-1] == tuple(before)
        assert (after[-1].notes, after[-1].title, after[-1].hours) == (notes, title or None, hours)
        assert after[-1] == new
