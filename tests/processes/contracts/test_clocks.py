"""The statutory clocks, fired by the engine's sweep, at their boundaries (day N vs N+1)."""

import datetime as dt

import pytest

from processes.contracts import services as svc
from processes.contracts.models import Contract
from workflow.audit import case_events
from workflow.deadlines.timers import sweep
from workflow.models import CaseDeadline
from workflow.notifications.models import Notification

from .conftest import at

pytestmark = pytest.mark.django_db
D = dt.timedelta


def state(case):
    return Contract.objects.get(pk=case.pk).state


def deadline(case, rule_id):
    return CaseDeadline.objects.filter(case_id=case.pk, rule_id=rule_id).order_by("-pk").first()


# 第三十二条: the written reply within 20 days of receipt -------------------------------------
def test_no_reply_by_day_20_leaves_the_offer_open_and_day_21_lapses_it(walk):
    case = walk("offer_sent")  # delivered Monday 2 March: day 20 is Sunday 22 March → rolled to Monday 23 March
    assert case.reply_due_on == dt.date(2026, 3, 23)
    sweep(now=at(dt.date(2026, 3, 23), hour=23))
    assert state(case) == "offer_sent"
    counts = sweep(now=at(dt.date(2026, 3, 24), hour=0))
    assert counts["transitions"] == 1 and state(case) == "no_reply"
    event = case_events(case).last()
    assert (event.action, event.actor_role, event.channel) == ("lapse_offer", "system", "task")


def test_a_reply_on_the_last_day_is_on_time(walk, people, clock):
    case = walk("offer_sent", on=dt.date(2026, 3, 4))  # day 20 = Tuesday 24 March
    assert case.reply_due_on == dt.date(2026, 3, 24)
    clock.set(dt.date(2026, 3, 24))
    case = svc.contract_record_reply(case=case, actor=people.employer1, received_on=dt.date(2026, 3, 24))
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "negotiating" and not case.reply_late
    assert deadline(case, "contract.offer_reply").status == "met"
    assert case_events(case).last().payload["on_time"] is True


def test_after_no_reply_the_union_escalates_and_a_late_reply_is_still_recorded(walk, people, clock, api):
    case = walk("offer_sent", on=dt.date(2026, 3, 4))
    sweep(now=at(dt.date(2026, 3, 25)))
    assert state(case) == "no_reply"
    clock.set(dt.date(2026, 3, 26))
    r = api(people.employer1).post(f"/api/v1/contracts/{case.pk}/transitions/escalate/", {"to": "labour_admin"},
                                   format="json")
    assert r.status_code == 403  # only the union's chief escalates
    r = api(people.chair).post(f"/api/v1/contracts/{case.pk}/transitions/escalate/", {"to": "labour_admin"},
                               format="json")
    assert r.status_code == 200 and r.json()["state"] == "no_reply"
    assert case_events(case).last().action == "escalate"
    r = api(people.chair).post(f"/api/v1/contracts/{case.pk}/transitions/record_reply/",
                               {"received_on": "2026-03-26"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "negotiating"
    assert Contract.objects.get(pk=case.pk).reply_late is True


def test_the_reply_clock_crosses_the_year_boundary(walk):
    case = walk("offer_sent", on=dt.date(2026, 12, 21))  # day 20 = Sunday 10 January 2027 → Monday 11 January
    row = deadline(case, "contract.offer_reply")
    assert row.due_on == case.reply_due_on == dt.date(2027, 1, 11)
    sweep(now=at(dt.date(2027, 1, 11), hour=23))
    assert state(case) == "offer_sent"
    sweep(now=at(dt.date(2027, 1, 12), hour=0))
    assert state(case) == "no_reply"


# 第四十二条: filing within 10 days of the signatures -----------------------------------------------
def test_filing_reminders_then_overdue_on_day_11_and_a_late_filing_is_marked(walk, people, clock):
    case = walk("signed", on=dt.date(2026, 3, 4))  # signed Wednesday 4 March; day 10 = Saturday 14 → Monday 16 March
    assert case.signed_on == dt.date(2026, 3, 4) and case.filing_due_on == dt.date(2026, 3, 16)
    sweep(now=at(dt.date(2026, 3, 13)))  # T−3
    sweep(now=at(dt.date(2026, 3, 15)))  # T−1
    # 第四十二条: the employer files, so its chief is reminded.
    assert Notification.objects.filter(user=people.employer1, kind="deadline_approaching").count() == 2
    sweep(now=at(dt.date(2026, 3, 16), hour=23))
    assert deadline(case, "contract.filing").status == "open"
    sweep(now=at(dt.date(2026, 3, 17), hour=0))
    assert deadline(case, "contract.filing").status == "expired"
    assert Notification.objects.filter(user=people.employer1, kind="deadline_expired").exists()
    assert state(case) == "signed"  # overdue is flagged; the employer can still file
    clock.set(dt.date(2026, 3, 17))
    case = svc.contract_file(case=case, actor=people.employer1, filed_on=dt.date(2026, 3, 17))
    assert Contract.objects.get(pk=case.pk).filed_late is True


def test_filing_on_day_10_is_on_time(walk, people, clock):
    case = walk("signed", on=dt.date(2026, 3, 4))
    clock.set(dt.date(2026, 3, 16))
    svc.contract_file(case=case, actor=people.employer1, filed_on=dt.date(2026, 3, 16))
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "filed" and not case.filed_late
    assert deadline(case, "contract.filing").status == "met"


# 第四十五条、第四十七条: 15 days of review; no objection → effective ---------------------------------
def test_review_day_15_still_filed_day_16_effective(walk):
    case = walk("filed", on=dt.date(2026, 3, 4))  # filed 4 March: day 15 = Thursday 19 March
    assert case.review_due_on == dt.date(2026, 3, 19)
    sweep(now=at(dt.date(2026, 3, 19), hour=23))
    assert state(case) == "filed"
    sweep(now=at(dt.date(2026, 3, 20), hour=0))
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "effective" and case.effective_on == dt.date(2026, 3, 20)
    assert case.expires_on == dt.date(2027, 3, 19)  # term_years=1 (第三十八条: 1–3 years)
    assert case.renewal_opens_on == dt.date(2026, 12, 20)


def test_an_objection_on_day_15_is_taken_and_on_day_16_refused(walk, people, clock, api):
    case = walk("filed", on=dt.date(2026, 3, 4))
    other = walk("filed", on=dt.date(2026, 3, 4))
    clock.set(dt.date(2026, 3, 19))
    r = api(people.employer1).post(f"/api/v1/contracts/{case.pk}/transitions/object/",
                                   {"items": ["第五条工资增幅低于最低工资调整 Art. 5 below the minimum wage rise"]},
                                   format="json")
    assert r.status_code == 200 and r.json()["state"] == "objected"
    clock.set(dt.date(2026, 3, 20))
    r = api(people.employer1).post(f"/api/v1/contracts/{other.pk}/transitions/object/", {"items": ["第五条"]},
                                   format="json")
    assert r.status_code == 409 and "第四十五条" in r.json()["detail"]
    assert state(other) == "filed"
    # The objected contract goes back to negotiation; the signatures of the old text no longer count.
    svc.contract_renegotiate(case=case, actor=people.chair)
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "negotiating" and case.union_signed_at is None and case.objection_items


# 第三十八条: the term, the renewal window 3 months before expiry, and the renewal ------------------------
def test_the_renewal_window_opens_3_months_before_expiry_and_the_union_team_is_told(
    walk, people, django_capture_on_commit_callbacks
):
    case = walk("in_force")  # effective 18 March 2026, expires 17 March 2027, window from 18 December 2026
    assert case.renewal_opens_on == dt.date(2026, 12, 18)
    sweep(now=at(dt.date(2026, 12, 17), hour=23))
    assert state(case) == "in_force"
    with django_capture_on_commit_callbacks(execute=True):
        sweep(now=at(dt.date(2026, 12, 18), hour=0))
    assert state(case) == "renewal_window"
    told = set(Notification.objects.filter(case_id=case.pk, title__contains="续订").values_list("user__username",
                                                                                                   flat=True))
    assert told == {"chair", "rep1", "rep2"}


def test_at_expiry_the_contract_expires(walk):
    case = walk("in_force")
    sweep(now=at(dt.date(2026, 12, 18), hour=1))
    sweep(now=at(dt.date(2027, 3, 17), hour=23))
    assert state(case) == "renewal_window"
    sweep(now=at(dt.date(2027, 3, 18), hour=0))
    assert state(case) == "expired"


def test_a_renewal_starts_from_the_old_case_with_its_teams_and_text_once(walk, people, clock, api):
    case = walk("in_force")
    r = api(people.chair).post("/api/v1/contracts/", {"organisation": "acme", "kind": "wage",
                                                       "renewal_of": case.reference}, format="json")
    assert r.status_code == 409 and "第三十八条" in r.json()["detail"]  # not yet in the window
    sweep(now=at(dt.date(2026, 12, 18), hour=1))
    clock.set(dt.date(2026, 12, 21))
    r = api(people.chair).post("/api/v1/contracts/", {"organisation": "acme", "kind": "wage",
                                                       "renewal_of": case.reference}, format="json")
    assert r.status_code == 201, r.json()
    new = Contract.objects.get(pk=r.json()["id"])
    old = Contract.objects.get(pk=case.pk)
    assert new.renewed_from == old and new.state == "preparing"
    assert (new.union_chief, new.employer_chief) == (old.union_chief, old.employer_chief)
    assert sorted(new.representatives.values_list("name", flat=True)) == sorted(
        old.representatives.values_list("name", flat=True))
    assert new.draft.sha256 == old.passed_sha256 and new.draft.case_id == new.pk
    assert [e.action for e in case_events(new)] == ["create"]
    r = api(people.chair).post("/api/v1/contracts/", {"organisation": "acme", "kind": "wage",
                                                       "renewal_of": case.reference}, format="json")
    assert r.status_code == 409 and new.reference in r.json()["detail"]
    assert Contract.objects.filter(renewed_from=old).count() == 1


def test_the_filing_clock_across_new_year_counts_on_the_statute_when_the_notice_is_missing(walk):
    """Signed 28 December 2026: day 10 is Thursday 7 January 2027; without the 2027 notice the deadline is
    counted on the statutory holidays and shown as provisional."""
    from workflow.calendar.models import CalendarYear

    case = walk("signed", on=dt.date(2026, 12, 28))
    row = deadline(case, "contract.filing")
    assert row.due_on == case.filing_due_on == dt.date(2027, 1, 7)
    assert row.provisional == (not CalendarYear.objects.filter(year=2027).exists())
    sweep(now=at(dt.date(2027, 1, 7), hour=23))
    assert deadline(case, "contract.filing").status == "open"
    sweep(now=at(dt.date(2027, 1, 8), hour=0))
    assert deadline(case, "contract.filing").status == "expired"
