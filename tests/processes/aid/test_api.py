"""The aid API by the names clients depend on: create, transitions, notices, objections, ledger."""

import datetime as dt
import json

import pytest

from processes.aid.models import AidCase, AidObjection
from workflow.audit import case_events

from .conftest import BANK_ACCOUNT, DAY0, ID_NUMBER, at

pytestmark = pytest.mark.django_db

CREATE = {
    "organisation": "acme", "aid_type": "medical", "cause": "住院治疗 In hospital", "household_size": 3,
    "household_income": "30000", "rigid_expenses": "28000", "requested_amount": "1800", "id_number": ID_NUMBER,
    "bank_account": BANK_ACCOUNT, "financial_check_consent": True,
}


def perform(api, user, case, name, data=None):
    return api(user).post(f"/api/v1/aid/{case.pk}/transitions/{name}/", data or {}, format="json")


def test_create_and_walk_through_the_api(api, people, fund, clock):
    r = api(people.member).post("/api/v1/aid/", CREATE, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert ID_NUMBER not in json.dumps(body) and BANK_ACCOUNT not in json.dumps(body)
    case = AidCase.objects.get(pk=body["id"])
    assert perform(api, people.member, case, "submit").status_code == 200
    assert perform(api, people.visitor1, case, "precheck").status_code == 200
    r = perform(api, people.visitor1, case, "record_visit", {"visitors": ["visitor1"], "report": "核实 Checked."})
    assert r.status_code == 400 and "visitors" in r.json()["fields"]  # one visitor is not enough
    r = perform(api, people.visitor1, case, "record_visit", {"visitors": ["visitor1", "visitor2"], "report": "核实"})
    assert r.status_code == 200, r.content
    assert perform(api, people.committee1, case, "assess_tier").status_code == 200
    case.refresh_from_db()
    assert case.tier == "extreme"  # (30000 − 28000) / 12 / 3 = 55.56 < 1062
    assert perform(api, people.committee1, case, "publish_notice").status_code == 200

    notices = api(people.member2).get("/api/v1/aid/notices/").json()["results"]
    assert [n["reference"] for n in notices] == [case.reference]
    r = api(people.member2).post(f"/api/v1/aid/notices/{case.pk}/object/", {"grounds": "家中有车 Owns a car."},
                                 format="json")
    assert r.status_code == 201, r.content
    case.refresh_from_db()
    assert case.state == "objection_review"
    event = case_events(case).last()
    assert event.action == "object" and event.actor_id is None
    assert event.payload["input"]["objector"] == "[restricted]"
    assert AidObjection.objects.get(case=case).objector == people.member2


def test_bad_create_input_is_a_clear_400(api, people):
    r = api(people.member).post("/api/v1/aid/", {**CREATE, "financial_check_consent": False, "id_number": "123"},
                                format="json")
    assert r.status_code == 400
    assert {"financial_check_consent", "id_number"} <= set(r.json()["fields"])
    assert not AidCase.objects.exists()


def test_an_outsider_may_not_object(api, people, walk):
    case = walk("public_notice")
    r = api(people.bmember).post(f"/api/v1/aid/notices/{case.pk}/object/", {"grounds": "异议 grounds"}, format="json")
    assert r.status_code == 403
    case.refresh_from_db()
    assert case.state == "public_notice"
    assert api(people.bmember).get("/api/v1/aid/notices/").json()["results"] == []


def test_ledger_get_post_and_overdraft(api, people, fund, walk, clock):
    r = api(people.finance).get("/api/v1/aid/ledger/?organisation=acme&year=2026")
    assert r.status_code == 200 and r.json()["balance"] == "10000.00"
    r = api(people.finance).post("/api/v1/aid/ledger/", {"organisation": "acme", "year": 2026, "kind": "allocation",
                                                        "amount": "500", "reason": "追加 Top-up"}, format="json")
    assert r.status_code == 201 and r.json()["balance_after"] == "10500.00"
    denied = api(people.member).post("/api/v1/aid/ledger/", {"organisation": "acme", "year": 2026,
                                                             "kind": "allocation", "amount": "5", "reason": "x y"},
                                     format="json")
    assert denied.status_code == 403
    assert api(people.member).get("/api/v1/aid/ledger/?organisation=acme&year=2026").status_code == 403
    csv = api(people.finance).get("/api/v1/aid/ledger/?organisation=acme&year=2026&export=csv")
    assert csv.status_code == 200 and "10500.00" in csv.content.decode()


def test_objection_on_the_last_day_is_accepted_and_the_day_after_refused(people, walk, clock):
    """Notice published Monday 2026-03-02: 5 working days end Monday 2026-03-09."""
    from processes.aid import services as svc
    from workflow.errors import GuardFailed

    case = walk("public_notice")
    late = walk("public_notice", aid_type="education")
    svc.aid_object(case_id=case.pk, actor=people.member2, grounds="最后一天 Last day", now=at(dt.date(2026, 3, 9), 23))
    with pytest.raises(GuardFailed) as err:
        svc.aid_object(case_id=late.pk, actor=people.member2, grounds="晚了 Too late", now=at(dt.date(2026, 3, 10), 9))
    assert err.value.rule == "aid.notice"
    assert AidCase.objects.get(pk=case.pk).state == "objection_review"
    assert AidCase.objects.get(pk=late.pk).state == "public_notice"
    assert DAY0 == dt.date(2026, 3, 2)


def test_the_objector_is_named_to_the_committee_and_auditors_only(api, people, walk):
    from processes.aid import services as svc

    case = walk("public_notice")
    svc.aid_object(case_id=case.pk, actor=people.member2, grounds="家有两套住房 Owns two flats", now=at(DAY0))
    for who, shown in (("committee1", "member2"), ("auditor", "member2"), ("visitor1", "[restricted]"),
                       ("finance", "[restricted]"), ("member", "[restricted]")):
        r = api(getattr(people, who)).get(f"/api/v1/aid/{case.pk}/")
        assert r.status_code == 200, (who, r.content)
        body = json.dumps(r.json(), ensure_ascii=False)
        assert f'"objector": "{shown}"' in body, who
        if shown != "member2":
            assert "member2" not in body, who
