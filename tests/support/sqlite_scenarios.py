"""Concurrent writers on a file-backed SQLite database, run in a process of its own.

pytest-django's test database is in memory and shared by one process; the embedded default is
a file that the web server and the Celery worker open separately. This module runs with the
project's settings on the SQLite file under ``UNIONFLOW_VAR_DIR`` (migrated beforehand), makes
API requests from several threads at the same moment — each thread has its own connection, as
each server thread has — while another connection keeps writing notifications as the worker
does, and prints a JSON report of what every request answered and what the database holds.

    python -m tests.support.sqlite_scenarios different_cases|race_one_case
"""

import datetime as dt
import json
import sys
import threading

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from tests.example_process.models import ExampleRequest  # noqa: E402
from workflow import services  # noqa: E402
from workflow.audit import case_events, chain_valid  # noqa: E402
from workflow.models import MemberProfile, Organisation, OrgKind, RoleAssignment  # noqa: E402
from workflow.notifications.models import Notification, NotificationKind  # noqa: E402
from workflow.notifications.services import notify  # noqa: E402
from workflow.roles import Role  # noqa: E402

CLIENTS = 12
RACE_ROUNDS = 5


def make_user(username, organisation, *roles):
    user = get_user_model().objects.create_user(username=username, password="pw-secret-1")
    for role in roles:
        RoleAssignment.objects.create(user=user, organisation=organisation, role=role, valid_from=dt.date(2000, 1, 1))
    MemberProfile.objects.create(user=user, member_number=f"M-{username}", organisation=organisation)
    return user


def people():
    acme = Organisation.objects.create(code="acme", name="ACME 工会", kind=OrgKind.ENTERPRISE)
    members = [make_user(f"m{i}", acme, Role.MEMBER) for i in range(CLIENTS)]
    committee = [make_user(f"c{i}", acme, Role.UNION_COMMITTEE, Role.MEMBER) for i in range(CLIENTS)]
    return acme, members, committee


def at_once(requests):
    """Send every request (user, method, path, body) from its own thread at the same moment;
    returns each one's HTTP status (or the exception's text if it escaped the handler)."""
    barrier = threading.Barrier(len(requests))
    statuses = [None] * len(requests)

    def send(i, user, method, path, body):
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=30)
            statuses[i] = getattr(client, method)(path, body, format="json").status_code
        except Exception as exc:
            statuses[i] = f"{type(exc).__name__}: {exc}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i, *r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return statuses


class NotificationWriter:
    """Another connection writing notifications in a loop, as the Celery worker does."""

    def __init__(self, user):
        self.user = user
        self.stop = threading.Event()
        self.written = 0
        self.errors = []
        self.thread = threading.Thread(target=self.run)

    def run(self):
        try:
            while not self.stop.is_set():
                try:
                    with transaction.atomic():
                        self.written += notify(users=[self.user], kind=NotificationKind.DECISION, title="写入 Write")
                except Exception as exc:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=60)


def facts(case):
    case.refresh_from_db()
    return {
        "state": case.state,
        "version": case.version,
        "events": [e.action for e in case_events(case)],
        "chain_valid": chain_valid(case),
    }


def different_cases():
    """Every member creates and submits a case, then every committee member approves a different one."""
    acme, members, committee = people()
    with NotificationWriter(committee[0]) as writer:
        created = at_once(
            [(m, "post", "/api/v1/examples/", {"organisation": "acme", "title": f"Lamp {i}", "amount": 10})
             for i, m in enumerate(members)]
        )
        # Only the cases that were created go on (a failed create already fails the report).
        cases = {c.created_by_id: c for c in ExampleRequest.objects.all()}
        authors = [m for m in members if m.pk in cases]
        submitted = at_once([(m, "post", f"/api/v1/examples/{cases[m.pk].pk}/transitions/submit/", {}) for m in authors])
        approved = at_once(
            [(c, "post", f"/api/v1/examples/{cases[m.pk].pk}/transitions/approve/", {"expected_version": 2})
             for c, m in zip(committee, authors, strict=False)]
        )
    return {
        "statuses": {"create": created, "submit": submitted, "approve": approved},
        "cases": [facts(c) for c in cases.values()],
        "writer": {"written": writer.written, "errors": writer.errors[:5],
                   "stored": Notification.objects.filter(title="写入 Write").count()},
    }


def race_one_case():
    """Every committee member approves or rejects the same submitted case at the same moment."""
    acme, members, committee = people()
    cases = []
    for n in range(RACE_ROUNDS):
        case = services.create_case(
            process="examples", user=members[n], data={"organisation": "acme", "title": f"Race {n}", "amount": 10}
        )
        services.perform_transition(process="examples", case_id=case.pk, name="submit", user=members[n])
        cases.append(case)
    rounds = []
    with NotificationWriter(members[-1]) as writer:
        for case in cases:
            path = f"/api/v1/examples/{case.pk}/transitions/"
            attempts = [
                (c, "post", path + ("approve/" if i % 2 else "reject/"), {"expected_version": 2, "reason": "不符合 No"})
                for i, c in enumerate(committee)
            ]
            rounds.append({"statuses": at_once(attempts), **facts(case)})
    return {
        "rounds": rounds,
        "writer": {"written": writer.written, "errors": writer.errors[:5],
                   "stored": Notification.objects.filter(title="写入 Write").count()},
    }


if __name__ == "__main__":
    scenario = {"different_cases": different_cases, "race_one_case": race_one_case}[sys.argv[1]]
    print(json.dumps(scenario()))
