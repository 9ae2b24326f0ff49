"""Shell completion: the members, activities and programs to offer (no Typer, never raises).

A completion function runs on every <Tab>: an error must never reach the shell, so each
swallows every exception and offers nothing.
"""

from __future__ import annotations

import os
from pathlib import Path


def complete_members(ledgers: Path, incomplete: str) -> list[str]:
    """The member ids in ``ledgers`` starting with ``incomplete``."""
    try:
        from cepledger.model.ids import is_valid_member_id

        names = sorted(n[:-5] for n in os.listdir(ledgers) if n.endswith(".toml") and is_valid_member_id(n[:-5]))
        return [n for n in names if n.startswith(incomplete)]
    except Exception:
        return []


def complete_activities(ledgers: Path, member_id: str | None, incomplete: str) -> list[str]:
    """The activities of the member's programs (of every program when the member is unknown)."""
    try:
        from cepledger.rules.load import load_registry

        registry = load_registry([ledgers / "programs"], strict=False)
        programs = _member_programs(ledgers, member_id, registry) if member_id else None
        if not programs:
            programs = [p for p in registry.programs.values() if not p.abstract]
        names = sorted({a for p in programs for a in p.activities})
        return [n for n in names if n.startswith(incomplete)]
    except Exception:
        return []


def _member_programs(ledgers: Path, member_id: str, registry) -> list | None:
    from cepledger.ledger import files as ledger_files
    from cepledger.ledger import load as ledger_load
    from cepledger.model.errors import CepError

    try:
        member = ledger_load.load_member(ledger_files.ledger_path(ledgers, member_id))
    except (CepError, OSError):
        return None
    return [registry.programs[e.program] for e in member.enrolments if e.program in registry.programs]


def complete_programs(ledgers: Path, incomplete: str) -> list[str]:
    """The programs a member can enrol in, starting with ``incomplete``."""
    try:
        from cepledger.rules.load import load_registry

        registry = load_registry([ledgers / "programs"], strict=False)
        return [p for p in registry.enrollable() if p.startswith(incomplete)]
    except Exception:
        return []


def complete_entry_ids(ledgers: Path, member_id: str | None, incomplete: str, *, counting_only: bool = False) -> list[str]:
    """The member's entry ids (and ``L<line>`` for hand-written entries without one) starting
    with ``incomplete``; with ``counting_only``, void entries are left out (``void``, ``amend``)."""
    try:
        from cepledger.ledger import files as ledger_files
        from cepledger.ledger import load as ledger_load

        if not member_id:
            return []
        member = ledger_load.load_member(ledger_files.ledger_path(ledgers, member_id))
        refs = [e.id or f"L{e.source.line}" for e in member.entries if not (counting_only and e.is_void)]
        return [r for r in refs if r.startswith(incomplete)]
    except Exception:
        return []
