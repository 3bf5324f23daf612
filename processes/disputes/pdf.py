"""Printable PDFs of a dispute: the agreement (调解协议书) and the referral letter to arbitration.

Laid out on the engine's A4 document (:class:`workflow.pdf.PdfDocument`), which embeds the Chinese font.
Session minutes are confidential and never printed here.
"""

from __future__ import annotations

from workflow.pdf import PdfDocument, person_name


def _parties(doc, case) -> None:
    doc.heading("当事人 Parties")
    doc.row("申请人 Applicant", person_name(case.applicant))
    workers = list(case.workers.all())
    if workers:
        doc.row("劳动者 Workers", "、".join(w.name for w in workers))
        reps = [w.name for w in workers if w.representative]
        if reps:
            doc.row("代表 Representatives", "、".join(reps))
    doc.row("被申请人 Respondent", case.respondent)
    if case.respondent_rep_id:
        doc.row("被申请人代表 Respondent's representative", person_name(case.respondent_rep))


def _claims(doc, case) -> None:
    doc.heading("请求事项 Claims")
    for i, claim in enumerate(case.claims, start=1):
        doc.row(f"{i}", f"{claim['text']} · ¥{claim['amount']}")


#: 《企业劳动争议协商调解规定》: the agreement is made in three copies, one for each party and one for the committee.
AGREEMENT_COPIES = 3


def agreement_pdf(case, *, terms: str, performance_due, mediators: list, version: int) -> bytes:
    """调解协议书 (《劳动争议调解仲裁法》第十四条): parties, claims, the agreed terms and the
    performance date; signed (or sealed) by both parties, signed by the mediator and sealed by the
    committee (its seal line), in three copies: each party one, the committee one."""
    doc = PdfDocument(
        f"{case.organisation.name} 劳动争议调解委员会 调解协议书",
        f"Mediation agreement · {case.reference} · 第 {version} 版 Version {version}",
    )
    _parties(doc, case)
    doc.row("争议类别 Category", case.get_category_display())
    _claims(doc, case)
    doc.heading("协议内容 Terms")
    doc.para(terms)
    doc.row("履行期限 Performance due", performance_due.isoformat())
    doc.row("调解员 Mediators", "、".join(person_name(u) for u in mediators) or "—")
    doc.heading("签署 Signatures")
    doc.para(
        "本协议经双方当事人签名或者盖章、调解员签名并加盖调解委员会印章后生效（第十四条）。"
        " The agreement binds both parties once signed or sealed by them, signed by the mediator and sealed by "
        "the committee (Art.14)."
    )
    doc.row("申请人 Applicant", "（签名 signature）")
    doc.row("被申请人 Respondent", "（签名或盖章 signature or seal）")
    doc.row("调解员 Mediator", "（签名 signature）")
    doc.row("调解委员会印章 Committee seal", f"{case.organisation.name} 劳动争议调解委员会（盖章） mediation committee (seal)")
    doc.row("份数 Copies", f"本协议一式{_CHINESE_NUMBERS[AGREEMENT_COPIES]}份，双方当事人各执一份，调解委员会存档一份 "
                         f"{AGREEMENT_COPIES} copies: one for each party, one kept by the committee")
    return doc.bytes()


_CHINESE_NUMBERS = {2: "两", 3: "三", 4: "四"}


def referral_letter_pdf(case, documents: list) -> bytes:
    """转仲裁函: the case, why mediation ended, and the papers handed on with their hashes."""
    doc = PdfDocument(
        f"{case.organisation.name} 劳动争议调解委员会 转仲裁函",
        f"Referral to arbitration · {case.reference}",
    )
    doc.row("仲裁机构 Arbitration body", case.arbitration_body or "—")
    _parties(doc, case)
    _claims(doc, case)
    doc.heading("调解经过 Mediation")
    doc.row("收到申请 Received", case.received_on.isoformat())
    doc.row("受理 Accepted", case.accepted_on.isoformat() if case.accepted_on else "—")
    doc.row("状态 State", case.state_label)
    if case.failure_reason:
        doc.row("调解不成 Failed because", case.failure_reason)
    if case.breach:
        doc.row("未履行 Breach", case.breach)
    if case.notice:
        doc.heading("书面告知 Notice")
        doc.para(case.notice)
    doc.heading("移送材料 Papers")
    for d in documents:
        doc.row(f"{d.name} v{d.version}", d.sha256)
    if not documents:
        doc.para("")
    return doc.bytes()
