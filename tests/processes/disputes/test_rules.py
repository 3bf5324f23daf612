"""The statutory boundaries of mediation, as the parties notice them.

《企业劳动争议协商调解规定》: acceptance within 3 working days; mediation ends 15 days after acceptance,
extended only with both parties' consent, else it has failed. 《劳动争议调解仲裁法》第七条 (10 or more
workers), 第十二条 (oral application), 第十四条 (15 days from receipt), 第二十七条 (limitation).
"""

import datetime as dt

import pytest

from processes.disputes import lifecycle as lc
from processes.disputes import services as svc
from processes.disputes.models import Dispute
from processes.disputes.serializers import REPRESENTATIVES_REQUIRED
from workflow.audit import case_events
from workflow.deadlines import open_deadline, timers
from workflow.deadlines.extension_requests import deadline_extension_consent, deadline_extension_request
from workflow.deadlines.extensions import deadline_extend
from workflow.errors import ActionForbidden, GuardFailed, InvalidInput
from workflow.models import CaseDeadline
from workflow.notifications.models import Notification
from workflow.roles import Role

from .conftest import DAY0, apply, at

THURSDAY = dt.date(2026, 3, 5)


def consented(people, orgs, on):
    case = apply(people, orgs, on=on)
    return svc.dispute_consent_to_mediation(case=case, actor=people.employer, now=at(on))


# Acceptance: 3 working days across a weekend ------------------------------------------------------
def test_acceptance_is_due_on_the_third_working_day_across_the_weekend(people, orgs):
    """Received on a Thursday: Friday, Monday, Tuesday — due Tuesday 10 March."""
    case = consented(people, orgs, THURSDAY)
    assert open_deadline(case, "dispute.acceptance").due_on == dt.date(2026, 3, 10)


@pytest.mark.parametrize(("day", "on_time"), [(dt.date(2026, 3, 10), True), (dt.date(2026, 3, 11), False)])
def test_acceptance_on_working_day_3_is_in_time_and_on_day_4_late(day, on_time, people, orgs):
    """Accepted on working day 3 it is in time; on day 4 it is still accepted, recorded as late."""
    case = consented(people, orgs, THURSDAY)
    case = svc.dispute_accept(case=case, actor=people.mediator1, now=at(day))
    assert case.state == "accepted" and case.accepted_on_time is on_time
    assert list(case_events(case))[-1].payload["on_time"] is on_time


def test_an_undecided_application_is_flagged_overdue_on_working_day_4_not_3(people, orgs):
    case = consented(people, orgs, THURSDAY)
    timers.sweep(now=at(dt.date(2026, 3, 10), 23))
    assert open_deadline(case, "dispute.acceptance") is not None
    timers.sweep(now=at(dt.date(2026, 3, 11), 0))
    row = CaseDeadline.objects.get(case_id=case.pk, rule_id="dispute.acceptance")
    assert row.status == CaseDeadline.Status.EXPIRED
    assert Dispute.objects.get(pk=case.pk).state == "applied"  # flagged, not refused


def test_acceptance_needs_the_respondents_consent(people, orgs):
    case = apply(people, orgs)
    with pytest.raises(GuardFailed) as exc:
        svc.dispute_accept(case=case, actor=people.mediator1, now=at(DAY0))
    assert exc.value.detail == str(lc.NO_CONSENT)
    assert Dispute.objects.get(pk=case.pk).state == "applied"


# The 15-day mediation period: day 15 vs day 16 --------------------------------------------------
def test_both_dates_are_stored_receipt_plus_15_and_acceptance_plus_15(people, orgs):
    """Received 2 March, accepted 4 March: arbitration open from 17 March (Art.14), mediation ends 19 March."""
    case = consented(people, orgs, DAY0)
    case = svc.dispute_accept(case=case, actor=people.mediator1, now=at(DAY0 + dt.timedelta(days=2)))
    assert case.arbitration_open_on == dt.date(2026, 3, 17)
    assert case.mediation_ends_on == dt.date(2026, 3, 19)


def test_on_day_15_mediation_goes_on_and_on_day_16_it_has_failed_with_the_notice(
    people, orgs, walk, django_capture_on_commit_callbacks
):
    case = walk("mediating")  # accepted on Monday 2 March: day 15 is Tuesday 17 March
    day15, day16 = dt.date(2026, 3, 17), dt.date(2026, 3, 18)
    assert case.mediation_ends_on == day15
    svc.dispute_record_session(case=case, actor=people.mediator1, attendance="双方 Both.", minutes="第二次 Second.",
                               now=at(day15, 16))
    timers.sweep(now=at(day15, 23))
    assert Dispute.objects.get(pk=case.pk).state == "mediating"

    with pytest.raises(GuardFailed) as exc:  # before the sweep has run on day 16
        svc.dispute_record_session(case=case, actor=people.mediator1, attendance="双方 Both.", minutes="Too late.",
                                   now=at(day16, 9))
    assert exc.value.detail == str(lc.PERIOD_OVER % {"day": "2026-03-17"})

    with django_capture_on_commit_callbacks(execute=True):
        timers.sweep(now=at(day16, 0))
    case = Dispute.objects.get(pk=case.pk)
    assert case.state == "failed" and case.failed_on == day16
    assert "2027-03-18" in case.notice and "第十四条" in case.notice and "第二十七条" in case.notice
    assert case.limitation_ends_on == dt.date(2027, 3, 18)
    last = list(case_events(case))[-1]
    assert last.action == "expire" and last.actor_role == "system"
    told = set(Notification.objects.filter(case_id=case.pk, kind="decision", title__contains="书面告知")
               .values_list("user__username", flat=True))
    assert told == {"member1", "employer1"}


# Extension: only with the recorded consent of both parties -----------------------------------------
def test_an_extension_with_one_consent_is_refused_and_with_both_applied(people, walk):
    case = walk("mediating")
    with pytest.raises(GuardFailed) as exc:  # nobody extends it on their own, not even the chair
        deadline_extend(process="disputes", case_id=case.pk, rule_id="dispute.mediation", user=people.chair,
                        days=10, reason="需要更多时间 More time.")
    assert exc.value.code == "consent_required"
    with pytest.raises(ActionForbidden):  # a mediator is no party
        deadline_extension_request(process="disputes", case_id=case.pk, rule_id="dispute.mediation",
                                   user=people.mediator1, days=10, reason="More time.")
    req = deadline_extension_request(process="disputes", case_id=case.pk, rule_id="dispute.mediation",
                                     user=people.member, days=10, reason="等待工资台账 Waiting for the payroll.")
    assert open_deadline(case, "dispute.mediation").due_on == dt.date(2026, 3, 17)  # one consent: unchanged
    deadline_extension_consent(request_id=req.pk, user=people.employer)
    assert open_deadline(case, "dispute.mediation").due_on == dt.date(2026, 3, 27)
    event = [e for e in case_events(case) if e.action == "deadline_extend"][-1]
    assert {c["user"] for c in event.payload["consents"]} == {"member1", "employer1"}
    # The sweep on day 16 no longer fails it; the guard reads the extended date.
    timers.sweep(now=at(dt.date(2026, 3, 18), 1))
    assert Dispute.objects.get(pk=case.pk).state == "mediating"


def test_the_case_shows_the_extended_end_of_mediation_once_both_parties_consented(people, walk, api, client):
    """The displayed end (`mediation_ends_on`, page and API) moves with the deadline, and only
    when the second party consents: 17 March with one consent, 27 March with both."""
    case = walk("mediating")
    req = deadline_extension_request(process="disputes", case_id=case.pk, rule_id="dispute.mediation",
                                     user=people.member, days=10, reason="等待工资台账 Waiting for the payroll.")
    assert api(people.member).get(f"/api/v1/disputes/{case.pk}/").json()["mediation_ends_on"] == "2026-03-17"
    deadline_extension_consent(request_id=req.pk, user=people.employer)
    assert Dispute.objects.get(pk=case.pk).mediation_ends_on == dt.date(2026, 3, 27)
    assert api(people.employer).get(f"/api/v1/disputes/{case.pk}/").json()["mediation_ends_on"] == "2026-03-27"
    client.force_login(people.member)
    page = client.get(f"/disputes/{case.pk}/").content.decode()
    assert '<dd id="uf-mediation-ends">2026-03-27</dd>' in page


# Mediators: never a party; recusal decided by the chair ---------------------------------------------
def test_a_mediator_who_is_a_party_is_refused(people, orgs, make_user):
    worker_mediator = make_user("wm", Role.MEMBER, Role.MEDIATOR, org=orgs.acme)
    case = apply(people, orgs, actor=worker_mediator)
    svc.dispute_consent_to_mediation(case=case, actor=people.employer, now=at(DAY0))
    svc.dispute_accept(case=case, actor=people.mediator1, now=at(DAY0))
    with pytest.raises(GuardFailed) as exc:
        svc.dispute_assign_mediators(case=case, actor=people.chair, mediators=[worker_mediator], now=at(DAY0))
    assert exc.value.detail == str(lc.MEDIATOR_IS_PARTY % {"names": "wm"})
    assert Dispute.objects.get(pk=case.pk).state == "accepted" and not case.mediators.exists()


def test_a_recused_mediator_can_no_longer_act(people, walk):
    case = walk("mediating")
    svc.dispute_request_recusal(case=case, actor=people.employer, mediator=people.mediator1,
                                grounds="曾为申请人代理 Acted for the applicant.", now=at(DAY0))
    with pytest.raises(ActionForbidden):  # only the chair decides
        svc.dispute_decide_recusal(case=case, actor=people.mediator2, granted=True, reason="x y", now=at(DAY0))
    svc.dispute_decide_recusal(case=case, actor=people.chair, granted=True, reason="理由成立 Well founded.",
                               now=at(DAY0))
    with pytest.raises(ActionForbidden):
        svc.dispute_record_session(case=case, actor=people.mediator1, attendance="双方 Both.", minutes="笔录 Minutes.",
                                   now=at(DAY0))
    with pytest.raises(GuardFailed) as exc:  # and is not assigned again
        svc.dispute_assign_mediators(case=case, actor=people.chair, mediators=[people.mediator1], now=at(DAY0))
    assert exc.value.detail == str(lc.MEDIATOR_RECUSED % {"names": "mediator1"})
    event = [e for e in case_events(case) if e.action == "decide_recusal"][-1]
    assert event.payload["recusal"] == {"mediator": "mediator1", "granted": True}


def test_a_refused_recusal_leaves_the_mediator_in_place(people, walk):
    case = walk("mediating")
    svc.dispute_request_recusal(case=case, actor=people.member, mediator=people.mediator1, grounds="不信任 Distrust.",
                                now=at(DAY0))
    svc.dispute_decide_recusal(case=case, actor=people.chair, granted=False, reason="无法定事由 No ground.",
                               now=at(DAY0))
    svc.dispute_record_session(case=case, actor=people.mediator1, attendance="双方 Both.", minutes="Goes on.", now=at(DAY0))
    assert case.sessions.count() == 1


def test_an_undeclared_mediator_first_declares_no_conflict(people, walk):
    case = walk("accepted")
    svc.dispute_assign_mediators(case=case, actor=people.chair, mediators=[people.mediator1], now=at(DAY0))
    with pytest.raises(GuardFailed) as exc:
        svc.dispute_record_session(case=case, actor=people.mediator1, attendance="双方 Both.", minutes="笔录 Minutes.",
                                   now=at(DAY0))
    assert exc.value.detail == str(lc.NOT_DECLARED)


# Group disputes: 9 vs 10 workers --------------------------------------------------------------------
def _workers(n):
    return ["赵磊"] + [f"工人{i}" for i in range(2, n + 1)]


def test_nine_workers_are_not_a_group_and_ten_are(people, orgs):
    nine = apply(people, orgs, workers=_workers(9))
    ten = apply(people, orgs, workers=_workers(10), representatives=["赵磊", "工人2", "工人3"])
    assert nine.group is False and ten.group is True
    assert ten.workers.count() == 10 and ten.workers.filter(representative=True).count() == 3
    assert ten.workers.get(position=1).user == people.member


@pytest.mark.parametrize("reps", [[], ["赵磊", "工人2"], ["赵磊", "工人2", "工人3", "工人4", "工人5", "工人6"]])
def test_a_group_names_three_to_five_representatives(reps, people, orgs):
    with pytest.raises(InvalidInput) as exc:
        apply(people, orgs, workers=_workers(10), representatives=reps)
    assert "representatives" in exc.value.fields
    assert str(REPRESENTATIVES_REQUIRED % {"low": 3, "high": 5}) in str(exc.value.fields) or len(reps) > 5
    assert not Dispute.objects.exists()


# Oral application and limitation ------------------------------------------------------------------
def test_an_oral_application_is_accepted_only_once_the_applicant_confirmed_the_record(people, orgs):
    case = apply(people, orgs, actor=people.mediator1, oral=True, applicant=people.member)
    assert case.created_by == people.mediator1 and case.applicant == people.member
    svc.dispute_consent_to_mediation(case=case, actor=people.employer, now=at(DAY0))
    with pytest.raises(GuardFailed) as exc:
        svc.dispute_accept(case=case, actor=people.mediator2, now=at(DAY0))
    assert exc.value.detail == str(lc.NOT_CONFIRMED)
    svc.dispute_confirm_application(case=case, actor=people.member, now=at(DAY0))
    assert svc.dispute_accept(case=case, actor=people.mediator2, now=at(DAY0)).state == "accepted"


def test_only_a_mediator_records_someone_elses_application(people, orgs):
    with pytest.raises(ActionForbidden):
        apply(people, orgs, actor=people.member2, oral=True, applicant=people.member)


@pytest.mark.parametrize(("arose", "category", "flag"), [
    (dt.date(2025, 3, 2), "pay", False), (dt.date(2025, 3, 1), "pay", True), (dt.date(2024, 1, 1), "arrears", False),
])
def test_a_limitation_that_looks_expired_is_flagged_not_refused(arose, category, flag, people, orgs):
    case = apply(people, orgs, arose_on=arose, category=category)
    assert case.state == "applied" and case.limitation_flag is flag


def test_fifteen_days_after_receipt_both_parties_are_told_they_may_go_to_arbitration(
    people, orgs, walk, django_capture_on_commit_callbacks
):
    """Received 2 March, accepted 4 March: on 17 March (day 15 after receipt) nothing yet; after it the
    parties are told (第十四条) while mediation goes on until 19 March."""
    case = consented(people, orgs, DAY0)
    case = svc.dispute_accept(case=case, actor=people.mediator1, now=at(DAY0 + dt.timedelta(days=2)))
    with django_capture_on_commit_callbacks(execute=True):
        timers.sweep(now=at(dt.date(2026, 3, 17), 23))
    assert not [e for e in case_events(case) if e.action == "arbitration_open"]
    with django_capture_on_commit_callbacks(execute=True):
        timers.sweep(now=at(dt.date(2026, 3, 18), 0))
    case = Dispute.objects.get(pk=case.pk)
    assert case.state == "accepted"
    event = list(case_events(case))[-1]
    assert event.action == "arbitration_open" and "第十四条" in event.payload["notice"]
    told = set(Notification.objects.filter(case_id=case.pk, title__contains="书面告知")
               .values_list("user__username", flat=True))
    assert told == {"member1", "employer1"}
