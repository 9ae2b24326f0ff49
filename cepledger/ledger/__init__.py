"""The ledger store: read and write member ledgers (docs/ARCHITECTURE.md).

Reading lives in ``store_read`` (fast: no tomlkit, no locking imports); writing in
``store_write`` (lock, byte-preserving splice, verify, atomic replace; see
docs/data-safety.md). This module is the public face: import from here. The write
half is imported on first use, so read-only commands never pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cepledger.ledger.read import (
    ENTRY_KEYS,
    MAX_LEDGER_BYTES,
    check_enrolment_fields,
    check_entry_fields,
    inspect_file,
    inspect_member,
    ledger_path,
    load_member,
    member_files,
    parse_member,
    parse_toml,
    read_ledger_bytes,
)

if TYPE_CHECKING:
    from cepledger.ledger.write import (
        FAULT_ENV,
        add_enrolment,
        append_entries,
        create_member,
        lock_path,
        render_entry,
        void_entry,
    )

_WRITE_NAMES = frozenset(
    ["FAULT_ENV", "add_enrolment", "append_entries", "create_member", "lock_path", "render_entry", "void_entry"]
)

__all__ = [
    "ENTRY_KEYS",
    "FAULT_ENV",
    "MAX_LEDGER_BYTES",
    "add_enrolment",
    "append_entries",
    "check_enrolment_fields",
    "check_entry_fields",
    "create_member",
    "inspect_file",
    "inspect_member",
    "ledger_path",
    "load_member",
    "lock_path",
    "member_files",
    "parse_member",
    "parse_toml",
    "read_ledger_bytes",
    "render_entry",
    "void_entry",
]


def __getattr__(name: str) -> Any:
    # PEP 562: `store.append_entries` and `from cepledger.ledger import append_entries`
    # both land here the first time; afterwards the name is a plain global.
    if name in _WRITE_NAMES:
        from cepledger.ledger import write as store_write

        value = getattr(store_write, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
