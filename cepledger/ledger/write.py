"""Writing member ledgers without ever losing a byte (docs/data-safety.md).

Every writer follows one protocol:

1. take the member's lock (``<ledgers>/.cepledger/locks/<id>.lock``, filelock);
2. remove temp files left by a crashed writer;
3. read and parse the ledger afresh, run the caller's ``validate`` callback;
4. render only the new text and splice it into the old bytes (an append keeps the
   old bytes as an exact prefix; void/enrol insert whole lines and move nothing);
5. parse the new bytes and check they equal the old document plus exactly the
   intended change;
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
import secrets
import stat
import tempfile
import time
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, NamedTuple

from cepledger.model.errors import DataError, UsageError, WriteError
from cepledger.model.ids import is_valid_member_id
from cepledger.model.records import Entry, Member, Source
from cepledger.ledger.load import (
    ENTRY_KEYS,
    Parsed,
    _build_member,
    _entry_lines,
    appendable,
    parsed_member,
    remember,
    _missing_member,
    table_header_lines,
    check_enrolment_fields,
    check_entry_fields,
    parse_toml,
    read_ledger_bytes,
)

__all__ = [
    "FAULT_ENV",
    "append_entries",
    "void_entry",
    "add_enrolment",
    "create_member",
    "render_entry",
    "lock_path",
]

FAULT_ENV = "CEPLEDGER_FAULT"
FAULT_POINTS = ("after-temp-write", "before-fsync", "before-replace", "after-replace")
STATE_DIR = ".cepledger"
MAX_ATTEMPTS = 3
STALE_TEMP_SECONDS = 60.0

Validator = Callable[[Member], None]

_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")
_ENTRY_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TEMP_RE = re.compile(r"\.([a-z0-9][a-z0-9_-]{0,63})\.toml\..+\.tmp")
_INLINE_ENTRIES_RE = re.compile(r"^[ \t]*(?:entries|\"entries\")[ \t]*=", re.M)

# ----------------------------------------------------------------- rendering

_SIMPLE_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
# Characters written as \uXXXX: controls, invisible format characters (bidi
# overrides, zero-width joiners, BOM), line/paragraph separators, private use and
# unassigned code points. Escaping them means no note can hide text, reorder
# what a reader sees in an editor, or break out of its string.
_ESCAPE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cn"})
_PLAIN_RE = re.compile(r"[ !#-\[\]-~]*")  # printable ASCII except " and \


def _toml_string(s: str) -> str:
    """Render ``s`` as a TOML basic string that cannot break out of its quotes."""
    if _PLAIN_RE.fullmatch(s):
        return f'"{s}"'
    out = ['"']
    for ch in s:
        esc = _SIMPLE_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
            continue
        o = ord(ch)
        if 0xD800 <= o <= 0xDFFF:
            raise UsageError("the text contains bytes that are not valid UTF-8; retype it and try again.")
        if o < 0x20 or 0x7F <= o <= 0x9F or (o > 0x9F and unicodedata.category(ch) in _ESCAPE_CATEGORIES):
            out.append(f"\\u{o:04X}" if o <= 0xFFFF else f"\\U{o:08X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_key(k: str) -> str:
    return k if _BARE_KEY_RE.fullmatch(k) else _toml_string(k)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal):
        if not v.is_finite():
            raise UsageError("amounts must be ordinary numbers, not nan or inf.")
        return format(v, "f")  # never an exponent: 1E+1 -> "10"
    if isinstance(v, str):
        return _toml_string(v)
    if isinstance(v, date) and type(v) is date:
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{ " + ", ".join(f"{_toml_key(str(k))} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise UsageError(f"cannot write a value of type {type(v).__name__} to a ledger.")


def render_entry(fields: dict[str, Any]) -> str:
    """Return the TOML text of one ``[[entries]]`` block, ending with a newline.

    Keys come in a fixed order (id, date, activity, hours, course, title, item,
    cpsel, ratings, evidence, evidence_sha256, notes, verified, void); ``None``
    values are left out. Every string is a basic string with control and invisible
    characters escaped, so no value can inject TOML.
    """
    unknown = [k for k in fields if k not in ENTRY_KEYS]
    if unknown:
        raise UsageError(f"unknown entry field {unknown[0]!r}; the fields are: {', '.join(ENTRY_KEYS)}.")
    lines = ["[[entries]]\n"]
    for key in ENTRY_KEYS:
        v = fields.get(key)
        if v is not None:
            lines.append(f"{key} = {_toml_value(v)}\n")
    return "".join(lines)


def _render_program(program: str, since: date, employed_since: date | None) -> str:
    text = f"[programs.{program}]\nsince = {since.isoformat()}\n"
    if employed_since is not None:
        text += f"employed_since = {employed_since.isoformat()}\n"
    return text


# ----------------------------------------------------------------- input checks


def _text_ok(v: str, what: str) -> None:
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"the {what} contains bytes that are not valid UTF-8; retype it and try again.") from None


def _normalise_entry(fields: dict[str, Any]) -> dict[str, Any]:
    """Copy an entry dict into exactly the values its TOML will parse back to."""
    out: dict[str, Any] = {}
    for key, v in fields.items():
        if v is None:
            continue
        if key not in ENTRY_KEYS:
            raise UsageError(f"unknown entry field {key!r}; the fields are: {', '.join(ENTRY_KEYS)}.")
        if isinstance(v, float) and not isinstance(v, bool):
            v = Decimal(repr(v))
        elif key == "cpsel" and isinstance(v, tuple):
            v = list(v)
        elif key == "ratings" and isinstance(v, (tuple, list)):
            v = dict(v)
        if key == "ratings" and isinstance(v, dict):
            v = {str(k): x for k, x in v.items()}
        if isinstance(v, str):
            _text_ok(v, key)
        out[key] = v
    _, errs = check_entry_fields(out)
    if errs:
        raise UsageError(" ".join(msg for _, _, msg in errs))
    for key in ("ratings",):
        for k, x in out.get(key, {}).items():
            _text_ok(k, key)
            _text_ok(x, key)
    return out


def _check_program_id(program: str) -> None:
    if not isinstance(program, str) or not _BARE_KEY_RE.fullmatch(program) or len(program) > 64:
        raise UsageError(f"the program id {program!r} is not valid; program ids are letters, digits, '-' and '_' "
                         "(see `cep programs`).")


# ----------------------------------------------------------------- the protocol


class _Snapshot:
    """The ledger as read under the lock. ``text`` and ``doc`` are computed on first use:
    an append needs neither when the parse of these bytes is reused (store_read.Parsed)."""

    __slots__ = ("data", "stat", "member", "appendable", "path", "_text", "_doc")

    def __init__(self, data: bytes, stat: os.stat_result | None, member: Member | None, *,
                 appendable: bool = False, path: str = "", text: str | None = None,
                 doc: dict[str, Any] | None = None):
        self.data, self.stat, self.member, self.appendable, self.path = data, stat, member, appendable, path
        self._text, self._doc = text, doc

    def _parse(self) -> None:
        self._text, self._doc = parse_toml(self.data, self.path)

    @property
    def text(self) -> str:
        if self._text is None:
            self._parse()
        return self._text  # type: ignore[return-value]

    @property
    def doc(self) -> dict[str, Any]:
        if self._doc is None:
            self._parse()
        return self._doc  # type: ignore[return-value]


class _Plan(NamedTuple):
    new: bytes
    expected: dict[str, Any] | None  # the parsed document the new bytes must equal (None: see appended)
    prefix: bool  # True: the old bytes must stay an exact prefix
    appended: tuple[int, list[dict[str, Any]]] | None = None  # (offset of the new block, its entries)


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


def _read_snapshot(path: Path, create: bool) -> _Snapshot:
    if create:
        if os.path.lexists(path):
            raise UsageError(f"the member {path.name[:-5]!r} already exists ({path}); "
                             "use `cep member enrol` to add a program.")
        if not path.parent.is_dir():
            raise UsageError(f"the ledgers folder {path.parent} does not exist; create it with `cep init {path.parent}`.")
        return _Snapshot(b"", None, None, path=str(path), text="", doc={})
    try:
        data, st = read_ledger_bytes(path)
    except FileNotFoundError:
        raise _missing_member(path) from None
    parsed = parsed_member(data, str(path))  # reuses the parse of exactly these bytes
    return _Snapshot(data, st, parsed.member, appendable=parsed.appendable, path=str(path))


def _same(a: Any, b: Any) -> bool:
    """Deep equality where NaN equals NaN (a file may hold `x = nan` in an extra key)."""
    if type(a) is dict:
        return type(b) is dict and a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    if type(a) is list:
        return type(b) is list and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, Decimal) and a.is_nan():
        return isinstance(b, Decimal) and b.is_nan()
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, Decimal)) and isinstance(b, (int, Decimal)):
        return a == b  # hours = 12 parses as int 12, equal to Decimal("12")
    return type(a) is type(b) and a == b


def _verify(path: Path, snap: _Snapshot, plan: _Plan) -> Member:
    """Parse the new bytes and prove they hold the old data plus exactly the change."""
    def unsafe(why: str) -> WriteError:
        if _INLINE_ENTRIES_RE.search(snap.text):
            return WriteError(f"cannot change {path} safely because its entries are written as an inline "
                              "`entries = [...]` list; rewrite them as [[entries]] tables and try again.")
        return WriteError(f"cannot change {path} safely ({why}); the ledger was left unchanged, "
                          "so make the change by hand in an editor.")

    if plan.prefix and not plan.new.startswith(snap.data):
        raise unsafe("the existing text would change")
    if plan.appended is not None and snap.appendable and snap.member is not None:
        return _verify_append(path, snap, plan, unsafe)
    if plan.expected is None:  # an append to a ledger whose entries are not plain [[entries]] tables
        assert plan.appended is not None
        expected = dict(snap.doc)
        expected["entries"] = list(snap.doc.get("entries", [])) + plan.appended[1]
        plan = plan._replace(expected=expected)
    try:
        text, doc = parse_toml(plan.new, str(path))
    except DataError as e:
        raise unsafe(f"the result would not parse: {e.problems[0].message}") from None
    if not _same(doc, plan.expected):
        raise unsafe("the result would not read back as intended")
    member, problems = _build_member(text, doc, str(path))
    if member is None:
        raise unsafe(next(p.message for p in problems if p.severity == "error"))
    return member


def _verify_append(path: Path, snap: _Snapshot, plan: _Plan, unsafe: Callable[[str], WriteError]) -> Member:
    """Verify an append without parsing the history again.

    The old bytes parsed as a ledger whose entries are exactly its ``[[entries]]``
    tables (``store_read.appendable``) and stay an exact prefix ending with a line
    break; the new block alone must parse to exactly the intended entries and
    nothing else. TOML forbids redefining anything, so the whole new file then reads
    as the old document plus these entries at the end of the list; the entries are
    checked like any read entry and numbered on the lines where they are written.
    """
    assert snap.member is not None and plan.appended is not None
    start, intended = plan.appended
    if start < len(snap.data) or not plan.new[:start].endswith(b"\n"):
        raise unsafe("the new entries would not start on a line of their own")
    block = plan.new[start:]
    try:
        btext, bdoc = parse_toml(block, str(path))
    except DataError as e:
        raise unsafe(f"the result would not parse: {e.problems[0].message}") from None
    if not _same(bdoc, {"entries": intended}):
        raise unsafe("the result would not read back as intended")
    old = snap.member
    n = len(old.entries)
    lines = _entry_lines(btext, len(intended))
    if lines is None:
        raise unsafe("the new entries would not be plain [[entries]] tables")
    base = plan.new.count(b"\n", 0, start)
    added = []
    for i, (raw, line) in enumerate(zip(bdoc["entries"], lines)):
        vals, errs = check_entry_fields(raw)
        if errs:
            raise unsafe(errs[0][2])
        added.append(Entry(index=n + i, source=Source(str(path), base + line), **vals))
    return Member(id=old.id, name=old.name, path=old.path, enrolments=old.enrolments,
                  entries=old.entries + tuple(added), schema=old.schema, extra=old.extra)


def _commit(path: Path, snap: _Snapshot, new: bytes, member_id: str, fault: str | None) -> bool:
    """Atomically put ``new`` in place of the ledger; False if it changed meanwhile."""
    folder = path.parent
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{member_id}.toml.", suffix=".tmp")
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
        else:
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
                os.unlink(tmp)
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


def _transact(path: Path, planner: Callable[[_Snapshot], _Plan], *, validate: Validator | None,
              lock_timeout: float, create: bool = False) -> Member:
    """Run one locked read-verify-write cycle; return the member as written."""
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
            member = _verify(path, snap, plan)
            if _commit(path, snap, plan.new, member_id, fault):
                # The next read of these bytes (the effect of `add`) reuses this parse.
                remember(Parsed(plan.new, str(path), member, _still_appendable(snap, plan)))
                return member
        raise WriteError(f"{path} kept changing while cepledger was writing it (is an editor saving it?); "
                         "close it and try again.")
    finally:
        lock.release()


def _still_appendable(snap: _Snapshot, plan: _Plan) -> bool:
    """Whether the written file keeps ``store_read.appendable`` (cheaply when we know)."""
    if plan.appended is not None and snap.appendable:
        return True  # plain [[entries]] tables added after plain [[entries]] tables
    try:
        text, doc = parse_toml(plan.new, str(snap.path))
        entries = doc.get("entries")
        return appendable(text, doc, len(entries) if type(entries) is list else 0)
    except DataError:
        return False


# ----------------------------------------------------------------- byte surgery


def _eol(data: bytes) -> bytes:
    """The line ending the file already uses (that of its last line), LF if none."""
    i = data.rfind(b"\n")
    return b"\r\n" if i > 0 and data[i - 1:i] == b"\r" else b"\n"


def _padded(data: bytes, eol: bytes) -> bytes:
    """Old bytes + (line ending if missing) + (blank line if missing): still a prefix."""
    if not data:
        return data
    if not data.endswith(b"\n"):
        data += eol
    last = data[data.rfind(b"\n", 0, len(data) - 1) + 1:]  # the final line, with its ending
    if last.strip() != b"":
        data += eol
    return data


def _as_eol(text: str, eol: bytes) -> bytes:
    b = text.encode("utf-8")
    return b if eol == b"\n" else b.replace(b"\n", eol)


# ----------------------------------------------------------------- writers


def append_entries(path: Path, entries: list[dict[str, Any]], *, validate: Validator | None = None,
                   lock_timeout: float = 10.0) -> list[Entry]:
    """Append entries to a ledger; return them as read back from the written file.

    Entry dicts use SPEC.md's keys with Python values; a missing ``id`` gets a
    random 6-hex-digit id unique within the file. The existing bytes stay an exact
    prefix of the new file. Raises ``UsageError`` for bad fields, ``DataError`` if
    the ledger is invalid, ``WriteError`` if it cannot be written; whatever
    ``validate`` raises propagates. On any error the file is untouched.
    """
    if not entries:
        raise UsageError("nothing to append: give at least one entry.")
    prepared = [_normalise_entry(dict(e)) for e in entries]

    def plan(snap: _Snapshot) -> _Plan:
        assert snap.member is not None
        taken = snap.member.entry_ids()
        new_entries = []
        for fields in prepared:
            fields = dict(fields)
            eid = fields.get("id")
            if eid is None:
                while (eid := secrets.token_hex(3)) in taken:
                    pass
                fields = {"id": eid, **fields}
            elif not isinstance(eid, str) or not _ENTRY_ID_RE.fullmatch(eid):
                raise UsageError(f"the entry id {eid!r} is not valid; use up to 64 letters, digits, '-' or '_'.")
            elif eid in taken:
                raise UsageError(f"the entry id {eid!r} is already used in {path}; choose another or leave it out.")
            taken.add(eid)
            new_entries.append(fields)
        eol = _eol(snap.data)
        block = "\n".join(render_entry(f) for f in new_entries)  # _as_eol gives every line the file's ending
        head = _padded(snap.data, eol)
        new = head + _as_eol(block, eol)
        return _Plan(new, None, True, (len(head), new_entries))

    member = _transact(Path(path), plan, validate=validate, lock_timeout=lock_timeout)
    return list(member.entries[-len(prepared):])


def void_entry(path: Path, entry_id: str, reason: str, *, validate: Validator | None = None,
               lock_timeout: float = 10.0) -> Entry:
    """Mark one entry void by inserting ``void = "reason"`` after its last key line.

    Every other byte of the file stays as it was. Raises ``UsageError`` when the id
    is unknown, used twice, or the entry is already void.
    """
    if not isinstance(reason, str) or not reason.strip():
        raise UsageError("give the reason the entry no longer counts, e.g. --reason \"entered twice\".")
    _text_ok(reason, "reason")
    path = Path(path)

    def plan(snap: _Snapshot) -> _Plan:
        assert snap.member is not None
        found = [e for e in snap.member.entries if e.id == entry_id]
        if not found:
            raise UsageError(f"there is no entry {entry_id!r} in {path}; "
                             f"`cep log {path.name[:-5]}` lists the entry ids.")
        if len(found) > 1:
            raise UsageError(f"the entry id {entry_id!r} is used {len(found)} times in {path}; "
                             "give one of them a different id by hand, then try again.")
        entry = found[0]
        if entry.void is not None:
            raise UsageError(f"entry {entry_id!r} is already void ({entry.void}); nothing to do.")
        if _entry_lines(snap.text, len(snap.member.entries)) is None:
            raise WriteError(f"cannot find where entry {entry_id!r} is written in {path} (its entries are not "
                             f"all [[entries]] tables); add void = \"{reason}\" to it by hand.")
        lines = snap.data.split(b"\n")
        header = entry.source.line - 1
        # The entry's keys run to the next real table header (one inside a
        # multi-line string or an array value does not count).
        end = next((n - 1 for n in table_header_lines(snap.text) if n - 1 > header), len(lines))
        last = None
        for i in range(end - 1, header, -1):
            s = lines[i].strip()
            if s and not s.startswith(b"#"):
                last = i
                break
        if last is None:
            raise WriteError(f"cannot find the lines of entry {entry_id!r} in {path}; "
                             f"add void = \"{reason}\" to it by hand.")
        offset = sum(len(line) + 1 for line in lines[:last]) + len(lines[last])
        eol = b"\n"
        if lines[last].endswith(b"\r"):
            offset -= 1
            eol = b"\r\n"
        elif last + 1 == len(lines):  # no final newline: follow the file's style
            eol = _eol(snap.data)
        new = snap.data[:offset] + eol + _as_eol(f"void = {_toml_string(reason)}", eol) + snap.data[offset:]
        expected = dict(snap.doc)
        raw = list(snap.doc["entries"])
        raw[entry.index] = {**raw[entry.index], "void": reason}
        expected["entries"] = raw
        return _Plan(new, expected, False)

    member = _transact(path, plan, validate=validate, lock_timeout=lock_timeout)
    result = member.entry(entry_id)
    assert result is not None
    return result


def add_enrolment(path: Path, program: str, since: date, employed_since: date | None = None, *,
                  validate: Validator | None = None, lock_timeout: float = 10.0) -> Member:
    """Enrol the member in another program: insert a ``[programs.<id>]`` table.

    The table goes before the first ``[[entries]]`` (and the comment lines right
    above it), or at the end when there are no entries; nothing else moves.
    Raises ``UsageError`` when the member is already enrolled.
    """
    _check_program_id(program)
    fields = {"since": since} if employed_since is None else {"since": since, "employed_since": employed_since}
    _, errs = check_enrolment_fields(program, fields)
    if errs:
        raise UsageError(" ".join(m for _, _, m in errs))
    path = Path(path)

    def plan(snap: _Snapshot) -> _Plan:
        assert snap.member is not None
        progs = snap.doc.get("programs", {})
        if program in progs:
            current = snap.member.enrolment(program)
            when = f" since {current.since}" if current else ""
            raise UsageError(f"{snap.member.id} is already enrolled in {program}{when}; "
                             "edit the ledger by hand to change the date.")
        eol = _eol(snap.data)
        block = _as_eol(_render_program(program, since, employed_since), eol)
        lines = snap.data.split(b"\n")
        heads = _entry_lines(snap.text, len(snap.member.entries)) if snap.member.entries else None
        # No reliable header (no entries, or an inline entries list): add at the
        # end, which is valid TOML wherever the entries are.
        first = heads[0] - 1 if heads else None
        if first is None:
            new = _padded(snap.data, eol) + block
        else:
            at = first
            while at > 0 and lines[at - 1].lstrip().startswith(b"#"):
                at -= 1  # keep a comment with the entry it describes
            offset = sum(len(line) + 1 for line in lines[:at])
            before = snap.data[:offset]
            sep = b"" if at == 0 or lines[at - 1].strip() == b"" else eol
            new = before + sep + block + eol + snap.data[offset:]
        expected = dict(snap.doc)
        expected["programs"] = {**progs, program: fields}
        return _Plan(new, expected, False)

    return _transact(path, plan, validate=validate, lock_timeout=lock_timeout)


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
    _text_ok(name, "name")
    _check_program_id(program)
    fields = {"since": since} if employed_since is None else {"since": since, "employed_since": employed_since}
    _, errs = check_enrolment_fields(program, fields)
    if errs:
        raise UsageError(" ".join(m for _, _, m in errs))
    text = (f"schema = 1\n\n[member]\nid = {_toml_string(member_id)}\nname = {_toml_string(name)}\n\n"
            + _render_program(program, since, employed_since))
    expected = {"schema": 1, "member": {"id": member_id, "name": name}, "programs": {program: fields}}

    def plan(snap: _Snapshot) -> _Plan:
        return _Plan(text.encode("utf-8"), expected, True)

    return _transact(path, plan, validate=None, lock_timeout=lock_timeout, create=True)

