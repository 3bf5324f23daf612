"""A Celery worker killed (SIGKILL) after its task's change committed, before the task was
acknowledged: the broker hands the message to the next worker (``acks_late``,
``task_reject_on_worker_lost``), which runs the task again — and the effect happens once.

The task is the beat's timer sweep; its effect is a due deadline's expiry (one ``expire``
transition, one audit event, the deadline marked expired). The redelivered sweep finds the
deadline already fired and does nothing. ``tests/integration/test_celery_worker.py`` kills the
worker before the commit instead (nothing written, then written once).

Runs only with ``UNIONFLOW_CELERY_IT=1`` on PostgreSQL with Redis (see that module):

    UNIONFLOW_CELERY_IT=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/uf_x \\
        .venv/bin/python -m pytest -m celery_worker tests/faults
"""

import os
import signal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.example_process.models import ExampleRequest
from tests.integration.test_celery_worker import (
    REDIS_URL,
    Worker,
    due_case,
    enqueue_sweep,
    expire_events,
    redis_client,  # noqa: F401 - a fixture used below
    state_of,
    wait_for,
)
from tests.support.db import ensure_calendar_loaded
from workflow.audit import chain_valid
from workflow.models import CaseDeadline

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(os.environ.get("UNIONFLOW_CELERY_IT") != "1", reason="set UNIONFLOW_CELERY_IT=1 to run"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a shared PostgreSQL database"),
]


@pytest.fixture
def worker_env(flushable_audit_table, redis_client, tmp_path):  # noqa: F811
    """Workers as in the integration tests, with the hook that pauses after the commit."""
    ensure_calendar_loaded()
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
    pause = tmp_path / "pause-after-commit"
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="0",
        CELERY_VISIBILITY_TIMEOUT="3",
        UNIONFLOW_EXTRA_APPS="tests.faults.worker_hooks",
        UNIONFLOW_IT_PAUSE_AFTER_COMMIT_FILE=str(pause),
        UNIONFLOW_VAR_DIR=str(tmp_path / "var"),
        DB_CONN_MAX_AGE="0",
    )
    workers = []

    def make() -> Worker:
        worker = Worker(env, tmp_path / f"worker{len(workers)}.log")
        workers.append(worker)
        return worker

    yield type("Env", (), {"make": staticmethod(make), "pause_after_commit": pause})
    for worker in workers:
        worker.kill()


def test_worker_killed_after_commit_redelivers_and_the_expiry_happens_once(worker_env, make_user, orgs):
    case = due_case(make_user, orgs)
    worker_env.pause_after_commit.write_text("pause once")
    worker = worker_env.make()
    worker.start()
    enqueue_sweep()
    committed = Path(str(worker_env.pause_after_commit) + ".committed")
    wait_for(committed.exists, 60, "the sweep to commit and pause")
    # Committed but not acknowledged: the change is visible.
    assert state_of(case) == "rejected" and expire_events(case) == 1
    worker.kill(signal.SIGKILL)

    restarted = worker_env.make()
    restarted.start()
    # The unacknowledged message comes back and the sweep runs again to the end, finding nothing due.
    wait_for(lambda: restarted.sweeps_done() >= 1, 90, "the redelivered sweep")
    assert expire_events(case) == 1
    assert chain_valid(ExampleRequest.objects.get(pk=case.pk))
    row = CaseDeadline.objects.get(case_id=case.pk, rule_id="example.decide")
    assert row.status == "expired" and row.fired_at is not None
