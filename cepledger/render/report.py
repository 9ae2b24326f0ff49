"""The audit report (``calc.report.Report``) as Markdown or as one HTML file.

The content is built once as blocks (``render.report_doc``) and written by
``render.report_md`` and ``render.report_html``; this module is the entry point both
the CLI and library users import. Reads no files.
"""

from __future__ import annotations

from cepledger.render.report_doc import amounts, chart_data, rule_applied  # noqa: F401  (library API)
from cepledger.render.report_html import render_html  # noqa: F401
from cepledger.render.report_md import render_markdown  # noqa: F401
