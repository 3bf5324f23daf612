"""A proposal one chief makes for the other to confirm is in the other chief's inbox until confirmed:
the varied text (第四十条) and the result of coordination (第五十条)."""

import datetime as dt

import pytest

from processes.contracts import services as svc
from processes.contracts.models import Contract
from workflow.inbox import inbox_for

from .conftest import DAY0, close_vote

pytestmark = pytest.mark.django_db

CONFIRM_VARIATION = "确认合同变更 Confirm the variation"
CONFIRM_RESULT = "确认协调处理结果 Confirm the coordination result"


def tasks(user, case) -> list[str]:
    return [i["task"] for i in inbox_for(user) if i["case_id"] == case.pk]


@pytest.mark.parametrize("proposer, confirmer", [("employer1", "chair"), ("chair", "employer1")])
def test_the_other_chief_is_asked_to_confirm_a_proposed_variation_until_they_do(
    walk, people, upload, clock, proposer, confirmer
):
    """第四十条: the varied text binds once both chiefs confirm it; the first confirmation waits on the other chief."""
    case = walk("in_force")
    proposer, confirmer = getattr(people, proposer), getattr(people, confirmer)
    assert CONFIRM_VARIATION not in tasks(confirmer, case)
    clock.set(DAY0 + dt.timedelta(days=40))
    varied = upload(case, people.chair, "变更后文本 v2", previous=case.passed_document)
    svc.contract_vary(case=case, actor=proposer, grounds="agreed", document=varied)
    assert Contract.objects.get(pk=case.pk).state == "in_force"
    assert tasks(confirmer, case) == [CONFIRM_VARIATION]
    assert CONFIRM_VARIATION not in tasks(proposer, case)
    svc.contract_vary(case=case, actor=confirmer, grounds="agreed", document=varied)
    assert Contract.objects.get(pk=case.pk).state == "draft_agreed"
    assert CONFIRM_VARIATION not in tasks(confirmer, case) + tasks(proposer, case)


def test_a_failed_variation_leaves_nobody_asked_to_confirm_it(walk, people, upload, clock):
    """A variation the congress did not pass is over: the contract in force asks nothing of either chief."""
    case = walk("in_force")
    clock.set(DAY0 + dt.timedelta(days=40))
    varied = upload(case, people.chair, "变更后文本 v2", previous=case.passed_document)
    for who in (people.employer1, people.chair):
        svc.contract_vary(case=case, actor=who, grounds="agreed", document=varied)
    svc.contract_submit_to_congress(case=case, actor=people.chair, method="paper")
    assert close_vote(case, people.committee, present=3, yes=3).state == "in_force"
    assert tasks(people.chair, case) == [] and tasks(people.employer1, case) == []


def test_the_other_chief_is_asked_to_confirm_the_coordination_result_until_they_do(walk, people):
    """第五十条: one chief records the coordination result, the other confirms it; a different text turns the ask."""
    case = walk("negotiating")
    svc.contract_request_coordination(case=case, actor=people.chair, reason="工资增幅分歧")
    assert CONFIRM_RESULT not in tasks(people.chair, case) + tasks(people.employer1, case)
    svc.contract_end_coordination(case=case, actor=people.employer1, result="增幅4% Agreed on 4%")
    assert tasks(people.chair, case) == [CONFIRM_RESULT]
    assert CONFIRM_RESULT not in tasks(people.employer1, case)
    svc.contract_end_coordination(case=case, actor=people.chair, result="增幅5% Agreed on 5%")
    assert tasks(people.employer1, case) == [CONFIRM_RESULT]
    assert CONFIRM_RESULT not in tasks(people.chair, case)
    svc.contract_end_coordination(case=case, actor=people.employer1, result="")
    assert Contract.objects.get(pk=case.pk).state == "negotiating"
    assert CONFIRM_RESULT not in tasks(people.chair, case) + tasks(people.employer1, case)
