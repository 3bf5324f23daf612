"""PostgreSQL restarted in the middle of a load run: nothing half-done, nothing lost.

The application runs as in production — gunicorn (2 workers × 4 threads), persistent database
connections with health checks (``DB_CONN_MAX_AGE=60``) — against a private throwaway
PostgreSQL cluster (``pg_cluster.py``; the machine's shared server is never touched). Eight API
clients each walk cases of the example process (create → submit → approve by a committee
member). Once the run is under way the cluster is restarted (``pg_ctl restart -m fast``: every
session is cut, open transactions roll back) and the clients carry on.

What must hold:
- a request that meets the restart fails as a server error (5xx) with an answer — never a
  dropped connection — and a client that sends it again gets it done, or is told (409) that
  the first attempt had already committed, in which case the case shows the step done;
- the server recovers by itself: requests succeed after the restart, the workers live on;
- no case is half-transitioned: its state, the step its flow waits on and its audit trail
  agree, for every case in the database (``restart_stack.check``);
- ``audit_verify`` passes afterwards.

Skipped when PostgreSQL's server binaries are not installed. It runs once, in the suite's
PostgreSQL run (CI's PostgreSQL step).
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from .pg_cluster import PrivateCluster, free_port, why_unavailable

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLIENTS = 8
CASES_BEFORE_RESTART = 12  # finished cases (all clients together) before the restart
CASES_AFTER_RESTART = 2  # per client, after the restart
RETRIES = 40  # per request; with the pause below, well over the time a fast restart takes
PAUSE = 0.25

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="runs once, in the suite's PostgreSQL run"),
    pytest.mark.skipif(why_unavailable() is not None, reason=f"no private PostgreSQL cluster: {why_unavailable()}"),
]


class Stack:
    """The private cluster and gunicorn serving the application from it."""

    def __init__(self):
        self.cluster = PrivateCluster()
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": self.cluster.url("uf_restart"),
            "UNIONFLOW_VAR_DIR": str(self.cluster.dir / "var"), "DB_CONN_MAX_AGE": "60",
            "CELERY_TASK_ALWAYS_EAGER": "1",
        })
        self.server = None

    def python(self, *args) -> str:
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def start(self) -> dict:
        self.cluster.start("uf_restart")
        self.python("manage.py", "migrate", "--noinput")
        tokens = json.loads(self.python("-m", "tests.faults.restart_stack", "setup", str(CLIENTS)).splitlines()[-1])
        self.log = open(self.cluster.dir / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.server = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{self.port}",
             "--timeout", "120"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=2)
                return tokens
            except OSError:
                assert self.server.poll() is None, (self.cluster.dir / "gunicorn.log").read_text()[-3000:]
                time.sleep(0.25)
        raise AssertionError("gunicorn did not answer")

    def check(self) -> dict:
        return json.loads(self.python("-m", "tests.faults.restart_stack", "check").splitlines()[-1])

    def stop(self):
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            self.server.wait(timeout=30)
        if self.server is not None:
            self.log.close()
        self.cluster.remove()


@pytest.fixture
def stack():
    running = Stack()
    try:
        yield running, running.start()
    finally:
        running.stop()


class Client:
    """One API client; it sends a request again after a server error, as a form or an app retries."""

    def __init__(self, base: str, log: list, lock: threading.Lock):
        self.base, self.log, self.lock = base, log, lock

    def once(self, method: str, path: str, token: str, body=None) -> tuple[int, dict]:
        request = urllib.request.Request(
            self.base + path, method=method, data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            payload = exc.read()
            try:
                return exc.code, json.loads(payload or b"{}")
            except ValueError:
                return exc.code, {"page": payload[:200].decode(errors="replace")}
        except OSError as exc:  # no answer at all: the finding this test looks for
            return 0, {"error": repr(exc)}

    def send(self, method: str, path: str, token: str, body=None) -> tuple[int, dict, bool]:
        """(status, body, retried): sent until it is not a server error, at most ``RETRIES`` times."""
        for attempt in range(RETRIES):
            status, answer = self.once(method, path, token, body)
            with self.lock:
                self.log.append((status, attempt > 0, method, path))
            if not 500 <= status < 600:
                return status, answer, attempt > 0
            time.sleep(PAUSE)
        return status, answer, True

    def step(self, case_id: int, name: str, token: str, target: str) -> bool:
        path = f"/api/v1/examples/{case_id}/transitions/{name}/"
        status, answer, retried = self.send("POST", path, token, {})
        if status == 200:
            return True
        if status == 409 and retried:  # the attempt that met the restart had committed
            status, case, _ = self.send("GET", f"/api/v1/examples/{case_id}/", token)
            return status == 200 and case.get("state") == target
        return False

    def walk(self, member: str, approver: str, n: int) -> str | None:
        """Create, submit and approve one case; the case's id, or None if a step was not done."""
        status, case, _ = self.send("POST", "/api/v1/examples/", member,
                                    {"organisation": "acme", "title": f"Restart {n}", "amount": 10})
        if status != 201:
            return None
        done = self.step(case["id"], "submit", member, "submitted") and self.step(case["id"], "approve", approver, "approved")
        return case["id"] if done else None


def drive(base: str, tokens: dict, cluster: PrivateCluster) -> dict:
    log, lock = [], threading.Lock()
    finished, failed, after = Counter(), [], Counter()
    restarted = threading.Event()

    def client(i):
        me, approver = tokens["members"][i], tokens["committee"][i % len(tokens["committee"])]
        n = 0
        while not (restarted.is_set() and after[i] >= CASES_AFTER_RESTART) and n < 200:
            n += 1
            was_restarted = restarted.is_set()
            case_id = Client(base, log, lock).walk(me, approver, n)
            with lock:
                if case_id is None:
                    failed.append((i, n))
                finished[i] += case_id is not None
                after[i] += was_restarted and case_id is not None

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    while sum(finished.values()) < CASES_BEFORE_RESTART and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    before_pid = cluster.postmaster_pid()
    cluster.restart()
    restarted.set()
    for t in threads:
        t.join(timeout=600)
    return {"log": log, "failed": failed, "finished": sum(finished.values()), "after": dict(after),
            "pid_changed": cluster.postmaster_pid() != before_pid, "hung": any(t.is_alive() for t in threads)}


def test_a_postgresql_restart_mid_run_leaves_no_case_half_done_and_the_chain_valid(stack):
    running, tokens = stack
    run = drive(f"http://127.0.0.1:{running.port}", tokens, running.cluster)

    statuses = Counter(status for status, *_ in run["log"])
    assert run["pid_changed"] and not run["hung"], run
    assert statuses[0] == 0, [entry for entry in run["log"] if entry[0] == 0]
    assert set(statuses) <= {200, 201, 409, 500, 502, 503}, statuses
    first_attempt_409 = [entry for entry in run["log"] if entry[0] == 409 and not entry[1]]
    assert first_attempt_409 == [], first_attempt_409
    assert run["failed"] == [], (run["failed"], statuses)
    assert all(run["after"].get(i, 0) >= CASES_AFTER_RESTART for i in range(CLIENTS)), run["after"]
    assert running.server.poll() is None, "gunicorn died with the database"

    after = running.check()
    assert after["problems"] == [], after["problems"]
    assert after["cases"]["examples"] >= run["finished"]
    assert after["audit_verify"], after["audit_verify_output"]
