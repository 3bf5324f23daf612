"""``manage.py seed_demo [--if-empty] [--scale demo|full]``: load the demo (or benchmark) data.

Idempotent: a second run finds every row and creates nothing. ``make run`` calls it with
``--if-empty`` so an existing database (any organisation present) is never touched.
"""

import argparse

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from workflow import demo
from workflow.models import Organisation


class Command(BaseCommand):
    help = "载入演示数据 Load the demo federation, accounts and cases (password: unionflow-demo)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any organisation exists.")
        parser.add_argument(
            "--scale", choices=["demo", "full"], default="demo",
            help="demo: the documented accounts; full: the seed-report federation (3,021 organisations, 79,801 members).",
        )
        # Scaled-down "full" runs for tests.
        parser.add_argument("--orgs", type=int, default=demo.FULL_ORGANISATIONS, help=argparse.SUPPRESS)
        parser.add_argument("--members", type=int, default=demo.FULL_MEMBERS, help=argparse.SUPPRESS)

    def handle(self, *args, if_empty=False, scale="demo", orgs=None, members=None, verbosity=1, **options):
        if if_empty and Organisation.objects.exists():
            if verbosity:
                self.stdout.write("数据库已有数据，跳过 Database not empty; demo data not loaded.")
            return
        if scale == "full":
            def progress(total):
                return tqdm(total=total, desc="seed full", unit="row", disable=verbosity == 0)

            summary = demo.build_full(organisations=orgs, members=members, progress=progress)
            if verbosity:
                self.stdout.write(
                    "全量数据 Full scale: {organisations} union organisations, {members} members.".format(**summary)
                )
        organisations, users = demo.build_demo()

        def report(process_key, exc):
            self.stderr.write(f"seed_demo: process {process_key} failed: {exc!r}")

        failed = demo.run_process_hooks(organisations, users, on_error=report)
        if failed:
            raise CommandError("Demo cases not loaded for: " + ", ".join(failed))
        if verbosity:
            self.stdout.write(self.style.SUCCESS(
                f"演示数据就绪 Demo data ready: {len(users)} accounts, password unionflow-demo."
            ))
