"""Printable A4 PDFs with Chinese text, for any process (a form, a report).

The Chinese font (Noto Sans SC, SIL OFL) comes from a pinned package and is embedded
(subset) in every file, so the PDF reads the same on any machine, whatever fonts the
reader has installed.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import WrapMode

FONT = "NotoSansSC"
#: Width of the label column of :meth:`PdfDocument.row`, in millimetres.
LABEL_WIDTH = 45

# Subsetting the font logs every table at INFO; that is noise in the server log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def font_path() -> str:
    """The embedded CJK font file (installed with the project, never a desktop font)."""
    import pylopdf_fonts_zh_cn

    return str(pylopdf_fonts_zh_cn.sans_path())


def person_name(user) -> str:
    """How a person is printed: their full name, else their username."""
    return user.get_full_name() or user.get_username()


def local_time(value) -> str:
    """A moment printed in the local zone (Asia/Shanghai) to the minute; "—" when there is none."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class PdfDocument(FPDF):
    """An A4 document: a centred title (and subtitle), headed sections of label–value rows and
    paragraphs, and a footer with the title and the page number on every page.

    Long Chinese text wraps at any character (Chinese has no spaces to break at).
    """

    def __init__(self, title: str, subtitle: str = ""):
        super().__init__(format="A4")
        self.doc_title, self.doc_subtitle = title, subtitle
        self.set_auto_page_break(auto=True, margin=15)
        self.add_font(FONT, fname=font_path())
        self.set_title(title)
        self.add_page()
        self.set_font(FONT, size=16)
        self.multi_cell(0, 10, title, align="C", new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        if subtitle:
            self.set_font(FONT, size=10)
            self.multi_cell(0, 6, subtitle, align="C", new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        self.ln(4)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 8, f"{self.doc_title} · {self.page_no()}", align="C")

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font(FONT, size=12)
        self.set_fill_color(230, 236, 242)
        self.multi_cell(0, 8, text, fill=True, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        self.set_font(FONT, size=10)

    def row(self, label: str, value) -> None:
        """A label and its value side by side; ``None`` prints as nothing.

        A label longer than its column ("主办部门 Lead department") wraps between words onto
        more lines, and the next row starts below whichever of the two is taller: nothing is
        clipped or printed over. A row is not split across pages.
        """
        self.set_font(FONT, size=10)
        text = "" if value is None else str(value)
        value_width = self.w - self.r_margin - self.l_margin - LABEL_WIDTH
        label_lines = len(self.multi_cell(LABEL_WIDTH, 7, str(label), dry_run=True, output="LINES",
                                          wrapmode=WrapMode.WORD))
        value_lines = len(self.multi_cell(value_width, 7, text, dry_run=True, output="LINES",
                                          wrapmode=WrapMode.CHAR))
        if self.will_page_break(7 * max(label_lines, value_lines, 1)):
            self.add_page()
        y = self.get_y()
        self.multi_cell(LABEL_WIDTH, 7, str(label), border=0, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.WORD)
        label_bottom = self.get_y()
        self.set_xy(self.l_margin + LABEL_WIDTH, y)
        self.multi_cell(value_width, 7, text, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
        self.set_y(max(self.get_y(), label_bottom))

    def para(self, text: str) -> None:
        """A paragraph; an empty one prints as "—" so a blank is visibly blank."""
        self.set_font(FONT, size=10)
        self.multi_cell(0, 6, text or "—", new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)

    def bytes(self) -> bytes:
        return bytes(self.output())
