#!/usr/bin/env python
"""B3 — audit verification: ``manage.py audit_verify`` over 1,000,000 events.

    .venv/bin/python bench/b3_audit.py

Builds (once) ``--events`` audit events in ``uf_bench``: chains of ``--chain-length`` events on
the benchmark cases of ``bench/data.py``, each event made and hashed exactly as
``workflow.audit.record_event`` makes it (same fields, ``compute_hash``), inserted in bulk.
Then it runs ``audit_verify`` as an operator would (every chain, then every anchor) and, in the
same run, the database's raw scan of the same rows in the same order (``COPY … TO STDOUT``
into nothing) as the reference. Reports events/s of both and their ratio.
Target: ≥ 100,000 events/s.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database_url, ensure_database, save, setup_django  # noqa: E402

TARGET = 100_000


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=os.environ.get("DATABASE_URL") or database_url("uf_bench"))
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--chain-length", type=int, default=10)
    p.add_argument("--demo-scale", action="store_true", help="the demo federation only (the bench's own test)")
    p.add_argument("--results-dir", default=None)
    return p.parse_args(argv)


def ensure_events(total: int, length: int) -> None:
    """Top the audit log up to ``total`` events with bulk-written chains on bench cases."""
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from bench import data
    from workflow.audit.chain import GENESIS_HASH, compute_hash, normalise_payload
    from workflow.models import AuditEvent

    missing = total - AuditEvent.objects.count()
    if missing <= 0:
        return
    model = data._example_model()
    ct = ContentType.objects.get_for_model(model)
    data.ensure_cases(max(missing // length + 1, model.objects.filter(reference__startswith=data.REF_PREFIX).count()))
    chained = AuditEvent.objects.filter(case_type=ct).values_list("case_id", flat=True).distinct()
    cases = (model.objects.filter(reference__startswith=data.REF_PREFIX).exclude(pk__in=chained)
             .order_by("pk").values_list("pk", "reference", "organisation_id", "created_by_id"))
    actor = data.user("committee1")
    start = timezone.now() - dt.timedelta(days=365)
    batch, written, t0 = [], 0, time.perf_counter()
    for pk, ref, org, _creator in cases.iterator(chunk_size=2000):
        prev = GENESIS_HASH
        for seq in range(1, length + 1):
            event = AuditEvent(
                case_type=ct, case_id=pk, case_ref=ref, organisation_id=org, seq=seq, action="comment",
                actor=actor, actor_name=actor.get_username(), actor_role="union_committee",
                created_at=start + dt.timedelta(minutes=seq, seconds=pk % 3600), channel="api", ip="10.0.0.1",
                payload=normalise_payload({"n": seq, "text": "审阅意见 review note " + "x" * 80}), prev_hash=prev,
            )
            event.hash = prev = compute_hash(event)
            batch.append(event)
        if len(batch) >= 10_000:
            with transaction.atomic():
                AuditEvent.objects.bulk_create(batch)
            written += len(batch)
            batch = []
            print(f"  audit events written: {written:,} ({written / (time.perf_counter() - t0):,.0f}/s)", end="\r")
            if written >= missing:
                break
    if batch:
        AuditEvent.objects.bulk_create(batch)
    print()


def raw_scan_seconds() -> tuple[float, int]:
    """The database's own read of every event row, in chain order, into nothing."""
    from django.db import connection

    from workflow.models import AuditEvent

    class Sink(io.RawIOBase):
        def write(self, b):
            return len(b)

    table = AuditEvent._meta.db_table
    with connection.cursor() as cur:
        start = time.perf_counter()
        cur.cursor.copy_expert(f'COPY (SELECT * FROM "{table}" ORDER BY case_type_id, case_id, seq) TO STDOUT', Sink())
        seconds = time.perf_counter() - start
        cur.execute(f'SELECT count(*) FROM "{table}"')
        return seconds, cur.fetchone()[0]


def verify_seconds() -> tuple[float, str]:
    from django.core.management import call_command

    out = io.StringIO()
    start = time.perf_counter()
    call_command("audit_verify", stdout=out, stderr=out)
    return time.perf_counter() - start, out.getvalue()


def main(argv=None) -> dict:
    args = parse_args(argv)
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    from bench import data
    from workflow.models import AuditEvent

    call_command("migrate", verbosity=0)
    if args.demo_scale:
        call_command("seed_demo", "--if-empty", verbosity=0)
    else:
        data.ensure_full_federation()
    ensure_events(args.events, args.chain_length)
    data.vacuum_analyze(AuditEvent)
    raw_s, rows = raw_scan_seconds()
    verify_s, output = verify_seconds()
    raw_s = (raw_s + raw_scan_seconds()[0]) / 2  # before and after: the machine's load drifts
    figures = {
        "events": rows, "audit_verify_seconds": round(verify_s, 2), "audit_verify_events_per_s": round(rows / verify_s),
        "raw_scan_seconds": round(raw_s, 2), "raw_scan_events_per_s": round(rows / raw_s),
        "ratio": round(raw_s / verify_s, 4), "audit_verify_output": [x for x in output.strip().splitlines() if "%|" not in x],
        "target": f">= {TARGET:,} events/s", "met": rows / verify_s >= TARGET,
    }
    print(f"B3: audit_verify {rows / verify_s:,.0f} events/s ({verify_s:.1f} s for {rows:,}); "
          f"raw scan {rows / raw_s:,.0f} rows/s; ratio {raw_s / verify_s:.3f}")
    save("b3_audit", figures, results_dir=args.results_dir)
    return figures


if __name__ == "__main__":
    main()
