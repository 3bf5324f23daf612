#!/usr/bin/env python
"""B5 — seed at scale: ``manage.py seed_demo --scale full`` into an empty database.

    .venv/bin/python bench/b5_seed.py

Drops and recreates ``uf_bench_seed``, migrates it (timed apart), then runs the seed in a
process of its own and reports its wall time and its peak resident memory (``wait4``'s
``ru_maxrss`` of that process). Target: under 5 minutes and under 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, database_url, recreate_database, save  # noqa: E402

TARGET_SECONDS, TARGET_MIB = 300, 1024
COUNT = (
    "import json; from workflow.models import MemberProfile, Organisation, OrgKind; "
    "print(json.dumps({'union organisations': Organisation.objects.exclude(kind=OrgKind.DEPARTMENT).count(), "
    "'members': MemberProfile.objects.count()}))"
)


def run_measured(argv: list[str], env: dict) -> tuple[float, float]:
    """Run ``argv``; returns (wall seconds, peak RSS in MiB) of that process alone."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with exit status {proc.returncode}")
    return wall, usage.ru_maxrss / 1024  # Linux reports KiB


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", default=database_url("uf_bench_seed"))
    p.add_argument("--orgs", type=int, help="a smaller federation (the bench's own test)")
    p.add_argument("--members", type=int, help="fewer members (the bench's own test)")
    p.add_argument("--results-dir", default=None)
    args = p.parse_args(argv)

    recreate_database(args.database_url)
    env = dict(os.environ, DATABASE_URL=args.database_url, SECRET_KEY=os.environ.get("SECRET_KEY", "bench-" + "x" * 50),
               CELERY_TASK_ALWAYS_EAGER="1", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    python = sys.executable
    migrate_s, _ = run_measured([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    seed = [python, "manage.py", "seed_demo", "--scale", "full"]
    if args.orgs:
        seed += ["--orgs", str(args.orgs)]
    if args.members:
        seed += ["--members", str(args.members)]
    seed_s, peak_mib = run_measured(seed, env)
    counts = subprocess.run([python, "manage.py", "shell", "-c", COUNT], cwd=ROOT, env=env, capture_output=True, text=True)
    counts = json.loads(counts.stdout.strip().splitlines()[-1]) if counts.returncode == 0 else {"error": counts.stderr[-300:]}
    figures = {
        "command": "manage.py seed_demo --scale full" + (" (reduced)" if args.orgs or args.members else ""),
        "migrate_seconds": round(migrate_s, 1), "seed_seconds": round(seed_s, 1), "seed_peak_rss_mib": round(peak_mib),
        "sizes": counts,
        "target": f"< {TARGET_SECONDS} s, < {TARGET_MIB} MiB",
        "met": seed_s < TARGET_SECONDS and peak_mib < TARGET_MIB,
    }
    print(f"B5 seed: {seed_s:.1f} s wall, peak {peak_mib:.0f} MiB (migrate {migrate_s:.1f} s); {counts}")
    save("b5_seed", figures, results_dir=args.results_dir)
    return figures


if __name__ == "__main__":
    main()
