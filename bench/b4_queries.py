#!/usr/bin/env python
"""B4 — queries at scale: the pages and API calls people wait on, with 1,000,000 audit events
and 100,000 open cases.

    .venv/bin/python bench/b4_queries.py

Run after ``bench/b3_audit.py`` (which writes the million events). Tops ``uf_bench`` up to
``--cases`` benchmark cases (about 60 % of them open) and ``--items`` open work items across
the federation, then calls each of these ``--repeat`` times in process (Django's test client,
the whole request path without the network) and reports the median and p99:

- the inbox of a review-committee member (``review1``): the API and the page;
- one case's history (API), for a benchmark case and for a demo case of every registered process;
- the audit search: the read-only admin's audit log and the audit search API (``/api/v1/audit/``),
  each its first and hundredth page and a search by a case reference;
- each dashboard: every process's case list (API and page) for the federation auditor, and each
  page a process puts in its menu (e.g. the proposals report).

For every call the SQL it sent is captured once and each SELECT is explained: a sequential scan
over a table of more than 10,000 rows is listed. A call over 500 ms is timed 10 times.
Target: every call < 20 ms median, < 50 ms p99.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database_url, ensure_database, save, setup_django  # noqa: E402

TARGET_MEDIAN_MS, TARGET_P99_MS, BIG_TABLE = 20, 50, 10_000
SLOW_MS = 500  # a call this slow is timed 10 times, not --repeat


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or database_url("uf_bench"))
    p.add_argument("--cases", type=int, default=170_000, help="benchmark cases (about 60 %% open)")
    p.add_argument("--items", type=int, default=100_000, help="open work items over the federation")
    p.add_argument("--repeat", type=int, default=100)
    p.add_argument("--demo-scale", action="store_true", help="the demo federation only (the bench's own test)")
    p.add_argument("--results-dir", default=None)
    return p.parse_args(argv)


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def seq_scans(queries) -> list[str]:
    """Tables of more than ``BIG_TABLE`` rows that a captured SELECT reads by sequential scan."""
    from django.db import connection, transaction

    found = set()
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cur:
        for q in queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            try:
                with transaction.atomic():  # a failed EXPLAIN must not abort an outer transaction
                    cur.execute("EXPLAIN (FORMAT JSON) " + sql)
                    plan = cur.fetchone()[0]
            except Exception:  # a statement that cannot be explained as captured (parameters inlined)
                continue
            stack = [(json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]]
            while stack:
                node = stack.pop()
                if node.get("Node Type") == "Seq Scan":
                    table = node.get("Relation Name", "")
                    cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
                    row = cur.fetchone()
                    if row and row[0] > BIG_TABLE:
                        found.add(f"{table} (~{int(row[0]):,} rows)")
                stack.extend(node.get("Plans", []))
    return sorted(found)


def measure(client, url: str, repeat: int) -> dict:
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    request_started.disconnect(reset_queries)  # it would empty the log being captured
    connection.queries_log.clear()  # a full log (it keeps the last 9,000) would show no new query
    try:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        captured = list(ctx.captured_queries)  # read lazily from a log the next requests empty
    finally:
        request_started.connect(reset_queries)
    if response.status_code != 200:
        return {"url": url, "error": f"HTTP {response.status_code}"}
    for _ in range(3):  # warm: templates, plans, caches, as a running server has them
        start = time.perf_counter()
        client.get(url)
        first_ms = (time.perf_counter() - start) * 1000
    if first_ms > SLOW_MS:  # far over its target already: ten calls show it, a hundred only take minutes
        repeat = min(repeat, 10)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    median, high = statistics.median(samples), p99(samples)
    return {"url": url, "calls": repeat, "median_ms": round(median, 2), "p99_ms": round(high, 2), "queries": len(captured),
            "seq_scans": seq_scans(captured),
            "met": median < TARGET_MEDIAN_MS and high < TARGET_P99_MS}


def ensure_open_work(args) -> None:
    from bench import data
    from workflow.models import WorkItem

    data.ensure_cases(args.cases)
    anchor = data.ensure_anchor_case()
    if WorkItem.objects.filter(process_key=data.BENCH).count() != args.items + 60:
        data.clear_work_items()
        data.add_work_items(anchor, 60, demo_only=True)
        data.add_work_items(anchor, args.items, demo_only=False)


def calls() -> list[tuple[str, str, str]]:
    """(name, username, url) of every measured call."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import NoReverseMatch, reverse

    from bench import data
    from workflow import registry
    from workflow.models import AuditEvent

    out = [("inbox (API), review1", "review1", "/api/v1/inbox/"), ("inbox (page), review1", "review1", "/inbox/")]
    bench_case = (AuditEvent.objects.filter(case_ref__startswith=data.REF_PREFIX).values_list("case_id", flat=True)
                  .order_by("-case_id").first())
    if bench_case:
        out.append(("history (API), a benchmark case", "auditor1", f"/api/v1/examples/{bench_case}/history/"))
    for spec in registry.all_processes():
        ct = ContentType.objects.get_for_model(spec.model)
        case_id = AuditEvent.objects.filter(case_type=ct).values_list("case_id", flat=True).order_by("case_id").first()
        if case_id and spec.key != "examples":
            out.append((f"history (API), a {spec.key} case", "auditor1", f"/api/v1/{spec.key}/{case_id}/history/"))
    admin_log = "/admin/workflow/auditevent/"
    last_page = max(0, (AuditEvent.objects.count() - 1) // 100)  # the admin shows 100 a page; ?p= counts from 0
    page = min(99, last_page)
    out += [
        ("audit search, first page", "admin", admin_log),
        (f"audit search, page {page + 1}", "admin", admin_log + f"?p={page}"),
        ("audit search, by reference", "admin", admin_log + "?q=BENCH-EX-0001234"),
        ("audit search API, first page", "auditor1", AUDIT_API),
        ("audit search API, page 100", "auditor1", audit_api_page(100)),
        ("audit search API, by reference", "auditor1", AUDIT_API + "?case=BENCH-EX-0001234"),
    ]
    for spec in registry.all_processes():
        out.append((f"{spec.key} list (API), auditor1", "auditor1", f"/api/v1/{spec.key}/"))
        out.append((f"{spec.key} list (page), auditor1", "auditor1", f"/{spec.key}/"))
        for item in spec.menu:
            try:
                url = reverse(item["url_name"])
            except NoReverseMatch:
                continue
            reader = _menu_reader(item)
            if reader is not None:
                out.append((f"{spec.key} menu page {item['url_name']}, {reader}", reader, url))
    return out


AUDIT_API = "/api/v1/audit/"


def audit_api_page(number: int, username: str = "auditor1") -> str:
    """The URL of the audit search API's page ``number`` (50 events each), reached by following
    ``next`` as a client does (the pages are cut by a cursor, not an offset); the last page if
    the log is shorter."""
    from django.test import Client

    from bench import data

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(data.user(username))
    url = AUDIT_API
    for _ in range(number - 1):
        following = client.get(url).json().get("next")
        if not following:
            break
        url = following.removeprefix("http://127.0.0.1")
    return url


def main(argv=None) -> dict:
    args = parse_args(argv)
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from bench import data

    # Pages name their static files without a collected manifest (no collectstatic for a benchmark).
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

    call_command("migrate", verbosity=0)
    if args.demo_scale:
        call_command("seed_demo", "--if-empty", verbosity=0)
    else:
        data.ensure_full_federation()
    ensure_open_work(args)
    data.vacuum_analyze(*data.analysed_models())
    rows = {}
    for name, username, url in calls():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(data.user(username))
        rows[name] = measure(client, url, args.repeat)
        r = rows[name]
        print(f"  {name:48} {r.get('median_ms', '-'):>8} {r.get('p99_ms', '-'):>8}  {r.get('error', '')}"
              f"{' seq scan: ' + ', '.join(r['seq_scans']) if r.get('seq_scans') else ''}")
    figures = {"sizes": data.sizes(), "repeat": args.repeat, "calls": rows,
               "target": f"< {TARGET_MEDIAN_MS} ms median, < {TARGET_P99_MS} ms p99",
               "met": all(r.get("met") for r in rows.values())}
    save("b4_queries", figures, results_dir=args.results_dir)
    return figures



def _menu_reader(item) -> str | None:
    """A demo account the menu shows ``item`` to (one holding one of its roles), or None."""
    from workflow.models import RoleAssignment

    grant = (
        RoleAssignment.objects.filter(role__in=list(item.get("roles", ())), user__is_active=True)
        .select_related("user").order_by("user__username").first()
    )
    return grant.user.get_username() if grant is not None else None


if __name__ == "__main__":
    main()
