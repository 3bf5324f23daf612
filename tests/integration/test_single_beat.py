"""Exactly one Celery beat at a time, with real processes: a second refuses, a killed one's lock is freed.

Each test starts ``celery`` processes with the project settings and a var dir of its own (the
embedded filesystem broker, so no service is needed); on PostgreSQL (``DATABASE_URL``) the
beats contend for its advisory lock instead of the lock file. Every wait is bounded and every
process started is killed at the end.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and PR_SET_PDEATHSIG")

CELERY = str(Path(settings.BASE_DIR) / ".venv" / "bin" / "celery")
HOLDING = "holding the single-beat lock"
REFUSED = "another Celery beat is already running"


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}


class Processes:
    """Celery processes of one test, each logging to its own file, all killed at the end."""

    def __init__(self, var_dir: Path):
        self.var_dir, self.started = var_dir, []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "UNIONFLOW_VAR_DIR": str(var_dir),
            "DEBUG": "1",
            "SECRET_KEY": "single-beat-test",
            "TIMER_SWEEP_SECONDS": "3600",
        }
        self.env.pop("CELERY_BROKER_URL", None)

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.var_dir / f"{name}.log", "w")  # noqa: SIM115 - the process writes it until the end
        proc = subprocess.Popen(
            [CELERY, "-A", "config", *args, "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        proc.log_name = name
        self.started.append(proc)
        return proc

    def text(self, proc) -> str:
        return (self.var_dir / f"{proc.log_name}.log").read_text(errors="replace")

    def wait_holding(self, proc) -> None:
        wait_for(lambda: HOLDING in self.text(proc) or proc.poll() is not None, 60, f"{proc.log_name} to hold the lock")
        assert HOLDING in self.text(proc), self.text(proc)[-3000:]

    def assert_refused(self, proc) -> None:
        wait_for(lambda: proc.poll() is not None, 60, f"{proc.log_name} to exit")
        assert proc.returncode != 0
        assert REFUSED in self.text(proc), self.text(proc)[-3000:]

    def kill_all(self) -> None:
        for proc in self.started:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)


@pytest.fixture
def processes(tmp_path):
    procs = Processes(tmp_path)
    yield procs
    procs.kill_all()


def test_a_second_beat_refuses_and_one_starts_after_the_first_is_killed(processes):
    first = processes.start("beat-1", "beat")
    processes.wait_holding(first)

    processes.assert_refused(processes.start("beat-2", "beat"))
    assert first.poll() is None

    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    processes.wait_holding(processes.start("beat-3", "beat"))


def test_an_embedded_beat_dies_with_its_killed_worker_and_a_second_worker_with_beat_refuses(processes):
    """``worker -B`` runs beat as a child process: a second such worker exits non-zero; kill -9 of
    the worker takes its beat with it, and a new worker's beat starts."""
    worker = processes.start("worker-1", "worker", "-B", "--pool=solo", "-n", "one@%h")
    processes.wait_holding(worker)
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    assert len(children) == 1, children
    beat_child = int(children[0])

    processes.assert_refused(processes.start("worker-2", "worker", "-B", "--pool=solo", "-n", "two@%h"))

    os.kill(worker.pid, signal.SIGKILL)  # the worker only, as an operator or the OOM killer would
    worker.wait(timeout=10)
    wait_for(lambda: not alive(beat_child), 10, "the embedded beat to die with its worker")
    processes.wait_holding(processes.start("worker-3", "worker", "-B", "--pool=solo", "-n", "three@%h"))
