"""A case recovered before recovery ended the process has its open, unaddressed step closed by migration."""

import importlib

import pytest
from django.apps import apps
from viewflow.workflow.models import Process, Task

from workflow import flowkit

pytestmark = pytest.mark.django_db
migration = importlib.import_module("processes.aid.migrations.0005_end_recovered_processes")


def test_the_open_recovered_step_is_closed_and_the_process_ends(walk):
    case = walk("submitted")  # any case with a process; its open step stands in for the old one
    other = walk("submitted", aid_type="medical")
    old = Task.objects.filter(process_id=case.process_id, status="NEW", flow_task_type="HUMAN")
    old.update(flow_task=migration.RECOVERED_STEP)
    migration.end_recovered_processes(apps, None)
    assert Process.objects.get(pk=case.process_id).status == "DONE"
    assert not Task.objects.filter(process_id=case.process_id, status__in=migration.OPEN).exists()
    assert Process.objects.get(pk=other.process_id).status != "DONE"  # only recovered steps are touched
    assert flowkit.position(other) == "submitted"
