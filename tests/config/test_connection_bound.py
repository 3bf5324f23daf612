"""PostgreSQL connections are bounded by how the app is served, not by how many clients came.

A real server (Django's threaded runserver, gunicorn's sync and threaded workers) runs on the
test database; 50 clients with keep-alive connections send 1,000 authenticated API requests;
afterwards, with the clients still connected and idle, the server holds at most the number of
database connections README's formula gives: none for runserver (each request closes its
own), one per worker thread (workers × threads) for gunicorn with ``DB_CONN_MAX_AGE``.
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLIENTS = 50
REQUESTS = 1000
SETTLE_SECONDS = 10

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="counts PostgreSQL's connections (pg_stat_activity)"),
]

SERVERS = {
    # name: (command with {port}, extra environment, the documented bound)
    "runserver": ([sys.executable, "manage.py", "runserver", "127.0.0.1:{port}", "--noreload"], {}, 0),
    "gunicorn-threads": (
        [str(BIN / "gunicorn"), "config.wsgi", "--bind", "127.0.0.1:{port}", "--workers", "2", "--threads", "4"],
        {"DB_CONN_MAX_AGE": "60"}, 2 * 4,
    ),
}


def free_port() -> int:
    """A port in 18100-18199 that nothing listens on."""
    for port in range(18160, 18200):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 18160-18199")


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )
        return cursor.fetchone()[0]


def wait_until_listening(process, port):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited at start"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("the server did not start listening")


def hammer(port, token) -> tuple[list, list]:
    """50 keep-alive clients share 1,000 requests; returns their statuses and their open connections."""
    statuses, lock = [], threading.Lock()
    remaining = iter(range(REQUESTS))
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=60) for _ in range(CLIENTS)]

    def client(conn):
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            try:
                conn.request("GET", "/api/v1/me/", headers={"Authorization": f"Token {token}"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()  # the server closed it (gunicorn's sync workers do): reconnect
                status = "closed"
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=client, args=(c,)) for c in conns]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return statuses, conns


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("server", SERVERS)
def test_a_thousand_requests_from_50_clients_leave_the_documented_connections(
    server, flushable_audit_table, make_user, tmp_path
):
    token = Token.objects.create(user=make_user("load")).key
    command, extra_env, bound = SERVERS[server]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DB_CONN_MAX_AGE", "CELERY_BROKER_URL"}}
    env.update({"DATABASE_URL": database_url(), "UNIONFLOW_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings",
                "LOG_LEVEL": "WARNING", "SECRET_KEY": "connection-bound-" * 4, "SECURE": "0",
                "API_RATE_USER": "100000/min", **extra_env})
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen([a.format(port=port) for a in command], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    conns = []
    try:
        wait_until_listening(process, port)
        statuses, conns = hammer(port, token)
        answered = [s for s in statuses if s != "closed"]
        assert len(answered) >= REQUESTS * 0.95 and set(answered) == {200}, sorted(set(map(str, statuses)))
        # The last responses may be sent just before their request closes its connection.
        deadline = time.monotonic() + SETTLE_SECONDS
        while (count := server_connections()) > bound and time.monotonic() < deadline:
            time.sleep(0.2)
        assert count <= bound, f"{server}: {count} connections left open, documented bound {bound}"
    finally:
        for conn in conns:
            conn.close()
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
        log.close()
