"""A case row really locked by another transaction: the request waits its ``lock_timeout``,
then answers 503 with ``Retry-After`` — never a 500 — and writes nothing; sent again once the
lock is gone, the same request succeeds.

``tests/workflow/test_database_busy.py`` simulates the error where it strikes; here PostgreSQL
raises it itself (SQLSTATE 55P03, ``lock_not_available``), with the server's ``lock_timeout``
set for the session the way an operator sets it for the application's role.
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from tests.example_process.models import ExampleRequest
from workflow import services
from workflow.audit import case_events, chain_valid
from workflow.roles import Role

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and lock_timeout"),
]


@pytest.fixture
def submitted(flushable_audit_table, orgs, make_user):
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    approver = make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme)
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "Busy", "amount": 1})
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=member)
    return case, approver


def hold_row_lock(case_id, held: threading.Event, release: threading.Event) -> threading.Thread:
    """Another connection locks the case row (as a long transition or a maintenance job would)."""

    def hold():
        try:
            with transaction.atomic():
                list(ExampleRequest.objects.select_for_update().filter(pk=case_id))
                held.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    return thread


def test_a_locked_case_answers_503_retry_after_and_writes_nothing(submitted, api):
    case, approver = submitted
    held, release = threading.Event(), threading.Event()
    holder = hold_row_lock(case.pk, held, release)
    try:
        assert held.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        response = api(approver).post(f"/api/v1/examples/{case.pk}/transitions/approve/", {}, format="json")
    finally:
        release.set()
        holder.join(timeout=30)
    assert response.status_code == 503, response.content
    assert response["Retry-After"]
    assert response.json()["code"] == "busy"
    case.refresh_from_db()
    assert (case.state, case.version) == ("submitted", 2)
    assert [e.action for e in case_events(case)] == ["create", "submit"]

    # Sent again once the lock is gone: it goes through, once.
    again = api(approver).post(f"/api/v1/examples/{case.pk}/transitions/approve/", {}, format="json")
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")
    assert again.status_code == 200, again.content
    case.refresh_from_db()
    assert (case.state, case.version) == ("approved", 3)
    assert [e.action for e in case_events(case)] == ["create", "submit", "approve"]
    assert chain_valid(case)


def test_a_locked_case_page_answers_the_busy_page_not_a_500(submitted, client):
    case, approver = submitted
    client.force_login(approver)
    held, release = threading.Event(), threading.Event()
    holder = hold_row_lock(case.pk, held, release)
    try:
        assert held.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        response = client.post(reverse("ui:examples:transition", kwargs={"pk": case.pk, "name": "approve"}), {})
    finally:
        release.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "系统繁忙，请稍后重试" in response.content.decode()
    case.refresh_from_db()
    assert (case.state, case.version) == ("submitted", 2)
