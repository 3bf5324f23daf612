"""Loading a year's holiday arrangement: who may, what it would change, and storing it.

One gate for every interface (``manage.py calendar_import``, the calendar page, the API):
the national calendar decides every working-day deadline of every organisation, so
only an administrator of a top-level organisation (the federation) or a superuser may
load or replace a year. A preview shows exactly which days the arrangement lists and
what it changes against what is stored, before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..api.parsing import strict_int
from ..audit import Actor, RequestMeta, record_event
from ..errors import ActionForbidden, InvalidInput
from ..models import RoleAssignment
from ..roles import Role
from .loader import HOLIDAY, CalendarFileError, YearArrangement, parse_csv, parse_json, store
from .models import CalendarDay, CalendarYear
from .notice import parse_notice
from .settle import provisional_before_load, settle_provisional

NOT_CALENDAR_ADMIN = _(
    "只有总工会管理员可以导入节假日安排 Only an administrator of the federation may load a holiday calendar."
)
WEEKDAYS = "一二三四五六日"


def _federation_administrators():
    """Current administrator role assignments (own, not delegated) at an organisation with no parent."""
    return RoleAssignment.objects.current().filter(role=Role.ADMIN, organisation__parent__isnull=True)


def may_manage_calendar(user) -> bool:
    """A superuser, or an administrator (own role, not delegated) of an organisation with no parent."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or _federation_administrators().filter(user=user).exists()


def calendar_admins():
    """Everyone :func:`may_manage_calendar` lets in: active superusers and federation administrators."""
    admin_ids = _federation_administrators().values_list("user_id", flat=True)
    return get_user_model().objects.filter(Q(is_superuser=True) | Q(pk__in=admin_ids), is_active=True)


def read_arrangements(*, notice: str = "", arrangement=None, csv_text: str = "", year=None,
                      source: str = "", source_url: str = "") -> list[YearArrangement]:
    """Read exactly one of: the notice's text, a JSON arrangement (object or list), CSV rows.

    Every problem is an :class:`InvalidInput` (400) naming the field and the reason.
    """
    given = [name for name, value in (("notice", notice), ("arrangement", arrangement), ("csv", csv_text)) if value]
    if len(given) != 1:
        raise InvalidInput(
            "输入有误 Invalid input.",
            fields={"notice": ["请提供通知全文、JSON 安排或 CSV 之一 Give one of: notice, arrangement, csv."]},
        )
    expected = {"notice": str, "arrangement": (dict, list), "csv": str}[given[0]]
    value = {"notice": notice, "arrangement": arrangement, "csv": csv_text}[given[0]]
    if not isinstance(value, expected) or not isinstance(source, str):
        raise InvalidInput("输入有误 Invalid input.", fields={given[0]: ["类型不对 Wrong type."]})
    _check_url(source_url)
    try:
        if notice:
            return [parse_notice(str(notice), year=_year(year), source_url=str(source_url or ""))]
        if arrangement:
            return parse_json(json.dumps(arrangement))
        return parse_csv(str(csv_text), source=str(source or ""), source_url=str(source_url or ""))
    except CalendarFileError as exc:
        raise InvalidInput("输入有误 Invalid input.", fields={given[0]: [str(exc)]}) from None


def _check_url(value) -> None:
    if not value:
        return
    try:
        if not isinstance(value, str) or len(value) > 200:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        message = "须为不超过200字符的网址 Must be an http(s) URL of ≤ 200 characters."
        raise InvalidInput("输入有误 Invalid input.", fields={"source_url": [message]}) from None


def _year(value) -> int | None:
    if value in (None, ""):
        return None
    year = strict_int(value.strip() if isinstance(value, str) else value)
    if year is None or not 1 <= year <= 9999:
        raise InvalidInput("输入有误 Invalid input.", fields={"year": ["必须是年份 Must be a year."]})
    return year


def preview(arrangement: YearArrangement) -> dict:
    """What the arrangement lists, and what loading it would change against what is stored."""
    stored = dict(
        CalendarDay.objects.filter(calendar__year=arrangement.year).values_list("date", "kind")
    )
    new = {day: kind for day, (kind, _name) in arrangement.days.items()}
    return {
        "year": arrangement.year,
        "source": arrangement.source,
        "source_url": arrangement.source_url,
        "replaces": CalendarYear.objects.filter(year=arrangement.year).exists(),
        "holidays": sum(1 for kind in new.values() if kind == HOLIDAY),
        "workdays": sum(1 for kind in new.values() if kind != HOLIDAY),
        "added": sorted(d.isoformat() for d in new if stored.get(d) != new[d]),
        "removed": sorted(d.isoformat() for d in stored if d not in new),
        "days": [
            {
                "date": day.isoformat(),
                "weekday": day.isoweekday(),
                "weekday_label": f"周{WEEKDAYS[day.weekday()]}",
                "kind": kind,
                "name": name,
            }
            for day, (kind, name) in sorted(arrangement.days.items())
        ],
    }


@dataclass
class ImportResult:
    years: list[int]
    #: Open deadlines that now end on a non-working day (listed for the operator, never moved).
    warnings: list = field(default_factory=list)
    #: Provisional deadlines whose date the notice changed (moved later, or kept where announced).
    recomputed: list = field(default_factory=list)


def import_calendar(arrangements: list[YearArrangement], *, user=None, meta: RequestMeta | None = None) -> ImportResult:
    """Store the arrangements in one transaction (each replaces its year), as ``user``.

    ``user=None`` is the operator at the command line (``manage.py calendar_import``).
    Each load is one audit event on the year's own chain: who, the notice, and which
    days it added or removed against what was stored before. In the same transaction
    every open provisional deadline is recomputed on the stored calendar
    (:mod:`.settle`: never earlier, audited on its case, its people notified).
    """
    from ..deadlines import open_deadlines_on_non_working_days

    if user is not None and not may_manage_calendar(user):
        raise ActionForbidden(str(NOT_CALENDAR_ADMIN))
    with transaction.atomic():
        changes = [preview(a) for a in arrangements]
        pending = provisional_before_load()
        years = store(arrangements)
        CalendarYear.objects.filter(year__in=years).update(imported_by=user)
        source = "; ".join(a.source for a in arrangements)
        recomputed = settle_provisional(pending, years=years, source=source, user=user, meta=meta)
        for change in changes:
            calendar = CalendarYear.objects.select_for_update().get(year=change["year"])
            record_event(
                case=calendar, action="calendar_import", actor=Actor(user=user), meta=meta,
                payload={
                    **{key: change[key] for key in ("year", "source", "source_url", "holidays", "workdays",
                                                    "replaces", "added", "removed")},
                    "provisional_deadlines": len(pending),
                    "deadlines_recomputed": len(recomputed),
                },
            )
    return ImportResult(years=years, warnings=open_deadlines_on_non_working_days(years), recomputed=recomputed)
