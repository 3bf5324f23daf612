"""The agreement to sign is in the inbox of everyone who must sign it, until their side has signed.

《劳动争议调解仲裁法》第十四条: the agreement is signed by both parties and the mediator. Each party with an
account (the applicant, the employer's representative) and the case's mediators find it in their inbox;
an item disappears once that side has signed the current version, and a new version asks everyone again.
"""

import datetime as dt

import pytest

from processes.disputes import services as svc
from workflow.inbox import inbox_for

from .conftest import DAY0, PASSWORD, at

pytestmark = pytest.mark.django_db

SIGN = "签署调解协议 Sign the agreement"


def _to_sign(user, case) -> list:
    return [i for i in inbox_for(user) if i["reference"] == case.reference and i["task"] == SIGN]


def _sign(case, who):
    case.refresh_from_db()
    return svc.dispute_sign_agreement(case=case, actor=who, sha256=case.agreement_document.sha256,
                                      password=PASSWORD, now=at(DAY0))


def test_both_parties_and_the_mediator_find_the_agreement_to_sign_in_their_inbox(walk, people):
    case = walk("agreement_drafted")
    for who in (people.member, people.employer, people.mediator1):
        [item] = _to_sign(who, case)
        assert item["due_at"] is not None  # within the mediation period
    assert _to_sign(people.member2, case) == [] and _to_sign(people.chair, case) == []


def test_an_item_disappears_once_its_side_has_signed_and_the_others_stay(walk, people):
    case = walk("agreement_drafted")
    _sign(case, people.member)
    assert _to_sign(people.member, case) == []
    assert len(_to_sign(people.employer, case)) == 1 and len(_to_sign(people.mediator1, case)) == 1
    _sign(case, people.employer)
    assert _to_sign(people.employer, case) == [] and len(_to_sign(people.mediator1, case)) == 1
    case = _sign(case, people.mediator1)
    assert case.state == "agreed"
    assert all(_to_sign(who, case) == [] for who in (people.member, people.employer, people.mediator1))


def test_a_new_version_asks_everyone_again(walk, people):
    case = walk("agreement_drafted")
    _sign(case, people.member)
    svc.dispute_draft_agreement(case=case, actor=people.mediator1, terms="改为分两期支付 Two instalments.",
                                performance_due=DAY0 + dt.timedelta(days=40), now=at(DAY0))
    assert len(_to_sign(people.member, case)) == 1


def test_the_applicant_is_told_of_the_draft_by_the_item_not_a_second_notification(walk, people):
    """The creator is asked to sign (an announced inbox item): no generic "decision" notification too."""
    from workflow.notifications.models import Notification

    case = walk("mediating")
    before = Notification.objects.filter(user=people.member, case_id=case.pk, kind="decision").count()
    svc.dispute_draft_agreement(case=case, actor=people.mediator1, terms="补发 Pay.",
                                performance_due=DAY0 + dt.timedelta(days=30), now=at(DAY0))
    assert Notification.objects.filter(user=people.member, case_id=case.pk, kind="decision").count() == before
    assert len(_to_sign(people.member, case)) == 1
