"""The dispute flow: one step per waiting state, who must act there and which deadline runs.

Each step names one group (a role, or the case's mediators). The agreement to sign is in the
inbox of each party with an account and of the case's mediators until their side has signed;
otherwise the parties hear of what concerns them by the written notices and decision notifications.

The FSM state is the truth; ``route`` opens the step ``STEP_FOR_STATE`` names for it.
Declined, closed, referred and withdrawn disputes end the process.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflow.flowkit import CaseEnd, CaseFlowMixin, CaseStep, by_role, case_users, route_by_state
from workflow.roles import Role

from . import deadlines as d
from .states import DisputeState as S

committee = by_role(Role.MEDIATOR)
chair = by_role(Role.MEDIATION_CHAIR)
employer = by_role(Role.EMPLOYER_REP)
mediators = case_users(lambda c: c.active_mediator_ids())
signatories = case_users(lambda c: c.pending_signatory_ids(), title=_("签署调解协议 Sign the agreement"))

STEP_FOR_STATE = {
    S.APPLIED: "applied", S.ACCEPTED: "accepted", S.MEDIATING: "mediating",
    S.AGREEMENT_DRAFTED: "agreement_drafted", S.AGREED: "agreed", S.PERFORMED: "performed",
    S.FAILED: "failed", S.BREACHED: "breached",
}


class DisputeFlow(CaseFlowMixin, flow.Flow):
    process_key = "disputes"
    process_title = _("劳动争议调解 Labour-dispute mediation")

    start = flow.StartHandle(this.start_case).Next(this.route)
    route = route_by_state(STEP_FOR_STATE)
    applied = CaseStep(
        _("同意调解并决定受理 Consent, then decide on acceptance"), who=[committee, employer],
        deadline=d.ACCEPTANCE.id,
    ).Next(this.route)
    accepted = CaseStep(_("指派调解员 Assign mediators"), who=[chair], deadline=d.MEDIATION.id).Next(this.route)
    mediating = CaseStep(_("调解 Mediate"), who=[mediators], deadline=d.MEDIATION.id).Next(this.route)
    agreement_drafted = CaseStep(
        _("双方与调解员签署协议 Both parties and the mediator sign"), who=[signatories], deadline=d.MEDIATION.id
    ).Next(this.route)
    agreed = CaseStep(_("督促履行 Supervise performance"), who=[mediators]).Next(this.route)
    performed = CaseStep(_("结案 Close"), who=[chair]).Next(this.route)
    failed = CaseStep(_("转仲裁 Refer to arbitration"), who=[chair]).Next(this.route)
    breached = CaseStep(_("转仲裁 Refer to arbitration"), who=[chair]).Next(this.route)
    end = CaseEnd()
