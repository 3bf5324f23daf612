"""Who may do what: a denied actor gets a clear refusal and nothing changes."""

import pytest

from processes.disputes.models import Dispute
from workflow.audit import case_events

from .conftest import PASSWORD

MATRIX = [
    # (state, transition, who, input, expected status)
    ("applied", "accept", "employer", {}, 403),
    ("consented", "accept", "member", {}, 403),
    ("consented", "accept", "member2", {}, 404),
    ("consented", "accept", "auditor", {}, 403),
    ("consented", "accept", "beta_mediator", {}, 404),
    ("applied", "consent_to_mediation", "member", {}, 403),
    ("accepted", "assign_mediators", "mediator1", {"mediators": ["mediator2"]}, 403),
    ("accepted", "assign_mediators", "chair", {"mediators": ["employer1"]}, 400),
    # The union chair (here also a mediator) is not the mediation committee's chair (第十条).
    ("accepted", "assign_mediators", "union_chair", {"mediators": ["mediator2"]}, 403),
    ("accepted", "assign_mediators", "chair", {"mediators": ["bmed"]}, 400),
    ("mediating", "record_session", "mediator2", {"attendance": "双方 Both.", "minutes": "笔录 Minutes."}, 403),
    ("mediating", "record_session", "chair", {"attendance": "双方 Both.", "minutes": "笔录 Minutes."}, 403),
    ("mediating", "request_recusal", "mediator2", {"mediator": "mediator1", "grounds": "理由 Grounds."}, 403),
    ("mediating", "request_recusal", "member", {"mediator": "mediator2", "grounds": "理由 Grounds."}, 400),
    ("mediating", "decide_recusal", "chair", {"granted": True, "reason": "理由 Reason."}, 409),
    ("mediating", "draft_agreement", "employer", {"terms": "条款 Terms.", "performance_due": "2026-04-30"}, 403),
    ("mediating", "draft_agreement", "mediator1", {"terms": "条款 Terms.", "performance_due": "2026-03-01"}, 400),
    ("agreement_drafted", "sign_agreement", "mediator2", {"sha256": "0" * 64, "password": PASSWORD}, 403),
    ("agreement_drafted", "sign_agreement", "member", {"sha256": "0" * 64, "password": PASSWORD}, 409),
    ("agreement_drafted", "sign_agreement", "member", {"sha256": "SHA", "password": "wrong"}, 403),
    ("agreement_drafted", "sign_agreement", "member", {"sha256": "not-a-hash", "password": PASSWORD}, 400),
    ("agreed", "record_performance", "member", {}, 403),
    ("agreed", "report_breach", "mediator1", {"details": "未付 Unpaid."}, 403),
    ("mediating", "withdraw", "employer", {}, 403),
    ("agreed", "withdraw", "member", {}, 409),
    ("mediating", "refer_to_arbitration", "member", {"body": "仲裁委"}, 409),
    ("mediating", "expire", "chair", {}, 403),
]


@pytest.mark.parametrize(("state", "name", "who", "data", "status"), MATRIX,
                         ids=[f"{r[1]}:{r[2]}:{r[4]}" for r in MATRIX])
def test_refused_and_nothing_changed(state, name, who, data, status, people, walk, api):
    case = walk(state)
    before = (case.state, case.version, case_events(case).count())
    if data.get("sha256") == "SHA":
        data = {**data, "sha256": case.agreement_document.sha256}
    r = api(getattr(people, who)).post(f"/api/v1/disputes/{case.pk}/transitions/{name}/", data, format="json")
    assert r.status_code == status, r.content
    assert r.json().get("detail")
    case = Dispute.objects.get(pk=case.pk)
    assert (case.state, case.version, case_events(case).count()) == before


def test_only_the_mediation_committee_chair_decides_a_recusal(people, walk, api):
    """第十条: the committee's chair (调解委员会主任) decides; the union chair as such is refused and nothing changes."""
    from processes.disputes import services as svc

    from .conftest import DAY0, at

    case = walk("mediating")
    svc.dispute_request_recusal(case=case, actor=people.member, mediator=people.mediator1, grounds="亲属 A relative.",
                                now=at(DAY0))
    case = Dispute.objects.get(pk=case.pk)
    before = (case.version, case_events(case).count())
    decision = {"granted": True, "reason": "属实 Confirmed."}
    r = api(people.union_chair).post(f"/api/v1/disputes/{case.pk}/transitions/decide_recusal/", decision, format="json")
    assert r.status_code == 403, r.content
    case = Dispute.objects.get(pk=case.pk)
    assert (case.version, case_events(case).count()) == before and case.recusals.get().granted is None
    r = api(people.chair).post(f"/api/v1/disputes/{case.pk}/transitions/decide_recusal/", decision, format="json")
    assert r.status_code == 200, r.content
    assert Dispute.objects.get(pk=case.pk).recusals.get().granted is True
