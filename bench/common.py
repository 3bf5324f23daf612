"""What every benchmark shares: its own PostgreSQL database, Django set up against it, the
machine described, and its figures written to ``bench/results/<name>.json``.

Benchmarks use only databases whose name starts with ``uf_bench``; a URL naming another
database is refused, so a benchmark can never write into a real one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
PREFIX = "uf_bench"


def database_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def db_name(url: str) -> str:
    import dj_database_url

    cfg = dj_database_url.parse(url)
    if "postgresql" in cfg["ENGINE"] and not cfg["NAME"].startswith(PREFIX):
        raise SystemExit(f"benchmarks use only databases named {PREFIX}*, not {cfg['NAME']!r}")
    return cfg["NAME"]


def _admin_connection(url: str):
    import dj_database_url
    import psycopg2

    cfg = dj_database_url.parse(url)
    conn = psycopg2.connect(
        dbname="postgres", user=cfg["USER"] or None, password=cfg["PASSWORD"] or None,
        host=cfg["HOST"] or None, port=cfg["PORT"] or None,
    )
    conn.autocommit = True
    return conn


def recreate_database(url: str) -> None:
    """Drop and create the (``uf_bench*``) database named in ``url``: a run that starts from nothing."""
    from psycopg2 import sql

    name = db_name(url)
    conn = _admin_connection(url)
    with conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def ensure_database(url: str) -> None:
    db_name(url)
    from bench.run import ensure_database as create_if_missing

    create_if_missing(url)


def setup_django(url: str) -> None:
    from bench.run import setup_django as setup

    # DATABASE_URL set means production to the settings: a key is required (this one signs nothing).
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    os.environ.setdefault("SECURE", "0")  # ...and would redirect the in-process client to HTTPS
    setup(url)


def machine() -> dict:
    """The machine as the figures should be read: cores, memory, load, database version."""
    info = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        info["load_average_1m"] = round(os.getloadavg()[0], 2)
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        info["memory_gib"] = round(pages * size / 2**30, 1)
    except (OSError, ValueError, AttributeError):
        pass
    try:
        out = subprocess.run(["psql", "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
        info["psql"] = out
    except (OSError, subprocess.SubprocessError):
        pass
    info["shared"] = os.environ.get("BENCH_MACHINE_NOTE", "shared with other work while measured")
    return info


def save(name: str, figures: dict, *, results_dir: Path | None = None) -> Path:
    """Write ``figures`` with the time and the machine to ``bench/results/<name>.json``."""
    out = Path(results_dir or RESULTS)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.json"
    record = {"benchmark": name, "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "machine": machine(), **figures}
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    print(f"\n{name}: written to {path}")
    return path
