"""The target package as PDF (ReportLab) with embedded DejaVu fonts, so accents render on any machine."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image as RLImage
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as RLTable

from dossier.blocks import WEEKDAY_LABELS, Heatmap, Image, Table, Text, heat_colour
from dossier.document import TargetPackage
from dossier.layout import sections

FONT, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
RED = colors.HexColor("#8b1a1a")
PAGE = landscape(A4)
MARGIN = 14 * mm


def _register_fonts() -> None:
    """Embed DejaVu Sans (shipped with matplotlib): full Latin coverage, no system font needed."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name in (FONT, BOLD, ITALIC):
        pdfmetrics.registerFont(TTFont(name, str(folder / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=20, leading=26, spaceAfter=6),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=13,
            leading=17,
            textColor=RED,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "note": ParagraphStyle("note", parent=base, textColor=colors.HexColor("#555555"), fontName=ITALIC),
        "inference": ParagraphStyle(
            "inference",
            parent=base,
            backColor=colors.HexColor("#fff8e1"),
            borderColor=colors.HexColor("#f9a825"),
            borderWidth=0.5,
            borderPadding=3,
            spaceBefore=3,
            spaceAfter=3,
        ),
        "warning": ParagraphStyle(
            "warning",
            parent=base,
            fontName=BOLD,
            textColor=RED,
            backColor=colors.HexColor("#fdecea"),
            borderPadding=3,
            spaceBefore=3,
            spaceAfter=3,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7, leading=8.6),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=7, leading=8.6),
        "caption": ParagraphStyle(
            "caption",
            parent=base,
            fontName=ITALIC,
            fontSize=8,
            textColor=colors.HexColor("#555555"),
            spaceBefore=2,
        ),
        "heat": ParagraphStyle("heat", parent=base, fontSize=6, leading=7, alignment=TA_CENTER),
    }


GRID = [
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b0bec5")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
]


def _table(block: Table, st: dict[str, ParagraphStyle], width: float) -> list[Any]:
    widths = block.widths or [1.0] * len(block.headers)
    scale = width / sum(widths)
    has_head = any(block.headers)
    data = [[Paragraph(escape(h), st["head"]) for h in block.headers]] if has_head else []
    data += [[Paragraph(escape(cell), st["cell"]) for cell in row] for row in block.rows]
    table = RLTable(data, colWidths=[w * scale for w in widths], repeatRows=1 if has_head else 0)
    style = list(GRID)
    if has_head:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceff1")))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eceff1")))
    table.setStyle(TableStyle(style))
    out: list[Any] = [Paragraph(escape(block.caption), st["caption"])] if block.caption else []
    return [*out, table, Spacer(1, 5)]


def _heatmap(block: Heatmap, st: dict[str, ParagraphStyle], width: float) -> list[Any]:
    peak = max((v for row in block.matrix for v in row), default=0)
    data: list[list[Any]] = [[""] + [Paragraph(f"{h:02d}", st["heat"]) for h in range(24)]]
    for day, values in zip(WEEKDAY_LABELS, block.matrix, strict=True):
        data.append(
            [Paragraph(day, st["heat"])] + [Paragraph(str(v) if v else "", st["heat"]) for v in values]
        )
    first = 12 * mm
    table = RLTable(data, colWidths=[first] + [(width - first) / 24] * 24)
    style = list(GRID)
    for r, values in enumerate(block.matrix, start=1):
        for col, v in enumerate(values, start=1):
            red, green, blue = heat_colour(v, peak)
            style.append(("BACKGROUND", (col, r), (col, r), colors.Color(red / 255, green / 255, blue / 255)))
    table.setStyle(TableStyle(style))
    return [table, Spacer(1, 5)]


def _image(block: Image, st: dict[str, ParagraphStyle], width: float) -> list[Any]:
    reader = ImageReader(io.BytesIO(block.png))
    w, h = reader.getSize()
    shown_w = min(width, 215 * mm)
    shown_h = shown_w * h / w
    return [
        KeepTogether(
            [
                RLImage(io.BytesIO(block.png), width=shown_w, height=shown_h),
                Paragraph(escape(block.caption), st["caption"]),
            ]
        )
    ]


def render_pdf(pkg: TargetPackage) -> bytes:
    """The package as a PDF document (A4 landscape), marking on every page."""
    _register_fonts()
    st = _styles()
    buffer = io.BytesIO()
    width = PAGE[0] - 2 * MARGIN
    marking = pkg.cover.marking
    subject = pkg.cover.subject

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(RED)
        canvas.rect(0, PAGE[1] - 9 * mm, PAGE[0], 9 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(BOLD, 9)
        canvas.drawCentredString(PAGE[0] / 2, PAGE[1] - 6 * mm, marking)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.setFont(FONT, 7.5)
        canvas.drawString(MARGIN, 7 * mm, f"Target package: {subject}")
        canvas.drawCentredString(PAGE[0] / 2, 7 * mm, marking)
        canvas.drawRightString(PAGE[0] - MARGIN, 7 * mm, f"page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=15 * mm,
        bottomMargin=14 * mm,
        title=f"Target package: {subject}",
        author="Hilo Rojo",
        subject=marking,
    )
    story: list[Any] = [Paragraph(escape(f"Target package: {subject}"), st["title"])]
    for section in sections(pkg):
        flowables: list[Any] = []
        for block in section.blocks:
            if isinstance(block, Text):
                flowables.append(Paragraph(escape(block.text), st[block.style]))
            elif isinstance(block, Table):
                flowables += _table(block, st, width)
            elif isinstance(block, Heatmap):
                flowables += _heatmap(block, st, width)
            elif isinstance(block, Image):
                flowables += _image(block, st, width)
        title = Paragraph(escape(section.title), st["h2"])
        # keep each title with what follows it (the whole picture; the start of a long table)
        story.append(KeepTogether([title, *flowables[:2]]))
        story += flowables[2:]
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
