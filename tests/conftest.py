"""Shared fixtures: a small federation, users with roles, API clients, a flushable audit table."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.support.db import audit_triggers, ensure_calendar_loaded
from workflow.models import CongressTerm, MemberProfile, Organisation, OrgKind, RoleAssignment

#: The browser walks' ``browser`` fixture (headless Chromium).
pytest_plugins = ["tests.support.chromium"]


@pytest.fixture
def orgs(db):
    fed = Organisation.objects.create(code="fed", name="镇总工会", kind=OrgKind.FEDERATION)
    acme = Organisation.objects.create(code="acme", name="ACME 工会", kind=OrgKind.ENTERPRISE, parent=fed)
    beta = Organisation.objects.create(code="beta", name="BETA 工会", kind=OrgKind.ENTERPRISE, parent=fed)
    group = Organisation.objects.create(code="acme-g1", name="一组", kind=OrgKind.GROUP, parent=acme)
    dept = Organisation.objects.create(code="acme-office", name="办公室", kind=OrgKind.DEPARTMENT, parent=acme)
    return type("Orgs", (), {"fed": fed, "acme": acme, "beta": beta, "group": group, "dept": dept})


@pytest.fixture
def make_user(db):
    counter = {"n": 0}

    def make(username, *roles, org=None, password="pw-secret-1", term=None, **extra):
        user = get_user_model().objects.create_user(username=username, password=password, **extra)
        for item in roles:
            role, where = item if isinstance(item, tuple) else (item, org)
            RoleAssignment.objects.create(
                user=user, organisation=where, role=role, valid_from=dt.date(2000, 1, 1), term=term
            )
        if org is not None:
            counter["n"] += 1
            MemberProfile.objects.create(user=user, member_number=f"M{counter['n']:05d}", organisation=org)
        return user

    return make


@pytest.fixture
def term(orgs):
    return CongressTerm.objects.create(
        organisation=orgs.acme, number=5, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2028, 12, 31)
    )


@pytest.fixture
def api():
    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture(scope="module")
def audit_triggers_back_on(django_db_blocker):
    """After the module (so after the last flush below): the tests that follow find the
    append-only triggers in place."""
    yield
    with django_db_blocker.unblock():
        audit_triggers(True)


@pytest.fixture
def flushable_audit_table(audit_triggers_back_on, transactional_db):
    """The test runs with the append-only triggers on. Afterwards the transactional test
    database is emptied (TRUNCATE on PostgreSQL, DELETE on SQLite), which the triggers
    refuse: switch them off just for that flush; ``audit_triggers_back_on`` switches them
    back on when the module is done. An earlier flush also emptied the holiday calendar the
    data migration loaded: reload it so the test starts from a migrated database."""
    ensure_calendar_loaded()
    audit_triggers(True)
    yield
    audit_triggers(False)


@pytest.fixture
def announcements_queued(monkeypatch):
    """The notifications to others queued for a worker, not run — the new-work announcement
    (``workflow.notifications.announce``) and the notices sent after a transition, such as the
    decision message (``workflow.notifications.deferred``): a statement count then measures the
    caller's path only, as in production."""
    from workflow.notifications.announce import announce_work_items
    from workflow.notifications.deferred import send_notice

    queued: list = []
    for task in (announce_work_items, send_notice):
        monkeypatch.setattr(task, "delay", lambda *args: queued.append(args))
    return queued
