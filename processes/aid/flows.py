"""The aid flow: one step per waiting state, who must act there and which deadline runs.

The FSM state is the truth; ``route`` opens the step ``STEP_FOR_STATE`` names for it. Rejected,
exited and recovered cases (the aid paid back after an upheld objection, 追回) end the process;
a filed or continued case is not closed: it waits (with nobody to act) for its annual review.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflow.flowkit import CaseEnd, CaseFlowMixin, CaseStep, by_role, case_users, route_by_state
from workflow.roles import Role

from . import deadlines as d
from .states import AidState as S

filer = case_users(lambda c: sorted(c.participant_ids()))
committee = by_role(Role.UNION_COMMITTEE)
centre = by_role(Role.AID_CENTRE, organisation_id=lambda c: c.organisation.parent_id or c.organisation_id)

STEP_FOR_STATE = {
    S.DRAFT: "draft", S.SUBMITTED: "submitted", S.RETURNED: "returned", S.PRECHECKED: "prechecked",
    S.VERIFIED: "verified", S.ASSESSED: "assessed", S.PUBLIC_NOTICE: "public_notice",
    S.OBJECTION_REVIEW: "objection_review", S.PENDING_APPROVAL: "pending_approval",
    S.PENDING_CENTRE: "pending_centre", S.APPROVED: "approved", S.DISBURSED: "disbursed",
    S.POST_NOTICE: "post_notice", S.ARCHIVED: "archived", S.ANNUAL_REVIEW: "annual_review",
    S.CONTINUED: "continued", S.POST_OBJECTION_REVIEW: "post_objection_review", S.RECOVERY_DUE: "recovery_due",
}


class AidFlow(CaseFlowMixin, flow.Flow):
    process_key = "aid"
    process_title = _("帮扶申请 Aid case")

    start = flow.StartHandle(this.start_case).Next(this.route)
    route = route_by_state(STEP_FOR_STATE)
    draft = CaseStep(_("完善并提交申请 Complete and submit"), who=[filer]).Next(this.route)
    submitted = CaseStep(_("初审 Pre-check"), who=[by_role(Role.VERIFIER)], deadline=d.PRECHECK.id).Next(this.route)
    returned = CaseStep(_("补充材料后重新提交 Add the missing items and resubmit"), who=[filer]).Next(this.route)
    prechecked = CaseStep(_("入户核查 Home visit"), who=[by_role(Role.VERIFIER)], deadline=d.VISIT.id).Next(this.route)
    verified = CaseStep(_("评定困难档次 Assess the tier"), who=[committee]).Next(this.route)
    assessed = CaseStep(_("发布公示 Publish the notice"), who=[committee]).Next(this.route)
    public_notice = CaseStep(_("公示中 On public notice"), who=[], deadline=d.NOTICE.id).Next(this.route)
    objection_review = CaseStep(
        _("复核异议 Review the objection"), who=[committee], deadline=d.OBJECTION_REVIEW.id
    ).Next(this.route)
    pending_approval = CaseStep(_("审批 Approve"), who=[committee], deadline=d.APPROVAL.id).Next(this.route)
    pending_centre = CaseStep(_("帮扶中心审批 Aid centre decides"), who=[centre], deadline=d.APPROVAL.id).Next(
        this.route
    )
    approved = CaseStep(_("发放 Pay"), who=[by_role(Role.FINANCE)]).Next(this.route)
    disbursed = CaseStep(_("建档（紧急救助先公示） File (emergencies: publish first)"), who=[committee]).Next(this.route)
    post_notice = CaseStep(_("事后公示中 Notice after payment"), who=[], deadline=d.POST_NOTICE.id).Next(this.route)
    post_objection_review = CaseStep(
        _("复核事后公示异议 Review the objection to the notice after payment"), who=[committee],
        deadline=d.OBJECTION_REVIEW.id,
    ).Next(this.route)
    recovery_due = CaseStep(_("追回已发放的帮扶金 Recover the aid paid"), who=[by_role(Role.FINANCE)]).Next(this.route)
    archived = CaseStep(_("已建档，待年度复核 Filed; annual review"), who=[]).Next(this.route)
    annual_review = CaseStep(_("复核结论 Review outcome"), who=[committee]).Next(this.route)
    continued = CaseStep(_("继续建档，待年度复核 Continued; annual review"), who=[]).Next(this.route)
    end = CaseEnd()
