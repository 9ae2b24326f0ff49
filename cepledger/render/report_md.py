"""The audit report as one Markdown document (``cep report MEMBER``, ``-o FILE.md``).

Writes the blocks of ``render.report_doc``; a chart becomes its table, which follows it.
Reads no files.
"""

from __future__ import annotations

from cepledger.calc.report import Report
from cepledger.render.report_doc import Attestation, Chart, Heading, Pairs, Para, Table, report_sections


def md_cell(text) -> str:
    """A table cell: pipes escaped, no line breaks."""
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def _table(t: Table) -> list[str]:
    def row(cells, bold=False, code=t.code) -> str:
        out = []
        for i, c in enumerate(cells):
            text = md_cell(c)
            if text and i in code:
                text = f"`{text}`"
            if text and bold:
                text = f"**{text}**"
            out.append(text)
        return "| " + " | ".join(out) + " |"

    align = "|" + "|".join("---:" if i in t.num else "---" for i in range(len(t.headers))) + "|"
    lines = [row(t.headers, code=frozenset()), align] + [row(r) for r in t.rows]
    if t.total is not None:
        lines.append(row(t.total, bold=True))
    return lines + [""]


def _block(b) -> list[str]:
    if isinstance(b, Heading):
        return [f"{'#' * b.level} {md_cell(b.text)}" + (f" (`{b.code}`)" if b.code else ""), ""]
    if isinstance(b, Para):
        return [b.text, ""]
    if isinstance(b, Pairs):
        if b.cls == "qa":
            return [line for q, a in b.rows for line in (f"**{md_cell(q)}**", "", a, "")]
        return [f"- {k}: {v}" for k, v in b.rows] + [""]
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Chart):
        return []
    if isinstance(b, Attestation):
        return [b.statement, "", f"Name: {b.name}", "", "Date: ____________________", "",
                "Signature: ________________________________________", ""]
    raise TypeError(f"unknown block {b!r}")


def render_markdown(report: Report) -> str:
    """The report as one Markdown document."""
    out: list[str] = []
    for section in report_sections(report):
        for b in section.blocks:
            out += _block(b)
    return "\n".join(out).rstrip() + "\n"
