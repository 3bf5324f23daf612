#!/usr/bin/env python
"""unionflow benchmarks: ratios at the seed report's scale, measured in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/uf_bench .venv/bin/python bench/run.py

Creates the database if it does not exist, migrates it, builds the full federation with
``seed_demo --scale full`` when it is not there yet, adds benchmark cases, work items and
audit chains through the throwaway example process of the test suite, and prints:

(a) ``inbox_for()`` of a union-committee member with N open work items across the federation,
    relative to the same call with demo-scale work items only;
(b) audit chain verification (what ``audit_verify`` does) relative to merely reading the events,
    and the same for verifying the audit anchors;
(c) the case list query (``visible_q`` + count + first page) of a federation auditor, relative
    to a user who sees one organisation.

Only ratios are claims; the absolute timings depend on the machine.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/uf_bench"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or DEFAULT_URL)
    p.add_argument("--items", type=int, default=100_000, help="open work items at full scale")
    p.add_argument("--demo-items", type=int, default=60, help="open work items at demo scale")
    p.add_argument("--cases", type=int, default=50_000, help="cases spread over the federation")
    p.add_argument("--chain-cases", type=int, default=2_000, help="cases given an audit chain")
    p.add_argument("--chain-length", type=int, default=10, help="audit events per chain")
    p.add_argument("--repeat", type=int, default=60, help="timed calls per measurement (median reported)")
    return p.parse_args()


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` if it does not exist yet."""
    import dj_database_url

    cfg = dj_database_url.parse(url)
    if "postgresql" not in cfg["ENGINE"]:
        return
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(
        dbname="postgres", user=cfg["USER"] or None, password=cfg["PASSWORD"] or None,
        host=cfg["HOST"] or None, port=cfg["PORT"] or None,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if cur.fetchone() is None:
            print(f"creating database {cfg['NAME']}")
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
    conn.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Side effects of the few cases made through the services run inline, not on a broker.
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    extra = [a for a in os.environ.get("UNIONFLOW_EXTRA_APPS", "").split(",") if a]
    if "tests.example_process" not in extra:
        extra.append("tests.example_process")  # the suite's throwaway process, as a stand-in case model
    os.environ["UNIONFLOW_EXTRA_APPS"] = ",".join(extra)
    import logging

    import django

    django.setup()
    # The inline tasks log every e-mail they queue; the table is the output.
    logging.disable(logging.INFO)


def median_ms(fn, repeat: int, prepare=None) -> float:
    return paired_ms([(fn, prepare)], repeat)[0]


def paired_ms(calls, repeat: int) -> list[float]:
    """Median time (ms) of each ``(fn, prepare)``, the calls interleaved so that load from other
    processes on the machine falls on all of them alike."""
    samples = [[] for _ in calls]
    for round_ in range(repeat + 3):  # three untimed rounds warm caches and query plans
        for i, (fn, prepare) in enumerate(calls):
            if prepare:
                prepare()
            start = time.perf_counter()
            fn()
            if round_ >= 3:
                samples[i].append((time.perf_counter() - start) * 1000)
    return [statistics.median(s) for s in samples]


def main() -> int:
    args = parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection

    from bench import data

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    data.ensure_full_federation()
    anchor = data.ensure_anchor_case()
    data.ensure_cases(args.cases)
    data.ensure_chains(args.chain_cases, args.chain_length)
    data.vacuum_analyze(*data.analysed_models())
    print(f"setup: {time.perf_counter() - t0:.0f} s on {connection.vendor}")

    rows = []
    rows += bench_inbox(args, anchor)
    rows += bench_chain(args)
    rows += bench_list(args)
    rows += bench_transition(args)
    print_table(rows, data.sizes())
    return 0


def bench_inbox(args, anchor):
    from bench import data
    from workflow.inbox import inbox_for

    committee1 = data.user("committee1")
    far_committee = data.user("w000001")  # union committee of the first generated enterprise

    def fresh(user):
        return lambda: user.__dict__.pop("_unionflow_grants", None)  # as a new request would

    def demo_scale():
        data.clear_work_items()
        data.add_work_items(anchor, args.demo_items, demo_only=True)
        return median_ms(lambda: inbox_for(committee1), args.repeat, fresh(committee1))

    # The demo-scale baseline is taken before and after the full-scale run and averaged, so a
    # change of load on the machine in between does not pass for a difference of scale.
    before = demo_scale()
    demo_rows = len(inbox_for(committee1))
    data.add_work_items(anchor, args.items, demo_only=False)
    full, other = paired_ms(
        [(lambda: inbox_for(committee1), fresh(committee1)), (lambda: inbox_for(far_committee), fresh(far_committee))],
        args.repeat,
    )
    full_rows = len(inbox_for(committee1))
    demo = (before + demo_scale()) / 2
    data.clear_work_items()
    return [
        ("(a) inbox_for, committee1 (acme)", f"{args.demo_items} items, {demo_rows} shown", demo,
         f"{args.items + args.demo_items} items, {full_rows} shown", full),
        ("(a) inbox_for, committee of ent0001", f"{args.demo_items} items (committee1)", demo,
         f"{args.items + args.demo_items} items", other),
    ]


def bench_chain(args):
    from workflow.audit import verify_events
    from workflow.audit.anchor import create_anchor, verify_anchors
    from workflow.models import AuditEvent

    def stream():
        return AuditEvent.objects.order_by("case_type_id", "case_id", "seq").iterator(chunk_size=2000)

    def read():
        n = 0
        for event in stream():
            n += event.seq > 0
        return n

    def verify():
        n = 0
        for _key, group in itertools.groupby(stream(), key=lambda e: (e.case_type_id, e.case_id)):
            events = list(group)
            assert verify_events(events) is None, "a benchmark chain is broken"
            n += len(events)
        return n

    def anchors():
        assert verify_anchors() is None, "a benchmark anchor is broken"

    total = AuditEvent.objects.count()
    repeat = max(3, args.repeat // 10)
    create_anchor()  # the daily anchor over everything so far; verifying it re-reads every event
    read_ms, verify_ms, anchor_ms = paired_ms([(read, None), (verify, None), (anchors, None)], repeat)
    return [
        ("(b) events/s: read vs verify chains", f"read {total / read_ms * 1000:,.0f}/s", read_ms,
         f"verify {total / verify_ms * 1000:,.0f}/s", verify_ms),
        ("(b) events/s: read vs verify anchors", f"read {total / read_ms * 1000:,.0f}/s", read_ms,
         f"anchors {total / anchor_ms * 1000:,.0f}/s", anchor_ms),
    ]


def bench_list(args):
    from bench import data
    from tests.example_process.models import ExampleRequest
    from workflow import policy, registry

    spec = registry.get("examples")

    def listing(user):
        def run():
            user.__dict__.pop("_unionflow_grants", None)
            qs = ExampleRequest.objects.filter(policy.visible_q(user, spec.model, spec.viewer_roles))
            qs = qs.select_related("organisation", "created_by").order_by("-created_at", "-pk")
            return qs.count(), list(qs[:50])

        return run

    single, auditor = data.user("committee1"), data.user("auditor1")
    single_ms, auditor_ms = paired_ms([(listing(single), None), (listing(auditor), None)], args.repeat)
    return [
        ("(c) case list: one org vs fed auditor", f"committee1 sees {listing(single)()[0]:,}", single_ms,
         f"auditor1 sees {listing(auditor)()[0]:,}", auditor_ms),
    ]


def bench_transition(args):
    """(d) What the whole gate costs over its bare minimum.

    Baseline: lock the case row, bump its version, append one audit event — the five
    statements every state change needs. Compared: ``perform_transition`` (submit) on a fresh
    case — policy, input validation, FSM, audit, the viewflow step completed and the next one
    opened, work items rebuilt, notifications queued after commit.
    """
    from django.db import transaction

    from bench import data
    from tests.example_process.models import ExampleRequest
    from workflow import services
    from workflow.audit import Actor, record_event

    member = data.user("member1")
    pending = []

    def new_case():
        pending.append(
            services.create_case(
                process="examples", user=member, data={"organisation": "acme", "title": "bench", "amount": 1}
            ).pk
        )

    def bare():
        with transaction.atomic():
            case = ExampleRequest.objects.select_for_update().get(pk=pending[-1])
            ExampleRequest.objects.filter(pk=case.pk).update(version=case.version + 1)
            record_event(case=case, action="bench", actor=Actor(user=member, role="member"))

    def full():
        member.__dict__.pop("_unionflow_grants", None)
        services.perform_transition(process="examples", case_id=pending.pop(), name="submit", user=member)

    repeat = max(10, args.repeat // 2)
    bare_ms, full_ms = paired_ms([(bare, new_case), (full, new_case)], repeat)
    return [
        ("(d) one state change: bare vs service", "lock + update + audit", bare_ms,
         "perform_transition (submit)", full_ms),
    ]


def print_table(rows, sizes):
    print()
    print("scale: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    head = ("measurement", "baseline", "ms", "compared", "ms", "ratio")
    lines = [(name, b, f"{bms:.2f}", c, f"{cms:.2f}", f"{cms / bms:.2f}x") for name, b, bms, c, cms in rows]
    widths = [max(len(str(r[i])) for r in [head, *lines]) for i in range(len(head))]
    for r in [head, tuple("-" * w for w in widths), *lines]:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)))
    print("\nratio = compared / baseline (median of timed calls; for (b) the time to process all events).")


if __name__ == "__main__":
    random.seed(7)
    sys.exit(main())
