"""Markdown for people to paste into an email or a wiki: status and summary (``--format md``).

Plain text, no rich: GitHub-flavoured tables, numbers as in JSON, ledger text escaped
so a title cannot break a table.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

from cepledger.model.records import Member
from cepledger.model.results import ProgramResult
from cepledger.render.summary import SummaryRow
from cepledger.render.words import closed_short, num_text


def cell(text) -> str:
    """A table cell: pipes escaped, line breaks and control characters flattened."""
    from cepledger.render.words import shown

    return shown("" if text is None else str(text).replace("\n", " ")).replace("|", "\\|")


def _unit(unit: str) -> str:
    return "" if unit == "times" else unit


def status_markdown(member: Member, results: Sequence[ProgramResult], today: date | None = None,
                    years: dict | None = None) -> str:
    """``cep status --format md``: per program its requirements, then its activities; with
    ``today``, the periods (of ``years``: program id -> every program year) that closed short."""
    out = [f"## {cell(member.name)} ({member.id})", ""]
    if not results:
        out += ["No program in this period.", ""]
    for pr in results:
        label = (pr.period.label if pr.period.program_year is None
                 else f"{pr.period.label} ({pr.period.start} to {pr.period.end})")
        out += [f"### {cell(pr.program_name)} (`{pr.program}`) {label}: {'met' if pr.met else '**short**'}", "",
                *closed_lines(pr, today, years),
                "| requirement | required | earned | short | due | met |", "|---|---:|---:|---:|---|---|"]
        for r in pr.requirements:
            miss = f" (missing {', '.join(r.missing)})" if r.missing else ""
            out.append(f"| {r.id} | {num_text(r.required)} {_unit(r.unit)} | {num_text(r.earned)} | "
                       f"{num_text(r.shortfall)}{miss} | {r.due.isoformat()} | {'yes' if r.met else 'no'} |")
        if pr.activities:
            out += ["", f"| activity | claimed | counted ({pr.unit}) |", "|---|---:|---:|"]
            for a in pr.activities:
                out.append(f"| {cell(a.activity)} | {num_text(a.claimed)} | {num_text(a.counted)} |")
        out.append("")
    return "\n".join(out)


def closed_lines(pr: ProgramResult, today: date | None, years: dict | None) -> list[str]:
    """The bullet list of the program's periods that closed short, then a blank line (none: [])."""
    closed = closed_short((years or {}).get(pr.program) or [pr], today) if today is not None else []
    return [f"- {cell(line)}" for line in closed] + [""] if closed else []


def summary_markdown(rows: Sequence[SummaryRow]) -> str:
    """``cep summary --format md``: one row per member and program, every requirement not
    met that falls due in or before the period (overdue included), with its due date."""
    out = ["| member | program | period | status | not met |", "|---|---|---|---|---|"]
    for row in rows:
        out.append(f"| {cell(row.member)} | {row.program} | {row.period} | "
                   f"{'**short**' if row.gaps else 'met'} | {cell('; '.join(row.gaps))} |")
    closed = [f"{cell(row.member)} {row.program} {line}" for row in rows for line in row.closed]
    short_n = sum(bool(row.gaps) for row in rows)
    out += [""] + [f"- {line}" for line in closed] + ([""] if closed else [])
    out += [f"{len(rows)} member-programs, {short_n} short."]
    return "\n".join(out) + "\n"
