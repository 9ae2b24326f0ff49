"""Inline SVG bar charts: no script, no fonts or files to fetch, readable on paper.

``activity_bars``: per activity, claimed (light) behind counted (dark).
``progress_bars``: per member and program, earned against required. Reads no files.
"""

from __future__ import annotations

import html
from decimal import Decimal

from cepledger.render.words import num_text

INK, BAR, CLAIM, SHORT, TRACK = "#1b1f24", "#2f6f9f", "#c9d8e6", "#b3261e", "#e6e9ed"


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _open(width: int, height: int, title: str, cls: str = "chart") -> list[str]:
    return [f'<svg class="{cls}" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif" font-size="12">',
            f"<title>{_e(title)}</title>"]


def activity_bars(rows: list[tuple[str, Decimal, Decimal]], unit: str) -> str:
    """A horizontal bar chart: per activity, claimed (light) behind counted (dark)."""
    if not rows:
        return ""
    label_w, bar_w, row_h = 230, 380, 24
    top = max((max(c, k) for _, c, k in rows), default=Decimal(1)) or Decimal(1)
    height = row_h * len(rows) + 30
    parts = _open(label_w + bar_w + 80, height, f"{unit} by activity: claimed and counted")
    for i, (label, claimed, counted) in enumerate(rows):
        y = i * row_h + 4
        wc = float(claimed / top) * bar_w
        wk = float(counted / top) * bar_w
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" fill="{INK}">{_e(label)}</text>')
        parts.append(f'<rect class="claimed" x="{label_w}" y="{y + 2}" width="{wc:.1f}" height="16" fill="{CLAIM}">'
                     f"<title>claimed {num_text(claimed)}</title></rect>")
        parts.append(f'<rect class="counted" x="{label_w}" y="{y + 2}" width="{wk:.1f}" height="16" fill="{BAR}">'
                     f"<title>counted {num_text(counted)}</title></rect>")
        text = num_text(counted) + (f" of {num_text(claimed)}" if claimed != counted else "")
        parts.append(f'<text x="{label_w + max(wc, wk) + 6:.1f}" y="{y + 15}" fill="{INK}">{_e(text)}</text>')
    ly = row_h * len(rows) + 14
    parts.append(f'<rect x="{label_w}" y="{ly}" width="12" height="10" fill="{BAR}"/>'
                 f'<text x="{label_w + 16}" y="{ly + 9}" fill="{INK}">counted</text>'
                 f'<rect x="{label_w + 90}" y="{ly}" width="12" height="10" fill="{CLAIM}"/>'
                 f'<text x="{label_w + 106}" y="{ly + 9}" fill="{INK}">claimed</text>')
    parts.append("</svg>")
    return "".join(parts)


def progress_bar(earned: Decimal, required: Decimal, label: str, width: int = 160) -> str:
    """One small bar: earned (dark, red when short) over a track of ``required``; full at 100 %."""
    share = float(min(Decimal(1), earned / required)) if required > 0 else 1.0
    colour = BAR if earned >= required else SHORT
    parts = _open(width, 14, label, "bar")
    parts.append(f'<rect x="0" y="1" width="{width}" height="12" rx="2" fill="{TRACK}"/>'
                 f'<rect x="0" y="1" width="{share * width:.1f}" height="12" rx="2" fill="{colour}"/>')
    parts.append("</svg>")
    return "".join(parts)
