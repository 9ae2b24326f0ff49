"""Did-you-mean hints for a mistyped member, activity, entry id or program."""

from __future__ import annotations

from typing import Sequence


def did_you_mean(value: str, choices: Sequence[str], cutoff: float = 0.6) -> str:
    """``did you mean 'live-webinar'? `` when one choice is close to ``value``, else ``""``."""
    import difflib

    close = difflib.get_close_matches(value, choices, n=1, cutoff=cutoff)
    return f"did you mean '{close[0]}'? " if close else ""


def choices_hint(value: str, choices: Sequence[str]) -> str:
    """``choose one of: a, b, c`` (with a ``did you mean`` when one is close)."""
    return f"{did_you_mean(value, choices)}choose one of: {', '.join(choices)}"
