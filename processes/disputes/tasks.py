"""Celery tasks of the dispute process. Each calls one service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .report import generate_weekly_reports


@shared_task(name="processes.disputes.tasks.weekly_group_report", acks_late=True, ignore_result=True)
def weekly_group_report() -> int:
    """Every Monday (beat): the weekly report of open group disputes, per organisation."""
    return generate_weekly_reports()
