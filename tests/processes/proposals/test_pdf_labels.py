"""The printable proposal form prints every label whole: a long label wraps, the next row starts below it.

It printed "主办部门 Lead departmen": the label's column clipped its last letter onto a second
line that the next row then printed over.
"""

import io
import re

import pytest
from pypdf import PdfReader

from processes.proposals import services as svc
from processes.proposals.pdf import proposal_form_pdf
from tests.support.pdf import text_of
from workflow.pdf import PdfDocument

from .conftest import DAY0, at

pytestmark = pytest.mark.urls("tests.processes.proposals.urls")

LABELS = ("主办部门 Lead department", "协办部门 Co-departments", "答复期限 Reply due", "督办领导 Supervisor")


def _fragments(content: bytes) -> list[tuple[int, float, str]]:
    """Every piece of text drawn: (page, baseline y from the top, text)."""
    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(content)).pages):
        height = float(page.mediabox.height)

        def visit(text, cm, tm, font, size, number=number, height=height):
            text = re.sub(r"[\s\x00]+", "", text)  # two-byte glyphs come with NULs between them
            if text:
                found.append((number, round(height - (tm[5] * cm[3] + cm[5]), 1), text))

        page.extract_text(visitor_text=visit)
    return found


def test_the_proposal_form_prints_every_label_whole(people, walk, orgs):
    case = walk("accepted")
    case = svc.proposal_assign(case=case, actor=people.review1, lead_department=orgs.dept,
                        co_departments=[people.dept2_org], supervisor=people.chair, now=at(DAY0))
    text = text_of(proposal_form_pdf(case))
    for label in LABELS:
        assert label.replace(" ", "") in text, label


def test_a_label_longer_than_its_column_wraps_and_the_next_row_starts_below_it():
    doc = PdfDocument("提案表")
    doc.row("主办部门 Lead department of the proposal", "办公室")
    doc.row("协办部门 Co-departments", "人力资源部")
    content = doc.bytes()
    assert "主办部门Leaddepartmentoftheproposal" in text_of(content)
    pieces = _fragments(content)
    (label_end,) = [y for _p, y, t in pieces if t.endswith("proposal")]
    (next_row,) = [y for _p, y, t in pieces if t.startswith("协办部门")]
    assert next_row > label_end  # below the label's last line, not over it
    (value,) = [y for _p, y, t in pieces if t == "办公室"]
    (label_start,) = [y for _p, y, t in pieces if t.startswith("主办部门")]
    assert value == label_start  # the value sits beside the label's first line
