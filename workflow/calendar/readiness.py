"""Warning ahead of time that next year's holiday calendar has not been loaded.

A deadline that reaches into a year without its arrangement counts on the statute
alone and is provisional (:mod:`.provisional`) until the notice is loaded. The State
Council publishes the arrangement around November; from ``CALENDAR_WARN_DAYS``
(default 61) days before the year begins, administrators of the federation see a
banner and receive one notification per missing year, with the number of open
provisional deadlines and a link to the page where the notice can be pasted.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import clock
from .importing import calendar_admins
from .models import CalendarYear, MissingCalendarWarning


def warn_days() -> int:
    return settings.CALENDAR_WARN_DAYS


def missing_years(today: dt.date | None = None) -> list[int]:
    """Years from today to ``warn_days()`` ahead that have no arrangement loaded."""
    today = today or timezone.localtime(clock.now()).date()
    wanted = set(range(today.year, (today + dt.timedelta(days=warn_days())).year + 1))
    loaded = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return sorted(wanted - loaded)


def open_provisional_deadlines(year: int) -> int:
    """Open provisional deadlines that count days of ``year`` (they move when its notice is loaded)."""
    from ..models import CaseDeadline

    return CaseDeadline.objects.filter(
        status=CaseDeadline.Status.OPEN, provisional=True, starts_on__year__lte=year, due_on__year__gte=year
    ).count()


def warn_missing_years(now: dt.datetime | None = None) -> list[int]:
    """Notify the calendar administrators once for each missing year; the years newly warned about.

    Called by every timer sweep: the unique row per year makes repeated and concurrent
    sweeps notify once.
    """
    from ..notifications.models import NotificationKind
    from ..notifications.services import notify

    now = now or clock.now()
    warned = []
    for year in missing_years(timezone.localtime(now).date()):
        if MissingCalendarWarning.objects.filter(year=year).exists():
            continue
        try:
            with transaction.atomic():
                MissingCalendarWarning.objects.create(year=year, warned_at=now)
                notify(
                    users=list(calendar_admins()),
                    kind=NotificationKind.CALENDAR_MISSING,
                    title=_("%(year)s年节假日安排尚未导入 The %(year)s holiday calendar is not loaded") % {"year": year},
                    body=_(
                        "在导入国务院办公厅%(year)s年节假日安排之前，涉及%(year)s年的期限暂按法定节假日推算"
                        "（无调休上班日），导入后重新计算（只会顺延、不会提前）；目前有 %(count)s 个进行中的暂定期限。"
                        "请在通知发布后粘贴通知全文导入。 Until the State Council's %(year)s arrangement is loaded, "
                        "deadlines reaching into %(year)s are provisional, counted on the statutory holidays alone "
                        "(no make-up working days), and recomputed when it is loaded (later, never earlier); "
                        "%(count)s open deadlines are provisional now. Paste the notice once it is published."
                    ) % {"year": year, "count": open_provisional_deadlines(year)},
                    url=reverse("wf_calendar:import"),
                )
        except IntegrityError:  # another sweep warned first
            continue
        warned.append(year)
    return warned
