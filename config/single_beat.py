"""Exactly one Celery beat at a time; a second one refuses to start.

Two beats send every periodic task twice (each sweep, each resend). So a beat holds a lock
for its whole life, one the operating system releases when the process ends, however it
ends (SIGKILL included), and a beat that finds it held exits with status 1 and says why:

- **PostgreSQL** (``DATABASE_URL``): a session advisory lock (``pg_try_advisory_lock``) on a
  connection of its own. Every beat of an installation shares that database, on whatever
  machine it runs; the server drops the lock when the session ends, and a killed process's
  session ends when the kernel closes its socket.
- **Otherwise** (the embedded SQLite default, one machine): an exclusive ``flock`` on
  ``VAR_DIR/celerybeat.lock``; the kernel releases it when the process dies.

Not a Redis lock with a TTL: it needs a renewal thread, so a beat stalled longer than the TTL
(swapping, a paused VM) loses its lock while it still runs — two beats — and a killed beat
keeps the next one out until the TTL runs out. The two locks above have no timeout to tune:
they live exactly as long as the process that holds them.

The embedded beat (``celery worker -B``): Celery 5.7 runs it as a child *process* (billiard's
``Process``, not a thread, also with ``--pool=solo``). A worker killed with SIGKILL cannot stop
that child, which lived on, sending. So the child asks the kernel (Linux ``PR_SET_PDEATHSIG``)
to kill it when its worker dies, and the worker checks the lock before it starts
(``celeryd_init``): a worker asked to run beat while another beat runs refuses to start,
instead of serving without the timers it was started for. Should two start at the same moment,
the beat child that loses the lock stops its own worker.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import signal
import sys
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

#: The advisory lock's key: "unionflw" in ASCII, unique to this application within its database.
ADVISORY_KEY = 0x756E696F6E666C77
LOCK_FILE_NAME = "celerybeat.lock"
PR_SET_PDEATHSIG = 1
REFUSED = "unionflow: another Celery beat is already running (%s); this one does not start. Exactly one beat may run."


class FileLock:
    """An exclusive ``flock`` on a file under ``VAR_DIR``, which holds the holder's pid for the message."""

    def __init__(self, path: Path):
        self.path, self.fd = path, None

    def acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return True

    def holder(self) -> str:
        try:
            pid = self.path.read_text().strip()
        except OSError:
            pid = "?"
        return f"process {pid}, lock file {self.path}"

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the only descriptor releases the flock
            self.fd = None


class AdvisoryLock:
    """A PostgreSQL session advisory lock on a connection that lives as long as the lock."""

    def __init__(self):
        self.connection = None

    def _connect(self):
        from django.db import connections

        # Not the thread's shared connection: Celery closes that one between tasks and at
        # beat start, which would drop the lock.
        wrapper = connections.create_connection("default")
        wrapper.ensure_connection()
        return wrapper

    def acquire(self) -> bool:
        wrapper = self._connect()
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
            won = cursor.fetchone()[0]
        if won:
            self.connection = wrapper
        else:
            wrapper.close()
        return bool(won)

    def holder(self) -> str:
        wrapper = self._connect()
        try:
            with wrapper.cursor() as cursor:
                cursor.execute(
                    "SELECT a.pid, a.client_addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s",
                    [ADVISORY_KEY >> 32, ADVISORY_KEY & 0xFFFFFFFF],
                )
                row = cursor.fetchone()
        finally:
            wrapper.close()
        where = f"PostgreSQL backend {row[0]} from {row[1] or 'local socket'}" if row else "PostgreSQL"
        return f"{where}, advisory lock {ADVISORY_KEY}"

    def release(self) -> None:
        if self.connection is not None:
            self.connection.close()  # ending the session releases the lock
            self.connection = None


def beat_lock() -> FileLock | AdvisoryLock:
    """The lock every beat of this installation takes: PostgreSQL's when the data lives there."""
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return AdvisoryLock()
    return FileLock(Path(settings.VAR_DIR) / LOCK_FILE_NAME)


#: The lock of this process's beat, kept referenced for the process's life.
_held: list = []




def die_with_parent() -> None:
    """Have the kernel kill this process when its parent dies (Linux); exit now if it already has."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            log.warning("embedded beat: PR_SET_PDEATHSIG failed (errno %s)", ctypes.get_errno())
    else:
        log.warning("embedded beat: cannot ask this system to stop it with its worker; stop both together")
    if parent == 1 or os.getppid() != parent:
        os._exit(1)  # the worker died before the request took effect


def hold_or_exit(*, embedded: bool) -> None:
    """Take the beat lock for this process's life, or exit with status 1 (called as beat starts)."""
    if embedded:
        die_with_parent()
    lock = beat_lock()
    if lock.acquire():
        _held.append(lock)
        log.info("beat: holding the single-beat lock (%s)", lock.holder())
        return
    log.critical(REFUSED, lock.holder())
    if embedded:
        # The worker was started to run this beat: stop it rather than let it serve without.
        os.kill(os.getppid(), signal.SIGTERM)
    raise SystemExit(1)


def check_free_or_exit() -> None:
    """Before a worker with an embedded beat starts: exit with status 1 if a beat already runs."""
    lock = beat_lock()
    if not lock.acquire():
        # Before the worker sets up logging: straight to stderr.
        print(REFUSED % lock.holder(), file=sys.stderr, flush=True)
        raise SystemExit(1)
    lock.release()
