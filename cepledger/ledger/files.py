"""Safe access to ledger files: where a member's file is, which files are ledgers, and
reading one only when it is a plain, small, regular file (no symlink, FIFO, device,
folder or hard link; at most 64 MiB), without following a link swapped in meanwhile.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from cepledger.model.errors import DataError, Problem, UsageError
from cepledger.model.ids import is_valid_member_id, validate_member_id

MAX_LEDGER_BYTES = 64 * 1024 * 1024


# ----------------------------------------------------------------- paths


def ledger_path(ledgers: Path, member_id: str) -> Path:
    """Return ``ledgers/<member_id>.toml`` after validating the id.

    The id is checked before the path is built, and the resolved file must sit
    directly in the resolved ledgers folder (a symbolic link pointing elsewhere is
    refused), so no member id can reach a file outside the ledgers folder.
    """
    member_id = validate_member_id(member_id)
    ledgers = Path(ledgers)
    path = ledgers / f"{member_id}.toml"
    try:
        inside = path.resolve().parent == ledgers.resolve()
    except (OSError, RuntimeError):  # symlink loop
        inside = False
    if not inside:
        raise DataError(
            Problem(str(path), 0, "outside-ledgers",
                    f"{path} points outside the ledgers folder {ledgers} (a symbolic link?); "
                    "replace it with the ledger file itself.")
        )
    return path


def member_files(ledgers: Path) -> list[Path]:
    """Every ``<id>.toml`` directly in ``ledgers`` whose stem is a valid id, sorted.

    Sub-folders (``programs/``, ``.cepledger/``) are not searched; temporary files
    (``.<id>.toml.*.tmp``) and files with invalid names are skipped. Symbolic links
    and other odd files *are* listed, so ``load_member`` can report them instead of
    them silently going missing. Raises ``UsageError`` when ``ledgers`` is not a folder.
    """
    ledgers = Path(ledgers)
    try:
        names = os.listdir(ledgers)
    except FileNotFoundError:
        raise UsageError(
            f"the ledgers folder {ledgers} does not exist; create it with `cep init {ledgers}` "
            "or point --ledgers / CEPLEDGER_DIR at an existing one."
        ) from None
    except NotADirectoryError:
        raise UsageError(f"{ledgers} is not a folder; point --ledgers at the folder holding the ledgers.") from None
    except PermissionError:
        raise UsageError(f"the ledgers folder {ledgers} cannot be read (permission denied).") from None
    out = []
    for name in names:
        if name.endswith(".toml") and is_valid_member_id(name[:-5]):
            out.append(ledgers / name)
    out.sort(key=lambda p: p.name)
    return out


# ----------------------------------------------------------------- file access


def _refuse(path: str, code: str, message: str) -> DataError:
    return DataError(Problem(path, 0, code, message))


def _own_temp_twin(path: str, st: os.stat_result) -> bool:
    """Whether the other name of a twice-linked ledger is cepledger's own temp file: a new
    member file is linked into place and its temp name removed after, so a writer killed
    (or refused the removal) in between leaves both. The next write removes the temp."""
    folder, name = os.path.split(path)
    prefix = f".{name}."  # .<id>.toml.<random>.tmp (ledger.write)
    try:
        for other in os.listdir(folder or "."):
            if other.startswith(prefix) and other.endswith(".tmp"):
                o = os.lstat(os.path.join(folder, other))
                if (o.st_ino, o.st_dev) == (st.st_ino, st.st_dev):
                    return True
    except OSError:
        return False
    return False


def _check_stat(path: str, st: os.stat_result, limit: int, what: str) -> None:
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        raise _refuse(path, "symlink", f"{path} is a symbolic link; cepledger only reads and writes "
                      "regular files, so replace the link with the file itself.")
    if stat.S_ISDIR(mode):
        raise _refuse(path, "not-a-file", f"{path} is a folder, not a {what}; rename or remove it.")
    if not stat.S_ISREG(mode):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else (
            "a device" if (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)) else "not a regular file")
        raise _refuse(path, "not-a-file", f"{path} is {kind}, not a {what}; rename or remove it.")
    if st.st_nlink > 1 and not (st.st_nlink == 2 and _own_temp_twin(path, st)):
        # Replacing a hard-linked file atomically would silently split the links,
        # so such a file is refused rather than half-updated.
        raise _refuse(path, "hard-link", f"{path} has {st.st_nlink} hard links; give it its own copy "
                      f"(cp {path} {path}.new && mv {path}.new {path}) and try again.")
    if st.st_size > limit:
        raise _refuse(path, "too-large", f"{path} is {_size(st.st_size)}, larger than the "
                      f"{_size(limit)} a {what} may be; split it or remove what does not belong in it.")


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB"


def read_ledger_bytes(path: Path | str) -> tuple[bytes, os.stat_result]:
    """Read a ledger's bytes after refusing anything that is not a plain, small file.

    Returns ``(data, stat)`` where ``stat`` is the ``fstat`` of the opened file (the
    writer compares it again before replacing). Raises ``FileNotFoundError`` when
    the file does not exist and ``DataError`` for symbolic links, FIFOs, devices,
    folders, hard-linked files, files over 64 MiB and files that cannot be read.
    """
    return read_regular_file(path, limit=MAX_LEDGER_BYTES, what="ledger file")


def read_regular_file(path: Path | str, *, limit: int, what: str) -> tuple[bytes, os.stat_result]:
    """``read_ledger_bytes`` for any file cepledger reads as data (``what``: "rule file"):
    a regular file of at most ``limit`` bytes, read without following a link or blocking
    on a FIFO; ``FileNotFoundError`` when missing, ``DataError`` (exit 3) otherwise."""
    p = os.fspath(path)
    try:
        return _read_checked(p, limit, what)
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFoundError(errno.ENOENT, f"no such {what}", p) from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise _refuse(p, "symlink", f"{p} is a symbolic link; replace the link with the file itself.") from None
        if e.errno in (errno.EACCES, errno.EPERM):
            raise _refuse(p, "unreadable", f"{p} cannot be read (permission denied); check its permissions.") from None
        raise _refuse(p, "unreadable", f"{p} could not be read ({e.strerror or e}); check the disk and try again.") from None


def _read_checked(p: str, limit: int, what: str) -> tuple[bytes, os.stat_result]:
    _check_stat(p, os.lstat(p), limit, what)
    # O_NOFOLLOW closes the race where the file is swapped for a symlink after the
    # lstat; O_NONBLOCK makes opening a FIFO swapped in meanwhile return at once.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(p, flags)
    try:
        fst = os.fstat(fd)
        _check_stat(p, fst, limit, what)  # the file we opened, not the one we looked at
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            # Usually the whole file in one read: no second copy to join.
            chunk = os.read(fd, min(remaining, max(fst.st_size + 1, 1 << 16)))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while we read
        raise _refuse(p, "too-large", f"{p} is larger than the {_size(limit)} a {what} may be.")
    return data, fst
