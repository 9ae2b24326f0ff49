"""Corrections: ``amend`` (void an entry and append its corrected copy) and ``undo``
(put back the bytes the last write replaced). Both go through the one write protocol
(``write.transact``: lock, verify by re-parsing, temp file, ``fsync``, atomic replace), so
a crash leaves the ledger as it was before or as it is after, never in between.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from cepledger.ledger import edit, journal
from cepledger.ledger.parse import parse_toml
from cepledger.ledger.verify import Plan, Snapshot
from cepledger.ledger.write import Validator, transact, void_plan
from cepledger.model.errors import UsageError
from cepledger.model.records import Entry, Member

__all__ = ["amend_entry", "undo_last", "Undone"]

NOT_COPIED = ("id", "void", "replaces")


def amend_entry(path: Path, entry_ref: str, fields: dict[str, Any], *, validate: Validator | None = None,
                lock_timeout: float = 10.0) -> tuple[Entry, Entry]:
    """Void the entry ``entry_ref`` names (``void = "amended by NEW-ID"``) and append
    ``fields`` as its corrected copy with ``replaces = "OLD-ID"``, in one write.

    ``fields`` are the corrected entry's keys (without ``id``, ``void`` or ``replaces``).
    An entry without an id (named ``L17``) first gets one in place. Returns ``(old, new)``
    as read back. ``UsageError`` when the entry is unknown or already void, or when the
    copy would be the same as the entry.
    """
    path = Path(path)
    prepared = edit.normalise_entry({k: v for k, v in fields.items() if k not in NOT_COPIED})
    ids: list[str] = []

    def plan(snap: Snapshot) -> Plan:
        assert snap.member is not None
        taken = snap.member.entry_ids()
        new_id = edit.new_id(taken)
        new, raw, old_id = void_plan(snap, path, entry_ref, f"amended by {new_id}", taken)
        copy = {"id": new_id, **prepared, "replaces": old_id}
        ids[:] = [old_id, new_id]
        new, _ = edit.append_block(new, [copy])
        return Plan(new, {**snap.doc, "entries": raw + [copy]}, False)

    member = transact(path, plan, validate=validate, lock_timeout=lock_timeout,
                      command=lambda: f"amend {ids[0]} -> {ids[1]}")
    old, new = member.entry(ids[0]), member.entry(ids[1])
    assert old is not None and new is not None
    return old, new


class Undone(NamedTuple):
    """What ``undo_last`` did: the step taken back, the member as it is now, and how
    many steps are left to undo."""

    step: journal.Step
    member: Member
    left: int
    already: bool = False  # an undo interrupted after the ledger was replaced: only the journal was behind


def undo_last(path: Path, *, lock_timeout: float = 10.0) -> Undone:
    """Put back the ledger's bytes from before the last journalled write, only while the
    ledger still holds exactly what that write left (``UsageError`` otherwise)."""
    path = Path(path)
    state: list[Any] = []

    def plan(snap: Snapshot) -> Plan:
        kept = journal.steps(path)
        if not kept:
            raise UsageError(f"nothing to undo for {path.name[:-5]}: no add, amend, void, import or member enrol "
                             "by this user on this ledger is recorded.")
        step = kept[-1]
        now = journal.digest(snap.data)
        if now != step.after_sha256:
            if now == step.before_sha256:  # an undo was cut off after replacing the ledger
                journal.pop(path, step)
                raise _AlreadyUndone(step, len(kept) - 1)
            raise UsageError(f"cannot undo `{step.command}`: {path} has changed since (edited by hand or by "
                             "another program), so undoing could lose that change; nothing was changed.")
        state[:] = [step, len(kept) - 1]
        _, doc = parse_toml(step.before, str(path))
        return Plan(step.before, doc, False)

    try:
        member = transact(path, plan, validate=None, lock_timeout=lock_timeout,
                          after=lambda: journal.pop(path, state[0]))
    except _AlreadyUndone as done:
        from cepledger.ledger.load import load_member

        return Undone(done.step, load_member(path), done.left, already=True)
    return Undone(state[0], member, state[1])


class _AlreadyUndone(Exception):
    def __init__(self, step: journal.Step, left: int) -> None:
        super().__init__(step.command)
        self.step, self.left = step, left
