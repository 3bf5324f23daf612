"""Statements of a department's acknowledgement (签收), the action ``bench/b1_transitions.py`` measures.

Counted as ``tests/workflow/test_query_counts.py`` counts (the transaction and what runs after its
commit; the notices to others are a worker's tasks, queued, not run). B1's target is 20 statements
per action: the test's savepoint stands where a request has BEGIN and COMMIT.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from processes.proposals import services as svc
from processes.proposals.models import Proposal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_email")]

#: The roles and delegations in one statement, the co-departments with the participants, the lead
#: department by id, the hub's task written once: 24 → 20.
ACKNOWLEDGE_BUDGET = 20


@pytest.fixture(autouse=True)
def content_types_cached(db):
    ContentType.objects.get_for_model(Proposal)


@pytest.fixture
def no_email(monkeypatch):
    from workflow.notifications.tasks import send_notification_emails

    monkeypatch.setattr(send_notification_emails, "delay", lambda ids: None)


@pytest.mark.parametrize("with_co_departments", [False, True], ids=["lead only", "with a co-department"])
def test_acknowledging_stays_within_its_budget_and_asks_countersigns_only_of_co_departments(
    walk, people, orgs, announcements_queued, django_capture_on_commit_callbacks, with_co_departments
):
    co = [people.dept2_org] if with_co_departments else []
    case = svc.proposal_assign(case=walk("accepted"), actor=people.review1, lead_department=orgs.dept, co_departments=co)
    announcements_queued.clear()
    actor = get_user_model().objects.get(pk=people.dept1.pk)  # as a request loads it: no grants cached
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        svc.proposal_acknowledge(case=case, actor=actor)
    assert len(queries) <= ACKNOWLEDGE_BUDGET, [q["sql"][:100] for q in queries.captured_queries]
    assert Proposal.objects.get(pk=case.pk).state == "in_progress"
    notices = [args[0] for args in announcements_queued if isinstance(args[0], str)]
    assert ("proposals.countersign_expected" in notices) is with_co_departments
