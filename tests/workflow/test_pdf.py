"""The engine's A4 document embeds the Chinese font: the text read back out of the file is the text put in."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from tests.support.pdf import fonts_of, page_count, text_of
from workflow.pdf import PdfDocument, local_time, person_name


def test_chinese_title_sections_rows_and_paragraphs_read_back_out():
    doc = PdfDocument("职工代表大会提案表", "Proposal form · P-1")
    doc.heading("审查 Review")
    doc.row("审查意见 Opinion", "同意立案")
    doc.row("空 Empty", None)
    doc.para("")
    text = text_of(doc.bytes())
    assert "职工代表大会提案表" in text and "Proposalform·P-1" in text
    assert "审查Review" in text and "审查意见Opinion" in text and "同意立案" in text
    assert "—" in text  # an empty paragraph is printed as a dash, not left out


def test_the_font_is_embedded_not_a_viewers_default():
    content = PdfDocument("标题").bytes()
    assert content.startswith(b"%PDF")
    assert any("NotoSansSC" in name for name in fonts_of(content))


def test_long_chinese_text_wraps_onto_more_pages_with_the_title_and_page_in_every_footer():
    doc = PdfDocument("提案工作报告")
    doc.para("食堂延长供餐时间" * 800)  # no spaces to break at: it must wrap at characters
    content = doc.bytes()
    assert page_count(content) >= 2
    text = text_of(content)
    assert "提案工作报告·1" in text and "提案工作报告·2" in text


@pytest.mark.django_db
def test_a_person_is_printed_by_full_name_else_username():
    user = get_user_model().objects.create(username="wang")
    assert person_name(user) == "wang"
    user.first_name, user.last_name = "伟", "王"
    assert person_name(user) in ("伟 王", "王 伟")


def test_a_moment_is_printed_in_the_local_zone_to_the_minute():
    assert local_time(dt.datetime(2026, 3, 1, 16, 30, 59, tzinfo=dt.UTC)) == "2026-03-02 00:30"
    assert local_time(None) == "—"
