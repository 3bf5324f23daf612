#!/usr/bin/env python
"""B1 — transition throughput: the whole service path of one real action against raw PostgreSQL.

    .venv/bin/python bench/b1_transitions.py

For every registered process (``--process`` to choose; ``--action proposals:acknowledge`` to
name the action, otherwise the first human step after creation), fresh cases are replayed from a
demo case up to just before the action (``bench/replay.py``); then 1 and 8 worker processes
(``--workers``) each take their share of the cases and perform the action through
``perform_transition`` — row lock, policy, guards, FSM transition, viewflow step, hash-chained
audit event, deadlines, work items, notifications after commit — while, interleaved in the same
run, ``pgbench`` runs the minimum the same action needs (lock the row, update state and version,
insert one ~300-byte audit row, commit) with as many clients. Reports actions/s, the ratio, and
the SQL statements one action sends (``CaptureQueriesContext``, after-commit work included).
Celery tasks go to Redis (database 14, emptied afterwards) as a worker would take them; without
Redis they run inline and the report says so. Target: ratio ≥ 0.25 at 8 workers, ≤ 20 queries.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database_url, ensure_database, save, setup_django  # noqa: E402

TARGET_RATIO, TARGET_QUERIES = 0.25, 20
BROKER = "redis://127.0.0.1:6379/14"
DEFAULT_ACTIONS = {"proposals": "acknowledge", "examples": "submit", "aid": "precheck"}
RAW_ROWS = 100_000
RAW_SCRIPT = """\\set id random(1, {rows})
BEGIN;
SELECT state, version FROM bench_raw_case WHERE id = :id FOR UPDATE;
UPDATE bench_raw_case SET state = 'in_progress', version = version + 1 WHERE id = :id;
INSERT INTO bench_raw_audit (case_id, seq, action, actor_id, payload, prev_hash, hash, created_at)
  VALUES (:id, 1, 'acknowledge', 1, ('{{"input": {{}}, "note": "' || repeat('x', 120) || '"}}')::jsonb,
          md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text), now());
COMMIT;
"""


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or database_url("uf_bench"))
    p.add_argument("--process", action="append", help="process key (repeatable); default every registered one")
    p.add_argument("--action", action="append", default=[], help="process:action, e.g. proposals:acknowledge")
    p.add_argument("--workers", default="1,8", help="worker process counts, comma-separated")
    p.add_argument("--actions", type=int, default=160, help="actions timed per worker count and process")
    p.add_argument("--raw-seconds", type=int, default=8, help="pgbench run length per worker count")
    p.add_argument("--demo-scale", action="store_true", help="the demo federation only (the bench's own test)")
    p.add_argument("--profile", type=int, default=0, metavar="N",
                   help="instead: profile N actions in this process (cProfile) and print where the time goes")
    p.add_argument("--results-dir", default=None)
    return p.parse_args(argv)


def broker_env() -> str:
    """Send tasks to Redis as production does (eager only if no Redis answers)."""
    try:
        import redis

        redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except Exception:
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
        return "inline (no Redis): e-mail tasks run in the caller"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ["CELERY_BROKER_URL"] = BROKER
    return f"Redis {BROKER}: tasks enqueued, not run"


def purge_broker() -> None:
    if os.environ.get("CELERY_BROKER_URL") == BROKER:
        import redis

        redis.Redis.from_url(BROKER).flushdb()


# --- raw PostgreSQL --------------------------------------------------------------------------

def raw_setup() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_raw_case (id bigint PRIMARY KEY, state text, version int NOT NULL)")
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_raw_audit (id bigserial PRIMARY KEY, case_id bigint NOT NULL, seq int NOT NULL,"
            " action text, actor_id bigint, payload jsonb, prev_hash char(64), hash char(64) UNIQUE, created_at timestamptz)"
        )
        cur.execute("TRUNCATE bench_raw_audit")
        cur.execute("SELECT count(*) FROM bench_raw_case")
        if cur.fetchone()[0] < RAW_ROWS:
            cur.execute("TRUNCATE bench_raw_case")
            cur.execute(f"INSERT INTO bench_raw_case SELECT g, 'assigned', 1 FROM generate_series(1, {RAW_ROWS}) g")
        cur.execute("VACUUM ANALYZE bench_raw_case")


def raw_tps(clients: int, seconds: int) -> float:
    """pgbench with ``clients`` connections doing the minimum a transition needs; transactions/s."""
    from django.db import connection

    s = connection.settings_dict
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(RAW_SCRIPT.format(rows=RAW_ROWS))
    out = subprocess.run(
        ["pgbench", "-n", "-f", f.name, "-c", str(clients), "-j", str(min(clients, os.cpu_count() or 1)),
         "-T", str(seconds), "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"] or "postgres",
         s["NAME"]],
        capture_output=True, text=True, env=dict(os.environ, PGPASSWORD=s["PASSWORD"] or ""),
    )
    os.unlink(f.name)
    match = re.search(r"tps = ([0-9.]+)", out.stdout)
    if not match:
        raise SystemExit(f"pgbench failed: {out.stderr[-500:]}")
    return float(match.group(1))


# --- the service path ------------------------------------------------------------------------

def _worker(plan, case_ids, barrier, out):
    from django.contrib.auth import get_user_model
    from django.db import connections

    from bench import replay

    user = get_user_model().objects.get(pk=plan.act.actor_id) if plan.act.actor_id else None
    errors = 0
    barrier.wait()
    start = time.perf_counter()
    for pk in case_ids:
        try:
            replay.act(plan, pk, user)
        except Exception as exc:  # counted and shown: a benchmark that hides failures measures nothing
            errors += 1
            if errors == 1:
                print(f"  worker error: {type(exc).__name__}: {exc}", file=sys.stderr)
    out.put((start, time.perf_counter(), len(case_ids) - errors, errors))
    connections.close_all()


def service_rate(plan, case_ids: list[int], workers: int) -> tuple[float, int]:
    """Actions/s of ``workers`` processes sharing ``case_ids``; and the errors met."""
    from django.db import connections

    connections.close_all()  # children must not share the parent's connection
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(workers), ctx.Queue()
    shares = [case_ids[i::workers] for i in range(workers)]
    procs = [ctx.Process(target=_worker, args=(plan, share, barrier, out)) for share in shares]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=1800) for _ in procs]
    for proc in procs:
        proc.join()
    start, end = min(r[0] for r in results), max(r[1] for r in results)
    done, errors = sum(r[2] for r in results), sum(r[3] for r in results)
    return done / (end - start), errors


def _prepare(plan, count, out):
    from django.db import connections

    from bench import replay

    out.put(replay.prepare(plan, count))
    connections.close_all()


def prepare_parallel(plan, count: int) -> list[int]:
    """Replay ``count`` cases in as many processes as there are cores."""
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    out, n = ctx.Queue(), max(1, min(os.cpu_count() or 1, count))
    procs = [ctx.Process(target=_prepare, args=(plan, count // n + (i < count % n), out)) for i in range(n)]
    for proc in procs:
        proc.start()
    ids = [pk for _ in procs for pk in out.get(timeout=3600)]
    for proc in procs:
        proc.join()
    return ids


def queries_per_action(plan, case_id: int) -> tuple[int, list[str]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench import replay

    user = get_user_model().objects.get(pk=plan.act.actor_id) if plan.act.actor_id else None
    with CaptureQueriesContext(connection) as ctx:
        replay.act(plan, case_id, user)
    return len(ctx.captured_queries), [q["sql"][:160] for q in ctx.captured_queries]


def profile(plan, count: int) -> None:
    """Where one action's time goes: cProfile over ``count`` actions, by cumulative time."""
    import cProfile
    import pstats

    from django.contrib.auth import get_user_model

    from bench import replay

    ids = replay.prepare(plan, count)
    user = get_user_model().objects.get(pk=plan.act.actor_id) if plan.act.actor_id else None
    profiler = cProfile.Profile()
    profiler.enable()
    for pk in ids:
        replay.act(plan, pk, user)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"workflow|processes|viewflow|django/db/backends", 45)


def bench_process(plan, args, workers: list[int]) -> dict:

    need = args.actions * len(workers) + 1
    t0 = time.perf_counter()
    ids = prepare_parallel(plan, need)
    print(f"  {need} cases prepared in {time.perf_counter() - t0:.0f} s")
    queries, sql = queries_per_action(plan, ids.pop())
    rows = []
    for n in workers:
        share, ids = ids[: args.actions], ids[args.actions:]
        raw_before = raw_tps(n, args.raw_seconds // 2 or 1)
        rate, errors = service_rate(plan, share, n)
        raw = (raw_before + raw_tps(n, args.raw_seconds // 2 or 1)) / 2  # before and after: load drifts
        rows.append({"workers": n, "service_per_s": round(rate, 1), "raw_per_s": round(raw, 1),
                     "ratio": round(rate / raw, 4), "errors": errors})
        print(f"  {n} worker(s): service {rate:.1f}/s, raw {raw:.1f}/s, ratio {rate / raw:.3f}, errors {errors}")
    last = rows[-1]
    return {"action": plan.describe(), "queries_per_action": queries, "queries": sql, "runs": rows,
            "met": last["ratio"] >= TARGET_RATIO and queries <= TARGET_QUERIES}


def main(argv=None) -> dict:
    args = parse_args(argv)
    ensure_database(args.database_url)
    tasks = broker_env()
    setup_django(args.database_url)
    from django.core.management import call_command

    from bench import data, replay
    from workflow import registry

    call_command("migrate", verbosity=0)
    if args.demo_scale:
        call_command("seed_demo", "--if-empty", verbosity=0)
    else:
        data.ensure_full_federation()
    data.ensure_anchor_case()  # a demo chain for the example process
    raw_setup()
    workers = [int(n) for n in args.workers.split(",")]
    chosen = dict(DEFAULT_ACTIONS, **dict(a.split(":", 1) for a in args.action))
    figures = {"tasks": tasks, "target": f"ratio >= {TARGET_RATIO} at {max(workers)} workers, <= {TARGET_QUERIES} queries",
               "processes": {}}
    for spec in registry.all_processes():
        if args.process and spec.key not in args.process:
            continue
        plan = replay.find_plan(spec.key, chosen.get(spec.key)) or replay.find_plan(spec.key)
        if plan is None:
            print(f"{spec.key}: no demo case to replay; skipped")
            figures["processes"][spec.key] = {"skipped": "no demo case to replay"}
            continue
        print(f"{spec.key}: {plan.describe()}")
        if args.profile:
            profile(plan, args.profile)
            continue
        figures["processes"][spec.key] = bench_process(plan, args, workers)
    purge_broker()
    if args.profile:
        return figures
    save("b1_transitions", figures, results_dir=args.results_dir)
    return figures


if __name__ == "__main__":
    main()
