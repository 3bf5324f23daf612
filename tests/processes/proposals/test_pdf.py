"""PDFs embed the Chinese font: the text read back out of the file is the text put in."""

import io

import pytest
from pypdf import PdfReader

from processes.proposals.pdf import proposal_form_pdf, report_pdf
from processes.proposals.report import proposal_report
from tests.support.pdf import text_of

pytestmark = pytest.mark.urls("tests.processes.proposals.urls")


def test_the_proposal_form_shows_the_chinese_text_and_cosigners(people, walk):
    case = walk("closed")
    text = text_of(proposal_form_pdf(case))
    assert "职工代表大会提案表" in text
    assert "食堂延长供餐时间" in text and "案由、理由与建议" in text
    assert case.reference in text
    assert "已附议" in text and "办公室" in text and "满意" in text
    reader = PdfReader(io.BytesIO(proposal_form_pdf(case)))
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts  # an embedded font, not a viewer's default


def test_the_report_pdf(people, orgs, walk):
    walk("closed")
    report = proposal_report(organisation=orgs.acme, user=people.chair)
    text = text_of(report_pdf(report))
    assert "提案工作报告" in text and "满意率" in text and "100.0%" in text


def test_pdf_endpoints_respect_visibility(people, walk, api, client):
    case = walk("submitted")
    r = api(people.rep2).get(f"/api/v1/proposals/{case.pk}/form.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert api(people.beta_rep).get(f"/api/v1/proposals/{case.pk}/form.pdf").status_code == 404
    r = api(people.chair).get("/api/v1/proposals/report/?organisation=acme&export=pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    client.force_login(people.rep1)
    assert client.get(f"/proposals/{case.pk}/form.pdf").status_code == 200
    client.force_login(people.beta_rep)
    assert client.get(f"/proposals/{case.pk}/form.pdf").status_code == 404


def test_the_case_page_links_the_proposal_form(people, walk, client):
    case = walk("submitted")
    client.force_login(people.rep1)
    html = client.get(f"/proposals/{case.pk}/").content.decode()
    assert f'href="/proposals/{case.pk}/form.pdf"' in html
