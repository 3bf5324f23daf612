"""``manage.py run_timers [--now ISO]``: run one timer sweep now (the beat task runs the same code)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date, parse_datetime

from workflow import clock
from workflow.deadlines import timers


class Command(BaseCommand):
    help = "立即执行一次期限扫描 Run one sweep of due reminders, expiries and escalations."

    def add_arguments(self, parser):
        parser.add_argument("--now", default="", help="Sweep as if it were this time (ISO 8601, Asia/Shanghai if naive).")

    def handle(self, *args, **options):
        at = None
        if options["now"]:
            value = options["now"].strip()
            try:
                at = parse_datetime(value)
                if at is None and parse_date(value) is not None:
                    at = parse_datetime(value + "T00:00:00")
            except ValueError:
                at = None
            if at is None:
                raise CommandError(f"--now: {value!r} is not an ISO date/time")
        if at is None:
            counts = timers.sweep()
        else:
            with clock.override(at):
                counts = timers.sweep()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
