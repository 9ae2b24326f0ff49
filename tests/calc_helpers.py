"""Build members straight from the model records, so rules tests need no store.

``e(...)`` makes one entry (its file position is set by ``member``), ``member(...)``
numbers the entries in the order given (the file order), and ``status`` evaluates one
program for one reporting year. Amounts are written as strings and read as ``Decimal``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from cepledger.calc.evaluate import evaluate_program
from cepledger.model.records import Entry, Enrolment, Member, Source
from cepledger.model.results import ProgramResult, RequirementResult
from cepledger.model.periods import program_period
from cepledger.rules.model import Registry
from cepledger.rules.load import load_registry

D = Decimal
TEST_PROGRAMS = Path(__file__).with_name("programs")
PATH = "ledgers/test.toml"


@lru_cache(maxsize=None)
def registry() -> Registry:
    """The packaged programs (loaded once per test session)."""
    return load_registry()


@lru_cache(maxsize=None)
def nurse_registry() -> Registry:
    """The packaged programs plus ``tests/programs`` (nurse-cycle)."""
    return load_registry([TEST_PROGRAMS])


def d(text: str) -> date:
    return date.fromisoformat(text)


def e(when: str | date, activity: str, hours: str | int | Decimal | None = None, **fields) -> Entry:
    """One entry; ``hours`` may be a string (``"2.5"``). ``index`` is set by ``member``."""
    when = d(when) if isinstance(when, str) else when
    if hours is not None:
        fields["hours"] = D(str(hours))
    if "cpsel" in fields:
        fields["cpsel"] = tuple(str(t).upper() for t in fields["cpsel"])
    if isinstance(fields.get("ratings"), dict):
        fields["ratings"] = tuple((str(k), v) for k, v in fields["ratings"].items())
    return Entry(index=-1, date=when, activity=activity, source=Source(PATH, 0), **fields)


def member(*entries: Entry, programs: dict | None = None, mid: str = "test") -> Member:
    """A member whose file lists ``entries`` in this order (index and line follow it).

    ``programs`` maps program id to ``since`` or to ``(since, employed_since)``.
    """
    programs = programs if programs is not None else {"cass-cep": "2021-09-01"}
    enrolments = []
    for n, (pid, when) in enumerate(programs.items()):
        since, employed = when if isinstance(when, tuple) else (when, None)
        since = d(since) if isinstance(since, str) else since
        employed = d(employed) if isinstance(employed, str) else employed
        enrolments.append(Enrolment(pid, since, Source(PATH, 5 + n), employed))
    numbered = tuple(
        x._replace(index=i, source=Source(PATH, 100 + 10 * i)) for i, x in enumerate(entries)
    )
    return Member(mid, "Test Member", PATH, tuple(enrolments), numbered)


def status(m: Member, program_id: str, year: int, *, as_of: date | None = None,
           reg: Registry | None = None) -> ProgramResult | None:
    """``evaluate_program`` for the period of ``program_id`` covering reporting year ``year``."""
    prog = (reg or registry()).programs[program_id]
    period = program_period(prog.period, m.enrolment(program_id), year)
    if period is None:
        return None
    return evaluate_program(m, prog, period, as_of=as_of)


def req(result: ProgramResult, rid: str) -> RequirementResult:
    for r in result.requirements:
        if r.id == rid:
            return r
    raise KeyError(rid)


def counted(result: ProgramResult) -> list[Decimal]:
    """Counted amount of each entry of the period, in file order."""
    return [r.counted for r in sorted(result.entries, key=lambda r: r.entry.index)]


def activity_total(result: ProgramResult, aid: str):
    for a in result.activities:
        if a.activity == aid:
            return a
    return None


def days_after(when: str | date, n: int) -> date:
    when = d(when) if isinstance(when, str) else when
    return when + timedelta(days=n)


# ---------------------------------------------------------------- CASC: a member in one induction program

SINCE = d("2024-09-03")  # program year 1 = 2024-25 (reporting year 2024), year 2 = 2025-26
EMPLOYED = SINCE - timedelta(days=365)
YEAR = {1: 2024, 2: 2025}  # program year -> reporting year
END = {1: d("2025-08-31"), 2: d("2026-08-31")}
PROGRAMS = ["casc-butte", "casc-monterey", "casc-rossier"]
ALL_MEET = {str(n): "meets" for n in range(1, 7)}  # every CPSEL standard rated "meets"


def start(year: int) -> date:
    """The first day of program year ``year`` (1 or 2) for a member enrolled on ``SINCE``."""
    return SINCE if year == 1 else d("2025-09-02")


def casc(program: str, entries, *, since=SINCE, employed=EMPLOYED) -> Member:
    """A member in ``program`` since ``since`` (employed ``employed``) with ``entries``."""
    return member(*entries, programs={program: (since, employed)})
