"""The proposal flow: one step per waiting state, who must act there and which deadline runs.

The FSM state is the truth; ``route`` opens the step ``STEP_FOR_STATE`` names for it.
Terminal states end the process (rejected, merged, withdrawn, archived, adopted, not adopted).
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflow.flowkit import CaseEnd, CaseFlowMixin, CaseStep, by_role, case_users, route_by_state
from workflow.roles import Role

from . import deadlines as d
from .states import ProposalState as S

proposer = case_users(lambda c: [c.created_by_id])
#: An invited co-signer's item says what they do (co-sign); only the proposer submits.
pending_cosigners = case_users(lambda c: c.pending_cosigner_ids(), title=_("附议 Co-sign"))
committee = by_role(Role.REVIEW_COMMITTEE)
lead_department = by_role(Role.DEPARTMENT, organisation_id=lambda c: c.lead_department_id)


#: The step each waiting state opens; every other state is terminal and ends the process.
STEP_FOR_STATE = {
    S.DRAFT: "draft", S.COSIGNING: "cosigning", S.SUBMITTED: "submitted", S.UNDER_REVIEW: "under_review",
    S.RETURNED: "returned", S.ACCEPTED: "accepted", S.CONVERTED: "converted", S.ASSIGNED: "assigned",
    S.IN_PROGRESS: "in_progress", S.REHANDLING: "rehandling", S.REPLIED: "replied", S.CLOSED: "closed",
    S.ON_AGENDA: "on_agenda",
}


class ProposalFlow(CaseFlowMixin, flow.Flow):
    process_key = "proposals"
    process_title = _("提案 Proposal")

    start = flow.StartHandle(this.start_case).Next(this.route)
    route = route_by_state(STEP_FOR_STATE)
    draft = CaseStep(_("完善提案并邀请附议 Complete the draft and invite co-signers"), who=[proposer]).Next(this.route)
    cosigning = CaseStep(
        _("征集附议后提交 Collect co-signatures, then submit"), who=[proposer, pending_cosigners], deadline=d.COSIGN_WINDOW.id
    ).Next(this.route)
    submitted = CaseStep(_("受理审查 Open the review"), who=[committee]).Next(this.route)
    under_review = CaseStep(_("审查决定 Decide on the proposal"), who=[committee]).Next(this.route)
    returned = CaseStep(_("修改后重新提交 Revise and resubmit"), who=[proposer]).Next(this.route)
    accepted = CaseStep(_("交办或提交表决 Assign or put to the vote"), who=[committee]).Next(this.route)
    converted = CaseStep(_("交办意见建议 Assign the suggestion"), who=[committee]).Next(this.route)
    assigned = CaseStep(
        _("签收或退回交办 Acknowledge or return"), who=[lead_department], deadline=d.ASSIGNMENT_RETURN.id
    ).Next(this.route)
    in_progress = CaseStep(_("办理并答复 Handle and reply"), who=[lead_department], deadline=d.REPLY.id).Next(
        this.route
    )
    rehandling = CaseStep(_("重新办理并答复 Re-handle and reply"), who=[lead_department], deadline=d.REPLY.id).Next(
        this.route
    )
    replied = CaseStep(_("评价答复 Rate the reply"), who=[proposer], deadline=d.FEEDBACK.id).Next(this.route)
    closed = CaseStep(_("报告后归档 Archive after the report"), who=[committee]).Next(this.route)
    on_agenda = CaseStep(_("大会表决 Congress vote"), who=[]).Next(this.route)
    end = CaseEnd()

