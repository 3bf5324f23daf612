"""The published schema holds against the live app: a short schemathesis run.

Every operation of ``/api/schema/`` is called with a few generated requests as three demo roles
(a representative, a review-committee member, the federation's auditor), in process through
WSGI. All of schemathesis's checks run on every answer: no server error, every status, content
type, header and body as documented. Path ids are drawn from the demo's real rows as well as
generated, so the answers are mostly real objects rather than 404s.
"""

from __future__ import annotations

import io
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.config import ChecksConfig, PositiveDataAcceptanceConfig, SchemathesisConfig

from workflow import registry
from workflow.calendar.models import CalendarYear
from workflow.deadlines.rules import all_rules
from workflow.documents.models import Document
from workflow.models import AuditExport, Delegation, ExtensionRequest
from workflow.notifications.models import Notification
from workflow.votes.models import Vote

pytestmark = pytest.mark.django_db

ROLES = ("rep1", "review1", "auditor1")
EXAMPLES_PER_OPERATION = 3

#: Statuses a schema-valid request may get. 400 included: the schema types each field, but
#: whether a department belongs to this organisation or a username is a representative of this
#: term is the service's to say (with ``fields`` naming the field).
POSITIVE_STATUSES = ["2xx", "400", "401", "403", "404", "409"]


def id_pools() -> dict[str, list]:
    """Real ids per path prefix (first match wins) and per path parameter."""
    pools = {f"/api/v1/{spec.key}/": list(spec.model.objects.values_list("pk", flat=True)) for spec in registry.all_processes()}
    pools |= {
        "/api/v1/documents/": list(Document.objects.values_list("pk", flat=True)),
        "/api/v1/votes/": list(Vote.objects.values_list("pk", flat=True)),
        "/api/v1/notifications/": list(Notification.objects.values_list("pk", flat=True)),
        "/api/v1/delegations/": list(Delegation.objects.values_list("pk", flat=True)),
        "/api/v1/audit-exports/": list(AuditExport.objects.values_list("pk", flat=True)),
        "request_id": [str(pk) for pk in ExtensionRequest.objects.values_list("pk", flat=True)],
        "rule_id": [rule.id for rule in all_rules()],
        "year": list(CalendarYear.objects.values_list("year", flat=True)),
    }
    return {key: ids for key, ids in pools.items() if ids}


def real_ids_for(path: str, parameter: str, pools: dict) -> list:
    if parameter in pools:
        return pools[parameter]
    if parameter in ("id", "other_pk"):
        for prefix, ids in pools.items():
            if path.startswith(prefix):
                return ids
    return []


@contextmanager
def connection_kept_across_requests():
    """Requests go through the real WSGI handler, which closes the database connection when a
    request ends; inside the test's transaction keep it open, as Django's test client does
    (which reconnects these receivers after each of its own requests)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fresh_rate_limits():
    """The run's many anonymous requests (the auth check) must not throttle later tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_tokens():
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    users = get_user_model().objects.filter(username__in=ROLES)
    return {user.username: Token.objects.get_or_create(user=user)[0].key for user in users}


def published_schema(token: str) -> schemathesis.schemas.BaseSchema:
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    r = client.get("/api/schema/?format=json")
    assert r.status_code == 200
    config = SchemathesisConfig()
    config.projects.default.checks = ChecksConfig(
        positive_data_acceptance=PositiveDataAcceptanceConfig(expected_statuses=POSITIVE_STATUSES)
    )
    schema = schemathesis.openapi.from_dict(r.json(), config=config)
    schema.app = get_wsgi_application()
    return schema


def describe_failure(exc: BaseException) -> str:
    """Each failed check in one line or two (schemathesis groups them), with the request to replay."""
    found = getattr(exc, "exceptions", None) or [exc]
    lines = [f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}" for e in found]
    replay = [line.strip() for line in str(exc).splitlines() if line.strip().startswith("curl ")]
    return "; ".join(lines) + (f"\n    {replay[0]}" if replay else "")


def fuzz(operation, real_ids: dict, role: str, token: str, failures: list[str], statuses: Counter) -> None:
    """A few generated requests to ``operation`` as ``role`` (its ``token``); each check's failure is appended
    to ``failures``, each answer's status class counted in ``statuses``."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
        phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), ids=st.fixed_dictionaries(real_ids), use_real=st.booleans())
    def call(case, ids, use_real):
        if use_real:
            case.path_parameters = {**(case.path_parameters or {}), **ids}
        try:
            response = case.call_and_validate(headers={"Authorization": f"Token {token}"})
            statuses[f"{response.status_code // 100}xx"] += 1
        except (Exception, BaseExceptionGroup) as exc:  # every check's failure, reported together at the end
            failures.append(f"{operation.label} as {role}: {describe_failure(exc)}")

    call()


def test_the_schema_holds_against_the_app(demo_tokens, fresh_rate_limits):
    schema = published_schema(demo_tokens["rep1"])
    pools = id_pools()
    failures: list[str] = []
    statuses: Counter = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    with connection_kept_across_requests():
        for operation in operations:
            real_ids = {
                p.name: st.sampled_from(ids)
                for p in operation.path_parameters
                if (ids := real_ids_for(operation.path, p.name, pools))
            }
            for role in ROLES:
                fuzz(operation, real_ids, role, demo_tokens[role], failures, statuses)
    assert not failures, "\n\n".join(failures[:20]) + f"\n\n{len(failures)} failures"
    # Real ids and real roles: many requests reach a real object and succeed.
    assert statuses["2xx"] > len(operations), statuses
