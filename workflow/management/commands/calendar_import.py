"""``manage.py calendar_import FILE``: load a year's State Council holiday arrangement.

Three forms of FILE:

- ``--notice``: the notice's text as published (国务院办公厅关于2027年部分节假日安排的通知),
  pasted into a text file; see :mod:`workflow.calendar.notice` for what is checked.
- JSON: ``{"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知", "days":
  [{"name": "春节", "kind": "holiday", "from": "...", "to": "..."}, {"name": "春节",
  "kind": "workday", "date": "..."}]}`` (or a list of such objects).
- CSV: a header ``date,kind,name[,year]`` and ``--source``.

The whole file is checked first; an imported year replaces what was stored for it.
``--dry-run`` prints what would be loaded and stores nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from workflow.calendar.importing import import_calendar, preview
from workflow.calendar.loader import CalendarFileError, parse_file
from workflow.calendar.notice import parse_notice


class Command(BaseCommand):
    help = "导入年度节假日安排 Import a year's holiday arrangement (notice text, JSON or CSV)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--notice", action="store_true", help="FILE is the text of the State Council's notice.")
        parser.add_argument("--year", type=int, help="The notice's year, when its title is not in the text.")
        parser.add_argument("--source", default="", help="The notice the CSV comes from (required for CSV).")
        parser.add_argument("--source-url", default="")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be loaded; store nothing.")

    def handle(self, *args, **options):
        try:
            if options["notice"]:
                with open(options["file"], encoding="utf-8") as handle:
                    text = handle.read()
                arrangements = [parse_notice(text, year=options["year"], source_url=options["source_url"])]
            else:
                arrangements = parse_file(options["file"], source=options["source"], source_url=options["source_url"])
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}")
        except CalendarFileError as exc:
            raise CommandError(str(exc))
        if options["dry_run"]:
            for arrangement in arrangements:
                self._show(preview(arrangement))
            self.stdout.write("dry run: nothing stored")
            return
        result = import_calendar(arrangements)
        for a in arrangements:
            holidays = sum(1 for kind, _name in a.days.values() if kind == "holiday")
            self.stdout.write(f"{a.year}: {holidays} holidays, {len(a.days) - holidays} make-up working days")
        for change in result.recomputed:
            self.stdout.write(
                f"provisional deadline {change['case']} {change['rule_id']}: "
                f"{change['old_due_on']} -> {change['new_due_on']} (the notice gives {change['computed_due_on']})"
            )
        for row in result.warnings:
            self.stdout.write(
                self.style.WARNING(f"open deadline {row.case_ref} {row.rule_id} ends on {row.due_on}, now a non-working day")
            )

    def _show(self, shown: dict) -> None:
        self.stdout.write(f"{shown['year']}: {shown['source']}")
        for day in shown["days"]:
            self.stdout.write(f"  {day['date']} {day['weekday_label']} {day['kind']:8} {day['name']}")
        self.stdout.write(
            f"{shown['holidays']} holidays, {shown['workdays']} make-up working days"
            + (f"; replaces the stored {shown['year']}" if shown["replaces"] else "")
        )
