"""A real Celery worker on Redis fires a due deadline, and fires it once even when killed mid-task.

Runs only with ``UNIONFLOW_CELERY_IT=1`` on PostgreSQL (the worker is a separate process
and must see the data this test commits), with Redis at 127.0.0.1:6379 (database 15):

    UNIONFLOW_CELERY_IT=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/uf_x \\
        .venv/bin/python -m pytest tests/integration/test_celery_worker.py

The worker is ``celery -A config worker --pool=solo`` with the test settings, not eager,
pointed at the pytest test database. Every wait is bounded; the worker is always killed.
"""

import datetime as dt
import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.example_process.models import ExampleRequest
from tests.support.db import ensure_calendar_loaded
from workflow import services
from workflow.audit import case_events, chain_valid
from workflow.deadlines import start_deadline
from workflow.models import CaseDeadline
from workflow.roles import Role

REDIS_URL = os.environ.get("UNIONFLOW_IT_REDIS_URL", "redis://127.0.0.1:6379/15")
TASK = "workflow.tasks.sweep_timers"

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(os.environ.get("UNIONFLOW_CELERY_IT") != "1", reason="set UNIONFLOW_CELERY_IT=1 to run"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a shared PostgreSQL database"),
]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Worker:
    """One ``celery worker`` subprocess writing to its own log file."""

    def __init__(self, env: dict, log_path: Path):
        self.env, self.log_path, self.proc = env, log_path, None

    def start(self) -> None:
        self.log = open(self.log_path, "a")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                str(Path(settings.BASE_DIR) / ".venv" / "bin" / "celery"), "-A", "config", "worker",
                "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-n", f"it-{os.getpid()}@%h",
            ],
            cwd=settings.BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        start_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        wait_for(lambda: "ready." in self.text()[start_offset:] or self.proc.poll() is not None, 60, "the worker")
        assert self.proc.poll() is None, self.text()[-3000:]

    def text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)
        if self.proc is not None:
            self.log.close()
        self.proc = None

    def sweeps_done(self) -> int:
        return sum(1 for line in self.text().splitlines() if f"Task {TASK}[" in line and "succeeded in" in line)


@pytest.fixture
def redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # asked to run: a missing Redis is a failure, not a skip
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def worker_env(flushable_audit_table, redis_client, tmp_path):
    ensure_calendar_loaded()
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="0",
        CELERY_VISIBILITY_TIMEOUT="3",
        UNIONFLOW_EXTRA_APPS="tests.integration.worker_hooks",
        UNIONFLOW_IT_PAUSE_FILE=str(tmp_path / "pause"),
        UNIONFLOW_VAR_DIR=str(tmp_path / "var"),
        DB_CONN_MAX_AGE="0",
    )
    workers = []

    def make() -> Worker:
        worker = Worker(env, tmp_path / f"worker{len(workers)}.log")
        workers.append(worker)
        return worker

    yield type("Env", (), {"make": staticmethod(make), "pause_file": tmp_path / "pause"})
    for worker in workers:
        worker.kill()


def enqueue_sweep() -> None:
    """Publish the beat task to Redis the way beat does (this test process itself is eager)."""
    from celery import Celery

    # Not the current app: the shared tasks of this (eager) test process must keep theirs.
    producer = Celery("it-producer", broker=REDIS_URL, set_as_current=False)
    try:
        producer.send_task(TASK)
    finally:
        producer.close()


def due_case(make_user, orgs) -> ExampleRequest:
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    make_user("c1", Role.UNION_COMMITTEE, org=orgs.acme)
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "it", "amount": 1})
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=member)
    # Due 2025-10-14, long past: the next sweep expires it with the system transition "expire".
    start_deadline(case, "example.decide", dt.date(2025, 9, 30))
    return case


def expire_events(case) -> int:
    return [e.action for e in case_events(case)].count("expire")


def state_of(case) -> str:
    return ExampleRequest.objects.get(pk=case.pk).state


def test_worker_fires_a_due_deadline(worker_env, make_user, orgs):
    case = due_case(make_user, orgs)
    worker = worker_env.make()
    worker.start()
    enqueue_sweep()
    wait_for(lambda: state_of(case) == "rejected", 60, "the expiry transition")
    enqueue_sweep()  # a second sweep finds nothing left to do
    wait_for(lambda: worker.sweeps_done() >= 2, 60, "the second sweep")
    assert expire_events(case) == 1
    event = [e for e in case_events(case) if e.action == "expire"][0]
    assert (event.actor_role, event.channel) == ("system", "task")
    assert chain_valid(ExampleRequest.objects.get(pk=case.pk))
    assert CaseDeadline.objects.get(case_id=case.pk, rule_id="example.decide").status == "expired"


def test_worker_killed_mid_task_fires_exactly_once_after_restart(worker_env, make_user, orgs):
    case = due_case(make_user, orgs)
    worker_env.pause_file.write_text("pause once")
    worker = worker_env.make()
    worker.start()
    enqueue_sweep()
    paused = Path(str(worker_env.pause_file) + ".paused")
    wait_for(paused.exists, 60, "the sweep to reach its pause point")
    # The transition ran but is not committed: nothing is visible yet.
    assert state_of(case) == "submitted" and expire_events(case) == 0
    worker.kill(signal.SIGKILL)
    assert state_of(case) == "submitted" and expire_events(case) == 0
    assert CaseDeadline.objects.get(case_id=case.pk, rule_id="example.decide").fired_at is None

    # The message was never acknowledged (acks_late): the restarted worker gets it again.
    restarted = worker_env.make()
    restarted.start()
    wait_for(lambda: state_of(case) == "rejected", 90, "the redelivered sweep")
    wait_for(lambda: restarted.sweeps_done() >= 1, 60, "the redelivered task to finish")
    enqueue_sweep()
    wait_for(lambda: restarted.sweeps_done() >= 2, 60, "another sweep")
    assert expire_events(case) == 1
    assert chain_valid(ExampleRequest.objects.get(pk=case.pk))
    row = CaseDeadline.objects.get(case_id=case.pk, rule_id="example.decide")
    assert row.status == "expired" and row.fired_at is not None
