"""Markdown for people to paste into an email or a wiki: status and summary (``--format md``).

Plain text, no rich: GitHub-flavoured tables, numbers as in JSON, ledger text escaped
so a title cannot break a table.
"""

from __future__ import annotations

from typing import Sequence

from cepledger.model.records import Member
from cepledger.model.results import ProgramResult
from cepledger.render.words import num_text


def cell(text) -> str:
    """A table cell: pipes escaped, line breaks and control characters flattened."""
    from cepledger.render.words import shown

    return shown("" if text is None else str(text).replace("\n", " ")).replace("|", "\\|")


def _unit(unit: str) -> str:
    return "" if unit == "times" else unit


def status_markdown(member: Member, results: Sequence[ProgramResult]) -> str:
    """``cep status --format md``: per program its requirements, then its activities."""
    out = [f"## {cell(member.name)} ({member.id})", ""]
    if not results:
        out += ["No program in this period.", ""]
    for pr in results:
        label = pr.period.label + (f", program year {pr.period.program_year}" if pr.period.program_year else "")
        out += [f"### {cell(pr.program_name)} (`{pr.program}`) {label}: {'met' if pr.met else '**short**'}", "",
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


def summary_markdown(rows: Sequence[tuple[Member, ProgramResult]]) -> str:
    """``cep summary --format md``: one row per member and program, the shortfalls of what is due."""
    out = ["| member | program | period | status | short by |", "|---|---|---|---|---|"]
    for member, pr in rows:
        gaps = [r for r in pr.requirements if not r.met and pr.period.start <= r.due <= pr.period.end]
        label = pr.period.label + (f" y{pr.period.program_year}" if pr.period.program_year else "")
        short = "; ".join(f"{r.id} {num_text(r.shortfall)} {_unit(r.unit)}".rstrip() for r in gaps)
        out.append(f"| {cell(member.id)} | {pr.program} | {label} | {'met' if pr.met else '**short**'} | {cell(short)} |")
    short_n = sum(not pr.met for _, pr in rows)
    out += ["", f"{len(rows)} member-programs, {short_n} short."]
    return "\n".join(out) + "\n"
