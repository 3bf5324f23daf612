"""Deadline rules as data: each names its legal source, length, unit and what expiry does.

Processes declare their rules with :func:`register_rule` (in their ``deadlines.py``);
the engine computes due dates, stores them on the case, reminds, escalates and fires
expiry actions. Counting follows civil-procedure practice: the starting day is not
counted, and a calendar-day period that ends on a statutory holiday ends on the next
working day. A deadline that counted on a year whose notice is not loaded is
provisional until the notice arrives (:mod:`workflow.calendar.settle`).
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
    ``extension``: whether an open deadline may be extended (:class:`Extension`), by at most
    ``max_extension`` units of ``unit`` at a time (``None``: no cap); under ``"approval"``
    a holder of one of ``extension_roles`` at the case's organisation decides
    (:func:`workflow.deadlines.extensions.deadline_extend`); ``max_extensions``: how many times
    one deadline may be extended (``None``: no limit; 1 for "extendable once").
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
    max_extension: int | None = None
    max_extensions: int | None = None
    extension_roles: tuple[str, ...] = ("chair",)
    adjustable: bool = False
    statutory: bool = False
    #: Move an end that falls on a non-working day to the next working day.
    roll_to_working_day: bool = True
    #: The rule's name in words, zh-Hans with English (pages show it instead of ``id``).
    title: str = ""
    #: A date field of the case that shows this deadline's end (e.g. a dispute's
    #: ``mediation_ends_on``): kept equal to the open deadline whenever the engine moves it
    #: (an extension, a provisional date recomputed), so the page and the API never show a stale end.
    case_field: str = ""

    @property
    def expiry_transition(self) -> str | None:
        if self.on_expiry.startswith("transition:"):
            return self.on_expiry.split(":", 1)[1]
        return None


#: The registry; read it through :func:`get_rule`, :func:`find_rule` and :func:`all_rules`.
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


def find_rule(rule_id: str) -> DeadlineRule | None:
    """The rule, or None: a stored deadline may name a rule that no process declares any more."""
    return _RULES.get(rule_id)


def all_rules() -> list[DeadlineRule]:
    return sorted(_RULES.values(), key=lambda r: r.id)


def unregister_rule(rule_id: str) -> None:
    """Forget a rule (tests that declare rules of their own remove them afterwards)."""
    _RULES.pop(rule_id, None)


def add_months(day: dt.date, months: int) -> dt.date:
    """31 Jan + 1 month = 28/29 Feb: the same day number, clipped to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


RULE_NOT_ADJUSTABLE = _("该期限不允许组织调整（法定期限不可更改） This time limit may not be changed by an organisation.")
OVERRIDE_OUT_OF_RANGE = _("期限长度须为 1 至 3650 之间的整数 The length must be a whole number from 1 to 3650.")
UNKNOWN_RULE = _("未知的期限规则 Unknown deadline rule.")


def _override_key(rule_id: str) -> str:
    return f"deadline.{rule_id}"


def effective_n(rule: DeadlineRule, organisation=None) -> int:
    """The rule's length, or the organisation's override where the rule allows one.

    A statutory (non-adjustable) rule ignores any stored override.
    """
    if rule.adjustable and organisation is not None:
        value = organisation.setting(_override_key(rule.id), None)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return rule.n


def rule_override_set(*, organisation, rule_id: str, n: int | None) -> int:
    """Set (or with ``n=None`` clear) an organisation's length for an adjustable rule.

    Statutory rules are never adjustable; the refusal is a 400 with the
    reason. Returns the length now in force for the organisation.
    """
    from ..errors import InvalidInput

    try:
        rule = get_rule(rule_id)
    except KeyError:
        raise InvalidInput(str(UNKNOWN_RULE), fields={"rule_id": [str(UNKNOWN_RULE)]})
    if not rule.adjustable:
        raise InvalidInput(str(RULE_NOT_ADJUSTABLE), fields={"rule_id": [str(RULE_NOT_ADJUSTABLE)]})
    settings = dict(organisation.settings or {})
    if n is None:
        settings.pop(_override_key(rule.id), None)
    else:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 3650:
            raise InvalidInput(str(OVERRIDE_OUT_OF_RANGE), fields={"n": [str(OVERRIDE_OUT_OF_RANGE)]})
        settings[_override_key(rule.id)] = n
    organisation.settings = settings
    organisation.save(update_fields=["settings"])
    return effective_n(rule, organisation)


def rule_as_dict(rule: DeadlineRule, organisation=None) -> dict:
    """What the API and UI show about a rule, with its legal source."""
    return {
        "id": rule.id,
        "source": rule.source,
        "n": rule.n,
        "effective_n": effective_n(rule, organisation),
        "unit": rule.unit,
        "unit_label": str(Unit(rule.unit).label) if rule.unit in Unit.values else rule.unit,
        "starts_from": rule.starts_from,
        "on_expiry": rule.on_expiry,
        "reminders": list(rule.reminders),
        "escalate_to": rule.escalate_to,
        "extension": rule.extension,
        "max_extension": rule.max_extension,
        "max_extensions": rule.max_extensions,
        "extension_roles": list(rule.extension_roles),
        "adjustable": rule.adjustable,
        "statutory": rule.statutory,
        "roll_to_working_day": rule.roll_to_working_day,
    }


def roll_forward(due: dt.date, calendar=None) -> dt.date:
    """Move an end on a non-working day to the next working day.

    In a year whose notice is not loaded the provisional calendar of the statute
    decides (the deadline is then provisional, see :func:`is_provisional_deadline`).
    """
    from ..calendar.working_days import WorkCalendar

    return (calendar or WorkCalendar()).next_working_day(due)


def is_provisional_deadline(rule_id: str, counted_from: dt.date, due_on: dt.date, calendar=None) -> bool:
    """Whether the deadline counted on a day of a year whose notice is not loaded.

    A working-day period asks about every day after ``counted_from`` up to ``due_on``;
    a period rolled to a working day asks about the days where it ends; a period
    that is never rolled does not depend on the holiday calendar at all.
    """
    from ..calendar.working_days import WorkCalendar

    rule = find_rule(rule_id)
    if rule is None:
        return False
    calendar = calendar or WorkCalendar()
    if rule.unit == Unit.WORKING_DAYS:
        first = counted_from + dt.timedelta(days=1)
        return any(calendar.is_provisional(year) for year in range(first.year, due_on.year + 1))
    return rule.roll_to_working_day and calendar.is_provisional(due_on.year)


def compute_due(
    rule_id: str, start: dt.date, organisation=None, n: int | None = None, calendar=None
) -> dt.date:
    """The last day of the period that starts on ``start`` (the start day itself not counted).

    Working-day periods count only working days (of the notice, or else of the
    statute); other periods end on the same-numbered day and, if the rule says so,
    roll to the next working day (:func:`roll_forward`).
    """
    from ..calendar.working_days import WorkCalendar

    rule = get_rule(rule_id)
    length = n if n is not None else effective_n(rule, organisation)
    calendar = calendar or WorkCalendar()
    if rule.unit == Unit.WORKING_DAYS:
        return calendar.add_working_days(start, length)
    if rule.unit == Unit.CALENDAR_DAYS:
        due = start + dt.timedelta(days=length)
    elif rule.unit == Unit.MONTHS:
        due = add_months(start, length)
    elif rule.unit == Unit.YEARS:
        due = add_months(start, 12 * length)
    else:  # pragma: no cover - guarded by Unit
        raise ValueError(rule.unit)
    return roll_forward(due, calendar) if rule.roll_to_working_day else due
