"""``manage.py calendar_import FILE``: load a year's State Council holiday arrangement.

JSON: ``{"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知", "days":
[{"name": "春节", "kind": "holiday", "from": "...", "to": "..."}, {"name": "春节",
"kind": "workday", "date": "..."}]}`` (or a list of such objects). CSV: a header
``date,kind,name[,year]`` and ``--source``. The whole file is checked first; an
imported year replaces what was stored for it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workflow.calendar.loader import CalendarFileError, parse_file, store
from workflow.deadlines import open_deadlines_on_non_working_days


class Command(BaseCommand):
    help = "导入年度节假日安排 Import a year's holiday arrangement (JSON or CSV)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", default="", help="The notice the CSV comes from (required for CSV).")
        parser.add_argument("--source-url", default="")

    def handle(self, *args, **options):
        try:
            arrangements = parse_file(options["file"], source=options["source"], source_url=options["source_url"])
        except CalendarFileError as exc:
            raise CommandError(str(exc))
        with transaction.atomic():
            years = store(arrangements)
        for a in arrangements:
            holidays = sum(1 for kind, _name in a.days.values() if kind == "holiday")
            self.stdout.write(f"{a.year}: {holidays} holidays, {len(a.days) - holidays} make-up working days")
        for row in open_deadlines_on_non_working_days(years):
            self.stdout.write(
                self.style.WARNING(f"open deadline {row.case_ref} {row.rule_id} ends on {row.due_on}, now a non-working day")
            )
