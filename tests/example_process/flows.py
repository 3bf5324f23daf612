from viewflow import this
from viewflow.workflow import flow

from workflow.flowkit import CaseEnd, CaseFlowMixin, CaseStep, by_role, case_users, route_by_state

from .models import ExampleState as S


class ExampleFlow(CaseFlowMixin, flow.Flow):
    process_key = "examples"
    start = flow.StartHandle(this.start_case).Next(this.route)
    route = route_by_state({S.DRAFT: "draft", S.SUBMITTED: "decide"})
    draft = CaseStep("完善 Complete", who=[case_users(lambda c: [c.created_by_id])]).Next(this.route)
    decide = CaseStep("审批 Decide", who=[by_role("union_committee")], deadline="example.decide").Next(this.route)
    end = CaseEnd()
