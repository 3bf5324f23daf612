"""Deadlines stored on cases: opened from a rule (:func:`start_deadline`), extended, closed and read.

The rules and their arithmetic are :mod:`workflow.deadlines.rules` (which knows nothing of stored rows);
the calendar is ``workflow.calendar.working_days``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import Case as Choose
from django.db.models import Value, When
from django.utils import timezone

from ..calendar.working_days import WorkCalendar
from ..models import CaseDeadline, case_content_type
from .rules import compute_due, find_rule, get_rule, is_provisional_deadline


def _case_filter(case) -> dict:
    return {"case_type": case_content_type(case), "case_id": case.pk}


def end_of_day(day: dt.date) -> dt.datetime:
    """A deadline on ``day`` lasts until 23:59:59 Asia/Shanghai of that day."""
    tz = timezone.get_default_timezone()
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)


def _provisional(rule_id: str, counted_from: dt.date, due_on: dt.date) -> bool:
    return is_provisional_deadline(rule_id, counted_from, due_on)


#: Deadlines opened on a case object during this transition, by rule: the work items read
#: their due time from here instead of reading back the row just written.
_OPENED = "_opened_deadlines"
#: Set on a case object while the service creates it: no deadline of it can be open yet.
_BEING_CREATED = "_deadlines_being_created"


@contextmanager
def case_being_created(case) -> Iterator[None]:
    """While the create service runs the process's ``after_create``: a deadline opened then has no
    earlier one to replace, so :func:`set_deadline` spends no statement looking (one per deadline)."""
    case.__dict__[_BEING_CREATED] = True
    try:
        yield
    finally:
        case.__dict__.pop(_BEING_CREATED, None)


def set_deadline(
    case, *, rule_id: str, starts_on: dt.date, due_on: dt.date, calendar=None, replace: bool = True,
    closes: tuple = (),
) -> CaseDeadline:
    """Store an open deadline for ``rule_id`` with a due date already computed: the row-level part of
    :func:`start_deadline`, whose docstring explains ``replace`` and ``closes``.

    It is provisional when it counted on a year whose holiday notice is not loaded
    (``calendar``: the :class:`WorkCalendar` the due date was computed on, so no year is read twice).
    """
    status = CaseDeadline.Status
    if case.__dict__.get(_BEING_CREATED) and rule_id not in case.__dict__.get(_OPENED, {}):
        replace = False
    if closes:
        rules = [rule_id, *closes] if replace else list(closes)
        CaseDeadline.objects.filter(**_case_filter(case), rule_id__in=rules, status=status.OPEN).update(
            status=Choose(When(rule_id=rule_id, then=Value(status.CANCELLED)), default=Value(status.MET))
        )
    elif replace:
        CaseDeadline.objects.filter(**_case_filter(case), rule_id=rule_id, status=status.OPEN).update(
            status=status.CANCELLED
        )
    row = CaseDeadline.objects.create(
        **_case_filter(case),
        case_ref=case.reference,
        organisation_id=case.organisation_id,
        rule_id=rule_id,
        starts_on=starts_on,
        due_on=due_on,
        due_at=end_of_day(due_on),
        provisional=_provisional_on(calendar, rule_id, starts_on, due_on),
    )
    case.__dict__.setdefault(_OPENED, {})[rule_id] = row
    return row


def replace_due_date(row: CaseDeadline, *, due_on: dt.date) -> CaseDeadline:
    """Extend an open deadline: the old row is kept as ``extended`` and a new open row takes
    its place with the same start, the new due date and no reminders sent yet, so the
    reminders and the expiry fire again relative to the new date. An extension of a
    provisional deadline stays provisional (it is counted from that date)."""
    CaseDeadline.objects.filter(pk=row.pk).update(status=CaseDeadline.Status.EXTENDED)
    return CaseDeadline.objects.create(
        case_type_id=row.case_type_id,
        case_id=row.case_id,
        case_ref=row.case_ref,
        organisation_id=row.organisation_id,
        rule_id=row.rule_id,
        starts_on=row.starts_on,
        due_on=due_on,
        due_at=end_of_day(due_on),
        extended_from=row,
        provisional=row.provisional or _provisional(row.rule_id, row.due_on, due_on),
    )


def sync_case_field(case, rule, due_on: dt.date) -> None:
    """The deadline of ``rule`` now ends on ``due_on``: the case's own copy of that end
    (``rule.case_field``, if the rule names one) follows, in one UPDATE of that column only."""
    field = getattr(rule, "case_field", "")
    if field:
        setattr(case, field, due_on)
        type(case).objects.filter(pk=case.pk).update(**{field: due_on})


def close_deadline(case, rule_id: str, status: str = CaseDeadline.Status.MET) -> None:
    case.__dict__.get(_OPENED, {}).pop(rule_id, None)
    CaseDeadline.objects.filter(**_case_filter(case), rule_id=rule_id, status=CaseDeadline.Status.OPEN).update(
        status=status
    )


def close_all_deadlines(case, status: str, *, but: dict[str, str] | None = None) -> None:
    """Close every open deadline of ``case`` (it has ended: nothing it waited for is due any more) with
    ``status``, each rule named in ``but`` with its own status instead, in one statement."""
    case.__dict__.pop(_OPENED, None)
    whens = [When(rule_id=rule_id, then=Value(own)) for rule_id, own in (but or {}).items()]
    CaseDeadline.objects.filter(**_case_filter(case), status=CaseDeadline.Status.OPEN).update(
        status=Choose(*whens, default=Value(status)) if whens else status
    )


def open_deadline(case, rule_id: str, *, remember: bool = False) -> CaseDeadline | None:
    """The case's open deadline of ``rule_id`` (the latest, should there be more), or None.

    ``remember``: a transition's guard read it under the case lock; the work items of the same
    transition take their due time from it (:func:`due_at_for`) as from a deadline just opened.
    """
    row = (
        CaseDeadline.objects.filter(**_case_filter(case), rule_id=rule_id, status=CaseDeadline.Status.OPEN)
        .order_by("-created_at", "-pk")
        .first()
    )
    if remember and row is not None:
        case.__dict__.setdefault(_OPENED, {})[rule_id] = row
    return row


def due_at_for(case, rule_id: str):
    row = case.__dict__.get(_OPENED, {}).get(rule_id) or open_deadline(case, rule_id)
    return row.due_at if row is not None else None


def _deadline_row(d: CaseDeadline) -> dict:
    return {
        "rule_id": d.rule_id,
        "starts_on": d.starts_on.isoformat(),
        "due_on": d.due_on.isoformat(),
        "status": d.status,
        "escalated": d.escalated,
        #: Counted on the statute for a year whose holiday notice is not loaded yet.
        "provisional": d.provisional,
        #: The due date this row replaced when the deadline was extended, else None.
        "extended_from_due_on": d.extended_from.due_on.isoformat() if d.extended_from_id else None,
    }


def case_deadlines(case) -> list[dict]:
    rows = CaseDeadline.objects.filter(**_case_filter(case)).select_related("extended_from").order_by("created_at", "pk")
    return [_deadline_row(d) for d in rows]


def deadlines_by_case(cases) -> dict[int, list[dict]]:
    """:func:`case_deadlines` of every case of one model (a list's page), in one query."""
    cases = list(cases)
    found: dict[int, list[dict]] = {case.pk: [] for case in cases}
    if not cases:
        return found
    rows = (
        CaseDeadline.objects.filter(case_type=case_content_type(cases[0]), case_id__in=list(found))
        .select_related("extended_from").order_by("created_at", "pk")
    )
    for d in rows:
        found[d.case_id].append(_deadline_row(d))
    return found


def provisional_due(items) -> set[tuple[int, int, dt.datetime]]:
    """Of the work items' ``(case_type_id, case_id, due_at)``, those due on an open provisional deadline."""
    items = list(items)
    if not items:
        return set()
    rows = CaseDeadline.objects.filter(
        status=CaseDeadline.Status.OPEN, provisional=True, case_id__in={case_id for _t, case_id, _d in items}
    ).values_list("case_type_id", "case_id", "due_at")
    return set(rows) & set(items)


def open_deadlines_on_non_working_days(years) -> list[CaseDeadline]:
    """Open deadlines ending in ``years`` on a day the (newly loaded) calendar shows as non-working.

    Provisional deadlines are recomputed when their year is loaded
    (:mod:`workflow.calendar.settle`); a deadline that was not provisional (one stored
    before provisional deadlines existed, or a date another notice has since changed)
    is listed for the operator instead of being moved silently.
    """
    calendar = WorkCalendar()
    result = []
    rows = CaseDeadline.objects.filter(status=CaseDeadline.Status.OPEN, due_on__year__in=list(years)).order_by("due_on")
    for row in rows:
        rule = find_rule(row.rule_id)
        if rule is not None and rule.roll_to_working_day and not calendar.is_working_day(row.due_on):
            result.append(row)
    return result


def _provisional_on(calendar, rule_id: str, counted_from: dt.date, due_on: dt.date) -> bool:
    """:func:`_provisional`, reading the years from ``calendar`` when the caller has one already."""
    if calendar is None:
        return _provisional(rule_id, counted_from, due_on)
    return is_provisional_deadline(rule_id, counted_from, due_on, calendar=calendar)


def start_deadline(
    case, rule_id: str, start: dt.date, *, payload: dict | None = None, n: int | None = None,
    due_on: dt.date | None = None, replace: bool = True, closes: tuple = (),
):
    """Open the deadline of ``rule_id`` on the case, counted from ``start``: how a process opens one.

    The options, in one place (the default path is the safe one: one UPDATE, one INSERT):

    - ``payload``: the step's audit payload; the deadline is recorded in it (rule, dates, legal
      source, whether provisional).
    - ``n``: a length instead of the rule's; ``due_on``: a due date the process fixed otherwise
      (a window cut short by an event). Neither: the rule's length, or the organisation's.
    - ``replace`` (default ``True``): an open deadline of the same rule is cancelled first (the
      UPDATE). ``False`` only when the step has just closed it or none can exist; while the create
      service runs the process's ``after_create`` that is known and the UPDATE is skipped
      (:func:`case_being_created`).
    - ``closes``: rules whose open deadlines this step met, closed as ``met`` in that same UPDATE
      rather than one :func:`close_deadline` statement each.
    - The calendar is read once for the due date and the provisional check (:func:`one_calendar`);
      callers never pass one.
    """
    calendar = one_calendar()  # for the due date and the provisional check: each year is read once
    due = due_on or compute_due(rule_id, start, case.organisation, n=n, calendar=calendar)
    row = set_deadline(
        case, rule_id=rule_id, starts_on=start, due_on=due, calendar=calendar, replace=replace, closes=tuple(closes)
    )
    if payload is not None:
        payload.setdefault("deadlines", []).append(
            {
                "rule_id": rule_id, "starts_on": start.isoformat(), "due_on": due.isoformat(),
                "source": get_rule(rule_id).source, "provisional": row.provisional,
            }
        )
    return row


def one_calendar():
    """A calendar to share between the computations of one deadline (each year is read once)."""
    return WorkCalendar()
