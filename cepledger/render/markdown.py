"""Markdown for people to paste into an email or a wiki: status and summary (``--format md``).

Plain text, no rich: GitHub-flavoured tables, numbers as in JSON, ledger text escaped
so a title cannot break a table.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

from cepledger.model.records import Member
from cepledger.model.results import ProgramResult
from cepledger.render.words import closed_short, due_gaps, gap_words, num_text, period_name


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


def summary_markdown(rows: Sequence[tuple[Member, ProgramResult]], today: date, earlier: dict | None = None) -> str:
    """``cep summary --format md``: one row per member and program, every requirement not
    met that falls due in or before the period (overdue included), with its due date."""
    out = ["| member | program | period | status | not met |", "|---|---|---|---|---|"]
    closed = []
    for member, pr in rows:
        gaps = due_gaps(pr)
        short = "; ".join(gap_words(r, today) for r in gaps)
        out.append(f"| {cell(member.id)} | {pr.program} | {period_name(pr.period)} | "
                   f"{'**short**' if gaps else 'met'} | {cell(short)} |")
        years = [*(earlier or {}).get((member.id, pr.program), ()), pr]
        closed += [f"{cell(member.id)} {pr.program} {line}" for line in closed_short(years, today)]
    short_n = sum(bool(due_gaps(pr)) for _, pr in rows)
    out += [""] + [f"- {line}" for line in closed] + ([""] if closed else [])
    out += [f"{len(rows)} member-programs, {short_n} short."]
    return "\n".join(out) + "\n"
