"""The strategic report as PDF (ReportLab, A4 landscape, the target package's fonts and tables)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate

from analytics.strategic import StrategicReport
from dossier.layout import Table
from dossier.render_pdf import MARGIN, PAGE, _register_fonts, _styles, _table


def _window(report: StrategicReport) -> str:
    since = report.since.isoformat() if report.since else "the first arrest"
    until = report.until.isoformat() if report.until else "the last arrest"
    return f"From {since} to {until}; people by {report.by}."


def render_strategic_pdf(report: StrategicReport) -> bytes:
    """Every table of ``report``, one after the other, with its notes; nothing names a person."""
    _register_fonts()
    st = _styles()
    buffer = io.BytesIO()
    width = PAGE[0] - 2 * MARGIN
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * 2.83465,
        bottomMargin=14 * 2.83465,
        title="Strategic report",
        author="Hilo Rojo",
    )
    story: list[Any] = [
        Paragraph("Strategic report", st["title"]),
        Paragraph(escape(_window(report)), st["body"]),
        *(Paragraph(escape(n), st["note"]) for n in report.notes),
    ]
    for table in report.tables():
        rows = [["" if v is None else str(v) for v in row] for row in table.rows]
        block = Table(table.columns, rows or [["none"] + [""] * (len(table.columns) - 1)], caption=table.note)
        flowables = _table(block, st, width)
        story.append(KeepTogether([Paragraph(escape(table.title), st["h2"]), *flowables[:2]]))
        story += flowables[2:]
    doc.build(story)
    return buffer.getvalue()
