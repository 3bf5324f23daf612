"""The whole happy path through the services: apply → … → closed, one audit event per step."""

from processes.disputes.models import Dispute
from workflow import flowkit
from workflow.audit import case_events, chain_valid


def test_walk_to_closed(walk):
    """Every step of the happy path moves the dispute; the chain of audit events is intact."""
    case = walk("closed")
    assert case.state == "closed"
    actions = [e.action for e in case_events(case)]
    assert actions[0] == "create" and actions[-1] == "close"
    assert "document_upload" in actions and actions.count("sign_agreement") == 3
    assert chain_valid(case)
    assert flowkit.position(case) is None
    assert Dispute.objects.get(pk=case.pk).agreed_on is not None
