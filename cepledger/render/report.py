"""The annual audit report (``calc.report.Report``) as Markdown or as one HTML file.

Each shows the member, each program's period and requirement results, every entry with
claimed, counted and the rule applied, the evidence files with their SHA-256 (as
recorded, and as found now) and the member's reflections. The HTML is one
self-contained file (inline CSS and an inline SVG chart, no network) that reads well on
screen and on paper. Reads no files.
"""

from __future__ import annotations

import html
from decimal import Decimal

from cepledger.calc.report import ProgramSection, Report
from cepledger.model.records import Member
from cepledger.model.results import EntryResult
from cepledger.render.words import cap_words, num_text, period_words
from cepledger.rules.model import Program


def rule_applied(er: EntryResult, program: Program) -> str:
    """``A4 live-webinar: at most 3 per webinar (clipped 1)``; the caps that clipped, else the rule."""
    a = program.activities.get(er.entry.activity)
    if er.entry.is_void:
        return f"void: {er.entry.void}"
    if er.clips:
        return "; ".join(f"{c.code} {c.description} (clipped {num_text(c.clipped)})".strip() for c in er.clips)
    if a is None:
        return ""
    return f"{a.code} {cap_words(a)}".strip()


def chart_data(section: ProgramSection) -> list[tuple[str, Decimal, Decimal]]:
    """(label, claimed, counted) per activity that earned or claimed anything."""
    out = []
    for a in section.result.activities:
        if a.claimed > 0 or a.counted > 0:
            rule = section.rules.activities.get(a.activity)
            label = f"{rule.code} {a.activity}".strip() if rule is not None else a.activity
            out.append((label, a.claimed, a.counted))
    return out


def amounts(er: EntryResult, program: Program) -> tuple[str, str]:
    """Claimed and counted as text; a milestone has none ("-")."""
    a = program.activities.get(er.entry.activity)
    if a is not None and a.amount == "none":
        return "-", "-"
    return num_text(er.claimed), num_text(er.counted)


def _what(er: EntryResult) -> str:
    """The entry's title, else its item, else its course."""
    e = er.entry
    return e.title or e.item or (f"course {e.course}" if e.course is not None else "")


# ------------------------------------------------------------------ Markdown


def _md(text) -> str:
    """A table cell: pipes escaped, no line breaks."""
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    """The report as one Markdown document."""
    m = report.member
    out = [f"# Continuing education report {report.year_label}: {_md(m.name)} ({m.id})", "",
           f"Prepared {report.today.isoformat()} by cepledger.", ""]
    for sec in report.programs:
        out += _md_program(sec, m)
    out += _md_evidence(report) + _md_reflections(report)
    return "\n".join(out).rstrip() + "\n"


def _md_program(sec: ProgramSection, m: Member) -> list[str]:
    """One program: period and standing, requirements, entries, credits by activity."""
    pr, prog = sec.result, sec.rules
    enrolment = m.enrolment(pr.program)
    p = pr.period
    out = [f"## {_md(pr.program_name)} (`{pr.program}`)", "",
           f"- Period: {p.label}, {p.start.isoformat()} to {p.end.isoformat()}"
           + (f" (program year {p.program_year})" if p.program_year else ""),
           f"- Enrolled since: {enrolment.since.isoformat()}; {period_words(prog.period)}",
           f"- Standing: {'all requirements due in the period are met' if pr.met else 'NOT met'}", "",
           "### Requirements", "",
           "| requirement | required | earned | shortfall | due | met |", "|---|---:|---:|---:|---|---|"]
    for r in pr.requirements:
        extra = f" (missing {', '.join(r.missing)})" if r.missing else ""
        out.append(f"| {r.id} | {num_text(r.required)} | {num_text(r.earned)} | {num_text(r.shortfall)}{extra} "
                   f"| {r.due.isoformat()} | {'yes' if r.met else 'no'} |")
    out += ["", "### Entries", "",
            "| date | id | activity | title / item | claimed | counted | rule applied |",
            "|---|---|---|---|---:|---:|---|"]
    for er in sec.entries:
        e = er.entry
        claimed, counted = amounts(er, prog)
        out.append(f"| {e.date.isoformat()} | {_md(e.id)} | {_md(e.activity)} | {_md(_what(er))} | "
                   f"{claimed} | {counted} | {_md(rule_applied(er, prog))} |")
    if pr.activities:
        out += ["", "### Credits by activity", "", f"| activity | claimed | counted ({pr.unit}) |",
                "|---|---:|---:|"]
        for label, claimed, counted in chart_data(sec):
            out.append(f"| {_md(label)} | {num_text(claimed)} | {num_text(counted)} |")
    out.append("")
    return out


def _md_evidence(report: Report) -> list[str]:
    out = ["## Evidence", ""]
    if report.evidence:
        out += ["| date | entry | file | SHA-256 | check |", "|---|---|---|---|---|"]
        for ev in report.evidence:
            out.append(f"| {ev.entry.date.isoformat()} | {_md(ev.entry.id)} | {_md(ev.entry.evidence)} | "
                       f"`{ev.recorded or ev.actual or '-'}` | {ev.state} |")
    else:
        out.append("No evidence files are recorded for this year.")
    return out


def _md_reflections(report: Report) -> list[str]:
    out = ["", "## Reflections", ""]
    if report.reflections:
        for e, qa in report.reflections:
            out += [f"### {e.date.isoformat()} ({_md(e.id)})", ""]
            if qa:
                for q, a in qa:
                    out += [f"**{_md(q)}**", "", a.strip(), ""]
            else:
                out += [(e.notes or "").strip(), ""]
    else:
        out += ["No reflections recorded this year (`cep reflect` records one).", ""]
    return out


# ------------------------------------------------------------------ HTML

CSS = """
:root { --ink: #1b1f24; --muted: #5b6470; --line: #d5dae0; --bar: #2f6f9f; --claim: #c9d8e6; --bad: #b3261e; --ok: #1e7a3c; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 60rem; margin: 2rem auto; padding: 0 1.25rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .4rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
dt { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font: .8rem/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
.nw { white-space: nowrap; } .nw code { word-break: normal; }
.met { color: var(--ok); font-weight: 600; } .short { color: var(--bad); font-weight: 600; }
.void td { color: var(--muted); text-decoration: line-through; }
.chart { max-width: 100%; height: auto; }
.chart text { font: 12px system-ui, sans-serif; fill: var(--ink); }
.qa dt { font-weight: 600; color: var(--ink); grid-column: 1 / -1; }
.qa dd { margin: 0 0 .6rem; grid-column: 1 / -1; white-space: pre-wrap; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; } table, figure, .qa { break-inside: avoid; }
  th { background: none; } a { color: inherit; text-decoration: none; }
  .chart .claimed { fill: #ddd; } .chart .counted { fill: #555; }
}
"""


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def svg_chart(rows: list[tuple[str, Decimal, Decimal]], unit: str) -> str:
    """A horizontal bar chart: per activity, claimed (light) behind counted (dark)."""
    if not rows:
        return ""
    label_w, bar_w, row_h = 230, 380, 24
    top = max((max(c, k) for _, c, k in rows), default=Decimal(1)) or Decimal(1)
    height = row_h * len(rows) + 30
    parts = [f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 80}" '
             f'height="{height}" viewBox="0 0 {label_w + bar_w + 80} {height}">',
             f"<title>{_e(unit)} by activity: claimed and counted</title>"]
    for i, (label, claimed, counted) in enumerate(rows):
        y = i * row_h + 4
        wc = float(claimed / top) * bar_w
        wk = float(counted / top) * bar_w
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_e(label)}</text>')
        parts.append(f'<rect class="claimed" x="{label_w}" y="{y + 2}" width="{wc:.1f}" height="16" fill="#c9d8e6">'
                     f"<title>claimed {num_text(claimed)}</title></rect>")
        parts.append(f'<rect class="counted" x="{label_w}" y="{y + 2}" width="{wk:.1f}" height="16" fill="#2f6f9f">'
                     f"<title>counted {num_text(counted)}</title></rect>")
        text = num_text(counted) + (f" of {num_text(claimed)}" if claimed != counted else "")
        parts.append(f'<text x="{label_w + max(wc, wk) + 6:.1f}" y="{y + 15}">{_e(text)}</text>')
    ly = row_h * len(rows) + 14
    parts.append(f'<rect x="{label_w}" y="{ly}" width="12" height="10" fill="#2f6f9f"/>'
                 f'<text x="{label_w + 16}" y="{ly + 9}">counted</text>'
                 f'<rect x="{label_w + 90}" y="{ly}" width="12" height="10" fill="#c9d8e6"/>'
                 f'<text x="{label_w + 106}" y="{ly + 9}">claimed</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    m = report.member
    title = f"Continuing education report {report.year_label}: {m.name} ({m.id})"
    h = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
         f"<header><h1>{_e(title)}</h1>",
         f'<p class="meta">Prepared {report.today.isoformat()} by cepledger.</p></header>']
    for sec in report.programs:
        h += _html_program(sec, m)
    h += _html_evidence(report) + _html_reflections(report)
    h.append("</section><footer>Amounts are counted after every cap of the program's rules "
             "(see <code>cep explain MEMBER ENTRY-ID</code>). SHA-256 checksums are those recorded when the "
             "evidence was added; <code>cep verify</code> checks them again.</footer></body></html>")
    return "\n".join(h) + "\n"


def _html_program(sec: ProgramSection, m: Member) -> list[str]:
    """One program's section: period and standing, requirements, the chart, entries."""
    pr, prog = sec.result, sec.rules
    p = pr.period
    enrolment = m.enrolment(pr.program)
    standing = ('<span class="met">all requirements due in the period are met</span>' if pr.met
                else '<span class="short">not met</span>')
    h = [f"<section><h2>{_e(pr.program_name)} <code>{_e(pr.program)}</code></h2>", "<dl>",
         f"<dt>Member</dt><dd>{_e(m.name)} ({_e(m.id)})</dd>",
         f"<dt>Period</dt><dd>{_e(p.label)}: {p.start.isoformat()} to {p.end.isoformat()}"
         + (f" (program year {p.program_year})" if p.program_year else "") + "</dd>",
         f"<dt>Enrolled since</dt><dd>{enrolment.since.isoformat()} ({_e(period_words(prog.period))})</dd>",
         f"<dt>Standing</dt><dd>{standing}</dd></dl>",
         "<h3>Requirements</h3><table><thead><tr><th>requirement</th><th class=n>required</th>"
         "<th class=n>earned</th><th class=n>shortfall</th><th>due</th><th>met</th></tr></thead><tbody>"]
    for r in pr.requirements:
        miss = f" (missing {_e(', '.join(r.missing))})" if r.missing else ""
        h.append(f"<tr><td>{_e(r.id)}</td><td class=n>{num_text(r.required)}</td><td class=n>"
                 f"{num_text(r.earned)}</td><td class=n>{num_text(r.shortfall)}{miss}</td>"
                 f"<td>{r.due.isoformat()}</td><td class=\"{'met' if r.met else 'short'}\">"
                 f"{'yes' if r.met else 'no'}</td></tr>")
    h.append("</tbody></table>")
    rows = chart_data(sec)
    if rows:
        h.append(f"<h3>{_e(pr.unit.capitalize())} by activity</h3><figure>{svg_chart(rows, pr.unit)}</figure>")
    h.append("<h3>Entries</h3><table><thead><tr><th>date</th><th>id</th><th>activity</th><th>title / item</th>"
             "<th class=n>claimed</th><th class=n>counted</th><th>rule applied</th></tr></thead><tbody>")
    for er in sec.entries:
        e = er.entry
        cls = ' class="void"' if e.is_void else ""
        claimed, counted = amounts(er, prog)
        h.append(f"<tr{cls}><td class=nw>{e.date.isoformat()}</td><td class=nw><code>{_e(e.id)}</code></td>"
                 f"<td>{_e(e.activity)}</td><td>{_e(_what(er))}</td><td class=n>{claimed}</td><td class=n>{counted}"
                 f"</td><td>{_e(rule_applied(er, prog))}</td></tr>")
    h.append("</tbody></table></section>")
    return h


_EVIDENCE_WORDS = {"ok": "matches", "missing": "missing", "changed": "changed since recorded",
                   "no-checksum": "no checksum recorded"}


def _html_evidence(report: Report) -> list[str]:
    h = ["<section><h2>Evidence</h2>"]
    if report.evidence:
        h.append("<table><thead><tr><th>date</th><th>entry</th><th>file</th><th>SHA-256</th><th>check</th>"
                 "</tr></thead><tbody>")
        for ev in report.evidence:
            state = _EVIDENCE_WORDS.get(ev.state, ev.state)
            cls = "met" if ev.state == "ok" else "short" if ev.state in ("missing", "changed") else ""
            h.append(f"<tr><td class=nw>{ev.entry.date.isoformat()}</td><td class=nw><code>{_e(ev.entry.id)}</code></td>"
                     f"<td>{_e(ev.entry.evidence)}</td><td><code>{_e(ev.recorded or ev.actual or '-')}</code></td>"
                     f'<td class="{cls}">{state}</td></tr>')
        h.append("</tbody></table>")
    else:
        h.append("<p>No evidence files are recorded for this year.</p>")
    return h


def _html_reflections(report: Report) -> list[str]:
    h = ["</section><section><h2>Reflections</h2>"]
    if report.reflections:
        for e, qa in report.reflections:
            h.append(f"<h3>{e.date.isoformat()} <code>{_e(e.id)}</code></h3><dl class=\"qa\">")
            for q, a in qa or [("Notes", e.notes or "")]:
                h.append(f"<dt>{_e(q)}</dt><dd>{_e(a.strip())}</dd>")
            h.append("</dl>")
    else:
        h.append("<p>No reflections recorded this year.</p>")
    return h
