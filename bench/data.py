"""Benchmark data: the full federation, example cases, audit chains and open work items.

Cases use the test suite's example process (``tests.example_process``), installed for the run
through ``UNIONFLOW_EXTRA_APPS``. Everything is created once and reused by later runs, except
the work items, which each run adds and removes (``process_key = "bench"``).
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from workflow import demo, flowkit, services
from workflow.audit import Actor, RequestMeta, record_event
from workflow.models import AuditEvent, MemberProfile, Organisation, OrgKind, WorkItem

BENCH = "bench"
REF_PREFIX = "BENCH-EX-"
#: Roles of open steps in the processes, with their rough share of the open work.
ROLE_MIX = [
    ("union_committee", 30), ("chair", 15), ("review_committee", 15), ("department", 15),
    ("verifier", 10), ("finance", 10), ("mediator", 5),
]


def _example_model():
    from tests.example_process.models import ExampleRequest

    return ExampleRequest


def user(username):
    return get_user_model().objects.get(username=username)


def ensure_full_federation() -> None:
    union = Organisation.objects.exclude(kind=OrgKind.DEPARTMENT).count()
    if union >= demo.FULL_ORGANISATIONS and MemberProfile.objects.count() >= demo.FULL_MEMBERS:
        return
    try:
        call_command("seed_demo", "--scale", "full")
    except CommandError as exc:  # a process's demo cases failed; the federation itself is built
        print(f"seed_demo: {exc}")


def ensure_anchor_case():
    """One case created and submitted through the services: its open task backs the bulk work items."""
    model = _example_model()
    case = model.objects.filter(title="bench anchor").first()
    if case is None:
        member = user("member1")
        case = services.create_case(
            process="examples", user=member, data={"organisation": "acme", "title": "bench anchor", "amount": 1}
        )
        case = services.perform_transition(process="examples", case_id=case.pk, name="submit", user=member)
    return case


def ensure_cases(count: int) -> None:
    model = _example_model()
    have = model.objects.filter(reference__startswith=REF_PREFIX).count()
    if have >= count:
        return
    enterprises = list(
        Organisation.objects.filter(kind=OrgKind.ENTERPRISE).order_by("pk").values_list("pk", flat=True)
    )
    creator = dict(
        MemberProfile.objects.filter(organisation_id__in=enterprises)
        .values("organisation_id").annotate(first=Min("user_id")).values_list("organisation_id", "first")
    )
    enterprises = [e for e in enterprises if e in creator]
    now = timezone.now()
    states = ["draft", "submitted", "submitted", "approved", "rejected"]
    rng = random.Random(11)
    batch = []
    for i in range(have + 1, count + 1):
        org = enterprises[i % len(enterprises)]
        batch.append(model(
            organisation_id=org, reference=f"{REF_PREFIX}{i:07d}", created_by_id=creator[org],
            created_at=now - dt.timedelta(minutes=rng.randrange(0, 525_600)), state=rng.choice(states),
            title=f"bench case {i}", amount=rng.randrange(0, 5000),
        ))
        if len(batch) == 5000:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)


def ensure_chains(cases: int, length: int) -> None:
    """Give ``cases`` bench cases a chain of ``length`` events, written by ``record_event``."""
    model = _example_model()
    ct = ContentType.objects.get_for_model(model)
    ids = list(model.objects.filter(reference__startswith=REF_PREFIX).order_by("pk").values_list("pk", flat=True)[:cases])
    done = set(AuditEvent.objects.filter(case_type=ct, case_id__in=ids).values_list("case_id", flat=True).distinct())
    todo = [pk for pk in ids if pk not in done]
    meta = RequestMeta(channel="command")
    actor = Actor(user=user("committee1"), role="union_committee")
    for start in range(0, len(todo), 100):
        with transaction.atomic():
            for case in model.objects.select_for_update().filter(pk__in=todo[start:start + 100]):
                for n in range(length):
                    record_event(case=case, action="comment", actor=actor, payload={"n": n, "text": "审阅意见 review note"},
                                 meta=meta)


def vacuum_analyze(*models) -> None:
    """Refresh planner statistics (and drop dead rows) as autovacuum eventually would."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return  # VACUUM cannot run in a transaction (the bench's own tests run in one)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')


def clear_work_items() -> None:
    WorkItem.objects.filter(process_key=BENCH).delete()
    vacuum_analyze(WorkItem)


def add_work_items(anchor, count: int, *, demo_only: bool) -> None:
    """Add ``count`` open work items on bench cases (demo-only: cases of acme and beta)."""
    model = _example_model()
    task = flowkit.open_step_task(anchor)
    ct = ContentType.objects.get_for_model(model)
    cases = model.objects.filter(reference__startswith=REF_PREFIX)
    if demo_only:
        cases = cases.filter(organisation__code__in=["acme", "beta"])
    cases = list(cases.values_list("pk", "reference", "organisation_id", "created_by_id"))
    roles = [r for r, share in ROLE_MIX for _ in range(share)]
    rng = random.Random(count)
    now = timezone.now()
    batch = []
    for _ in range(count):
        pk, ref, org, creator = rng.choice(cases)
        addressed = rng.random() < 0.1  # a named person (the proposer) rather than a role
        batch.append(WorkItem(
            task=task, process_key=BENCH, case_type=ct, case_id=pk, case_ref=ref, title="bench step",
            organisation_id=org, role="" if addressed else rng.choice(roles), user_id=creator if addressed else None,
            due_at=now + dt.timedelta(minutes=rng.randrange(-7 * 1440, 60 * 1440)),
        ))
        if len(batch) == 5000:
            WorkItem.objects.bulk_create(batch)
            batch = []
    WorkItem.objects.bulk_create(batch)
    vacuum_analyze(WorkItem)


def analysed_models():
    from workflow.models import RoleAssignment

    return [_example_model(), AuditEvent, Organisation, MemberProfile, RoleAssignment, WorkItem]


def sizes() -> dict:
    return {
        "union organisations": Organisation.objects.exclude(kind=OrgKind.DEPARTMENT).count(),
        "members": MemberProfile.objects.count(),
        "cases": _example_model().objects.count(),
        "audit events": AuditEvent.objects.count(),
    }
