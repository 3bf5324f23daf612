"""A private, throwaway PostgreSQL cluster for a fault test that must restart its server.

The machine's PostgreSQL is shared (CI, other suites): a test never restarts it. This one is
made with ``initdb`` in a temporary directory, listens on a free port of 127.0.0.1 and a
socket in that directory, and is removed afterwards. PostgreSQL refuses to run as root, so as
root the server's commands run as the ``postgres`` system user (``runuser``).
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

COMMAND_TIMEOUT = 120


def pg_bin(name: str) -> str | None:
    """The newest installed PostgreSQL's ``name`` (Debian keeps it off the PATH), else the PATH's."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4] or 0))
    return found[-1] if found else shutil.which(name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def why_unavailable() -> str | None:
    """Why a private cluster cannot be made here (for a skip), or None."""
    if pg_bin("initdb") is None or pg_bin("pg_ctl") is None:
        return "PostgreSQL's initdb/pg_ctl are not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres system user to run the server"
        if shutil.which("runuser") is None:
            return "running as root without runuser"
    return None


class PrivateCluster:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="uf-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command) -> str:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{self.log()}")
        return done.stdout

    def log(self) -> str:
        log = self.dir / "server.log"
        return log.read_text()[-3000:] if log.exists() else ""

    def _pg_ctl(self, action: str, *extra):
        # fsync off: the data is thrown away, and a test's restart should not wait on the disk.
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(pg_bin("pg_ctl"), action, "-D", str(self.data), "-l", str(self.dir / "server.log"),
                  "-w", "-t", "60", "-o", options, *extra)

    def start(self, database: str):
        self._run(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        self._pg_ctl("start")
        self._run(pg_bin("psql") or "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "-c", f'CREATE DATABASE "{database}"')

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def restart(self):
        """``pg_ctl restart -m fast``: every session is cut, in-flight transactions roll back."""
        self._pg_ctl("restart", "-m", "fast")

    def remove(self):
        if (self.data / "postmaster.pid").exists():
            try:
                self._pg_ctl("stop", "-m", "immediate")
            except RuntimeError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
