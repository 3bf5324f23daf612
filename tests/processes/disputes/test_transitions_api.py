"""Every transition of the dispute process through the API: from → to, one audit event, the flow follows."""

import datetime as dt

import pytest

from processes.disputes import services as svc
from processes.disputes.flows import STEP_FOR_STATE
from processes.disputes.models import Dispute
from workflow import flowkit
from workflow.audit import case_events, chain_valid

from .conftest import CLAIMS, DAY0, PASSWORD, apply, at


def _oral(people, orgs, walk):
    return apply(people, orgs, actor=people.mediator1, oral=True, applicant=people.member)


def _failed(people, orgs, walk):
    return svc.dispute_fail(case=walk("mediating"), actor=people.mediator1, reason="分歧大 Too far apart.", now=at(DAY0))


def _breached(people, orgs, walk):
    return svc.dispute_report_breach(case=walk("agreed"), actor=people.member, details="未付 Unpaid.", now=at(DAY0))


def _two_signed(people, orgs, walk):
    case = walk("agreement_drafted")
    sha = case.agreement_document.sha256
    for who in (people.member, people.employer):
        case = svc.dispute_sign_agreement(case=case, actor=who, sha256=sha, password=PASSWORD, now=at(DAY0))
    return case


def _with_mediator3(people, orgs, walk):
    case = walk("mediating")
    return svc.dispute_assign_mediators(case=case, actor=people.chair, mediators=[people.mediator3], now=at(DAY0))


def _recusal_asked(people, orgs, walk):
    case = _with_mediator3(people, orgs, walk)
    return svc.dispute_request_recusal(case=case, actor=people.member, mediator=people.mediator3,
                                       grounds="曾代理企业 Acted for the employer.", now=at(DAY0))


SETUPS = {"oral": _oral, "failed": _failed, "breached": _breached, "two_signed": _two_signed,
          "with_mediator3": _with_mediator3, "recusal_asked": _recusal_asked}
SHA = "__sha__"

TABLE = [
    # (transition, from (walk target or setup), actor, input, to)
    ("confirm_application", "oral", "member", {}, "applied"),
    ("consent_to_mediation", "applied", "employer", {}, "applied"),
    ("accept", "consented", "mediator2", {}, "accepted"),
    ("decline", "applied", "chair", {"reason": "respondent_refuses", "note": "企业拒绝 Refused."}, "declined"),
    ("assign_mediators", "accepted", "chair", {"mediators": ["mediator1", "mediator2"]}, "mediating"),
    ("assign_mediators", "mediating", "chair", {"mediators": ["mediator3"]}, "mediating"),
    ("declare_no_conflict", "with_mediator3", "mediator3", {}, "mediating"),
    ("request_recusal", "with_mediator3", "employer", {"mediator": "mediator3", "grounds": "亲属 Relative."},
     "mediating"),
    ("decide_recusal", "recusal_asked", "chair", {"granted": True, "reason": "属实 Confirmed."}, "mediating"),
    ("record_session", "mediating", "mediator1", {"attendance": "双方 Both.", "minutes": "笔录 Minutes."}, "mediating"),
    ("draft_agreement", "mediating", "mediator1", {"terms": "补发 Pay 3200.", "performance_due": "2026-04-30"},
     "agreement_drafted"),
    ("draft_agreement", "agreement_drafted", "mediator1", {"terms": "改为 Pay 3000.", "performance_due": "2026-04-30"},
     "agreement_drafted"),
    ("sign_agreement", "agreement_drafted", "member", {"sha256": SHA, "password": PASSWORD}, "agreement_drafted"),
    ("sign_agreement", "two_signed", "mediator1", {"sha256": SHA, "password": PASSWORD}, "agreed"),
    ("record_performance", "agreed", "mediator1", {}, "performed"),
    ("record_review", "agreed", "employer", {"applied_on": "2026-03-02", "body": "区仲裁委 District commission"},
     "agreed"),
    ("close", "performed", "chair", {}, "closed"),
    ("report_breach", "agreed", "employer", {"details": "申请人未交接 Not handed over."}, "breached"),
    ("fail", "mediating", "mediator1", {"reason": "分歧大 Too far apart."}, "failed"),
    ("fail", "accepted", "chair", {"reason": "申请人未到场 The applicant did not come."}, "failed"),
    ("withdraw", "applied", "member", {}, "withdrawn"),
    ("withdraw", "agreement_drafted", "member", {"reason": "已和解 Settled."}, "withdrawn"),
    ("refer_to_arbitration", "failed", "member", {"body": "区仲裁委 District commission"}, "referred"),
    ("refer_to_arbitration", "breached", "chair", {"body": "区仲裁委 District commission"}, "referred"),
]


@pytest.mark.parametrize(("name", "source", "who", "data", "target"), TABLE, ids=[f"{r[0]}:{r[1]}" for r in TABLE])
def test_transition_table(name, source, who, data, target, people, orgs, walk, api):
    """Each transition moves the dispute from its source to its target state with one audit event."""
    case = SETUPS[source](people, orgs, walk) if source in SETUPS else walk(source)
    case = Dispute.objects.get(pk=case.pk)
    before_version, before_events = case.version, case_events(case).count()
    if data.get("sha256") == SHA:
        data = {**data, "sha256": case.agreement_document.sha256}

    r = api(getattr(people, who)).post(f"/api/v1/disputes/{case.pk}/transitions/{name}/", data, format="json")

    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert case.state == target and r.json()["state"] == target
    assert case.version == before_version + 1
    events = list(case_events(case))
    # Drafting stores the agreement PDF, audited as the document it is, just before the transition.
    extra = ["document_upload"] if name == "draft_agreement" else []
    assert [e.action for e in events[before_events:]] == [*extra, name]
    assert chain_valid(case)
    assert flowkit.position(case) == STEP_FOR_STATE.get(target)


def test_create_through_the_api_with_the_documented_names(people, api, clock):
    """The create input uses the names clients depend on; the answer carries both clocks."""
    body = {"organisation": "acme", "category": "arrears", "claims": CLAIMS, "facts": "欠薪三个月 Three months unpaid.",
            "arose_on": "2026-01-31", "received_on": "2026-03-02", "oral": False, "respondent": "艾克米机械有限公司"}
    r = api(people.member).post("/api/v1/disputes/", body, format="json")
    assert r.status_code == 201, r.content
    case = Dispute.objects.get(pk=r.json()["id"])
    assert case.applicant == people.member and case.arbitration_open_on == dt.date(2026, 3, 17)
    detail = api(people.member).get(f"/api/v1/disputes/{case.pk}/").json()
    assert detail["arbitration_open_on"] == "2026-03-17" and detail["claims"] == [{"text": CLAIMS[0]["text"],
                                                                                    "amount": "3200.00"}]


@pytest.mark.parametrize(("field", "value"), [
    ("claims", [{"text": "", "amount": "1"}]), ("claims", [{"text": "x", "amount": "-5"}]), ("claims", "不是列表"),
    ("category", "unknown"), ("arose_on", "2026-13-01"), ("received_on", "2026-03-03"),
])
def test_bad_create_input_is_a_clear_400(field, value, people, api):
    body = {"organisation": "acme", "category": "pay", "claims": CLAIMS, "facts": "F", "arose_on": "2026-01-31",
            "respondent": "ACME", field: value}
    r = api(people.member).post("/api/v1/disputes/", body, format="json")
    assert r.status_code == 400 and field in r.json()["fields"], r.content
    assert not Dispute.objects.exists()


def test_a_mediator_records_an_oral_application_on_the_create_page(people, client):
    """第十二条 in the UI: the mediator types the applicant's username and ticks 口头申请."""
    client.force_login(people.mediator1)
    form = client.get("/disputes/new/")
    assert form.status_code == 200 and 'name="applicant"' in form.content.decode()
    r = client.post("/disputes/new/", {
        "organisation": "acme", "category": "injury", "claims": "停工留薪期工资 9800", "facts": "工伤后停发工资。",
        "arose_on": "2026-02-01", "oral": "on", "respondent": "艾克米机械有限公司", "applicant": "member1",
    })
    assert r.status_code in (302, 303), r.content.decode()[-2000:]
    case = Dispute.objects.get()
    assert case.oral and case.applicant == people.member and case.created_by == people.mediator1


def test_an_unknown_applicant_is_a_400(people, api):
    body = {"organisation": "acme", "category": "pay", "claims": CLAIMS, "facts": "F", "arose_on": "2026-01-31",
            "respondent": "ACME", "oral": True, "applicant": "nobody"}
    r = api(people.mediator1).post("/api/v1/disputes/", body, format="json")
    assert r.status_code == 400 and "applicant" in r.json()["fields"]
