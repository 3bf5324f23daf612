"""Deadline rules as data: each names its legal source, length, unit and what expiry does.

Processes declare their rules with :func:`register_rule` (in their ``deadlines.py``);
the engine computes due dates, stores them on the case, reminds, escalates and fires
expiry actions. Counting follows civil-procedure practice: the starting day is not
counted, and a calendar-day period that ends on a statutory holiday ends on the next
working day (rules.md A5).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", _("自然日 Calendar days")
    WORKING_DAYS = "working_days", _("工作日 Working days")
    MONTHS = "months", _("月 Months")
    YEARS = "years", _("年 Years")


class Extension(models.TextChoices):
    NONE = "none", _("不可延长 Not extendable")
    CONSENT_BOTH = "consent_both", _("双方同意可延长 Both parties consent")
    APPROVAL = "approval", _("经批准可延长 With approval")


@dataclass(frozen=True)
class DeadlineRule:
    """A named time limit.

    ``on_expiry``: ``"flag"`` (mark overdue, notify), ``"escalate"`` (notify the
    escalation role), or ``"transition:<name>"`` (perform that system transition).
    ``adjustable``: an organisation may override ``n`` (never for statutory rules).
    """

    id: str
    source: str
    n: int
    unit: str
    starts_from: str
    on_expiry: str = "flag"
    reminders: tuple[int, ...] = (3, 1)
    escalate_to: str = "chair"
    extension: str = Extension.NONE
    adjustable: bool = False
    statutory: bool = False
    #: Move an end that falls on a non-working day to the next working day.
    roll_to_working_day: bool = True

    @property
    def expiry_transition(self) -> str | None:
        if self.on_expiry.startswith("transition:"):
            return self.on_expiry.split(":", 1)[1]
        return None


_RULES: dict[str, DeadlineRule] = {}


def register_rule(rule: DeadlineRule) -> DeadlineRule:
    if rule.statutory and rule.adjustable:
        raise ValueError(f"{rule.id}: a statutory rule cannot be adjustable")
    _RULES[rule.id] = rule
    return rule


def get_rule(rule_id: str) -> DeadlineRule:
    try:
        return _RULES[rule_id]
    except KeyError:
        raise KeyError(f"Unknown deadline rule {rule_id!r}") from None


def all_rules() -> list[DeadlineRule]:
    return sorted(_RULES.values(), key=lambda r: r.id)


def add_months(day: dt.date, months: int) -> dt.date:
    """31 Jan + 1 month = 28/29 Feb: the same day number, clipped to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def effective_n(rule: DeadlineRule, organisation=None) -> int:
    """The rule's length, or the organisation's override where the rule allows one."""
    if rule.adjustable and organisation is not None:
        value = organisation.setting(f"deadline.{rule.id}", None)
        if value is not None:
            return int(value)
    return rule.n


def compute_due(rule_id: str, start: dt.date, organisation=None, n: int | None = None) -> dt.date:
    """The last day of the period that starts on ``start`` (the start day itself not counted)."""
    from .working_days import add_working_days, next_working_day

    rule = get_rule(rule_id)
    length = n if n is not None else effective_n(rule, organisation)
    if rule.unit == Unit.WORKING_DAYS:
        return add_working_days(start, length)
    if rule.unit == Unit.CALENDAR_DAYS:
        due = start + dt.timedelta(days=length)
    elif rule.unit == Unit.MONTHS:
        due = add_months(start, length)
    elif rule.unit == Unit.YEARS:
        due = add_months(start, 12 * length)
    else:  # pragma: no cover - guarded by Unit
        raise ValueError(rule.unit)
    return next_working_day(due) if rule.roll_to_working_day else due


def start_deadline(case, rule_id: str, start: dt.date, *, payload: dict | None = None, n: int | None = None):
    """Compute and store the deadline on the case; record it in the audit payload if given."""
    from ..deadlines import set_deadline

    due = compute_due(rule_id, start, case.organisation, n=n)
    row = set_deadline(case, rule_id=rule_id, starts_on=start, due_on=due)
    if payload is not None:
        payload.setdefault("deadlines", []).append(
            {"rule_id": rule_id, "starts_on": start.isoformat(), "due_on": due.isoformat(), "source": get_rule(rule_id).source}
        )
    return row
