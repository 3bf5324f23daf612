"""Celery tasks of the engine. Each calls one service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import timers


@shared_task(name="workflow.tasks.sweep_timers", acks_late=True, ignore_result=True)
def sweep_timers() -> dict:
    """The beat task (every minute): fire due reminders, expiries and escalations once.

    ``acks_late``: a worker killed mid-sweep leaves the message to be redelivered; the
    sweep's row locks and flags make the rerun act only on what was not yet committed.
    """
    return timers.sweep()
