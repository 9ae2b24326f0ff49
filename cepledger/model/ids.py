"""Member ids: the only user text that ever becomes part of a file name.

A member id is checked here *before* any path is built from it (SPEC.md, "Files"):
it must match ``^[a-z0-9][a-z0-9_-]{0,63}$`` and must not be a Windows reserved
device name, so ``<ledgers>/<id>.toml`` can never point outside the ledgers folder
or at a device, on any platform a ledgers folder may be synced to.
"""

from __future__ import annotations

import re

from cepledger.model.errors import UsageError

__all__ = ["MEMBER_ID_RE", "RESERVED_NAMES", "is_valid_member_id", "validate_member_id"]

MEMBER_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

# Windows refuses these as file names whatever the extension ("con.toml" included),
# so a ledger folder holding one could not be copied to or synced with Windows.
RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(1, 10)]
)

_RULE = (
    "a member id is 1 to 64 characters of lower-case letters a-z, digits, '-' or '_', "
    "starting with a letter or digit (for example 'jdoe' or 'j-doe-2')"
)


def is_valid_member_id(raw: object) -> bool:
    """Return True when ``raw`` is acceptable as-is (no exception; for listings)."""
    return (
        isinstance(raw, str)
        and MEMBER_ID_RE.fullmatch(raw) is not None
        and raw not in RESERVED_NAMES
    )


def _show(raw: str) -> str:
    # repr() escapes NUL, control and invisible characters so the message itself
    # cannot hide what was typed; cap the length so a pasted file stays readable.
    text = repr(raw)
    return text if len(text) <= 80 else text[:77] + "...'"


def validate_member_id(raw: str) -> str:
    """Return ``raw`` when it is a valid member id, else raise ``UsageError``.

    The text is normalised with Unicode NFKC first; an id whose NFKC form differs
    from what was typed (fullwidth ``ｊdoe``, ligatures, superscripts...) is refused
    as a look-alike even when the normalised form would be valid, so two visually
    identical ids can never name two different files.
    """
    if not isinstance(raw, str):
        raise UsageError(f"the member id must be text; {_RULE}.")
    if is_valid_member_id(raw):  # fast path: the common case is already canonical
        return raw
    import unicodedata  # only for an id that is not already canonical

    norm = unicodedata.normalize("NFKC", raw)
    if norm != raw:
        raise UsageError(
            f"the member id {_show(raw)} contains look-alike characters "
            f"(it normalises to {_show(norm)}); {_RULE}."
        )
    if raw in RESERVED_NAMES:
        raise UsageError(
            f"the member id {raw!r} is a reserved device name on Windows; choose another id, e.g. '{raw}-1'."
        )
    if raw == "":
        raise UsageError(f"the member id is empty; {_RULE}.")
    if len(raw) > 64:
        raise UsageError(f"the member id {_show(raw)} is {len(raw)} characters long; {_RULE}.")
    if raw.lower() != raw and is_valid_member_id(raw.lower()):
        raise UsageError(f"the member id {_show(raw)} has upper-case letters; use {raw.lower()!r}.")
    raise UsageError(f"the member id {_show(raw)} is not valid; {_RULE}.")
