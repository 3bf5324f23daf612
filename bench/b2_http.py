#!/usr/bin/env python
"""B2 — HTTP under load: locust (headless) against gunicorn with 4 workers, 32 users.

    .venv/bin/python bench/b2_http.py

Migrates and seeds (once: ``seed_demo --scale full``, or ``--scale demo``) its own PostgreSQL
database ``uf_bench_b2``, serves it with gunicorn (``--workers`` 4, sync workers, as the README's
production setup), signs the demo accounts in through the token API, lists the cases each may
read, and runs ``bench/b2_locustfile.py``: 32 users, each with a think time of 1–3 s opening its
inbox, a case or a case's history, and once a minute taking one step of a proposal of its own
(create, invite, co-sign × 2, submit, start review). Reports p50/p95/p99 per request kind and
overall, and every error (a status ≥ 400 or no answer). Target: p99 < 100 ms, 0 errors.

locust runs in the bench's own virtualenv ``bench/.venv`` (made from ``bench/requirements.txt``
on first use); the application's requirements do not include it. Celery tasks the requests
enqueue go to a filesystem broker in a temporary directory (enqueued, not run, as with a worker
elsewhere); the token endpoint's rate limit is raised for the run (it signs in every account at
once); nothing else of the production settings changes (DEBUG off, connections closed after
each request).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, database_url, db_name, save  # noqa: E402
from bench.live import PYTHON, call, prepare_database, server_env, start_server, stop_server  # noqa: E402
from bench.live import tokens as sign_in  # noqa: E402

TARGET_P99_MS = 100
BENCH_VENV = ROOT / "bench" / ".venv"
PROCESSES = ["proposals", "aid", "disputes", "contracts"]
# Every demo account that reads cases in the office's day; the proposal walks use the representatives.
READERS = ["rep1", "rep2", "rep3", "rep4", "rep5", "rep6", "review1", "review2", "review3", "member1", "member2",
           "chair", "committee1", "committee2", "visitor1", "finance1", "mediator1", "dept1", "employer1", "fedchair"]
REPRESENTATIVES = ["rep1", "rep2", "rep3", "rep4", "rep5", "rep6"]
REVIEWERS = ["review1", "review2", "review3"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=database_url("uf_bench_b2"))
    p.add_argument("--scale", choices=["full", "demo"], default="full")
    p.add_argument("--users", type=int, default=32)
    p.add_argument("--spawn-rate", type=float, default=8)
    p.add_argument("--duration", default="3m", help="locust's run time, e.g. 3m")
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    p.add_argument("--write-every", type=float, default=60, help="seconds between one user's transitions")
    p.add_argument("--port", type=int, default=18290)
    p.add_argument("--results-dir", default=None)
    return p.parse_args(argv)


def locust_bin() -> Path:
    locust = BENCH_VENV / "bin" / "locust"
    if not locust.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(BENCH_VENV / "bin" / "pip"), "install", "-q", "-r", str(ROOT / "bench" / "requirements.txt")],
                       check=True)
    return locust


def plan(base: str) -> dict:
    """Each account's token and the cases it may read (the first page of each process's list)."""
    tokens = sign_in(base, READERS + REPRESENTATIVES + REVIEWERS)
    cases = {}
    for account in READERS:
        visible = []
        for process in PROCESSES:
            page = call(base, f"/api/v1/{process}/?limit=20", tokens[account])
            rows = page["results"] if isinstance(page, dict) else page
            visible += [(process, row["id"]) for row in rows]
        if visible:
            cases[account] = visible
    return {"tokens": tokens, "cases": cases, "readers": sorted(cases),
            "representatives": REPRESENTATIVES, "reviewers": REVIEWERS}


def read_stats(prefix: Path) -> dict:
    rows = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
            rows[name] = {
                "requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]), "p95_ms": float(row["95%"]), "p99_ms": float(row["99%"]),
                "max_ms": float(row["Max Response Time"]), "requests_per_s": round(float(row["Requests/s"]), 2),
            }
    with open(f"{prefix}_failures.csv", encoding="utf-8") as f:
        failures = [{"request": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])} for r in csv.DictReader(f)]
    return {"by_request": rows, "failures": failures}


def scale_of(env: dict) -> dict:
    code = ("from workflow.models import Organisation; from django.contrib.auth import get_user_model as g; "
            "print(Organisation.objects.count(), g().objects.count())")
    out = subprocess.run([PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    return {"organisations": int(out[-2]), "users": int(out[-1])}


def main(argv=None) -> dict:
    args = parse_args(argv)
    db_name(args.database_url)  # refuses any database not named uf_bench*
    locust = locust_bin()
    work = Path(tempfile.mkdtemp(prefix="uf-b2-"))
    env = server_env(args.database_url, work / "var")
    prepare_database(args.database_url, args.scale, env)
    server = start_server(env, args.workers, args.port, work / "gunicorn.log")
    base = f"http://127.0.0.1:{args.port}"
    try:
        (work / "plan.json").write_text(json.dumps(plan(base)))
        print(f"b2: {args.users} users for {args.duration} against {args.workers} gunicorn workers")
        subprocess.run(
            [str(locust), "-f", str(ROOT / "bench" / "b2_locustfile.py"), "--headless", "-u", str(args.users),
             "-r", str(args.spawn_rate), "-t", args.duration, "--host", base, "--csv", str(work / "b2"),
             "--only-summary", "--exit-code-on-error", "0"],
            cwd=ROOT, env={**os.environ, "B2_PLAN": str(work / "plan.json"), "B2_WRITE_EVERY": str(args.write_every)},
            check=True,
        )
    finally:
        stop_server(server)
    stats = read_stats(work / "b2")
    overall = stats["by_request"]["all requests"]
    figures = {
        "command": "bench/b2_http.py" + ("" if args.scale == "full" else " --scale demo"),
        "scale": {"seed": args.scale, **scale_of(env)},
        "setup": {"gunicorn_workers": args.workers, "users": args.users, "duration": args.duration,
                  "think_time_s": "1-3", "transition_every_s": args.write_every},
        **stats,
        "target": {"p99_ms": TARGET_P99_MS, "errors": 0},
        "met": overall["p99_ms"] < TARGET_P99_MS and overall["errors"] == 0,
    }
    save("b2_http", figures, results_dir=args.results_dir)
    for name, row in stats["by_request"].items():
        print(f"{name:36} {row['requests']:6} req  p50 {row['p50_ms']:7.0f}  p95 {row['p95_ms']:7.0f}  "
              f"p99 {row['p99_ms']:7.0f} ms  errors {row['errors']}")
    return figures


if __name__ == "__main__":
    main()
