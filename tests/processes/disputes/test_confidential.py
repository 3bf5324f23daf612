"""Sessions are not public: the minutes are read by the parties, the case's mediators, the chair and
auditors only, and the audit trail records that minutes were taken, never what they say."""

import pytest

from processes.disputes import services as svc
from workflow.audit import case_events
from workflow.sealing import SEALED

from .conftest import DAY0, at

MINUTES = "企业同意分三期支付 The employer agrees to pay in three instalments."


@pytest.fixture
def session_held(people, walk):
    case = walk("mediating")
    return svc.dispute_record_session(case=case, actor=people.mediator1, attendance="双方到场 Both present.",
                                      minutes=MINUTES, now=at(DAY0))


@pytest.mark.parametrize("who", ["member", "employer", "mediator1", "chair", "auditor"])
def test_those_entitled_read_the_minutes(who, people, session_held, api):
    r = api(getattr(people, who)).get(f"/api/v1/disputes/{session_held.pk}/")
    assert r.status_code == 200
    session = r.json()["sessions"][0]
    assert session["minutes"] == MINUTES and session["confidential"] is False


def test_a_third_member_of_the_committee_sees_the_case_but_not_the_minutes(people, session_held, api, client):
    """mediator2 sits on the committee but not on this case: the session is listed as confidential."""
    r = api(people.mediator2).get(f"/api/v1/disputes/{session_held.pk}/")
    assert r.status_code == 200
    session = r.json()["sessions"][0]
    assert session["confidential"] is True and "minutes" not in session and "attendance" not in session
    assert MINUTES not in r.content.decode()
    client.force_login(people.mediator2)
    page = client.get(f"/disputes/{session_held.pk}/")
    assert page.status_code == 200 and MINUTES not in page.content.decode()


def test_a_member_outside_the_case_does_not_see_it_at_all(people, session_held, api):
    assert api(people.member2).get(f"/api/v1/disputes/{session_held.pk}/").status_code == 404


def test_a_recused_mediator_no_longer_reads_the_minutes(people, session_held, api):
    case = svc.dispute_request_recusal(case=session_held, actor=people.member, mediator=people.mediator1,
                                       grounds="亲属 A relative.", now=at(DAY0))
    svc.dispute_decide_recusal(case=case, actor=people.chair, granted=True, reason="属实 Confirmed.", now=at(DAY0))
    body = api(people.mediator1).get(f"/api/v1/disputes/{case.pk}/").json()
    assert body["sessions"][0]["confidential"] is True


def test_the_audit_trail_records_the_session_sealed(people, session_held, api):
    event = [e for e in case_events(session_held) if e.action == "record_session"][-1]
    assert event.payload["input"]["minutes"] == SEALED and event.payload["input"]["attendance"] == SEALED
    assert event.payload["sealed"] == ["attendance", "minutes"] and MINUTES not in str(event.payload)
    history = api(people.auditor).get(f"/api/v1/disputes/{session_held.pk}/history/")
    assert history.status_code == 200 and MINUTES not in history.content.decode()


def test_a_signing_password_never_reaches_the_audit_trail(people, walk):
    case = walk("agreed")
    for event in case_events(case):
        if event.action == "sign_agreement":
            assert event.payload["input"]["password"] == SEALED


def test_evidence_is_attached_to_the_session_by_its_hash(people, walk, api):
    """Evidence uploaded to the case is named in the session with its hash; the audit event names only its id."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workflow.documents.services import document_upload

    case = walk("mediating")
    doc = document_upload(process="disputes", case_id=case.pk, user=people.member,
                          file=SimpleUploadedFile("考勤记录.txt", "1月加班40小时".encode()), now=at(DAY0))
    r = api(people.mediator1).post(f"/api/v1/disputes/{case.pk}/transitions/record_session/",
                                   {"attendance": "双方 Both.", "minutes": MINUTES, "evidence": [doc.pk]}, format="json")
    assert r.status_code == 200, r.content
    session = api(people.member).get(f"/api/v1/disputes/{case.pk}/").json()["sessions"][0]
    assert session["evidence"] == [{"id": doc.pk, "name": "考勤记录.txt", "version": 1, "sha256": doc.sha256}]
    event = list(case_events(case))[-1]
    assert event.payload["evidence"] == [doc.pk]
