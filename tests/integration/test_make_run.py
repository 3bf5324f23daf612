"""``make run`` stops as a whole when one of its parts dies: a killed worker takes the server with it.

Starts the real target (migrate, demo data, worker with beat, server) on the embedded SQLite
default in a var dir of its own and a port of its own, kills the worker with SIGKILL and
checks that the server and every other process of the run are gone. Bounded waits; whatever
is left is killed at the end.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process table from /proc"),
    pytest.mark.skipif(shutil.which("make") is None, reason="needs make"),
]

PORT = int(os.environ.get("UNIONFLOW_TEST_RUN_PORT", "18231"))


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def session_processes(sid: int) -> dict[int, str]:
    """Live processes of the session: pid → command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue
        if int(stat[3]) == sid and stat[0] not in {"Z", "X"}:
            found[int(entry.name)] = cmdline
    return found


def parent_of(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError):
        return 0


def server_answers() -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2):
            return True
    except (urllib.error.URLError, OSError):
        return False


def test_killing_the_worker_stops_the_whole_run(tmp_path):
    env = {**os.environ, "UNIONFLOW_VAR_DIR": str(tmp_path), "DEBUG": "1", "SECRET_KEY": "make-run-test"}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    log = open(tmp_path / "make.log", "w")  # noqa: SIM115 - closed below
    # -o: the virtualenv is there already; never reinstall it from a test.
    run = subprocess.Popen(
        ["make", "-o", ".venv/.installed", "run", f"PORT={PORT}"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    output = lambda: (tmp_path / "make.log").read_text(errors="replace")  # noqa: E731
    try:
        wait_for(lambda: (server_answers() and "ready." in output()) or run.poll() is not None, 180, "make run")
        assert run.poll() is None, output()[-3000:]
        running = session_processes(run.pid)
        # The worker itself: a celery process whose parent is the recipe's shell, not its beat child.
        workers = [
            pid for pid, cmd in running.items()
            if "celery -A config worker" in cmd and not cmd.startswith("/bin/bash")
            and running.get(parent_of(pid), "").startswith("/bin/bash")
        ]
        assert len(workers) == 1, running

        os.kill(workers[0], signal.SIGKILL)

        wait_for(lambda: not session_processes(run.pid), 30, "every process of make run to stop")
        assert not server_answers()
        assert "a part stopped" in output()
    finally:
        try:
            os.killpg(run.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        run.wait(timeout=10)
        log.close()
