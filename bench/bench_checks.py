"""Checks on what the measured commands print: a benchmark of wrong output measures nothing.

Each ``check_*`` returns a function of the command's stdout that gives a problem (one
sentence) or None; a problem marks the series as an ERROR in the results.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

Check = Callable[[bytes], "str | None"]


def _json_numbers(out: bytes) -> Any:
    return json.loads(out, parse_float=Decimal, parse_int=Decimal)


def status_claimed(out: bytes) -> dict[str, Decimal]:
    """Claimed amount per cass-cep activity in ``status --format json`` output."""
    result: dict[str, Decimal] = {}
    for prog in _json_numbers(out).get("programs", []):
        if prog.get("program") == "cass-cep":
            for a in prog.get("activities", []):
                result[a["activity"]] = Decimal(a["claimed"])
    return result


_BALANCE_LINE = re.compile(r"^\s*(-?[0-9][0-9,]*(?:\.[0-9]+)?)\s+cep:([a-z0-9-]+)\s*$")


def hledger_claimed(out: bytes) -> dict[str, Decimal]:
    """Per-activity totals from flat ``hledger bal`` or ``ledger bal --flat`` output."""
    result = {}
    for line in out.decode("utf-8", "replace").splitlines():
        m = _BALANCE_LINE.match(line)
        if m and m.group(2) != "claimed":
            result[m.group(2)] = Decimal(m.group(1).replace(",", ""))
    return result


def compare_totals(expected: dict[str, Decimal], got: dict[str, Decimal]) -> list[str]:
    """The activities whose totals differ (a missing activity counts as 0)."""
    diffs = []
    for act in sorted(set(expected) | set(got)):
        e, g = expected.get(act, Decimal(0)), got.get(act, Decimal(0))
        if e != g:
            diffs.append(f"{act}: expected {e}, got {g}")
    return diffs


def check_status_json(member: str, expected: dict[str, Decimal] | None = None) -> Check:
    """JSON for ``member`` whose claimed amounts per activity are ``expected`` (when given)."""
    def check(out: bytes) -> str | None:
        try:
            doc = _json_numbers(out)
        except ValueError as e:
            return f"status --format json did not print JSON: {e}"
        if not isinstance(doc, dict) or doc.get("member") != member:
            return "status --format json printed JSON without the member"
        if expected is not None:
            diffs = compare_totals(expected, status_claimed(out))
            if diffs:
                return f"claimed per activity differs from the generator's ({len(diffs)}): {'; '.join(diffs[:3])}"
        return None
    return check


def check_summary_json(members: int) -> Check:
    """A JSON list of program objects naming exactly ``members`` members."""
    def check(out: bytes) -> str | None:
        try:
            doc = json.loads(out)
        except ValueError as e:
            return f"summary --format json did not print JSON: {e}"
        if not isinstance(doc, list):
            return "summary --format json did not print a list"
        named = {row.get("member") for row in doc if isinstance(row, dict)}
        if len(named) != members:
            return f"summary --format json named {len(named)} members, not {members}"
        return None
    return check


def check_contains(*words: str) -> Check:
    """Output containing every one of ``words``."""
    def check(out: bytes) -> str | None:
        missing = [w for w in words if w.encode() not in out]
        return f"the output does not contain {missing[0]!r}" if missing else None
    return check


def check_balance(expected: dict[str, Decimal]) -> Check:
    """hledger/ledger balance output with the generator's totals per activity."""
    def check(out: bytes) -> str | None:
        diffs = compare_totals(expected, hledger_claimed(out))
        return f"totals differ from the generator's ({len(diffs)}): {'; '.join(diffs[:3])}" if diffs else None
    return check


def check_appended(path: Path, before: Callable[[], bytes]) -> Check:
    """``add`` kept the ledger's old bytes (``before()``) as a prefix of the new file."""
    def check(out: bytes) -> str | None:
        old, new = before(), path.read_bytes()
        if not new.startswith(old) or len(new) <= len(old):
            return "add did not keep the ledger's bytes as a prefix of the new file"
        return None if out.startswith(b"added ") else "add did not print 'added ...'"
    return check
