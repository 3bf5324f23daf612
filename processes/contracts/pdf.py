"""The filing package (报送材料) as PDF: the contract text, the congress vote result, the signatures page.

Laid out on the engine's A4 document (:class:`workflow.pdf.PdfDocument`), which embeds the Chinese font.
《集体合同规定》第四十二条: the employer files the contract text with the labour administration
within 10 days of the chiefs' signatures.
"""

from __future__ import annotations

from django.utils import timezone

from workflow.documents.models import Signature
from workflow.documents.services import read_bytes
from workflow.pdf import PdfDocument, local_time, person_name
from workflow.votes.models import Vote

SIDES = {"union_chief": "职工方首席代表 Union chief", "employer_chief": "企业方首席代表 Employer chief"}


def _text(document) -> str:
    if document is None:
        return ""
    if document.is_text:
        return read_bytes(document).decode("utf-8", errors="replace")
    return f"{document.name} (v{document.version}, SHA-256 {document.sha256})"


def filing_package_pdf(case) -> bytes:
    doc = PdfDocument(
        f"{case.organisation.name} {case.get_kind_display()}",
        f"Filing package · {case.reference} · {case.state_label}",
    )
    doc.heading("合同 Contract")
    doc.row("编号 Reference", case.reference)
    doc.row("合同类别 Kind", case.get_kind_display())
    doc.row("合同期限 Term (years)", case.term_years)
    text = case.passed_document
    doc.row("文本 Text", f"{text.name} v{text.version}" if text else "—")
    doc.row("SHA-256", case.passed_sha256 or "—")
    doc.para(_text(text))
    doc.heading("职代会审议 Congress vote (《集体合同规定》第三十六条)")
    vote = Vote.objects.filter(pk=case.vote_id).first() if case.vote_id else None
    if vote is None or vote.arithmetic is None or not vote.arithmetic:
        doc.para("")
    else:
        a = vote.arithmetic
        doc.row("应到代表 Electorate (N)", a.get("n"))
        # Written out rather than with ⌈ ⌉, which the embedded font does not have.
        doc.row("出席 Present", f"{a.get('present')} · 须≥全体2/3（向上取整）at least 2N/3 rounded up = {a.get('quorum')}")
        doc.row("赞成 Yes", f"{a.get('yes')} · 须≥全体半数（向上取整）at least N/2 rounded up = {a.get('yes_needed')}")
        doc.row("结果 Result", "通过 Passed" if a.get("passed") else "未通过 Not passed")
    doc.heading("签字 Signatures (《集体合同规定》第三十七条)")
    signatures = Signature.objects.filter(document_id=case.passed_document_id).select_related("signer")
    for s in signatures:
        doc.row(SIDES.get(s.role, s.role), f"{person_name(s.signer)} · {local_time(s.signed_at)} · {s.document_sha256}")
    if not signatures:
        doc.para("")
    doc.heading("报送 Filing (《集体合同规定》第四十二条)")
    doc.row("签字日期 Signed on", case.signed_on)
    doc.row("报送期限 Filing due", case.filing_due_on)
    doc.row("报送日期 Filed on", case.filed_on)
    doc.ln(6)
    doc.row("打印时间 Printed", local_time(timezone.now()))
    return doc.bytes()
