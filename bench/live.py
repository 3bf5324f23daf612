"""What the benchmarks over HTTP share: the application served by gunicorn as in production,
from a ``uf_bench*`` database, and a small JSON client.

The server runs with the production settings (DEBUG off, ``DATABASE_URL``, collected static files)
except that the token endpoint's rate limit is raised (a bench signs every demo account in at
once) and Celery tasks go to a filesystem broker in the run's own directory (enqueued, not run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.common import ROOT, db_name, ensure_database

PYTHON = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "unionflow-demo"
#: Collected once per checkout (``var/`` is not in git) and reused: collecting takes ~40 s.
STATIC_ROOT = ROOT / "var" / "bench-static"


def server_env(url: str, var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "DEBUG"}}
    env.update({
        "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings", "UNIONFLOW_VAR_DIR": str(var_dir),
        "SECRET_KEY": env.get("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40), "SECURE": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "API_RATE_AUTH": "10000/min", "STATIC_ROOT": str(STATIC_ROOT),
        # Uploaded files live as long as the database that names them (runs reuse the database).
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media" / db_name(url)),
    })
    return env


def prepare_database(url: str, scale: str, env: dict) -> None:
    """Create, migrate and (if empty) seed the database; collect the static files once."""
    ensure_database(url)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    if not (STATIC_ROOT / "staticfiles.json").exists():
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    subprocess.run([PYTHON, "manage.py", "seed_demo", "--if-empty", "--scale", scale, "-v", "1"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    print(f"bench: database ready ({time.monotonic() - started:.0f} s)", flush=True)


def start_server(env: dict, workers: int, port: int, log: Path) -> subprocess.Popen:
    """gunicorn (sync workers) on 127.0.0.1:``port``, returned once it answers."""
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "120"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn exited:\n" + log.read_text()[-3000:]) from None
            time.sleep(0.25)
    server.terminate()
    raise SystemExit("gunicorn did not answer:\n" + log.read_text()[-3000:])


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def call(base: str, path: str, token: str | None = None, body: dict | None = None):
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Token {token}")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def tokens(base: str, usernames) -> dict:
    """An API token for each demo account."""
    return {u: call(base, "/api/v1/auth/token/", body={"username": u, "password": PASSWORD})["token"]
            for u in sorted(set(usernames))}


if __name__ == "__main__":
    sys.exit("a library of the HTTP benchmarks; run bench/b2_http.py or bench/fuzz_long.py")
