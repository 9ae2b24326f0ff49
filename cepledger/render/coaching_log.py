"""The coaching log (``cep log MEMBER --activity coaching --format csv|md``): date, with,
hours, weeks counted, title, CPSEL tags, and the totals of each program year."""

from __future__ import annotations

from typing import Sequence, TextIO

from cepledger.calc.coaching import CoachingYear
from cepledger.model.records import Member
from cepledger.render.json_csv import write_csv
from cepledger.render.markdown import cell
from cepledger.render.words import num_text

COACHING_FIELDS = ("program_year", "date", "id", "with", "hours", "weeks_counted", "title", "cpsel")


def year_label(y: CoachingYear) -> str:
    """``program year 1``; the period's label (``2025-26``) for an annual program;
    ``outside the program`` for meetings in no program year."""
    if y.period is None:
        return "outside the program"
    if y.period.program_year is None:
        return y.period.label
    return f"program year {y.period.program_year}"


def write_coaching_csv(years: Sequence[CoachingYear], out: TextIO) -> None:
    """One line per meeting, then a ``total`` line per program year (date empty, id ``total``)."""
    rows = []
    for y in years:
        label = year_label(y)
        for r in y.rows:
            e = r.entry
            rows.append([label, e.date, e.id or f"L{e.source.line}", e.with_, e.hours, 1 if r.new_week else 0,
                         e.title, " ".join(e.cpsel)])
        rows.append([label, "", "total", "", y.hours, y.weeks, f"{len(y.rows)} meetings", ""])
    write_csv(COACHING_FIELDS, rows, out)


def coaching_markdown(member: Member, activity: str, years: Sequence[CoachingYear]) -> str:
    """A section per program year: a table of the meetings and its totals."""
    out = [f"## Coaching log: {cell(member.name)} ({member.id})", ""]
    if not years:
        return "\n".join(out + [f"No {activity} entries.", ""])
    for y in years:
        out += [f"### {year_label(y)}", "", "| date | with | hours | week counted | title | CPSEL |",
                "|---|---|---:|:---:|---|---|"]
        for r in y.rows:
            e = r.entry
            out.append(f"| {e.date} | {cell(e.with_)} | {num_text(e.hours)} | {'yes' if r.new_week else ''} | "
                       f"{cell(e.title)} | {cell(' '.join(e.cpsel))} |")
        out += ["", f"**Total:** {num_text(y.hours)} hours in {len(y.rows)} meeting{'s' if len(y.rows) != 1 else ''}, "
                    f"{y.weeks} week{'s' if y.weeks != 1 else ''} counted.", ""]
    return "\n".join(out)
