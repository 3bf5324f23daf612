"""The holiday calendar stored as data: national holidays and 调休 make-up working days.

The State Council (国务院办公厅) publishes each year's arrangement around November of
the year before. A year is usable only once its arrangement is loaded
(:class:`CalendarYear`); counting working days in a year without one refuses instead
of guessing (see :mod:`workflow.calendar.working_days`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """The arrangement for ``year`` is loaded: every day of that year can be classified."""

    year = models.PositiveSmallIntegerField(_("年份 Year"), unique=True)
    source = models.CharField(_("依据 Source"), max_length=300)
    source_url = models.URLField(_("原文链接 Source URL"), blank=True)
    imported_at = models.DateTimeField(_("导入时间 Imported at"), auto_now=True)
    #: Who loaded it from the calendar page or the API; empty for the shipped years and the command line.
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("导入人 Imported by"),
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("年度节假日安排 Holiday arrangement")
        verbose_name_plural = _("年度节假日安排 Holiday arrangements")

    def __str__(self) -> str:
        return f"{self.year}: {self.source}"

    @property
    def reference(self) -> str:
        """How the year's audit chain (each load of its arrangement) is labelled."""
        return f"calendar:{self.year}"


class CalendarDay(models.Model):
    """A day that differs from the plain week: a holiday, or a weekend day worked (调休上班).

    Days not listed follow the week: Monday to Friday work, Saturday and Sunday rest.
    ``calendar`` is the arrangement that published the day (a make-up day may fall in
    the last days of the year before).
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假 Holiday")
        WORKDAY = "workday", _("调休上班 Make-up working day")

    date = models.DateField(_("日期 Date"), unique=True)
    kind = models.CharField(_("类型 Kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日 Holiday name"), max_length=60)
    calendar = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日 Calendar day")
        verbose_name_plural = _("节假日 Calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class MissingCalendarWarning(models.Model):
    """Administrators were told that ``year`` has no arrangement yet (once per year)."""

    year = models.PositiveSmallIntegerField(unique=True)
    warned_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.year}: {self.warned_at:%Y-%m-%d}"
