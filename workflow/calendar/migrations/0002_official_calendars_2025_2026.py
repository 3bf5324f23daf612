"""Load the State Council holiday arrangements for 2025 and 2026 (fixtures/cn_<year>.json)."""

from django.db import migrations

FILES = ("cn_2025.json", "cn_2026.json")


def load(apps, schema_editor):
    from workflow.calendar.loader import FIXTURES_DIR, parse_json, store

    arrangements = []
    for name in FILES:
        arrangements += parse_json((FIXTURES_DIR / name).read_text(encoding="utf-8"))
    store(arrangements, year_model=apps.get_model("wf_calendar", "CalendarYear"),
          day_model=apps.get_model("wf_calendar", "CalendarDay"))


def unload(apps, schema_editor):
    apps.get_model("wf_calendar", "CalendarYear").objects.filter(year__in=[2025, 2026]).delete()


class Migration(migrations.Migration):
    dependencies = [("wf_calendar", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
