"""The report cache: the stdout of an earlier identical ``summary`` run with
``--format json|csv``, kept in the user's own cache directory.

Why it exists for ``summary`` only (whole processes, medians, measured side by side): an
organisation of 500 members x 150 entries, ``summary --format json`` 1.33 s cold, 105 ms
from a record, and a miss within the noise of a run with the cache off (``make bench``
measures all three every run: docs/performance.md). For one member of 200 entries,
``status --format json`` took 53 ms without it and 34 ms from a record, but a miss cost
10 ms more (importing platformdirs and hashlib): the cold run, the one after every
``add``, pays for it, so ``status`` and ``log`` are computed every time (the
``cached`` flag of their declarations in ``options.py``).

Where: ``platformdirs.user_cache_dir("cepledger")/reports`` (``$XDG_CACHE_HOME`` on
Linux), never inside the ledgers folder, and only when that folder belongs to this user
and nobody else can write to it. Nothing is written next to the ledgers.

Keyed by content, so it never changes what a command prints: a record is filed under a
digest of the query (the command line, the working folder, the ledgers folder) and is
valid only for a digest of every input: the bytes of every ledger the command reads and
of every rule file (packaged and ``<ledgers>/programs/*.toml``), today, the version, and
the identity of cepledger's own files and of the site-packages folders. An edit
that keeps a file's size and time stamps is noticed; a record planted for other inputs
is never served. Only successful runs (exit 0 or 1, nothing on stderr) are stored, and
only when no input was rewritten while the report was computed.
"""

from __future__ import annotations

import os
import re
import site
import stat
import sys
from datetime import date
from pathlib import Path
from typing import Callable
from zlib import crc32

from cepledger import __version__

DISABLE_ENV = "CEPLEDGER_NO_CACHE"
_MAGIC = b"cepledger report cache 1\n"
_DIGEST = 32
_MAX_INPUT = 64 * 1024 * 1024  # a ledger over the reader's limit is an error, never cached
_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # at least every valid member id

Result = tuple[int, str, str]  # exit code, stdout, stderr


class _NotCacheable(Exception):
    """An input that cannot be read plainly (a FIFO, a huge file): run without the cache."""


def cached_run(argv: list[str], ledgers: Path, today: date, member_id: str | None,
               compute: Callable[[], Result]) -> Result:
    """``compute()``'s result, or the stored one of an identical run on identical inputs.

    ``member_id`` names the one ledger a ``log``/``status`` reads; None means every
    ledger of the folder (``summary``).
    """
    folder = None if os.environ.get(DISABLE_ENV) else cache_folder(ledgers)
    if folder is None:
        return compute()
    query = _digest(b"query", "\0".join(argv).encode("utf-8", "surrogateescape"),
                    os.getcwd().encode("utf-8", "surrogateescape"),
                    os.path.abspath(ledgers).encode("utf-8", "surrogateescape"))
    before = _inputs(ledgers, member_id, today)
    if before is not None:
        hit = _read_record(folder / f"{query.hex()}.bin", query, before[0])
        if hit is not None:
            return hit[0], hit[1], ""
    code, out, err = compute()
    if before is not None and code in (0, 1) and not err and _unchanged(before[1]):
        _write_record(folder, f"{query.hex()}.bin", query, before[0], code, out)
    return code, out, err


# ----------------------------------------------------------------- where


def cache_folder(ledgers: Path) -> Path | None:
    """``<user cache dir>/reports``, or None when it would sit inside the ledgers folder."""
    import platformdirs

    folder = Path(platformdirs.user_cache_dir("cepledger", appauthor=False)) / "reports"
    real, shared = os.path.realpath(folder), os.path.realpath(ledgers)
    if real == shared or real.startswith(shared.rstrip(os.sep) + os.sep):
        return None
    return folder


def _private(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (always true where there are no owners)."""
    if not hasattr(os, "geteuid"):
        return True
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _private_folder(folder: Path) -> bool:
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and _private(st)


# ----------------------------------------------------------------- what a report depends on


def _digest(*parts: bytes) -> bytes:
    import hashlib

    h = hashlib.blake2b(digest_size=_DIGEST)
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.digest()


def _inputs(ledgers: Path, member_id: str | None, today: date) -> tuple[bytes, tuple] | None:
    """The digest of every input of the report, and what ``_unchanged`` compares after the
    run (each folder listing and file identity); None when not cacheable."""
    parts: list[bytes] = [__version__.encode(), _code_identity(), today.isoformat().encode()]
    stamps: list[tuple] = []
    try:
        if member_id is None:
            _add_folder(parts, stamps, Path(ledgers), "ledgers")
        elif _NAME_RE.fullmatch(member_id):
            _add_file(parts, stamps, Path(ledgers) / f"{member_id}.toml")
        else:
            return None
        _add_folder(parts, stamps, _package_programs(), "package programs")
        _add_folder(parts, stamps, Path(ledgers) / "programs", "programs")
    except (OSError, _NotCacheable):
        return None
    return _digest(*parts), tuple(stamps)


def _toml_names(folder: Path) -> tuple[str, ...] | None:
    """Every ``*.toml`` name in ``folder`` (a superset of what the readers list), or None."""
    try:
        return tuple(sorted(n for n in os.listdir(folder) if n.endswith(".toml")))
    except FileNotFoundError:
        return None


def _add_folder(parts: list[bytes], stamps: list, folder: Path, label: str) -> None:
    """Every ``*.toml`` in ``folder``, by name and bytes."""
    names = _toml_names(folder)
    stamps.append((os.fspath(folder), "listing", names))
    if names is None:
        parts.append(f"no {label}".encode())
        return
    parts.append(f"{label}\0".encode() + "\0".join(names).encode("utf-8", "surrogateescape"))
    for name in names:
        _add_file(parts, stamps, folder / name)


def _add_file(parts: list[bytes], stamps: list, path: Path) -> None:
    """The file's kind (a link? hard links?) and bytes; a missing file as such."""
    try:
        link = stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        parts.append(b"missing")
        stamps.append((os.fspath(path), "missing", None))
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_INPUT:
            raise _NotCacheable(path)  # a FIFO or device never blocks us: opened non-blocking, not read
        stamps.append(_identity(os.fspath(path), st))
        chunks = []
        while chunk := os.read(fd, max(st.st_size + 1, 1 << 16)):
            chunks.append(chunk)
    finally:
        os.close(fd)
    parts.append(f"{int(link)}|{st.st_nlink}|".encode() + b"".join(chunks))


def _identity(path: str, st: os.stat_result) -> tuple:
    # Any write changes the ctime, which no one can set back: a file rewritten while the
    # report was computed shows here even if its bytes were put back.
    return (path, "file", (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))


def _unchanged(stamps: tuple) -> bool:
    """True when every folder listing and file read for the key is still as it was."""
    try:
        for path, kind, seen in stamps:
            if kind == "listing":
                now = _toml_names(Path(path))
            elif kind == "missing":
                now = None if not os.path.lexists(path) else "exists"
            else:
                now = _identity(path, os.stat(path))[2]
            if now != seen:
                return False
    except OSError:
        return False
    return True


def _package_programs() -> Path:
    """``rules.load.PACKAGE_PROGRAMS`` without importing the rule loader (17 ms) on a cache
    hit; a test keeps the two equal."""
    from cepledger import rules

    return Path(rules.__file__).with_name("programs")


_CODE: bytes | None = None


def _code_identity() -> bytes:
    """Python's version, cepledger's files (path, size, mtime: an editable install changes
    code without changing the version) and the site-packages folders (installing or
    upgrading a library changes their mtime)."""
    global _CODE
    if _CODE is None:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        rows = [sys.version]
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(folder, name))
                    rows.append(f"{os.path.relpath(os.path.join(folder, name), root)}|{st.st_size}|{st.st_mtime_ns}")
        for folder in (*site.getsitepackages(), site.getusersitepackages()):
            try:
                rows.append(f"{folder}|{os.stat(folder).st_mtime_ns}")
            except OSError:
                rows.append(f"{folder}|-")
        _CODE = _digest(*(r.encode("utf-8", "surrogateescape") for r in rows))
    return _CODE


# ----------------------------------------------------------------- records


def _read_record(path: Path, query: bytes, inputs: bytes) -> tuple[int, str] | None:
    """``(exit code, stdout)`` stored for ``query`` on ``inputs``, else None (any doubt: None)."""
    try:
        if not _private_folder(path.parent):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or not _private(st) or st.st_size > 4 * _MAX_INPUT:
                return None
            chunks = []
            while chunk := os.read(fd, max(st.st_size + 1, 1 << 16)):
                chunks.append(chunk)
        finally:
            os.close(fd)
    except OSError:
        return None
    data = b"".join(chunks)
    head = len(_MAGIC)
    body = data[head + 2 * _DIGEST + 5:]
    if (data[:head] != _MAGIC or data[head:head + _DIGEST] != query
            or data[head + _DIGEST:head + 2 * _DIGEST] != inputs
            or data[head + 2 * _DIGEST + 1:head + 2 * _DIGEST + 5] != crc32(body).to_bytes(4, "little")):
        return None
    try:
        return data[head + 2 * _DIGEST], body.decode("utf-8", "surrogatepass")
    except (IndexError, UnicodeDecodeError):
        return None


def _write_record(folder: Path, name: str, query: bytes, inputs: bytes, code: int, out: str) -> None:
    """Store a record atomically (temp file, then rename); every failure just means no cache."""
    body = out.encode("utf-8", "surrogatepass")
    data = _MAGIC + query + inputs + bytes([code]) + crc32(body).to_bytes(4, "little") + body
    tmp = folder / f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not _private_folder(folder):
            return
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, folder / name)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
