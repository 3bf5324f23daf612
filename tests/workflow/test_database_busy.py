"""A database still busy after its timeout: the API answers 503 with ``Retry-After`` and a JSON
error, a page answers "系统繁忙，请稍后重试", and nothing of the interrupted change is kept.

The lock is simulated where a real one strikes: after the case row was written and its audit
event appended, the database refuses to go on (``OperationalError: database is locked``).
"""

import pytest
from django.db import OperationalError
from django.urls import reverse

from workflow import services
from workflow.audit import case_events
from workflow.db_busy import is_database_busy
from workflow.roles import Role

LOCKED = "database is locked"


@pytest.fixture
def people(orgs, make_user):
    return type("People", (), {"member": make_user("m1", Role.MEMBER, org=orgs.acme)})


@pytest.fixture
def draft(people, orgs):
    return services.create_case(
        process="examples", user=people.member, data={"organisation": orgs.acme.pk, "title": "Lamp", "amount": 100}
    )


@pytest.fixture
def locked_after_audit(monkeypatch):
    """The transition writes its row and its audit event, then the database stays locked."""
    real_record_event = services.record_event

    def record_then_lock(**kwargs):
        real_record_event(**kwargs)
        raise OperationalError(LOCKED)

    monkeypatch.setattr(services, "record_event", record_then_lock)


def assert_nothing_written(case):
    case.refresh_from_db()
    assert case.state == "draft" and case.version == 1
    assert [e.action for e in case_events(case)] == ["create"]


def test_api_answers_503_with_retry_after_and_keeps_nothing(people, draft, api, locked_after_audit):
    response = api(people.member).post(f"/api/v1/examples/{draft.pk}/transitions/submit/", {}, format="json")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json() == {"code": "busy", "detail": "系统繁忙，请稍后重试 The system is busy, please try again."}
    assert_nothing_written(draft)


def test_page_answers_the_busy_page_and_keeps_nothing(people, draft, client, locked_after_audit):
    client.force_login(people.member)
    url = reverse("ui:examples:transition", kwargs={"pk": draft.pk, "name": "submit"})
    response = client.post(url, {"expected_version": "1"})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "系统繁忙，请稍后重试" in page and "The system is busy, please try again" in page
    assert "Nothing was saved" in page
    assert_nothing_written(draft)


class FakePostgresError(Exception):
    def __init__(self, pgcode):
        super().__init__("could not obtain lock")
        self.pgcode = pgcode


def postgres_error(pgcode):
    exc = OperationalError("could not obtain lock")
    exc.__cause__ = FakePostgresError(pgcode)
    return exc


@pytest.mark.parametrize(
    "exc, busy",
    [
        (OperationalError("database is locked"), True),
        (OperationalError("database table is locked: workflow_auditevent"), True),
        (postgres_error("55P03"), True),  # lock_not_available
        (postgres_error("40P01"), True),  # deadlock_detected
        (OperationalError('FATAL:  sorry, too many clients already'), True),
        (OperationalError("no such table: workflow_case"), False),
        (postgres_error("42P01"), False),  # undefined_table: a bug, not a busy database
        (ValueError("database is locked"), False),
    ],
)
def test_what_counts_as_busy(exc, busy):
    """Only a database that could not take the request in time is "busy"; a broken query stays a 500."""
    assert is_database_busy(exc) is busy


def test_other_database_errors_are_not_hidden_as_busy(people, draft, api, monkeypatch):
    def broken(**kwargs):
        raise OperationalError("no such column: oops")

    monkeypatch.setattr(services, "record_event", broken)
    response = api(people.member).post(f"/api/v1/examples/{draft.pk}/transitions/submit/", {}, format="json")
    assert response.status_code == 500
    assert "Retry-After" not in response
