"""The database itself refuses to change or remove audit events.

Given a case with a few audit events, when anyone tries an UPDATE or DELETE on the audit
table — through the ORM or raw SQL — the database refuses and the rows stay as they were.
Runs on SQLite and on PostgreSQL (the triggers of migration ``workflow/0002``).
"""

import pytest
from django.db import DatabaseError, connection, transaction

from workflow import services
from workflow.audit import case_events, chain_valid
from workflow.models import AuditEvent
from workflow.roles import Role


@pytest.fixture
def case(orgs, make_user):
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme)
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "Lamp", "amount": 10})
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=member)
    return case


def _snapshot(case):
    return list(case_events(case).values_list("seq", "action", "actor_name", "payload", "hash"))


def _refused(action):
    """Run ``action`` in a savepoint; the database must raise."""
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            action()


def test_orm_update_and_delete_are_refused(case):
    before = _snapshot(case)
    assert len(before) == 2
    event = case_events(case).first()

    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(actor_name="someone else"))
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    _refused(lambda: AuditEvent.objects.all().delete())

    def save_changed():
        event.action = "approve"
        event.save()

    _refused(save_changed)
    _refused(lambda: AuditEvent.objects.get(pk=event.pk).delete())

    assert _snapshot(case) == before
    assert chain_valid(case)


def test_raw_sql_update_and_delete_are_refused(case):
    before = _snapshot(case)
    table = AuditEvent._meta.db_table

    def run(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    _refused(lambda: run(f"UPDATE {table} SET actor_name = %s", ["x"]))
    _refused(lambda: run(f"UPDATE {table} SET payload = %s WHERE seq = 2", ['{"forged": true}']))
    _refused(lambda: run(f"DELETE FROM {table} WHERE seq = 2"))
    _refused(lambda: run(f"DELETE FROM {table}"))
    if connection.vendor == "postgresql":
        # Fire the test transaction's deferred FK checks first, or PostgreSQL refuses the
        # TRUNCATE for that reason instead of ours.
        run("SET CONSTRAINTS ALL IMMEDIATE")
        _refused(lambda: run(f"TRUNCATE {table}"))

    assert _snapshot(case) == before
    assert chain_valid(case)


def test_appending_still_works_after_a_refusal(case):
    """A refused tampering attempt does not stop the service from recording the next step."""
    _refused(lambda: AuditEvent.objects.all().delete())
    committee = type(case.created_by).objects.get(username="c1")
    services.perform_transition(process="examples", case_id=case.pk, name="approve", user=committee)
    assert [e.action for e in case_events(case)] == ["create", "submit", "approve"]
    assert chain_valid(case)
