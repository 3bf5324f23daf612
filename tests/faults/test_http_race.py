"""Fifty people press the same button on one case at the same moment, over HTTP.

Each request is a real HTTP request to a running server (Django's live test server, a thread
per connection, each with its own database connection; its listen queue made long enough for
fifty connections at once), as fifty browsers or API clients would send it. The service locks
the case row before it looks (``select_for_update``), so exactly one approval commits (200);
the forty-nine others find the case already decided and are refused with 409. None is a 500
and nothing is half-written: one decision event in the audit chain, the chain intact, the
viewflow step completed once, the case's version moved once. Real row locks need PostgreSQL;
the embedded SQLite default's version of this race is
``tests/workflow/test_sqlite_concurrency.py``.
"""

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.example_process.models import ExampleRequest
from workflow import flowkit, services
from workflow.audit import case_events, chain_valid
from workflow.roles import Role

from .live import at_once, post

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and a shared database"),
]

CLIENTS = 50
APPROVERS = 5  # the union committee: each member sends ten of the fifty requests


@pytest.fixture
def submitted(flushable_audit_table, orgs, make_user):
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    committee = [make_user(f"c{i}", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme) for i in range(APPROVERS)]
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "Race", "amount": 10})
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=member)
    tokens = [Token.objects.create(user=user).key for user in committee]
    return case, tokens


def test_fifty_identical_approvals_over_http_one_200_and_49_409(server_url, submitted):
    """Fifty approvals at once: one 200, forty-nine 409, exactly one approval in the audit chain."""
    case, tokens = submitted
    url = f"{server_url}/api/v1/examples/{case.pk}/transitions/approve/"
    results = at_once([lambda t=tokens[i % APPROVERS]: post(url, t, {}) for i in range(CLIENTS)])

    statuses = sorted((r[0] for r in results), key=str)
    assert statuses == [200] + [409] * (CLIENTS - 1), results
    assert all(body.get("code") for status, body in results if status == 409), results

    case = ExampleRequest.objects.get(pk=case.pk)
    assert (case.state, case.version) == ("approved", 3)
    assert [e.action for e in case_events(case)] == ["create", "submit", "approve"]
    assert chain_valid(case)
    decide = [t for t in case.process.task_set.filter(flow_task_type="HUMAN") if t.flow_task.name == "decide"]
    assert len(decide) == 1 and decide[0].status == "DONE"
    assert flowkit.open_step_task(case) is None


def test_fifty_approvals_with_the_version_they_read_one_200_and_49_409(server_url, submitted):
    """The same race with ``expected_version`` (what a form sends): the losers are told the case moved on."""
    case, tokens = submitted
    url = f"{server_url}/api/v1/examples/{case.pk}/transitions/approve/"
    results = at_once([lambda t=tokens[i % APPROVERS]: post(url, t, {"expected_version": 2}) for i in range(CLIENTS)])

    assert sorted((r[0] for r in results), key=str) == [200] + [409] * (CLIENTS - 1), results
    case = ExampleRequest.objects.get(pk=case.pk)
    assert (case.state, case.version) == ("approved", 3)
    assert [e.action for e in case_events(case)].count("approve") == 1
    assert chain_valid(case)
