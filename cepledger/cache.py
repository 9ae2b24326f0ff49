"""Best-effort caches under ``<ledgers>/.cepledger/cache/`` (never trusted blindly).

Two kinds of record, both written atomically (temp file + ``os.replace``) and both
protected by a checksum (CRC-32), so a truncated or corrupt file is simply ignored:

* **report cache** (``r-<query>.bin``): the exact stdout of a ``status``, ``summary``
  or ``log`` run with ``--format json|csv``, filed under a digest of the query (the
  command line, the working folder, today's date) and valid only for a digest of
  *every byte* it depended on: the member ledger(s), the folder listing, the extra
  rule files, the packaged rule files and cepledger's own source files. Because the
  inputs are compared by content, not by time stamps, an edit that keeps the size and
  the mtime is still noticed.
* **parse cache** (``p-<member>.bin``): a parsed ledger as primitives (dates as
  ordinals, Decimals as text, entries packed in columns: ``packed.py``), valid only
  for the exact bytes it was parsed from (compared by a blake2b digest). ``void``
  refreshes it after a successful write; ``add`` writes an **append record**
  (``a-<member>.bin``) instead: "the bytes with this digest are the bytes of that
  ``p-`` record plus an appended block holding these entries", a few hundred bytes
  instead of the whole parse, valid only while the ``p-`` record it names is still
  there with that digest.

Any error while reading a record means "no cache"; any error while writing one is
swallowed (a read-only ledgers folder just means no cache). Nothing here changes what
a command prints.
"""

from __future__ import annotations

import marshal
import os
import sys
from zlib import crc32
try:  # the C module itself: hashlib would also load OpenSSL (~5 ms)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover
    from hashlib import blake2b
from pathlib import Path

from typing import Any

from cepledger import __version__

FORMAT = 2  # 2: entries packed in columns (packed.py)
STATE_DIR = ".cepledger"
CACHE_DIR = "cache"
_DISABLE_ENV = "CEPLEDGER_NO_CACHE"
_HEADER = b"cepledger-cache\n"
_DIGEST = 32
_CHECK = 4  # CRC-32 of the payload: finds a corrupt record (blake2b of a 1.7 MB record took 2 ms more)


def enabled() -> bool:
    return not os.environ.get(_DISABLE_ENV)


def digest(*parts: bytes) -> bytes:
    h = blake2b(digest_size=_DIGEST)
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.digest()


def data_hasher(data: bytes):
    """The hasher whose ``digest()`` names ledger bytes in the parse cache; ``copy()`` it
    and ``update`` with appended bytes to name the longer file without hashing it again."""
    return blake2b(data, digest_size=_DIGEST)


def cache_dir(ledgers: Path | str) -> Path:
    return Path(ledgers) / STATE_DIR / CACHE_DIR


# ----------------------------------------------------------------- code fingerprint

_CODE: bytes | None = None


def code_fingerprint() -> bytes:
    """Version, Python, and (name, size, mtime) of every source and packaged rule file.

    An editable install changes code without changing the version, so the files
    themselves are part of every key.
    """
    global _CODE
    if _CODE is None:
        pkg = os.path.dirname(os.path.abspath(__file__))
        parts = [f"{FORMAT}|{__version__}|{sys.version}|{sys.implementation.cache_tag}".encode()]
        for sub in ("", "programs"):
            folder = os.path.join(pkg, sub)
            try:
                with os.scandir(folder) as it:
                    items = sorted((e.name, e.stat()) for e in it if e.name.endswith((".py", ".toml")) and e.is_file())
            except OSError:
                items = []
            for name, st in items:
                parts.append(f"{sub}/{name}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}".encode())
        _CODE = digest(*parts)
    return _CODE


# ----------------------------------------------------------------- raw records


def _read_record(path: Path) -> Any:
    """The record stored at ``path``, or None when missing, corrupt or unreadable."""
    try:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
        try:
            st = os.fstat(fd)
            if not (st.st_mode & 0o170000 == 0o100000) or st.st_size > 512 * 1024 * 1024:
                return None
            chunks = []
            while True:
                chunk = os.read(fd, max(st.st_size + 1, 1 << 16))  # usually all of it at once
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(fd)
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        n = len(_HEADER)
        if data[:n] != _HEADER or len(data) < n + _CHECK:
            return None
        payload = memoryview(data)[n + _CHECK:]
        if crc32(payload).to_bytes(_CHECK, "little") != data[n:n + _CHECK]:
            return None
        record = marshal.loads(payload)
        if type(record) is not tuple or len(record) < 2 or record[0] != FORMAT or record[1] != code_fingerprint():
            return None
        return record
    except Exception:  # noqa: BLE001 - a cache never makes a command fail
        return None



def ignore_in_git(base: Path) -> None:
    """Write ``base/.gitignore`` (``*``) once, so locks and caches never get committed.

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


def _ensure_dir(ledgers: Path) -> Path | None:
    base = Path(ledgers) / STATE_DIR
    folder = base / CACHE_DIR
    try:
        for d in (base, folder):
            try:
                os.mkdir(d)
            except FileExistsError:
                pass
            if not os.path.isdir(d) or os.path.islink(d):
                return None
        ignore_in_git(base)
        return folder
    except OSError:
        return None


def _write_record(ledgers: Path, name: str, record: tuple) -> bool:
    """Atomically store ``record`` as ``<cache>/<name>``; every error is ignored (False)."""
    tmp = None
    try:
        folder = _ensure_dir(ledgers)
        if folder is None:
            return False
        payload = marshal.dumps((FORMAT, code_fingerprint(), *record))
        data = _HEADER + crc32(payload).to_bytes(_CHECK, "little") + payload
        tmp = folder / f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, folder / name)
        tmp = None
        return True
    except Exception:  # noqa: BLE001 - best effort
        return False
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


# ----------------------------------------------------------------- report cache


def get_report(ledgers: Path, query: bytes, inputs: bytes) -> tuple[int, str] | None:
    """``(exit code, stdout)`` of an earlier identical run on identical inputs, else None."""
    record = _read_record(cache_dir(ledgers) / f"r-{query.hex()[:40]}.bin")
    if record is None or len(record) != 6 or record[2] != query or record[3] != inputs:
        return None
    code, out = record[4], record[5]
    if type(code) is not int or type(out) is not str:
        return None
    return code, out


def put_report(ledgers: Path, query: bytes, inputs: bytes, code: int, out: str) -> None:
    _write_record(Path(ledgers), f"r-{query.hex()[:40]}.bin", (query, inputs, code, out))


# ----------------------------------------------------------------- parse cache
