"""Smoke test: ``make run``'s own stack answers 20 concurrent API clients without a server error.

Starts what the Makefile's ``run`` target starts, on a fresh temporary ``UNIONFLOW_VAR_DIR``
(so the embedded SQLite database and filesystem broker, no ``DATABASE_URL``):

    manage.py migrate --noinput
    manage.py seed_demo --if-empty
    celery -A config worker -B --pool=solo
    manage.py runserver HOST:PORT --noreload

then 20 clients at once, with the demo accounts, each take a proposal of their own through the
API — create, invite two co-signers, both co-sign, submit, start the review — and finally all
20 race to start the review of one shared proposal. Any answer >= 500 (or no answer) fails the
run; so does a run in which no transition succeeded. Everything started is stopped at the end.

    .venv/bin/python tests/smoke/concurrent_clients.py [--port 18150]
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLIENTS = 20
PASSWORD = "unionflow-demo"
# Representatives of acme (demo accounts) propose and co-sign; the review committee reviews.
REPRESENTATIVES = ["rep1", "rep2", "rep3", "rep4", "rep5", "rep6"]
REVIEWERS = ["review1", "review2", "review3"]
REQUEST_TIMEOUT = 60
START_TIMEOUT = 60


class Stack:
    """The processes of ``make run``, each in its own process group so all its children stop too."""

    def __init__(self, port: int):
        self.port = port
        self.var_dir = Path(tempfile.mkdtemp(prefix="unionflow-smoke-"))
        self.env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
        self.env.update({"UNIONFLOW_VAR_DIR": str(self.var_dir), "DJANGO_SETTINGS_MODULE": "config.settings"})
        self.processes: list[subprocess.Popen] = []

    def manage(self, *args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                       stdout=subprocess.DEVNULL, timeout=300)

    def spawn(self, name: str, *command):
        log = open(self.var_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        self.processes.append(
            subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        )

    def start(self):
        self.manage("migrate", "--noinput")
        self.manage("seed_demo", "--if-empty")
        self.spawn("worker", str(BIN / "celery"), "-A", "config", "worker", "-B", "--pool=solo", "--loglevel=INFO")
        self.spawn("web", sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload")
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                raise RuntimeError("a process of the stack exited at start:\n" + self.logs())
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the server did not answer in time:\n" + self.logs())

    def logs(self, tail: int = 3000) -> str:
        return "\n".join(f"--- {f.name}\n{f.read_text()[-tail:]}" for f in sorted(self.var_dir.glob("*.log")))

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(self.var_dir, ignore_errors=True)


class Api:
    """A tiny JSON client that records every answer's status (0: no answer)."""

    def __init__(self, base: str):
        self.base = base
        self.statuses: Counter = Counter()
        self.failures: list[str] = []
        self.transitions_done = 0
        self.lock = threading.Lock()

    def call(self, method: str, path: str, body=None, token: str | None = None):
        request = urllib.request.Request(self.base + path, method=method,
                                         data=json.dumps(body).encode() if body is not None else None)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Token {token}")
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        except OSError as exc:
            status, payload = 0, str(exc).encode()
        with self.lock:
            self.statuses[status] += 1
            if status >= 500 or status == 0:
                self.failures.append(f"{method} {path} -> {status}: {payload[:300]!r}")
            if "/transitions/" in path and 200 <= status < 300:
                self.transitions_done += 1
        try:
            return status, json.loads(payload or b"null")
        except ValueError:
            return status, None


def tokens(api: Api) -> dict:
    """One token per demo account (obtained once: the login endpoint may be throttled)."""
    result = {}
    for username in REPRESENTATIVES + REVIEWERS:
        status, body = api.call("POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD})
        if status != 200:
            raise RuntimeError(f"no token for {username}: {status} {body}")
        result[username] = body["token"]
    return result


def one_proposal(api: Api, token: dict, n: int):
    """Client ``n`` walks a proposal of its own from draft to review."""
    author = REPRESENTATIVES[n % len(REPRESENTATIVES)]
    others = [u for u in REPRESENTATIVES if u != author]
    cosigners = [others[n % len(others)], others[(n + 1) % len(others)]]
    reviewer = REVIEWERS[n % len(REVIEWERS)]
    status, case = api.call("POST", "/api/v1/proposals/", {
        "organisation": "acme", "title": f"并发测试 Smoke {n}", "body": "食堂延长供餐时间 Longer canteen hours",
        "category": "living",
    }, token[author])
    if status != 201:
        return
    steps = f"/api/v1/proposals/{case['id']}/transitions/"
    api.call("POST", steps + "invite_cosigners/", {"cosigners": cosigners}, token[author])
    for cosigner in cosigners:
        api.call("POST", steps + "cosign/", {}, token[cosigner])
    api.call("GET", "/api/v1/inbox/", token=token[author])
    api.call("POST", steps + "submit/", {}, token[author])
    api.call("POST", steps + "start_review/", {}, token[reviewer])
    api.call("GET", f"/api/v1/proposals/{case['id']}/history/", token=token[reviewer])
    api.call("GET", "/api/v1/notifications/", token=token[author])


def shared_proposal(api: Api, token: dict) -> tuple[int, int] | None:
    """A submitted proposal (by rep1, co-signed by rep2 and rep3) that every client races to review."""
    status, case = api.call("POST", "/api/v1/proposals/", {
        "organisation": "acme", "title": "并发审查 Shared", "body": "共同审查 Reviewed by all", "category": "living",
    }, token["rep1"])
    if status != 201:
        return None
    steps = f"/api/v1/proposals/{case['id']}/transitions/"
    api.call("POST", steps + "invite_cosigners/", {"cosigners": ["rep2", "rep3"]}, token["rep1"])
    api.call("POST", steps + "cosign/", {}, token["rep2"])
    api.call("POST", steps + "cosign/", {}, token["rep3"])
    status, case = api.call("POST", steps + "submit/", {}, token["rep1"])
    return (case["id"], case["version"]) if status == 200 else None


def at_once(api: Api, work, count: int):
    barrier = threading.Barrier(count)

    def run(n):
        try:
            barrier.wait(timeout=60)
            work(n)
        except Exception as exc:  # a client that broke is a failed run, not a silent thread
            with api.lock:
                api.failures.append(f"client {n}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=REQUEST_TIMEOUT * 10)


def drive(api: Api) -> Api:
    token = tokens(api)
    shared = shared_proposal(api, token)
    at_once(api, lambda n: one_proposal(api, token, n), CLIENTS)
    if shared is None:
        api.failures.append("the shared proposal could not be submitted")
        return api
    case_id, version = shared
    race = f"/api/v1/proposals/{case_id}/transitions/start_review/"
    at_once(api, lambda n: api.call("POST", race, {"expected_version": version}, token[REVIEWERS[n % 3]]), CLIENTS)
    return api


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("SMOKE_PORT", "18150")))
    args = parser.parse_args(argv)
    # Killed by CI or Ctrl-C: still run the ``finally`` below that stops the stack.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    stack = Stack(args.port)
    api = Api(f"http://127.0.0.1:{args.port}")
    started = time.monotonic()
    locked = 0
    try:
        stack.start()
        print(f"smoke: stack up in {time.monotonic() - started:.0f}s", flush=True)
        drive(api)
        locked = stack.logs(tail=10**7).count("database is locked")
    finally:
        stack.stop()
    print(f"smoke: {sum(api.statuses.values())} requests from {CLIENTS} clients in {time.monotonic() - started:.0f}s; "
          f"statuses {dict(sorted(api.statuses.items()))}; {api.transitions_done} transitions done; "
          f"'database is locked' in the logs: {locked}")
    for failure in api.failures[:20]:
        print("smoke: FAILED", failure)
    if api.failures:
        return 1
    if api.transitions_done == 0:
        print("smoke: FAILED no transition succeeded")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
