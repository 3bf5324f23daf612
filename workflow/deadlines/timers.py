"""The timer sweep: reminders, expiries and escalations of open case deadlines.

Run every minute by the beat task ``workflow.tasks.sweep_timers`` and on demand by
``manage.py run_timers``. Firing is idempotent: each deadline is handled in its own
transaction with its row locked (PostgreSQL: ``SKIP LOCKED``, so concurrent sweeps
split the work instead of waiting), and its flags — ``reminders_sent``, ``fired_at``,
``escalated`` — are checked under that lock and written in the same transaction as
the action. A sweep run twice, or redelivered after a worker died, acts once.

Lock order is the transition service's: the case row first, then the deadline row,
so a sweep and a user's transition on the same case never deadlock.

Escalation (``on_expiry="escalate"``) goes to the holders of ``rule.escalate_to`` at the
case's organisation, or the level above when nobody there holds it. A case may name the
people instead: the case model overrides ``Case.escalation_recipients(rule) -> list[User]``
(default ``[]``); a non-empty list replaces the role (e.g. a supervising leader named on the
case), an empty one keeps the default.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import clock, registry, services
from ..audit import RequestMeta
from ..errors import ServiceError
from ..models import CaseDeadline, Organisation, RoleAssignment, WorkItem
from .rules import DeadlineRule, all_rules, find_rule

log = logging.getLogger(__name__)

KIND_EXPIRED = "deadline_expired"
OPEN = CaseDeadline.Status.OPEN


def _new_counts() -> dict:
    return {
        "reminders": 0, "transitions": 0, "flagged": 0, "escalated": 0,
        "refused": 0, "skipped": 0, "errors": 0, "viewflow_timers": 0, "calendar_warnings": 0,
    }


def _lock(qs):
    """The first row of ``qs``, locked for this transaction; None if another sweep holds it."""
    features = connection.features
    if features.has_select_for_update:
        return qs.select_for_update(skip_locked=features.has_select_for_update_skip_locked).first()
    # SQLite has no row locks: a no-op UPDATE takes the database write lock before we
    # read, so a concurrent sweep waits and then sees our committed flags.
    qs.update(status=F("status"))
    return qs.first()


def _lock_case(model, case_id) -> bool:
    """Lock the case row first, as the transition service does; False if it is busy right now.

    A case being changed by someone at this moment is left for the next sweep. (SQLite
    has no row locks; there the deadline row's no-op UPDATE serialises the sweeps.)
    """
    features = connection.features
    if not features.has_select_for_update:
        return True
    qs = model.objects.filter(pk=case_id)
    locked = qs.select_for_update(skip_locked=features.has_select_for_update_skip_locked).values_list("pk").first()
    return locked is not None or not qs.exists()


def _reminder_start(due_on: dt.date, offset: int) -> dt.date:
    """The reminder "T−n" is due from the start of the n-th day before the due day."""
    return due_on - dt.timedelta(days=offset)


def _case_of(row: CaseDeadline):
    model = row.case_type.model_class()
    if model is None:
        return None, None
    return model, model.objects.select_related("organisation").filter(pk=row.case_id).first()


def _assignees(row: CaseDeadline) -> list[WorkItem]:
    return list(WorkItem.objects.filter(case_type_id=row.case_type_id, case_id=row.case_id).select_related("organisation"))


def _notify_people(row, case, rule: DeadlineRule, send) -> int:
    """Tell whoever must act now (the case's work items); failing those, the rule's escalation role."""
    items = _assignees(row)
    count = 0
    for item in items:
        if item.user_id:
            count += send(case=case, due_at=row.due_at, step_label=item.title, users=[item.user])
        elif item.role:
            count += send(case=case, due_at=row.due_at, step_label=item.title, role=item.role, organisation=item.organisation)
    if not items and case is not None:
        count += send(case=case, due_at=row.due_at, role=rule.escalate_to, organisation=case.organisation)
    return count


def _escalation_organisation(case, role: str) -> Organisation | None:
    """The case organisation if someone there holds ``role``, else the level above."""
    org = case.organisation
    if RoleAssignment.objects.current().filter(organisation=org, role=role).exists() or org.parent_id is None:
        return org
    return org.parent


def _escalation_recipients(case, rule: DeadlineRule) -> list:
    """The people the case itself names for this rule's escalation (see the module docstring), or []."""
    return [user for user in case.escalation_recipients(rule) if user is not None]


def _send_expired(*, case, due_at, step_label="", users=None, role=None, organisation=None) -> int:
    from ..notifications.services import notify

    params = {"ref": case.reference, "due": timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M"), "step": str(step_label)}
    title = _("期限已届满 Deadline expired: %(ref)s（%(due)s）") % params
    body = _("%(ref)s %(step)s 的期限已于 %(due)s 届满 The time limit ended on %(due)s.") % params
    return notify(
        users=users, role=role, organisation=organisation, kind=KIND_EXPIRED, title=title, body=body, case=case
    )


def _remind(pk: int, rule: DeadlineRule, now: dt.datetime, counts: dict) -> None:
    from ..notifications.events import notify_deadline_approaching

    today = timezone.localtime(now).date()
    with transaction.atomic():
        row = _lock(CaseDeadline.objects.filter(pk=pk, status=OPEN, fired_at__isnull=True))
        if row is None or now > row.due_at:
            return
        sent = set(row.reminders_sent or [])
        due = [o for o in rule.reminders if o not in sent and today >= _reminder_start(row.due_on, o)]
        if not due:
            return
        _model, case = _case_of(row)
        if case is not None:
            # Several offsets passed at once (a deadline set late): one reminder, the most urgent.
            _notify_people(row, case, rule, notify_deadline_approaching)
            counts["reminders"] += 1
        row.reminders_sent = sorted(sent | set(due), reverse=True)
        row.save(update_fields=["reminders_sent"])


def _expire(pk: int, rule: DeadlineRule, now: dt.datetime, counts: dict) -> None:
    from ..notifications.events import notify_overdue_escalation

    peek = CaseDeadline.objects.select_related("case_type").filter(pk=pk).first()
    model = peek.case_type.model_class() if peek else None
    if model is None:
        return
    with transaction.atomic():
        if not _lock_case(model, peek.case_id):
            counts["skipped"] += 1
            return
        row = _lock(CaseDeadline.objects.filter(pk=pk, status=OPEN, fired_at__isnull=True))
        if row is None or not now > row.due_at:
            return
        _model, case = _case_of(row)
        updates = {"fired_at": now}
        transition = rule.expiry_transition
        if case is None:
            updates["status"] = CaseDeadline.Status.EXPIRED
        elif transition:
            spec = registry.for_model(model)
            try:
                services.perform_transition(
                    process=spec.key if spec else "", case_id=row.case_id, name=transition, user=None,
                    system=True, meta=RequestMeta(channel="task"), now=now,
                )
                counts["transitions"] += 1
            except ServiceError as exc:
                # The case has moved on (or the rule names a wrong transition): record the
                # expiry, never retry it every minute.
                log.warning("deadline %s: expiry transition %r refused: %s", row.pk, transition, exc.detail)
                counts["refused"] += 1
            updates["status"] = CaseDeadline.Status.EXPIRED
        elif rule.on_expiry == "escalate":
            named = _escalation_recipients(case, rule)
            if named:
                notify_overdue_escalation(case=case, due_at=row.due_at, users=named)
            else:
                role = rule.escalate_to
                notify_overdue_escalation(
                    case=case, due_at=row.due_at, role=role, organisation=_escalation_organisation(case, role)
                )
            # Still open: whoever must act can still act, late; the inbox shows it overdue.
            updates["escalated"] = True
            counts["escalated"] += 1
        else:  # "flag"
            _notify_people(row, case, rule, _send_expired)
            updates["status"] = CaseDeadline.Status.EXPIRED
            counts["flagged"] += 1
        CaseDeadline.objects.filter(pk=row.pk).update(**updates)


def sweep(now: dt.datetime | None = None) -> dict:
    """Fire every due reminder, expiry and escalation once; then viewflow's own timers, and warn
    the calendar administrators about a missing holiday calendar (see :mod:`.calendar.readiness`).

    Reminders go out from the start of the day ``rule.reminders`` days before the due
    day (default T−3 and T−1); expiry acts once ``now`` is past ``due_at`` (23:59:59 of
    the due day). Returns counts of what was done.
    """
    now = now or clock.now()
    counts = _new_counts()
    today = timezone.localtime(now).date()
    horizon = max([max(r.reminders, default=0) for r in all_rules()], default=0)
    candidates = list(
        CaseDeadline.objects.filter(
            status=OPEN, fired_at__isnull=True, due_on__lte=today + dt.timedelta(days=horizon)
        ).order_by("due_at").values_list("pk", "rule_id", "due_at")
    )
    for pk, rule_id, due_at in candidates:
        rule = find_rule(rule_id)
        if rule is None:
            log.error("deadline %s: unknown rule %r", pk, rule_id)
            counts["errors"] += 1
            continue
        try:
            if now > due_at:
                _expire(pk, rule, now, counts)
            else:
                _remind(pk, rule, now, counts)
        except Exception:  # one broken case must not stop the sweep; it is retried next minute
            log.exception("deadline %s: timer failed", pk)
            counts["errors"] += 1
    try:
        from viewflow.workflow.timers import fire_due_timers

        counts["viewflow_timers"] = fire_due_timers()
    except Exception:
        log.exception("viewflow timers failed")
        counts["errors"] += 1
    try:
        from ..calendar.readiness import warn_missing_years

        counts["calendar_warnings"] = len(warn_missing_years(now))
    except Exception:
        log.exception("missing-calendar warning failed")
        counts["errors"] += 1
    return counts
