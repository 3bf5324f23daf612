"""After the agreement: the arbitration commission's review (仲裁审查) and the payment order (支付令, 第十六条).

Both are recorded by a party as audited steps that leave the state as it is. The review is applied for
jointly within 15 days of the agreement taking effect; a payment order only once the agreed performance
date has passed without performance, and only for the four matters of 第十六条.
"""

import datetime as dt

import pytest

from processes.disputes import lifecycle as lc
from processes.disputes import serializers as ser
from processes.disputes import services as svc
from processes.disputes.models import Dispute
from workflow.audit import case_events, chain_valid

from .conftest import DAY0, at

pytestmark = pytest.mark.django_db
COMMISSION = "区劳动人事争议仲裁委员会 District arbitration commission"
COURT = "区人民法院 District people's court"
#: The walk's agreement is agreed on DAY0 and due to be performed on DAY0 + 59 days (30 April 2026).
DUE = DAY0 + dt.timedelta(days=59)


def _post(api, user, case, name, data):
    return api(user).post(f"/api/v1/disputes/{case.pk}/transitions/{name}/", data, format="json")


def _unchanged(case, before) -> bool:
    case = Dispute.objects.get(pk=case.pk)
    return (case.version, case_events(case).count()) == before


def _snapshot(case):
    case = Dispute.objects.get(pk=case.pk)
    return case.version, case_events(case).count()


@pytest.mark.parametrize(("days_after", "status"), [(15, 200), (16, 400)])
def test_the_joint_review_is_applied_for_within_15_days_of_the_agreement(days_after, status, walk, people, api, clock):
    """Applied on day 15 after the agreement took effect: recorded; on day 16: a clear 400, nothing recorded."""
    case = walk("agreed")
    clock.set(DAY0 + dt.timedelta(days=20))
    before = _snapshot(case)
    applied = (DAY0 + dt.timedelta(days=days_after)).isoformat()
    r = _post(api, people.member, case, "record_review", {"applied_on": applied, "body": COMMISSION})
    assert r.status_code == status, r.content
    case = Dispute.objects.get(pk=case.pk)
    if status == 400:
        assert "applied_on" in r.json()["fields"] and _unchanged(case, before) and case.review_applied_on is None
        return
    assert (case.state, case.review_applied_on.isoformat(), case.review_outcome) == ("agreed", applied, "pending")
    event = case_events(case).last()
    assert event.action == "record_review" and event.payload["review"]["body"] == COMMISSION
    assert chain_valid(case)


def test_the_outcome_is_recorded_later_with_its_date(walk, people):
    case = walk("agreed")
    svc.dispute_record_review(case=case, actor=people.member, applied_on=DAY0, body=COMMISSION, now=at(DAY0))
    decided = DAY0 + dt.timedelta(days=10)
    svc.dispute_record_review(case=case, actor=people.employer, applied_on=DAY0, body=COMMISSION,
                              outcome="confirmed", decided_on=decided, now=at(decided))
    case = Dispute.objects.get(pk=case.pk)
    assert (case.review_outcome, case.review_decided_on) == ("confirmed", decided)
    assert [e.action for e in case_events(case)].count("record_review") == 2


@pytest.mark.parametrize(("who", "data", "status"), [
    ("mediator1", {"applied_on": "2026-03-02", "body": COMMISSION}, 403),  # not a party
    ("member", {"applied_on": "2026-03-02", "body": COMMISSION, "decided_on": "2026-03-02"}, 400),  # pending, dated
    ("member", {"applied_on": "2026-03-02", "body": COMMISSION, "outcome": "confirmed"}, 400),  # decided, no date
])
def test_a_review_record_refused_changes_nothing(who, data, status, walk, people, api):
    case = walk("agreed")
    before = _snapshot(case)
    r = _post(api, getattr(people, who), case, "record_review", data)
    assert r.status_code == status, r.content
    assert _unchanged(case, before)
    if status == 400:
        assert str(ser.REVIEW_DECISION_DATE) in str(r.json()["fields"])


@pytest.fixture
def breached(walk, people):
    case = walk("agreed")
    return svc.dispute_report_breach(case=case, actor=people.member, details="未按期补发 Not paid.", now=at(DAY0))


@pytest.mark.parametrize(("today", "status"), [(DUE, 400), (DUE + dt.timedelta(days=1), 200)])
def test_a_payment_order_only_after_the_performance_date(today, status, breached, people, api, clock):
    """第十六条: on the agreed date the employer may still perform (refused); the day after, the worker applies."""
    from workflow import services

    clock.set(today)
    spec = services.registry.get("disputes").transition("apply_payment_order")
    why = services.blocked_reason(process="disputes", case=breached, tspec=spec, user=people.member, now=at(today))
    assert (why == str(lc.NOT_DUE_YET % {"due": DUE.isoformat()})) == (status == 400)
    before = _snapshot(breached)
    data = {"matter": "wages", "court": COURT, "applied_on": today.isoformat()}
    r = _post(api, people.member, breached, "apply_payment_order", data)
    assert r.status_code == status, r.content
    case = Dispute.objects.get(pk=breached.pk)
    if status == 400:
        assert str(ser.PAYMENT_ORDER_TOO_EARLY % {"due": DUE.isoformat()}) in str(r.json()["fields"]["applied_on"])
        assert _unchanged(case, before) and case.payment_order_applied_on is None
        return
    assert (case.state, case.payment_order_matter, case.payment_order_court) == ("breached", "wages", COURT)
    event = case_events(case).last()
    assert event.action == "apply_payment_order" and event.payload["payment_order"]["agreement"] == case.agreement_document_id


def test_the_employer_side_does_not_apply_for_a_payment_order(breached, people, api, clock):
    clock.set(DUE + dt.timedelta(days=1))
    before = _snapshot(breached)
    data = {"matter": "wages", "court": COURT, "applied_on": (DUE + dt.timedelta(days=1)).isoformat()}
    assert _post(api, people.employer, breached, "apply_payment_order", data).status_code == 403
    assert _unchanged(breached, before)


def test_a_second_application_and_a_social_insurance_agreement_are_refused(walk, people, clock):
    after = DUE + dt.timedelta(days=1)
    case = walk("agreed", category="social_insurance")
    case = svc.dispute_report_breach(case=case, actor=people.member, details="未缴 Not paid.", now=at(DAY0))
    from workflow.errors import GuardFailed

    with pytest.raises(GuardFailed, match="社会保险费"):
        svc.dispute_apply_payment_order(case=case, actor=people.member, matter="wages", court=COURT, applied_on=after,
                                        now=at(after))
    other = svc.dispute_report_breach(case=walk("agreed"), actor=people.member, details="未付 Unpaid.", now=at(DAY0))
    svc.dispute_apply_payment_order(case=other, actor=people.member, matter="wages", court=COURT, applied_on=after,
                                    now=at(after))
    with pytest.raises(GuardFailed, match=str(lc.PAYMENT_ORDER_RECORDED)[:8]):
        svc.dispute_apply_payment_order(case=other, actor=people.member, matter="damages", court=COURT,
                                        applied_on=after, now=at(after))


def test_the_case_page_shows_the_review_and_the_payment_order(breached, people, client):
    after = DUE + dt.timedelta(days=1)
    svc.dispute_apply_payment_order(case=breached, actor=people.member, matter="compensation", court=COURT,
                                    applied_on=after, now=at(after))
    client.force_login(people.member)
    html = client.get(f"/disputes/{breached.pk}/").content.decode()
    assert 'id="uf-payment-order"' in html and "区人民法院" in html and "经济补偿" in html
    assert 'id="uf-review"' not in html  # no review was recorded


def _upload(case, user, name="裁定书.txt"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workflow.documents.services import document_upload

    return document_upload(process="disputes", case_id=case.pk, user=user,
                           file=SimpleUploadedFile(name, "准予确认 Confirmed.".encode()), now=at(DAY0))


@pytest.mark.parametrize(("days_after", "route", "status"), [
    (16, "arbitration", 400),  # 仲裁审查: day 16 is past the 15 days
    (16, "judicial", 200),  # 司法确认: the 15-day window of 仲裁审查 does not apply
    (-1, "judicial", 400),  # but not before the agreement took effect
])
def test_the_review_records_whether_it_went_to_the_commission_or_a_court(days_after, route, status, walk, people,
                                                                         api, clock):
    case = walk("agreed")
    clock.set(DAY0 + dt.timedelta(days=20))
    before = _snapshot(case)
    applied = DAY0 + dt.timedelta(days=days_after)
    r = _post(api, people.member, case, "record_review", {"applied_on": applied.isoformat(), "body": COURT,
                                                          "route": route})
    assert r.status_code == status, r.content
    case = Dispute.objects.get(pk=case.pk)
    if status == 400:
        expected = ser.review_window_error(DAY0, applied, route)
        assert expected and r.json()["fields"]["applied_on"] == [expected]
        assert _unchanged(case, before) and case.review_route == ""
        return
    assert (case.review_route, case.review_applied_on) == ("judicial", applied)
    assert case_events(case).last().payload["review"]["route"] == "judicial"
    assert api(people.employer).get(f"/api/v1/disputes/{case.pk}/").json()["review_route"] == "judicial"


def test_the_commissions_papers_are_attached_to_the_review_with_their_hash(walk, people, api, client):
    """The papers chosen among the case's documents are kept on the case and in the audit event by exact
    version and SHA-256; the page links them."""
    case = walk("agreed")
    paper = _upload(case, people.employer)
    r = _post(api, people.member, case, "record_review", {"applied_on": DAY0.isoformat(), "body": COMMISSION,
                                                          "outcome": "confirmed", "decided_on": DAY0.isoformat(),
                                                          "papers": [paper.pk]})
    assert r.status_code == 200, r.content
    expected = [{"id": paper.pk, "name": "裁定书.txt", "version": 1, "sha256": paper.sha256}]
    assert api(people.employer).get(f"/api/v1/disputes/{case.pk}/").json()["review_papers"] == expected
    assert case_events(case).last().payload["review"]["papers"] == expected
    assert Dispute.objects.get(pk=case.pk).review_route == "arbitration"  # the default
    client.force_login(people.member)
    html = client.get(f"/disputes/{case.pk}/").content.decode()
    assert f'href="/documents/{paper.pk}/"' in html and "裁定书.txt v1" in html


def test_a_paper_of_another_case_is_refused_and_nothing_recorded(walk, people, api, clock):
    case, other = walk("agreed"), walk("agreed")
    foreign = _upload(other, people.member)
    clock.set(DUE + dt.timedelta(days=1))
    case = svc.dispute_report_breach(case=case, actor=people.member, details="未付 Unpaid.", now=at(DAY0))
    before = _snapshot(case)
    data = {"matter": "wages", "court": COURT, "applied_on": (DUE + dt.timedelta(days=1)).isoformat(),
            "papers": [foreign.pk]}
    r = _post(api, people.member, case, "apply_payment_order", data)
    assert r.status_code == 400 and "papers" in r.json()["fields"]
    assert _unchanged(case, before) and Dispute.objects.get(pk=case.pk).payment_order_applied_on is None


def test_the_courts_papers_are_attached_to_the_payment_order(breached, people, api, clock):
    after = DUE + dt.timedelta(days=1)
    clock.set(after)
    paper = _upload(breached, people.member, name="支付令.txt")
    r = _post(api, people.member, breached, "apply_payment_order",
              {"matter": "wages", "court": COURT, "applied_on": after.isoformat(), "papers": [paper.pk]})
    assert r.status_code == 200, r.content
    expected = [{"id": paper.pk, "name": "支付令.txt", "version": 1, "sha256": paper.sha256}]
    assert Dispute.objects.get(pk=breached.pk).payment_order_papers == expected
    assert case_events(breached).last().payload["payment_order"]["papers"] == expected
