"""The undo journal: what each write left, so ``cep undo`` can take it back.

One small JSON file per ledger in the user's own state directory
(``platformdirs.user_state_dir("cepledger")/journal``, ``$XDG_STATE_HOME`` on Linux),
never inside a shared ledgers folder. Each step holds the command that wrote, the
ledger's bytes before it (zlib + base64) and the SHA-256 of the bytes it left: ``undo``
restores the bytes before only while the ledger still has exactly that digest, so a hand
edit since is never lost.

The journal is written after the ledger has been replaced, under the ledger's lock (so
writers of one ledger never race on its journal), with the same temp-file, ``fsync`` and
atomic ``os.replace``. A crash between the two leaves a ledger the journal does not know,
which ``undo`` then refuses to touch: never a wrong undo. A journal that cannot be
written or read is no reason to fail the command that wrote the ledger: it only means
that this step cannot be undone.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Step", "digest", "journal_dir", "record", "steps", "pop"]

MAX_STEPS = 20  # how far back `cep undo` can walk for one ledger
MAX_JOURNAL_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Step:
    """One write that ``undo`` can take back."""

    command: str  # "add 7f3a2c", "void 7f3a2c", "amend 7f3a2c -> 9b1c2d", ...
    before: bytes  # the ledger's bytes before the write
    after_sha256: str  # the digest of the bytes the write left

    @property
    def before_sha256(self) -> str:
        return digest(self.before)


def digest(data: bytes) -> str:
    """The SHA-256 of a ledger's bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


def journal_dir() -> Path:
    """The folder of the journals: ``<user state dir>/cepledger/journal``."""
    from platformdirs import user_state_dir

    return Path(user_state_dir("cepledger")) / "journal"


def _journal_file(ledger: Path) -> Path:
    key = hashlib.sha256(os.fsencode(os.path.realpath(ledger))).hexdigest()[:32]
    return journal_dir() / f"{key}.json"


def _raw_steps(ledger: Path) -> list[dict]:
    """The journal's steps as stored (nothing decompressed), [] when none or unreadable."""
    p = _journal_file(ledger)
    try:
        with open(p, "rb") as f:
            raw = f.read(MAX_JOURNAL_BYTES + 1)
        if len(raw) > MAX_JOURNAL_BYTES:
            return []
        doc = json.loads(raw)
        if doc.get("ledger") != os.path.realpath(ledger) or not isinstance(doc.get("steps"), list):
            return []
        return [s for s in doc["steps"] if isinstance(s, dict)]
    except (OSError, ValueError, AttributeError):
        return []


def steps(ledger: Path) -> list[Step]:
    """The steps recorded for one ledger, oldest first ([] when none or unreadable)."""
    try:
        return [Step(s["command"], zlib.decompress(base64.b64decode(s["before"])), s["after_sha256"])
                for s in _raw_steps(ledger)]
    except (ValueError, KeyError, TypeError, zlib.error):
        return []


def _encoded(step: Step) -> dict:
    return {"command": step.command, "before": base64.b64encode(zlib.compress(step.before)).decode("ascii"),
            "before_sha256": step.before_sha256, "after_sha256": step.after_sha256}


def _save(ledger: Path, kept: list[dict]) -> None:
    p = _journal_file(ledger)
    doc = {"ledger": os.path.realpath(ledger), "steps": kept}
    data = json.dumps(doc, indent=1).encode("utf-8")
    p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=p.name + ".", suffix=".tmp")
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def record(ledger: Path, command: str, before: bytes, after: bytes) -> bool:
    """Add one step (call under the ledger's lock, after the ledger was replaced).

    A step is kept only when it follows the last one (its ``before`` is what the last
    step left); otherwise the history is broken (a hand edit came between) and starts
    again with this step. Returns False when the journal could not be written.
    """
    try:
        kept = _raw_steps(ledger)
        if kept and kept[-1].get("after_sha256") != digest(before):
            kept = []
        kept.append(_encoded(Step(command, before, digest(after))))
        _save(ledger, kept[-MAX_STEPS:])
        return True
    except OSError:
        return False


def pop(ledger: Path, step: Step) -> None:
    """Drop ``step`` (the last one) after it was undone; a failure is harmless: the
    next ``undo`` sees the ledger already holds the step's ``before`` and drops it."""
    try:
        kept = _raw_steps(ledger)
        if kept and kept[-1].get("after_sha256") == step.after_sha256 and kept[-1].get("command") == step.command:
            _save(ledger, kept[:-1])
    except OSError:
        pass
