"""Query budgets of the transition service, on the throwaway example process.

Every extra query in a state change shows (STYLE.md, "Performance facts"): these tests
count what one call costs — the transaction and what runs after its commit — and fail when a
change adds queries. The announcement of new work, the decision message and the e-mail task are
only queued: a worker writes those notifications and sends the mail, not the request; each test
runs the queued tasks after counting and checks what they wrote. Each call gets a freshly loaded user, as a request
does, so the roles are read inside the call. On failure pytest-django lists the queries.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.example_process.models import ExampleRequest
from workflow import flowkit, services
from workflow.audit import case_events
from workflow.models import Delegation, WorkItem
from workflow.notifications.models import Notification
from workflow.roles import Role

pytestmark = pytest.mark.django_db

#: Budgets reached after removing the redundant queries (SQLite and PostgreSQL alike). Counted in:
#: one statement marking the case's open requests done. Submit announces the committee's new step
#: through the worker's task (28 statements when the request wrote those notifications itself);
#: approve leaves the creator's decision message to the worker too (29 when the request wrote it).
#: The flow's row lock is taken inside the service's transaction without a savepoint of its own
#: (2 statements fewer on each step: submit 24 → 22, approve 27 → 25), and the flow's hub chooses the
#: next step without viewflow's savepoint around its in-memory conditions (2 more: 22 → 20, 25 → 23).
#: Approve ends the process: the case flow's end (``flowkit.CaseEnd``) writes 3 statements where
#: viewflow's End wrote 7 (23 → 19). The actor's own and delegated roles are read in one statement
#: (2 → 1 on every call: create 25 → 24, submit 20 → 19, approve 19 → 18). The hub's task is written
#: once, already done, its choice made before (one fewer on every routing: 24 → 23, 19 → 18, 18 → 17).
CREATE_BUDGET = 23
SUBMIT_BUDGET = 18
APPROVE_BUDGET = 17


@pytest.fixture(autouse=True)
def content_types_cached(db):
    """A running server has looked up the case's content type long before (it is cached per process)."""
    ContentType.objects.get_for_model(ExampleRequest)


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme, email="m1@example.org"),
            "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme, email="c1@example.org"),
        },
    )


@pytest.fixture(autouse=True)
def queued_emails(monkeypatch):
    """Notification ids handed to the e-mail task, which a worker (not the request) runs."""
    from workflow.notifications.tasks import send_notification_emails

    queued = []
    monkeypatch.setattr(send_notification_emails, "delay", lambda ids: queued.extend(ids))
    return queued


#: Worker tasks queued during the current test (the new-work announcement, the decision message).
ANNOUNCEMENTS: list = []


@pytest.fixture(autouse=True)
def queued_announcements(monkeypatch):
    """The notifications to others are tasks a worker runs (``workflow.notifications.announce``,
    ``workflow.notifications.deferred``): queued here, run by :func:`run_announcements`."""
    from workflow.notifications.announce import announce_work_items
    from workflow.notifications.deferred import send_notice

    ANNOUNCEMENTS.clear()
    for task in (announce_work_items, send_notice):
        monkeypatch.setattr(task, "delay", lambda *args, task=task: ANNOUNCEMENTS.append((task, args)))
    yield ANNOUNCEMENTS
    ANNOUNCEMENTS.clear()


def run_announcements():
    """What the worker does with the queued tasks."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mails it queues after its own commit
        while ANNOUNCEMENTS:
            task, args = ANNOUNCEMENTS.pop(0)
            task(*args)


def fresh(user):
    """The user as a new request loads it: nothing cached on the object."""
    return get_user_model().objects.get(pk=user.pk)


def create(user):
    return services.create_case(
        process="examples", user=user, data={"organisation": "acme", "title": "Lamp", "amount": 100}
    )


def transition(case, name, user, **kwargs):
    return services.perform_transition(process="examples", case_id=case.pk, name=name, user=user, **kwargs)


def counted(django_capture_on_commit_callbacks, call):
    """Run ``call`` with its after-commit callbacks; return its result and the queries it made."""
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        result = call()
    run_announcements()
    return result, len(queries)


def test_create_case_stays_within_its_query_budget(people, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    """Creating a case: organisation, roles, reference, the case, one audit event, the process, one work item."""
    member = fresh(people.member)
    with django_assert_max_num_queries(CREATE_BUDGET), django_capture_on_commit_callbacks(execute=True):
        case = create(member)
    assert case.state == "draft" and flowkit.position(case) == "draft"
    assert [e.action for e in case_events(case)] == ["create"]
    assert list(WorkItem.objects.filter(case_id=case.pk).values_list("user_id", flat=True)) == [member.pk]


def test_submit_stays_within_its_query_budget(
    people, queued_emails, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The creator submits: the flow moves to the committee's step and the committee hears of it."""
    case = create(people.member)
    member = fresh(people.member)
    with django_assert_max_num_queries(SUBMIT_BUDGET), django_capture_on_commit_callbacks(execute=True):
        transition(case, "submit", member)
    run_announcements()
    case.refresh_from_db()
    assert case.state == "submitted" and case.version == 2 and flowkit.position(case) == "decide"
    assert [e.action for e in case_events(case)] == ["create", "submit"]
    assert list(WorkItem.objects.filter(case_id=case.pk).values_list("role", flat=True)) == [Role.UNION_COMMITTEE]
    assert list(Notification.objects.values_list("user__username", "kind")) == [("c1", "new_task")]
    assert queued_emails == list(Notification.objects.values_list("pk", flat=True))


def test_approve_stays_within_its_query_budget(
    people, queued_emails, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The committee approves: the process ends, the inbox empties, the creator hears the decision."""
    case = create(people.member)
    transition(case, "submit", people.member)
    run_announcements()
    Notification.objects.all().delete()
    queued_emails.clear()
    committee = fresh(people.committee)
    with django_assert_max_num_queries(APPROVE_BUDGET), django_capture_on_commit_callbacks(execute=True):
        transition(case, "approve", committee)
    assert Notification.objects.count() == 0  # the decision is the worker's to write
    run_announcements()
    case.refresh_from_db()
    assert case.state == "approved" and case.version == 3 and flowkit.position(case) is None
    assert case.process.status == "DONE"
    assert [e.action for e in case_events(case)] == ["create", "submit", "approve"]
    assert not WorkItem.objects.filter(case_id=case.pk).exists()
    assert list(Notification.objects.values_list("user__username", "kind")) == [("m1", "decision")]
    assert queued_emails == list(Notification.objects.values_list("pk", flat=True))


def delegate(orgs, delegator, substitute):
    now = timezone.now()
    Delegation.objects.create(
        delegator=delegator, delegate=substitute, organisation=orgs.acme, role=Role.UNION_COMMITTEE,
        starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=3),
    )


def test_cost_does_not_grow_with_role_holders_or_delegations(
    orgs, people, make_user, django_capture_on_commit_callbacks
):
    """Telling more committee members and substitutes of a step costs no extra query, and
    acting under one of several delegations costs what acting under one's own role does."""
    substitute = make_user("s1", Role.MEMBER, org=orgs.acme)
    delegate(orgs, people.committee, substitute)
    first = create(people.member)
    _, submit_few = counted(django_capture_on_commit_callbacks, lambda: transition(first, "submit", fresh(people.member)))
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"c1", "s1"}
    _, approve_own = counted(django_capture_on_commit_callbacks, lambda: transition(first, "approve", fresh(people.committee)))

    others = [make_user(f"c{n}", Role.UNION_COMMITTEE, org=orgs.acme) for n in range(2, 6)]
    delegate(orgs, others[0], substitute)
    delegate(orgs, others[1], make_user("s2", Role.MEMBER, org=orgs.acme))
    second = create(people.member)
    Notification.objects.all().delete()
    _, submit_many = counted(django_capture_on_commit_callbacks, lambda: transition(second, "submit", fresh(people.member)))
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "c1", "c2", "c3", "c4", "c5", "s1", "s2"
    }
    _, approve_delegated = counted(
        django_capture_on_commit_callbacks, lambda: transition(second, "approve", fresh(substitute))
    )
    assert ExampleRequest.objects.get(pk=second.pk).state == "approved"
    event = case_events(second).last()
    assert event.actor_id == substitute.pk and event.on_behalf_of_id in {people.committee.pk, others[0].pk}

    assert submit_many == submit_few
    # One more query reads the delegators, whom the audit event names; the roles and the delegations
    # still held by their delegators come in the one statement either way.
    assert approve_delegated == approve_own + 1
