"""Settling provisional deadlines when a year's notice is loaded.

A deadline counted on the provisional calendar of the statute (:mod:`.provisional`)
is recomputed in the transaction that loads the notice
(:func:`workflow.calendar.importing.import_calendar`), counted again from the same
day with the same length:

- a working-day period keeps the number of working days it counted before the load;
- a period rolled to a working day rolls again from its end.

A deadline **never moves earlier** than the date already announced: nobody becomes
late because of a notice they could not know. When the recomputed date differs from
the announced one, the case gets one audit event with both dates and why; when the
deadline moves later, its reminders and expiry move with it (the row keeps its
reminders already sent, so none is sent twice, and the unsent ones and the expiry
follow the new date), the inbox shows the new date, and whoever must act on the case
and the case's parties are notified. A deadline the notice does not change simply
stops being provisional (or stays so while it still counts on another year without
its notice).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from ..audit import Actor, RequestMeta, record_event
from ..deadlines import end_of_day, sync_case_field
from ..deadlines.rules import DeadlineRule, Unit, find_rule, is_provisional_deadline
from ..models import CaseDeadline, WorkItem
from .working_days import WorkCalendar

ACTION = "deadline_recomputed"
OPEN = CaseDeadline.Status.OPEN


@dataclass(frozen=True)
class PendingDeadline:
    """An open provisional deadline as counted before the load."""

    pk: int
    rule: DeadlineRule
    #: The day the period is counted from (the start, or the due date an extension counted from).
    counted_from: object
    #: Working days counted before the load (working-day rules only).
    working_days: int | None


def provisional_before_load() -> list[PendingDeadline]:
    """Every open provisional deadline with what it counted, read before the notice is stored."""
    calendar = WorkCalendar()
    pending = []
    rows = CaseDeadline.objects.filter(status=OPEN, provisional=True).select_related("extended_from").order_by("pk")
    for row in rows:
        rule = find_rule(row.rule_id)
        if rule is None:
            continue
        counted_from = row.extended_from.due_on if row.extended_from_id else row.starts_on
        working_days = (
            calendar.count_working_days(counted_from, row.due_on) if rule.unit == Unit.WORKING_DAYS else None
        )
        pending.append(PendingDeadline(row.pk, rule, counted_from, working_days))
    return pending


def settle_provisional(
    pending: list[PendingDeadline], *, years: list[int], source: str, user=None, meta: RequestMeta | None = None
) -> list[dict]:
    """Recompute ``pending`` on the calendar as now stored; one dict per deadline whose date was reconsidered.

    Call inside the transaction that stored the notice.
    """
    calendar = WorkCalendar()
    changes = []
    for item in pending:
        row = CaseDeadline.objects.select_related("case_type").filter(pk=item.pk, status=OPEN).first()
        model = row.case_type.model_class() if row else None
        if model is None:
            continue
        # Lock order of the transition service: the case row first, then the deadline.
        case = model.objects.select_for_update().select_related("organisation").get(pk=row.case_id)
        row = CaseDeadline.objects.select_for_update().filter(pk=item.pk, status=OPEN).first()
        if row is None:
            continue
        if item.working_days is not None:
            computed = calendar.add_working_days(item.counted_from, item.working_days)
        else:
            computed = calendar.next_working_day(row.due_on)
        new_due = max(row.due_on, computed)
        still_provisional = is_provisional_deadline(item.rule.id, item.counted_from, new_due, calendar)
        if computed == row.due_on:
            if still_provisional != row.provisional:
                CaseDeadline.objects.filter(pk=row.pk).update(provisional=still_provisional)
            continue
        changes.append(_move(case, row, item.rule, computed, new_due, still_provisional, years, source, user, meta))
    return changes


def _move(case, row, rule, computed, new_due, still_provisional, years, source, user, meta) -> dict:
    old_due, old_due_at = row.due_on, row.due_at
    new_due_at = end_of_day(new_due)
    CaseDeadline.objects.filter(pk=row.pk).update(due_on=new_due, due_at=new_due_at, provisional=still_provisional)
    sync_case_field(case, rule, new_due)
    # The inbox sorts and shows the step's due time from its work items.
    WorkItem.objects.filter(case_type_id=row.case_type_id, case_id=row.case_id, due_at=old_due_at).update(
        due_at=new_due_at
    )
    payload = {
        "rule_id": rule.id,
        "source": rule.source,
        "old_due_on": old_due.isoformat(),
        "new_due_on": new_due.isoformat(),
        #: What the notice alone gives; earlier than the announced date, it is not applied.
        "computed_due_on": computed.isoformat(),
        "kept_announced_date": computed < old_due,
        "provisional": still_provisional,
        "reason": "calendar_import",
        "calendar_years": years,
        "calendar_source": source,
    }
    record_event(
        case=case, action=ACTION, actor=Actor(user=user), from_state=case.state, to_state=case.state,
        payload=payload, meta=meta,
    )
    if new_due != old_due:
        _notify_moved(case, row, old_due, new_due, years)
    return {"case": case.reference, **payload}


def _notify_moved(case, row, old_due, new_due, years) -> None:
    from ..notifications.models import NotificationKind
    from ..notifications.services import notify

    params = {
        "ref": case.reference, "old": old_due.isoformat(), "new": new_due.isoformat(),
        "years": "、".join(str(y) for y in years),
    }
    title = _("期限顺延 Deadline moved: %(ref)s（%(old)s → %(new)s）") % params
    body = _(
        "%(years)s年节假日安排已导入，%(ref)s 的期限由 %(old)s 顺延至 %(new)s。 "
        "The %(years)s holiday notice was loaded: the time limit of %(ref)s moved from %(old)s to %(new)s."
    ) % params
    items = list(WorkItem.objects.filter(case_type_id=row.case_type_id, case_id=row.case_id).select_related("organisation"))
    users = {item.user_id for item in items if item.user_id} | {pk for pk in case.parties() if pk}
    role_items = [item for item in items if not item.user_id and item.role]
    people = list(get_user_model().objects.filter(pk__in=users, is_active=True))
    first = role_items[0] if role_items else None
    # One call for the named people and the first role, so nobody in both is told twice.
    notify(
        users=people, role=first.role if first else None, organisation=first.organisation if first else None,
        kind=NotificationKind.DEADLINE_APPROACHING, title=title, body=body, case=case,
    )
    for item in role_items[1:]:
        notify(
            role=item.role, organisation=item.organisation, kind=NotificationKind.DEADLINE_APPROACHING,
            title=title, body=body, case=case,
        )
