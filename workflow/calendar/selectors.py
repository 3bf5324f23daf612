"""Read-only views of the calendar and the deadline rules, for the API and the UI."""

from __future__ import annotations

from ..deadlines.rules import all_rules, rule_as_dict
from .models import CalendarDay, CalendarYear
from .working_days import CalendarMissing


def calendar_years() -> list[dict]:
    return [
        {"year": c.year, "source": c.source, "source_url": c.source_url}
        for c in CalendarYear.objects.order_by("year")
    ]


def calendar_for_year(*, year: int) -> dict:
    """The loaded arrangement of ``year`` with every listed day; :class:`CalendarMissing` if none."""
    calendar = CalendarYear.objects.filter(year=year).first()
    if calendar is None:
        raise CalendarMissing(year)
    days = CalendarDay.objects.filter(calendar=calendar).order_by("date")
    return {
        "year": calendar.year,
        "source": calendar.source,
        "source_url": calendar.source_url,
        "imported_at": calendar.imported_at.isoformat(),
        "imported_by": calendar.imported_by.get_username() if calendar.imported_by_id else "",
        "days": [
            {
                "date": d.date.isoformat(),
                "weekday": d.date.isoweekday(),
                "kind": d.kind,
                "kind_label": str(d.get_kind_display()),
                "name": d.name,
            }
            for d in days
        ],
    }


def deadline_rule_list(*, organisation=None) -> list[dict]:
    return [rule_as_dict(rule, organisation) for rule in all_rules()]


def overrides_in(organisations) -> list[dict]:
    """The adjustable rules whose length an organisation has set, for each organisation given."""
    rows = []
    for organisation in organisations:
        for rule in all_rules():
            shown = rule_as_dict(rule, organisation)
            if shown["adjustable"] and shown["effective_n"] != shown["n"]:
                rows.append({"organisation": organisation, **shown})
    return rows


def override_history(organisations, limit: int = 10) -> list:
    """The latest length changes of these organisations, from their audit chains."""
    from django.contrib.contenttypes.models import ContentType

    from ..models import AuditEvent, Organisation

    if not organisations:
        return []
    return list(
        AuditEvent.objects.filter(
            case_type=ContentType.objects.get_for_model(Organisation),
            case_id__in=[o.pk for o in organisations],
            action="deadline_override",
        ).order_by("-created_at", "-id")[:limit]
    )
