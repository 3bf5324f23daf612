"""The whole way of a contract through the services: offer → … → in force, one audit event per step."""

import datetime as dt

from processes.contracts.models import Contract
from workflow import flowkit
from workflow.audit import case_events

from .conftest import DAY0


def test_a_wage_contract_goes_from_offer_to_in_force(walk):
    case = walk("in_force")
    assert case.state == "in_force"
    assert case.effective_on == DAY0 + dt.timedelta(days=16)
    assert case.expires_on == dt.date(2027, 3, 17)
    actions = [e.action for e in case_events(case)]
    assert actions[:6] == ["create", "set_teams", "send_offer", "record_reply", "record_round", "document_upload"]
    assert actions[-6:] == ["pass_congress", "sign", "sign", "file", "take_effect", "publish"]
    assert flowkit.position(Contract.objects.get(pk=case.pk)) == "in_force"


def test_the_audit_chain_of_a_contract_is_valid(walk):
    from workflow.audit import chain_valid

    case = walk("in_force")
    assert chain_valid(case)
