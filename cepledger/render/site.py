"""``report --all``: the roster's index page (``calc.roster`` rows) as one HTML file.

A table of every member and program (standing, what is short, next due date, and a bar
of the headline requirement: earned against required), sorted by a click on a column
heading and filtered by a search box and a standing menu, with a few lines of plain
JavaScript inline. No file, font or script is fetched, and links are relative, so the
folder works opened from disk (``file://``) or from any static web server; without
JavaScript the table is still all there. Member pages are ``render.report_html``.
Reads no files.
"""

from __future__ import annotations

import html
from datetime import date

from cepledger.calc.roster import RosterRow, roster_totals
from cepledger.render.report_html import CSS
from cepledger.render.svg import progress_bar
from cepledger.render.words import num_text

SITE_CSS = """
.controls { display: flex; gap: .75rem; flex-wrap: wrap; align-items: center; margin: 1rem 0 .5rem; }
.controls input, .controls select { font: inherit; padding: .25rem .5rem; border: 1px solid var(--line); border-radius: 4px; }
.controls input { min-width: 16rem; }
th[data-key] { cursor: pointer; user-select: none; }
th[data-key]::after { content: " \\2195"; color: var(--muted); font-weight: normal; }
th[aria-sort="ascending"]::after { content: " \\2191"; } th[aria-sort="descending"]::after { content: " \\2193"; }
td.bar { white-space: nowrap; } td.bar svg { vertical-align: middle; margin-right: .4rem; }
.standing-met { color: var(--ok); font-weight: 600; } .standing-short { color: #8a5a00; font-weight: 600; }
.standing-overdue { color: var(--bad); font-weight: 600; }
.counts { color: var(--muted); }
body.roster { max-width: 84rem; }
#roster code { display: block; white-space: nowrap; word-break: normal; color: var(--muted); }
#roster td:nth-child(3), #roster td:nth-child(7) { white-space: nowrap; }
"""

# Sort by a column (text, number or date kept in data-v), filter by text and standing.
SCRIPT = """
(function () {
  var table = document.getElementById("roster"), body = table.tBodies[0];
  var q = document.getElementById("q"), standing = document.getElementById("standing");
  var shown = document.getElementById("shown");
  function filter() {
    var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean), want = standing.value, n = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var text = row.textContent.toLowerCase();
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
               (!want || row.getAttribute("data-standing") === want);
      row.hidden = !ok; if (ok) { n++; }
    });
    shown.textContent = n + " of " + body.rows.length + " shown";
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    var kind = th.getAttribute("data-key");
    if (!kind) { return; }
    th.addEventListener("click", function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-v"), y = b.cells[col].getAttribute("data-v");
        var d = kind === "num" ? parseFloat(x) - parseFloat(y) : (x < y ? -1 : x > y ? 1 : 0);
        return up ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  q.addEventListener("input", filter); standing.addEventListener("change", filter); filter();
})();
"""


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def member_page_path(member_id: str) -> str:
    """Where a member's page lives, relative to the index (ids are safe file names)."""
    return f"members/{member_id}.html"


def _short_text(row: RosterRow) -> str:
    return "; ".join(f"{r.id} {num_text(r.shortfall)} {r.unit}".strip()
                     + (f" (missing {', '.join(r.missing)})" if r.missing else "") for r in row.short)


def _row(row: RosterRow) -> str:
    m, pr = row.member, row.result
    p = pr.period
    period = f"year {p.program_year}" if p.program_year else p.label
    bar = ""
    if row.headline is not None:
        label = f"{row.headline.name or row.headline.id}: {num_text(row.earned)} of {num_text(row.required)}"
        bar = (progress_bar(row.earned, row.required, label)
               + f"{num_text(row.earned)} / {num_text(row.required)} {_e(row.headline.unit)}")
    due = row.next_due.isoformat() if row.next_due else ""
    due_text = (f"{due}<code>{_e(row.next_requirement.id)}</code>" if row.next_requirement is not None else "-")
    share = float(row.earned / row.required) if row.required else 1.0
    return (f'<tr data-standing="{row.standing}">'
            f'<td data-v="{_e(m.name.lower())}"><a href="{_e(member_page_path(m.id))}">{_e(m.name)}</a> '
            f'<code>{_e(m.id)}</code></td>'
            f'<td data-v="{_e(pr.program)}">{_e(pr.program_name)} <code>{_e(pr.program)}</code></td>'
            f'<td data-v="{_e(p.start.isoformat())}">{_e(period)}</td>'
            f'<td data-v="{row.standing}" class="standing-{row.standing}">{row.standing}</td>'
            f'<td class="bar" data-v="{share:.4f}">{bar}</td>'
            f'<td data-v="{float(row.shortfall):.2f}">{_e(_short_text(row)) or "-"}</td>'
            f'<td data-v="{due or "9999-12-31"}">{due_text}</td></tr>')


def index_html(rows: list[RosterRow], today: date, title: str = "Continuing education roster") -> str:
    """The roster's index page: every member and program, with bars, sorting and filters."""
    t = roster_totals(rows)
    head = [("member", "text"), ("program", "text"), ("period", "text"), ("standing", "text"),
            ("earned / required", "num"), ("short", "num"), ("next due", "text")]
    h = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         '<meta name="viewport" content="width=device-width, initial-scale=1">',
         f'<title>{_e(title)}</title><style>{CSS}{SITE_CSS}</style></head><body class="roster">',
         f"<header><h1>{_e(title)}</h1>",
         f'<p class="meta">Prepared {today.isoformat()} by cepledger. {t.members} members, {t.programs} programs: '
         f"{t.met} met, {t.short} short, {t.overdue} overdue.</p></header>",
         '<div class="controls"><input id="q" type="search" placeholder="Filter: name, id, program, requirement" '
         'aria-label="filter"><select id="standing" aria-label="standing"><option value="">every standing</option>'
         '<option value="met">met</option><option value="short">short</option><option value="overdue">overdue'
         '</option></select><span id="shown" class="counts"></span></div>',
         '<table id="roster"><thead><tr>'
         + "".join(f'<th data-key="{kind}">{_e(name)}</th>' for name, kind in head)
         + "</tr></thead><tbody>"]
    h += [_row(r) for r in rows]
    h.append("</tbody></table>")
    h.append("<footer>Click a column heading to sort. The bar is the program's headline requirement "
             "(credits or hours earned against required); each member's page has the full report.</footer>")
    h.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(h) + "\n"
