"""Every contract transition stays within the statement budget of a transition (at most 30).

Counted as in ``tests/workflow/test_query_counts.py``: the call and what runs after its commit,
with a freshly loaded user (as a request has) and the content types already cached.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from processes.contracts import services as svc
from processes.contracts.models import Contract
from workflow.documents.models import Document
from workflow.notifications.tasks import send_notification_emails
from workflow.services import perform_transition

from .conftest import DAY0, EMPLOYER, UNION, at, team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("announcements_queued")]

#: The budget of one transition (tests/workflow/test_query_counts.py, STYLE.md "Performance facts").
BUDGET = 30


@pytest.fixture(autouse=True)
def cached(db, monkeypatch):
    for model in (Contract, Document):
        ContentType.objects.get_for_model(model)
    monkeypatch.setattr(send_notification_emails, "delay", lambda ids: None)


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def count(django_capture_on_commit_callbacks, call) -> int:
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        call()
    return len(queries)


def _cases(people, upload):
    """name → (state walked to, prepare(case) → what the call needs, call(case, prepared))."""
    d16 = DAY0 + dt.timedelta(days=16)
    chair, employer = (lambda c: fresh(people.chair)), (lambda c: fresh(people.employer1))
    return {
        "set_teams": ("preparing", chair, lambda c, u: svc.contract_set_teams(
            case=c, actor=u, union_team=team(*UNION), employer_team=team(*EMPLOYER),
            union_chief="chair", employer_chief="employer1")),
        "send_offer": ("teams", chair, lambda c, u: svc.contract_send_offer(
            case=c, actor=u, topics="工资 Wages", delivered_on=DAY0)),
        "lapse_offer": ("offer_sent", chair, lambda c, u: svc.contract_lapse_offer(
            case=c, now=at(DAY0 + dt.timedelta(days=30)))),
        "record_reply": ("offer_sent", employer, lambda c, u: svc.contract_record_reply(
            case=c, actor=u, received_on=DAY0)),
        "record_round": ("negotiating", chair, lambda c, u: svc.contract_record_round(
            case=c, actor=u, minutes="记录 Minutes")),
        "sign_minutes": ("round", employer, lambda c, u: svc.contract_sign_minutes(case=c, actor=u)),
        "suspend": ("negotiating", lambda c: (svc.contract_suspend(
            case=c, actor=people.employer1, resume_on=DAY0 + dt.timedelta(days=7)), fresh(people.chair))[1],
            lambda c, u: svc.contract_suspend(case=c, actor=u, resume_on=DAY0 + dt.timedelta(days=7))),
        "resume": ("negotiating", lambda c: (
            [svc.contract_suspend(case=c, actor=u, resume_on=DAY0 + dt.timedelta(days=7))
             for u in (people.employer1, people.chair)], svc.contract_resume(case=c, actor=people.employer1),
            fresh(people.chair))[-1], lambda c, u: svc.contract_resume(case=c, actor=u)),
        "end_coordination": ("negotiating", lambda c: (
            svc.contract_request_coordination(case=c, actor=people.chair, reason="工资增幅分歧 Wage rise in dispute"),
            svc.contract_end_coordination(case=c, actor=people.employer1, result="增幅5% Agreed on 5%"),
            fresh(people.chair))[-1], lambda c, u: svc.contract_end_coordination(case=c, actor=u, result="")),
        "request_coordination": ("negotiating", chair, lambda c, u: svc.contract_request_coordination(
            case=c, actor=u, reason="工资增幅分歧 Wage rise in dispute")),
        "agree_draft": ("round", lambda c: (svc.contract_sign_minutes(case=c, actor=people.employer1),
                                            fresh(people.chair), upload(c, people.chair))[1:],
                        lambda c, p: svc.contract_agree_draft(case=c, actor=p[0], document=p[1])),
        "submit_to_congress": ("draft_agreed", chair, lambda c, u: svc.contract_submit_to_congress(
            case=c, actor=u, method="paper")),
        "sign": ("passed", chair, lambda c, u: svc.contract_sign(case=c, actor=u)),
        "file": ("signed", employer, lambda c, u: svc.contract_file(case=c, actor=u, filed_on=DAY0)),
        "object": ("filed", employer, lambda c, u: svc.contract_object(case=c, actor=u, items=["第五条"])),
        "take_effect": ("filed", chair, lambda c, u: svc.contract_take_effect(case=c, now=at(d16))),
        "publish": ("effective", chair, lambda c, u: svc.contract_publish(
            case=c, actor=u, channel="notice_board", published_on=d16, now=at(d16))),
        "terminate": ("in_force", chair, lambda c, u: svc.contract_terminate(
            case=c, actor=u, grounds="merger", now=at(d16))),
        "vary": ("in_force", lambda c: _first_variation(c, people, upload(c, people.chair, "变更 v2"), d16),
                 lambda c, p: svc.contract_vary(case=c, actor=p[0], grounds="agreed", document=p[1], now=at(d16))),
    }


def _first_variation(case, people, varied, day):
    """The employer's chief proposes the varied text; the pinned call is the chair's confirmation (→ draft_agreed)."""
    svc.contract_vary(case=case, actor=people.employer1, grounds="agreed", document=varied, now=at(day))
    return fresh(people.chair), varied


NAMES = [
    "set_teams", "send_offer", "lapse_offer", "record_reply", "record_round", "sign_minutes", "suspend",
    "resume", "request_coordination", "end_coordination",
    "agree_draft", "submit_to_congress", "sign", "file", "object", "take_effect", "publish",
    "terminate", "vary",
]


@pytest.mark.parametrize("name", NAMES)
def test_each_transition_stays_within_30_statements(name, walk, people, upload, django_capture_on_commit_callbacks):
    state, prepare, call = _cases(people, upload)[name]
    case = walk(state)
    prepared = prepare(case)
    n = count(django_capture_on_commit_callbacks, lambda: call(case, prepared))
    print(f"{name}: {n}")
    assert n <= BUDGET, f"{name}: {n} statements"


def test_the_second_signature_and_the_system_steps_stay_within_budget(
    walk, people, django_capture_on_commit_callbacks
):
    """The second chief's signature starts the filing clock; the renewal window and expiry are system steps."""
    case = walk("passed")
    svc.contract_sign(case=case, actor=people.chair)
    employer = fresh(people.employer1)
    n = count(django_capture_on_commit_callbacks, lambda: svc.contract_sign(case=case, actor=employer))
    assert Contract.objects.get(pk=case.pk).state == "signed" and n <= BUDGET, n
    case = walk("in_force")
    for name, day in (("open_renewal", dt.date(2026, 12, 18)), ("expire", dt.date(2027, 3, 18))):
        n = count(django_capture_on_commit_callbacks, lambda name=name, day=day: perform_transition(
            process="contracts", case_id=case.pk, name=name, user=None, system=True, now=at(day)))
        assert Contract.objects.get(pk=case.pk).state in ("renewal_window", "expired") and n <= BUDGET, (name, n)


def test_closing_the_congress_vote_moves_the_case_within_budget(walk, people, django_capture_on_commit_callbacks):
    """The vote service's close (tally read, arithmetic, its event) plus the pass transition it performs."""
    case = walk("congress_vote")
    from workflow.votes.models import Vote
    from workflow.votes.services import vote_close, vote_record_tally

    vote = Vote.objects.get(pk=case.vote_id)
    vote_record_tally(vote=vote, user=people.committee, present=6, yes=6, no=0, abstain=0, invalid=0)
    committee = fresh(people.committee)
    n = count(django_capture_on_commit_callbacks, lambda: vote_close(vote=vote, user=committee))
    assert Contract.objects.get(pk=case.pk).state == "passed"
    assert n <= BUDGET + 10, n  # the close's own reads and event, then one transition



def test_expiry_lapsing_a_variation_under_vote_stays_within_budget(walk, people, upload, clock, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    """Expiry with a variation's vote open: the vote closed as cancelled in the same transaction; the notice to both
    chiefs is queued for a worker (as the new-work announcement is), so the count is the caller's path."""
    from processes.contracts import tasks

    queued: list = []
    monkeypatch.setattr(tasks.notify_variation_lapsed, "delay", lambda *args: queued.append(args))
    case = walk("in_force")
    clock.set(DAY0 + dt.timedelta(days=40))
    varied = upload(case, people.chair, "变更 v2", previous=case.passed_document)
    for who in (people.employer1, people.chair):
        svc.contract_vary(case=case, actor=who, grounds="agreed", document=varied)
    svc.contract_submit_to_congress(case=case, actor=people.chair, method="paper")
    n = count(django_capture_on_commit_callbacks, lambda: perform_transition(
        process="contracts", case_id=case.pk, name="expire", user=None, system=True, now=at(dt.date(2027, 3, 18))))
    print(f"expire (variation lapsed): {n}")
    assert Contract.objects.get(pk=case.pk).state == "expired" and queued == [(case.pk,)] and n <= BUDGET, n
