"""Printable PDFs: the proposal form (提案表) and the session report for the congress.

Laid out on the engine's A4 document (:class:`workflow.pdf.PdfDocument`), which embeds the Chinese font.
"""

from __future__ import annotations

from django.utils import timezone

from workflow.pdf import PdfDocument, local_time, person_name


def _countersign_rows(doc, countersigns) -> None:
    for c in countersigns:
        text = f"{c.department.name} · {person_name(c.signed_by)} · {local_time(c.signed_at)}"
        doc.row(f"会签 Countersign {c.round}", f"{text} · {c.opinion}" if c.opinion else text)


def proposal_form_pdf(case) -> bytes:
    """提案表: the proposal, its co-signers with their confirmation times, review and handling
    (co-departments' countersigns before each reply round they preceded)."""
    doc = PdfDocument(
        f"{case.organisation.name} 第{case.term.number}届职工代表大会提案表",
        f"Proposal form · {case.reference} · {case.state_label}",
    )
    doc.heading("提案 Proposal")
    doc.row("编号 Reference", case.reference)
    doc.row("案由 Title", case.title)
    doc.row("类别 Category", case.get_category_display())
    doc.row("提案人 Proposer", person_name(case.created_by))
    doc.row("提交日期 Submitted", case.submitted_on or "—")
    co_proposers = [person_name(u) for u in case.co_proposers.order_by("username")]
    if co_proposers:
        doc.row("共同提案人 Co-proposers", "、".join(co_proposers))
    doc.heading("理由与建议 Reasons and measures")
    doc.para(case.body)
    doc.heading("附议人 Co-signers")
    for c in case.cosigners.select_related("user"):
        doc.row(person_name(c.user), f"{c.get_status_display()} · {local_time(c.responded_at)}")
    doc.heading("审查 Review")
    doc.row("状态 State", case.state_label)
    doc.row("审查意见 Opinion", case.decision_reason or "—")
    if case.merged_into_id:
        doc.row("并入 Merged into", f"{case.merged_into.reference} {case.merged_into.title}")
    for m in case.merged_from.order_by("pk"):
        doc.row("合并提案 Merged", f"{m.reference} {m.title}")
    if case.lead_department_id or case.replies.exists():
        doc.heading("办理 Handling")
        if case.lead_department_id:
            doc.row("主办部门 Lead department", case.lead_department.name)
            co = "、".join(o.name for o in case.co_departments.order_by("code"))
            doc.row("协办部门 Co-departments", co or "—")
            doc.row("答复期限 Reply due", case.reply_due_on or "—")
            if case.supervisor_id:
                doc.row("督办领导 Supervisor", person_name(case.supervisor))
        signs: dict[int, list] = {}
        for c in case.countersigns.select_related("department", "signed_by"):
            signs.setdefault(c.round, []).append(c)
        for r in case.replies.select_related("department"):
            _countersign_rows(doc, signs.pop(r.round, []))
            replied = f"{r.department.name} · {local_time(r.replied_at)} · {r.get_classification_display()}"
            doc.row(f"答复 Reply {r.round}", replied)
            doc.para(r.text)
            rating = getattr(r, "rating", None)
            if rating is not None:
                doc.row("评价 Rating", f"{rating.get_rating_display()} {rating.comment}".strip())
        for rest in signs.values():  # the round being handled now, not replied yet
            _countersign_rows(doc, rest)
        if case.closure:
            doc.row("办结方式 Closure", case.get_closure_display())
        if case.committee_note:
            doc.row("委员会意见 Committee note", case.committee_note)
    doc.ln(6)
    doc.row("打印时间 Printed", local_time(timezone.now()))
    return doc.bytes()


def report_pdf(report: dict) -> bytes:
    """The session report for the congress, as print."""
    doc = PdfDocument(
        f"{report['organisation']['name']} 第{report['term']['number']}届职代会提案工作报告",
        f"Proposal work report · {report['term']['starts_on']} — {report['term']['ends_on']}",
    )
    doc.heading("概况 Overview")
    doc.row("提案总数 Proposals", report["total"])
    doc.row("已交办 Assigned", report["handled"])
    hd = report["handling_days"]
    doc.row("平均办理天数 Mean days", "—" if hd["mean"] is None else hd["mean"])
    doc.row("中位数 Median days", "—" if hd["median"] is None else hd["median"])
    rp = report["replies"]
    on_time = "—" if rp["on_time_rate"] is None else f"{rp['on_time_rate']}% ({rp['on_time']}/{rp['count']})"
    doc.row("按期答复率 On time", on_time)
    s = report["satisfaction"]
    rate = "—" if s["satisfaction_rate"] is None else f"{s['satisfaction_rate']}%"
    doc.row("满意率 Satisfaction", f"{rate} ({s['satisfied']}+{s['basically_satisfied']}/{s['rated']})")
    doc.row("未评价 Not rated", s["not_rated"])
    for key, title in (("by_state", "按状态 By state"), ("by_category", "按类别 By category"),
                       ("by_department", "按承办部门 By department")):
        doc.heading(title)
        for row in report[key] or [{"label": "—", "count": 0}]:
            doc.row(row["label"], row["count"])
    return doc.bytes()
