"""The audit report as one self-contained HTML page (``-o FILE.html``, and each member
page of ``report --all``).

Writes the blocks of ``render.report_doc``: inline CSS and inline SVG charts, no script,
no font or file to fetch, so the page reads the same opened from disk, served by any
static server or printed (tables are kept whole across pages). Reads no files.
"""

from __future__ import annotations

import html
import re

from cepledger.calc.report import Report
from cepledger.render.report_doc import (Attestation, Chart, Heading, Pairs, Para, Table, report_sections,
                                         title_of)
from cepledger.render.svg import activity_bars

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

CSS = """
:root { --ink: #1b1f24; --muted: #5b6470; --line: #d5dae0; --bar: #2f6f9f; --claim: #c9d8e6; --bad: #b3261e; --ok: #1e7a3c; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 64rem; margin: 2rem auto; padding: 0 1.25rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; color: var(--muted); }
.meta { color: var(--muted); margin: 0 0 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
dt { color: var(--muted); } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
tfoot td { font-weight: 600; border-top: 2px solid var(--ink); border-bottom: none; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font: .8rem/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
.nw { white-space: nowrap; } .nw code { word-break: normal; }
.met { color: var(--ok); font-weight: 600; } .short { color: var(--bad); font-weight: 600; }
tr.met, tr.short { font-weight: normal; color: inherit; }
tr.met td:last-child { color: var(--ok); } tr.short td:last-child { color: var(--bad); }
.void td { color: var(--muted); text-decoration: line-through; }
.chart { max-width: 100%; height: auto; }
.qa dt { font-weight: 600; color: var(--ink); grid-column: 1 / -1; }
.qa dd { margin: 0 0 .6rem; grid-column: 1 / -1; white-space: pre-wrap; }
.attest { border: 1px solid var(--line); padding: 1rem 1.25rem; margin-top: 1rem; }
.attest .line { display: inline-block; min-width: 18rem; border-bottom: 1px solid var(--ink); height: 1.4rem; }
nav { margin-bottom: 1rem; }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  nav { display: none; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  table, figure, .qa, .attest { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; } tr { break-inside: avoid; page-break-inside: avoid; }
  th { background: none; } a { color: inherit; text-decoration: none; }
  .chart .claimed { fill: #ddd; } .chart .counted { fill: #555; }
}
"""


_SPECIAL = frozenset("&<>\"'")


def _e(text) -> str:
    text = "" if text is None else str(text)
    return html.escape(text, quote=True) if not _SPECIAL.isdisjoint(text) else text


def _is_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-" and bool(_DATE.fullmatch(text))


def _cell(tag: str, text: str, i: int, t: Table) -> str:
    """One cell; a date or an id does not wrap. (Called for every cell of 500 pages: kept lean.)"""
    body = _e(text) if text else ""
    code = bool(text) and tag == "td" and i in t.code
    if code:
        return f'<{tag} class="{"n nw" if i in t.num else "nw"}"><code>{body}</code></{tag}>'
    nw = bool(text) and _is_date(text)
    if i in t.num:
        return f'<{tag} class="{"n nw" if nw else "n"}">{body}</{tag}>'
    return f'<{tag} class="nw">{body}</{tag}>' if nw else f"<{tag}>{body}</{tag}>"


def html_table(t: Table) -> str:
    h = ["<table><thead><tr>" + "".join(_cell("th", c, i, t) for i, c in enumerate(t.headers)) + "</tr></thead><tbody>"]
    for n, row in enumerate(t.rows):
        cls = t.classes[n] if n < len(t.classes) and t.classes[n] else ""
        h.append((f'<tr class="{cls}">' if cls else "<tr>") + "".join(_cell("td", c, i, t) for i, c in enumerate(row))
                 + "</tr>")
    h.append("</tbody>")
    if t.total is not None:
        h.append('<tfoot><tr class="total">' + "".join(_cell("td", c, i, t) for i, c in enumerate(t.total))
                 + "</tr></tfoot>")
    h.append("</table>")
    return "".join(h)


def _block(b) -> str:
    if isinstance(b, Heading):
        return f"<h{b.level}>{_e(b.text)}" + (f" <code>{_e(b.code)}</code>" if b.code else "") + f"</h{b.level}>"
    if isinstance(b, Para):
        return f'<p class="{b.cls}">{_e(b.text)}</p>' if b.cls else f"<p>{_e(b.text)}</p>"
    if isinstance(b, Pairs):
        cls = f' class="{b.cls}"' if b.cls else ""
        return f"<dl{cls}>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in b.rows) + "</dl>"
    if isinstance(b, Table):
        return html_table(b)
    if isinstance(b, Chart):
        return f"<figure>{activity_bars(list(b.rows), b.unit)}</figure>"
    if isinstance(b, Attestation):
        return (f'<div class="attest"><p>{_e(b.statement)}</p><dl><dt>Name</dt><dd>{_e(b.name)}</dd>'
                '<dt>Date</dt><dd><span class="line"></span></dd>'
                '<dt>Signature</dt><dd><span class="line"></span></dd></dl></div>')
    raise TypeError(f"unknown block {b!r}")


def render_html(report: Report, back: str | None = None) -> str:
    """The report as one self-contained HTML page; ``back`` links to a roster index."""
    title = title_of(report)
    h = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"]
    if back:
        h.append(f'<nav><a href="{_e(back)}">&larr; every member</a></nav>')
    for n, section in enumerate(report_sections(report)):
        tag = "header" if n == 0 else "section"
        h.append(f"<{tag}>" + "\n".join(_block(b) for b in section.blocks) + f"</{tag}>")
    h.append("<footer>Amounts are counted after every cap of the program's rules "
             "(see <code>cep explain MEMBER ENTRY-ID</code>). SHA-256 checksums of evidence are those recorded "
             "when it was added; <code>cep verify</code> checks them again.</footer></body></html>")
    return "\n".join(h) + "\n"
