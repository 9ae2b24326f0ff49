"""The output formats each command accepts, checked the same way everywhere."""

from __future__ import annotations

from cepledger.model.errors import UsageError

FORMATS = ("table", "json", "csv")
STATUS_FORMATS = (*FORMATS, "md")  # status and summary
SUMMARY_FORMATS = (*STATUS_FORMATS, "ndjson")  # summary: one program object per line too
PLAIN_FORMATS = ("table", "json")  # explain, plan, verify


def check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    """``fmt`` when it is one of ``allowed``, else UsageError naming them."""
    if fmt not in allowed:
        raise UsageError(f"unknown format '{fmt}'; choose one of: {', '.join(allowed)}")
    return fmt
