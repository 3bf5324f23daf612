"""The contract flow: one step per waiting state, who must act there and which deadline runs.

The FSM state is the truth; ``route`` opens the step ``STEP_FOR_STATE`` names for it.
Expired and terminated contracts end the process.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflow.flowkit import CaseEnd, CaseFlowMixin, CaseStep, by_role, case_users, route_by_state
from workflow.roles import Role

from . import deadlines as d
from .states import ContractState as S

chair = by_role(Role.CHAIR)
union_chief = case_users(lambda c: [c.union_chief_id])
employer_chief = case_users(lambda c: [c.employer_chief_id])
chiefs = case_users(lambda c: c.chief_ids())
#: The chief whose confirmation the other chief's proposal waits for: the item is theirs alone and goes once
#: they confirm (第四十条、第五十条).
variation_confirmer = case_users(lambda c: c.variation_confirmer_ids(), title=_("确认合同变更 Confirm the variation"))
coordination_confirmer = case_users(
    lambda c: c.coordination_confirmer_ids(), title=_("确认协调处理结果 Confirm the coordination result")
)
union_team = case_users(lambda c: sorted(set(c.union_team_user_ids()) | {c.union_chief_id} - {None}))

#: The step each waiting state opens; every other state is terminal and ends the process.
STEP_FOR_STATE = {
    S.PREPARING: "preparing", S.OFFER_SENT: "offer_sent", S.NO_REPLY: "no_reply", S.NEGOTIATING: "negotiating",
    S.SUSPENDED: "suspended", S.COORDINATION: "coordination", S.DRAFT_AGREED: "draft_agreed",
    S.CONGRESS_VOTE: "congress_vote", S.PASSED: "passed", S.SIGNED: "signed", S.FILED: "filed",
    S.OBJECTED: "objected", S.EFFECTIVE: "effective", S.IN_FORCE: "in_force", S.RENEWAL_WINDOW: "renewal_window",
}


class ContractFlow(CaseFlowMixin, flow.Flow):
    process_key = "contracts"
    process_title = _("集体合同 Collective contract")

    start = flow.StartHandle(this.start_case).Next(this.route)
    route = route_by_state(STEP_FOR_STATE)
    preparing = CaseStep(_("确定协商代表并发出要约 Name the teams and send the offer"), who=[chair, union_chief]).Next(
        this.route
    )
    offer_sent = CaseStep(
        _("等待书面答复 Await the written reply"), who=[chiefs], deadline=d.OFFER_REPLY.id
    ).Next(this.route)
    no_reply = CaseStep(_("报请处理或登记迟到的答复 Escalate or record a late reply"), who=[union_chief]).Next(this.route)
    negotiating = CaseStep(_("协商并确认草案 Negotiate and agree a draft"), who=[chiefs]).Next(this.route)
    suspended = CaseStep(_("按约定恢复协商 Resume as agreed"), who=[chiefs], deadline=d.SUSPENSION.id).Next(this.route)
    coordination = CaseStep(
        _("劳动保障行政部门协调处理 Coordination by the labour administration"), who=[coordination_confirmer, chiefs],
        deadline=d.COORDINATION.id
    ).Next(this.route)
    draft_agreed = CaseStep(_("提交职代会审议 Put the draft to the congress"), who=[chair]).Next(this.route)
    congress_vote = CaseStep(_("职代会表决 Congress vote"), who=[]).Next(this.route)
    passed = CaseStep(_("双方首席代表签字 Both chiefs sign"), who=[chiefs]).Next(this.route)
    # 第四十二条: the employer files (the union may monitor and file too).
    signed = CaseStep(_("报送劳动保障行政部门 File with the labour administration"), who=[employer_chief],
                      deadline=d.FILING.id).Next(this.route)
    # The labour administration reviews: nobody on either side has a step to take meanwhile.
    filed = CaseStep(_("审查期 Under review"), who=[], deadline=d.REVIEW.id).Next(this.route)
    objected = CaseStep(_("就异议重新协商 Renegotiate the objected items"), who=[chiefs]).Next(this.route)
    effective = CaseStep(_("向全体职工公布 Publish to all workers"), who=[chiefs]).Next(this.route)
    in_force = CaseStep(_("履行中 In force"), who=[variation_confirmer], deadline=d.RENEWAL.id).Next(this.route)
    # 第三十八条: the union's negotiators are told (as their new step) that a renewal may be started.
    renewal_window = CaseStep(_("续订期：发起续订 Renewal window: start the renewal"), who=[variation_confirmer, union_team],
                              deadline=d.TERM.id).Next(this.route)
    end = CaseEnd()
