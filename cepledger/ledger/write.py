"""Writing member ledgers without ever losing a byte (docs/data-safety.md).

Every writer follows one protocol:

1. take the member's lock (``<ledgers>/.cepledger/locks/<id>.lock``, filelock);
2. remove temp files left by a crashed writer;
3. read and parse the ledger afresh (``load.parsed_member``: the same reader as every
   command), run the caller's ``validate`` callback;
4. render only the new text with tomlkit and splice it into the old bytes (``edit``:
   an append keeps the old bytes as an exact prefix; void/enrol insert whole lines);
5. parse the new bytes and check they equal the old document plus exactly the
   intended change (``verify``);
6. write a temp file in the same folder, ``fsync`` it, give it the old mode;
7. if the ledger changed on disk since step 3 (an editor saved), start again;
8. ``os.replace`` the ledger atomically, ``fsync`` the folder.

Any ``OSError`` becomes a one-sentence ``WriteError`` (exit 4) with the ledger
byte-for-byte unchanged and no temp file left behind.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable

from cepledger.ledger import edit, journal
from cepledger.ledger.edit import render_entry
from cepledger.ledger.files import read_ledger_bytes
from cepledger.ledger.load import missing_member, parsed_member, remember
from cepledger.ledger.verify import Plan, Snapshot, verify
from cepledger.model.errors import DataError, UsageError, WriteError
from cepledger.model.ids import is_valid_member_id
from cepledger.model.records import Entry, Member

__all__ = [
    "FAULT_ENV",
    "append_entries",
    "void_entry",
    "void_plan",
    "transact",
    "add_enrolment",
    "create_member",
    "render_entry",
    "lock_path",
]

FAULT_ENV = "CEPLEDGER_FAULT"
FAULT_POINTS = ("after-temp-write", "before-fsync", "before-replace", "after-replace", "after-journal")
STATE_DIR = ".cepledger"
MAX_ATTEMPTS = 3
STALE_TEMP_SECONDS = 60.0

Validator = Callable[[Member], None]

_TEMP_RE = re.compile(r"\.([a-z0-9][a-z0-9_-]{0,63})\.toml\..+\.tmp")

# ----------------------------------------------------------------- the protocol


def lock_path(ledger: Path) -> Path:
    """The lock file guarding one ledger: ``<ledgers>/.cepledger/locks/<id>.lock``."""
    ledger = Path(ledger)
    return ledger.parent / STATE_DIR / "locks" / (ledger.name[:-5] + ".lock")


def _member_id_of(path: Path) -> str:
    name = path.name
    if not name.endswith(".toml") or not is_valid_member_id(name[:-5]):
        raise UsageError(f"{path} is not a ledger file name (<member-id>.toml); use `cep member list` to see members.")
    return name[:-5]


def _reason(e: OSError) -> str:
    code = e.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return "the disk is full; free some space and try again"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied; check that you may write to that folder"
    if code == errno.EROFS:
        return "the file system is read-only; copy the ledgers to a writable folder"
    if code == errno.EIO:
        return "the disk reported an input/output error; check the disk and try again"
    return f"{e.strerror or e}; try again"


def _write_error(path: Path, e: OSError) -> WriteError:
    return WriteError(f"could not write {path}: {_reason(e)} (the ledger was left unchanged).")


def _state_dir(folder: Path) -> Path:
    """Create ``.cepledger/locks`` (with a ``.gitignore``) and return the locks folder."""
    base = folder / STATE_DIR
    locks = base / "locks"
    for d in (base, locks):
        try:
            os.mkdir(d)
        except FileExistsError:
            pass
        if not stat.S_ISDIR(os.lstat(d).st_mode):  # a symlink here could move the lock elsewhere
            raise WriteError(f"{d} is not a plain folder; remove it and try again.")
    _ignore_in_git(base)
    return locks


def _ignore_in_git(base: Path) -> None:
    """Write ``base/.gitignore`` (``*``) once, so lock files never get committed.

    Created exclusively and without following links; a failure is harmless.
    """
    gitignore = base / ".gitignore"
    if os.path.lexists(gitignore):
        return
    try:
        fd = os.open(gitignore, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:
            os.write(fd, b"# cepledger locks and caches: never commit this folder\n*\n")
        finally:
            os.close(fd)
    except OSError:
        pass


def _clean_temps(folder: Path, member_id: str) -> None:
    """Remove temp files a crashed writer left: ours at any age (we hold the
    lock, so nobody is writing them), other members' after a minute."""
    own = f".{member_id}.toml."
    now = time.time()
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not name.endswith(".tmp") or not _TEMP_RE.fullmatch(name):
            continue
        p = folder / name
        try:
            st = os.lstat(p)
            if not stat.S_ISREG(st.st_mode):
                continue
            if name.startswith(own) or now - st.st_mtime > STALE_TEMP_SECONDS:
                os.unlink(p)
        except OSError:
            pass


def _umask() -> int:
    try:  # Linux exposes it without the set-and-restore race
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fault(fault: str | None, point: str) -> None:
    # Crash-test hook (tests/test_store_safety.py): die like `kill -9` would.
    if fault == point:
        os._exit(137)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # e.g. Windows: directories cannot be opened; rename is durable there
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno not in (errno.EINVAL, errno.ENOTSUP, getattr(errno, "EOPNOTSUPP", -1), errno.EBADF):
            raise
    finally:
        os.close(fd)


def _identity(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev)


def _read_snapshot(path: Path, create: bool) -> Snapshot:
    if create:
        if os.path.lexists(path):
            raise UsageError(f"the member {path.name[:-5]!r} already exists ({path}); "
                             "use `cep member enrol` to add a program.")
        if not path.parent.is_dir():
            raise UsageError(f"the ledgers folder {path.parent} does not exist; create it with `cep init {path.parent}`.")
        return Snapshot(b"", None, None, path=str(path))
    try:
        data, st = read_ledger_bytes(path)
    except FileNotFoundError:
        raise missing_member(path) from None
    parsed = parsed_member(data, str(path))  # reuses the parse of exactly these bytes
    return Snapshot(data, st, parsed.member, appendable=parsed.appendable, path=str(path))


def _commit(path: Path, snap: Snapshot, new: bytes, member_id: str, fault: str | None) -> bool:
    """Atomically put ``new`` in place of the ledger; False if it changed meanwhile."""
    folder = path.parent
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{member_id}.toml.", suffix=".tmp")
        _write_temp(fd, tmp, new, snap, fault)
        if not _replace(path, tmp, snap, member_id, fault):
            return False
        tmp = None
    except OSError as e:
        raise _write_error(path, e) from e
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    _fault(fault, "after-replace")
    try:
        _fsync_dir(folder)
    except OSError as e:
        raise WriteError(f"{path} was written, but its folder could not be synced to disk ({_reason(e)}); "
                         "check the disk before relying on the change.") from e
    return True


def _write_temp(fd: int, tmp: str, new: bytes, snap: Snapshot, fault: str | None) -> None:
    """Write, chmod (and for root, chown) and fsync the temp file, then close it."""
    try:
        view = memoryview(new)
        while view:
            view = view[os.write(fd, view):]
        _fault(fault, "after-temp-write")
        # mkstemp makes the file 0600; give it the ledger's mode (or the usual
        # 0644 less umask for a new ledger) so replacing it changes no permissions.
        mode = stat.S_IMODE(snap.stat.st_mode) if snap.stat is not None else 0o644 & ~_umask()
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        else:  # pragma: no cover - Windows
            os.chmod(tmp, mode)
        if snap.stat is not None and hasattr(os, "geteuid") and os.geteuid() == 0:
            try:  # root fixing someone's ledger must not take it over
                os.fchown(fd, snap.stat.st_uid, snap.stat.st_gid)
            except OSError:
                pass
        _fault(fault, "before-fsync")
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace(path: Path, tmp: str, snap: Snapshot, member_id: str, fault: str | None) -> bool:
    """Move the temp file over the ledger (or link it as a new one); False when the
    ledger changed since it was read, and then nothing is replaced."""
    if snap.stat is not None:
        # An editor may have saved since we read; replacing now would lose
        # that save, so start over instead.
        try:
            cur = os.lstat(path)
        except FileNotFoundError:
            return False
        if _identity(cur) != _identity(snap.stat):
            return False
        try:
            now_data, _ = read_ledger_bytes(path)
        except (OSError, DataError):
            return False
        if now_data != snap.data:  # same stat, new bytes (coarse mtime): still changed
            return False
        _fault(fault, "before-replace")
        os.replace(tmp, path)
        return True
    _fault(fault, "before-replace")
    try:
        os.link(tmp, path)  # unlike rename, link never clobbers a file created meanwhile
    except FileExistsError:
        raise UsageError(f"the member {member_id!r} already exists ({path}); "
                         "use `cep member enrol` to add a program.") from None
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.ENOTSUP, getattr(errno, "EOPNOTSUPP", -1), errno.EMLINK):
            raise
        if os.path.lexists(path):  # no hard links on this file system
            raise UsageError(f"the member {member_id!r} already exists ({path}).") from None
        os.replace(tmp, path)
    else:
        try:
            os.unlink(tmp)
        except OSError:  # the new ledger is in place; the next writer removes the temp name (_clean_temps)
            pass
    return True


def transact(path: Path, planner: Callable[[Snapshot], Plan], *, validate: Validator | None,
             lock_timeout: float, create: bool = False, command: Callable[[], str] | None = None,
             after: Callable[[], None] | None = None) -> Member:
    """Run one locked read-verify-write cycle; return the member as written.

    With ``command`` (the words ``cep undo`` shows, asked for after the planner ran),
    the step goes into the undo journal (``ledger.journal``) once the ledger is replaced,
    still under the lock; ``after`` runs there too (``undo`` drops its journal step).
    """
    from filelock import FileLock, Timeout  # write path only: keep reads light

    path = Path(path)
    member_id = _member_id_of(path)
    fault = os.environ.get(FAULT_ENV)
    try:
        if not path.parent.is_dir():
            raise UsageError(f"the ledgers folder {path.parent} does not exist; "
                             f"create it with `cep init {path.parent}`.")
        lock = FileLock(str(_state_dir(path.parent) / f"{member_id}.lock"), timeout=lock_timeout)
        lock.acquire()
    except Timeout:
        raise WriteError(f"the ledger {path} is locked by another writer; try again in a moment.") from None
    except OSError as e:
        raise _write_error(path, e) from e
    try:
        _clean_temps(path.parent, member_id)
        for _attempt in range(MAX_ATTEMPTS):
            snap = _read_snapshot(path, create)
            if validate is not None and snap.member is not None:
                validate(snap.member)
            plan = planner(snap)
            written = verify(path, snap, plan)
            if _commit(path, snap, plan.new, member_id, fault):
                if command is not None:
                    if not journal.record(path, command(), snap.data, plan.new):
                        import warnings

                        from cepledger.model.errors import UndoNotRecorded

                        warnings.warn(UndoNotRecorded(
                            f"the change to {path} was made, but the undo journal could not be saved, "
                            "so `cep undo` cannot take this command back"), stacklevel=2)
                    _fault(fault, "after-journal")
                if after is not None:
                    after()
                remember(written)  # the next read of these bytes (the effect of `add`) reuses this parse
                return written.member
        raise WriteError(f"{path} kept changing while cepledger was writing it (is an editor saving it?); "
                         "close it and try again.")
    finally:
        lock.release()


# ----------------------------------------------------------------- writers


def append_entries(path: Path, entries: list[dict[str, Any]], *, validate: Validator | None = None,
                   lock_timeout: float = 10.0, command_name: str = "add") -> list[Entry]:
    """Append entries to a ledger; return them as read back from the written file.

    Entry dicts use SPEC.md's keys with Python values; a missing ``id`` gets a
    random 6-hex-digit id unique within the file. The existing bytes stay an exact
    prefix of the new file. Raises ``UsageError`` for bad fields, ``DataError`` if
    the ledger is invalid, ``WriteError`` if it cannot be written; whatever
    ``validate`` raises propagates. On any error the file is untouched.
    """
    if not entries:
        raise UsageError("nothing to append: give at least one entry.")
    prepared = [edit.normalise_entry(dict(e)) for e in entries]

    def plan(snap: Snapshot) -> Plan:
        assert snap.member is not None
        new_entries = edit.with_ids(prepared, snap.member.entry_ids(), path)
        appended[:] = new_entries
        new, offset = edit.append_block(snap.data, new_entries)
        return Plan(new, None, True, (offset, new_entries))

    def command() -> str:
        if command_name == "import":
            return f"import of {len(prepared)} entr{'y' if len(prepared) == 1 else 'ies'}"
        return f"{command_name} " + ", ".join(str(e["id"]) for e in appended)

    appended: list[dict[str, Any]] = []
    member = transact(Path(path), plan, validate=validate, lock_timeout=lock_timeout, command=command)
    return list(member.entries[-len(prepared):])


def void_entry(path: Path, entry_id: str, reason: str, *, validate: Validator | None = None,
               lock_timeout: float = 10.0) -> Entry:
    """Mark one entry void by inserting ``void = "reason"`` after its last key line.

    ``entry_id`` is an id or ``L17``, the line of the entry's ``[[entries]]`` header; an
    entry without an id gets one in place (an ``id = "..."`` line right after its
    header). Every other byte of the file stays as it was. Raises ``UsageError`` when the
    entry is unknown, its id used twice, or it is already void.
    """
    if not isinstance(reason, str) or not reason.strip():
        raise UsageError("give the reason the entry no longer counts, e.g. --reason \"entered twice\".")
    edit.text_ok(reason, "reason")
    path = Path(path)
    done: list[str] = []

    def plan(snap: Snapshot) -> Plan:
        assert snap.member is not None
        new, raw, eid = void_plan(snap, path, entry_id, reason, snap.member.entry_ids())
        done[:] = [eid]
        return Plan(new, {**snap.doc, "entries": raw}, False)

    member = transact(path, plan, validate=validate, lock_timeout=lock_timeout, command=lambda: f"void {done[0]}")
    result = member.entry(done[0])
    assert result is not None
    return result


def void_plan(snap: Snapshot, path: Path, entry_ref: str, reason: str,
              taken: set[str]) -> tuple[bytes, list[dict[str, Any]], str]:
    """``(new bytes, the entries as they must read back, the entry's id)`` for voiding
    the entry ``entry_ref`` names; an entry without an id gets a new one (not in
    ``taken``, to which it is added) on the line after its header."""
    assert snap.member is not None
    entry = edit.entry_to_void(snap.member, entry_ref, path)
    if snap.layout.entry_lines() is None:
        raise WriteError(f"cannot find where entry {entry_ref!r} is written in {path} (its entries are not "
                         f"all [[entries]] tables); add void = \"{reason}\" to it by hand.")
    header = entry.source.line
    # The entry's keys run to the next real table header (one inside a multi-line
    # string or an array value does not count).
    new = edit.insert_line(snap.data, header, snap.layout.table_end(header), edit.render_key("void", reason))
    if new is None:
        raise WriteError(f"cannot find the lines of entry {entry_ref!r} in {path}; "
                         f"add void = \"{reason}\" to it by hand.")
    raw = list(snap.doc["entries"])
    changed = {**raw[entry.index], "void": reason}
    eid = entry.id
    if eid is None:  # a hand-written entry named by its line: give it an id in place
        eid = edit.new_id(taken)
        new = edit.insert_after_line(new, header, edit.render_key("id", eid))
        changed["id"] = eid
    raw[entry.index] = changed
    return new, raw, eid


def add_enrolment(path: Path, program: str, since: date, employed_since: date | None = None, *,
                  validate: Validator | None = None, lock_timeout: float = 10.0) -> Member:
    """Enrol the member in another program: insert a ``[programs.<id>]`` table.

    The table goes before the first ``[[entries]]`` (and the comment lines right
    above it), or at the end when there are no entries; nothing else moves.
    Raises ``UsageError`` when the member is already enrolled.
    """
    fields = edit.check_program(program, since, employed_since)
    table = edit.render_program(program, since, employed_since)
    path = Path(path)

    def plan(snap: Snapshot) -> Plan:
        assert snap.member is not None
        progs = snap.doc.get("programs", {})
        if program in progs:
            current = snap.member.enrolment(program)
            when = f" since {current.since}" if current else ""
            raise UsageError(f"{snap.member.id} is already enrolled in {program}{when}; "
                             "edit the ledger by hand to change the date.")
        # No reliable header (no entries, or an inline entries list): add at the
        # end, which is valid TOML wherever the entries are.
        heads = snap.layout.entry_lines() if snap.member.entries else None
        new = edit.insert_table(snap.data, heads[0] if heads else None, table)
        return Plan(new, {**snap.doc, "programs": {**progs, program: fields}}, False)

    return transact(path, plan, validate=validate, lock_timeout=lock_timeout,
                    command=lambda: f"member enrol {program}")


def create_member(path: Path, member_id: str, name: str, program: str, since: date,
                  employed_since: date | None = None, *, lock_timeout: float = 10.0) -> Member:
    """Create a new ledger file for a member enrolled in one program.

    Refuses (``UsageError``) when the file already exists, even if another process
    creates it at the same moment. The file is written with mode 0644 minus umask.
    """
    path = Path(path)
    stem = _member_id_of(path)
    if member_id != stem:
        raise UsageError(f"the member id {member_id!r} does not match the file name {path.name!r}.")
    if not isinstance(name, str) or not name.strip():
        raise UsageError("the member's name is empty; give it with --name \"Full Name\".")
    edit.text_ok(name, "name")
    fields = edit.check_program(program, since, employed_since)
    text = edit.render_member_file(member_id, name, program, since, employed_since)
    expected = {"schema": 1, "member": {"id": member_id, "name": name}, "programs": {program: fields}}

    def plan(snap: Snapshot) -> Plan:
        return Plan(text.encode("utf-8"), expected, True)

    return transact(path, plan, validate=None, lock_timeout=lock_timeout, create=True)
