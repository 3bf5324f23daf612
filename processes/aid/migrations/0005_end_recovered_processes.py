"""Recovered cases used to keep an open step addressed to no one; they now end their process.

Closes the open ``recovered`` step of each such case and marks its process done, as the flow's End
node does for a case recovered from now on. Nothing else changes (the step had no work items)."""

from django.db import migrations
from django.utils import timezone

RECOVERED_STEP = "aid/flows.AidFlow.recovered"
OPEN = ("NEW", "ASSIGNED", "STARTED")


def end_recovered_processes(apps, schema_editor):
    Task = apps.get_model("viewflow", "Task")
    Process = apps.get_model("viewflow", "Process")
    steps = Task.objects.filter(flow_task=RECOVERED_STEP, status__in=OPEN)
    process_ids = list(steps.values_list("process_id", flat=True))
    if not process_ids:
        return
    now = timezone.now()
    steps.update(status="DONE", finished=now)
    Process.objects.filter(pk__in=process_ids).update(status="DONE", finished=now)


class Migration(migrations.Migration):

    dependencies = [
        ("aid", "0004_budget_changes"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(end_recovered_processes, migrations.RunPython.noop)]
