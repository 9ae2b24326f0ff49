"""Evidence files: where an entry's evidence is, its SHA-256, and whether it still matches.

``add --evidence PATH`` records the path as given and, when the file exists, its
SHA-256 (``evidence_sha256``). ``verify_member`` looks every evidence path up again (in
the ledgers folder first, then as given) and reports what is missing or changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cepledger.model.records import Entry, Member
from dataclasses import dataclass

OK, MISSING, CHANGED, UNRECORDED = "ok", "missing", "changed", "no-checksum"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def locate(ledgers: Path, evidence: str) -> Path | None:
    """The evidence file: an absolute path, else under the ledgers folder, else as given; None if absent."""
    p = Path(evidence).expanduser()
    for candidate in ([p] if p.is_absolute() else [ledgers / p, p]):
        if candidate.is_file():
            return candidate
    return None


@dataclass(frozen=True, slots=True)
class EvidenceCheck:
    member: str
    entry: Entry
    state: str  # ok | missing | changed | no-checksum
    path: Path | None  # where the file was found
    actual: str | None  # its SHA-256 now

    @property
    def bad(self) -> bool:
        return self.state in (MISSING, CHANGED)


def verify_member(member: Member, ledgers: Path) -> list[EvidenceCheck]:
    """Every non-void entry with evidence, checked against the file on disk."""
    out = []
    for e in member.entries:
        if not e.evidence:
            continue
        found = locate(ledgers, e.evidence)
        if found is None:
            out.append(EvidenceCheck(member.id, e, MISSING, None, None))
            continue
        try:
            actual = sha256_file(found)
        except OSError:
            out.append(EvidenceCheck(member.id, e, MISSING, found, None))
            continue
        if e.evidence_sha256 is None:
            state = UNRECORDED
        else:
            state = OK if actual == e.evidence_sha256.lower() else CHANGED
        out.append(EvidenceCheck(member.id, e, state, found, actual))
    return out
