"""Every transition of the dispute process held to a statement budget.

Counted as tests/workflow/test_query_counts.py counts: the call with its after-commit callbacks
(the notifications), a user freshly loaded before the call as a request does, the content types
already cached, the e-mail task only queued. ``BUDGET`` is the engine's 30; ``OVER_BUDGET`` pins
the transitions that still need more (known, listed in docs/disputes.md) so they cannot grow.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from processes.disputes import services as svc
from processes.disputes.models import Dispute
from workflow.documents.models import Document

from .conftest import CLAIMS, DAY0, PASSWORD, apply, at

BUDGET = 30
#: Transitions still allowed more than ``BUDGET`` (none: every step of a dispute fits in 30).
OVER_BUDGET: dict[str, int] = {}
MEASURED: dict[str, int] = {}


pytestmark = pytest.mark.usefixtures("announcements_queued")


@pytest.fixture(autouse=True)
def warm(db):
    ContentType.objects.get_for_model(Dispute)
    ContentType.objects.get_for_model(Document)


@pytest.fixture(autouse=True)
def queued_emails(monkeypatch):
    from workflow.notifications.tasks import send_notification_emails

    monkeypatch.setattr(send_notification_emails, "delay", lambda ids: None)


def counted(name, fn, capture, actor=None, **kw):
    """Run ``fn(actor=<fresh actor>, **kw)`` and hold it to its budget."""
    if actor is not None:
        kw["actor"] = get_user_model().objects.get(pk=actor.pk)
    with CaptureQueriesContext(connection) as queries, capture(execute=True):
        result = fn(**kw)
    n = len(queries)
    MEASURED[name] = max(n, MEASURED.get(name, 0))
    limit = OVER_BUDGET.get(name, BUDGET)
    assert n <= limit, (name, n, [q["sql"][:100] for q in queries.captured_queries])
    return result


def _paper(case, user):
    """A paper of the commission or the court, uploaded to the case (counted apart from the step)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workflow.documents.services import document_upload

    return document_upload(process="disputes", case_id=case.pk, user=user,
                           file=SimpleUploadedFile("文书.txt", "裁定书 Ruling".encode()), now=at(DAY0))


def test_every_step_of_the_happy_path_within_budget(people, orgs, django_capture_on_commit_callbacks):
    """apply … close: each call within its budget, including its notifications."""
    p, c, now = people, django_capture_on_commit_callbacks, at(DAY0)
    case = counted("create", svc.dispute_apply, c, p.member, organisation=orgs.acme, category="pay", claims=CLAIMS,
                   facts="Unpaid.", arose_on=DAY0 - dt.timedelta(days=30), respondent="ACME", now=now)
    one = {"case": case, "now": now}
    counted("consent_to_mediation", svc.dispute_consent_to_mediation, c, p.employer, **one)
    counted("accept", svc.dispute_accept, c, p.mediator2, **one)
    counted("assign_mediators", svc.dispute_assign_mediators, c, p.chair, mediators=[p.mediator1, p.mediator3], **one)
    counted("declare_no_conflict", svc.dispute_declare_no_conflict, c, p.mediator1, **one)
    counted("request_recusal", svc.dispute_request_recusal, c, p.member, mediator=p.mediator3,
            grounds="亲属关系 A relative.", **one)
    counted("decide_recusal", svc.dispute_decide_recusal, c, p.chair, granted=True, reason="属实 Confirmed.", **one)
    counted("record_session", svc.dispute_record_session, c, p.mediator1, attendance="双方 Both.",
            minutes="笔录 Minutes.", **one)
    counted("draft_agreement", svc.dispute_draft_agreement, c, p.mediator1, terms="补发 Pay.",
            performance_due=DAY0 + dt.timedelta(days=30), **one)
    sha = Dispute.objects.get(pk=case.pk).agreement_document.sha256
    for who in (p.member, p.employer, p.mediator1):
        counted("sign_agreement", svc.dispute_sign_agreement, c, who, sha256=sha, password=PASSWORD, **one)
    paper = _paper(case, p.member)
    counted("record_review", svc.dispute_record_review, c, p.member, applied_on=DAY0, body="区仲裁委 Commission",
            papers=[paper], **one)
    counted("record_performance", svc.dispute_record_performance, c, p.mediator1, **one)
    counted("close", svc.dispute_close, c, p.chair, **one)
    assert Dispute.objects.get(pk=case.pk).state == "closed"


@pytest.mark.parametrize("ending", ["fail", "expire", "withdraw", "decline", "breach"])
def test_the_other_endings_within_budget(ending, people, orgs, walk, django_capture_on_commit_callbacks):
    p, c, now = people, django_capture_on_commit_callbacks, at(DAY0)
    if ending == "decline":
        case = apply(people, orgs)
        counted("decline", svc.dispute_decline, c, p.mediator2, case=case, reason="out_of_scope", now=now)
        return
    if ending == "withdraw":
        counted("withdraw", svc.dispute_withdraw, c, p.member, case=walk("mediating"), now=now)
        return
    if ending == "breach":
        case = walk("agreed")
        counted("report_breach", svc.dispute_report_breach, c, p.member, case=case, details="未付 Not paid.", now=now)
        after_due = DAY0 + dt.timedelta(days=60)  # the walk's agreement is due on day 59
        counted("apply_payment_order", svc.dispute_apply_payment_order, c, p.member, case=case, matter="wages",
                court="区人民法院 District court", applied_on=after_due, papers=[_paper(case, p.member)],
                now=at(after_due))
    elif ending == "fail":
        case = walk("mediating")
        counted("fail", svc.dispute_fail, c, p.mediator1, case=case, reason="分歧 Apart.", now=now)
    else:
        case = walk("mediating")
        counted("expire", svc.dispute_expire, c, case=case, now=at(DAY0 + dt.timedelta(days=16)))
    counted("refer_to_arbitration", svc.dispute_refer_to_arbitration, c, p.member, case=case,
            body="区劳动人事争议仲裁委员会 District arbitration commission", now=now)


def test_confirm_application_within_budget(people, orgs, django_capture_on_commit_callbacks):
    case = apply(people, orgs, actor=people.mediator1, oral=True, applicant=people.member)
    counted("confirm_application", svc.dispute_confirm_application, django_capture_on_commit_callbacks, people.member,
            case=case)


def test_zz_print_measured():
    """The statements each call took (``pytest -s`` shows them; docs/disputes.md quotes them)."""
    print("MEASURED", sorted(MEASURED.items()))
