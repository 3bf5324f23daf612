"""The weekly report of open group disputes (群体性劳动争议周报), page and CSV.

《劳动争议调解仲裁法》第七条: disputes of 10 or more workers with a common claim; the union
reports the open ones every week to the federation above it (weekly reporting duty, [local]).
A Celery beat task builds it every Monday (:mod:`.tasks`); the page and CSV show it live.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from workflow import policy
from workflow.errors import ActionForbidden
from workflow.roles import Role

from .models import Dispute
from .states import TERMINAL_STATES

REPORT_ROLES = frozenset({Role.CHAIR, Role.MEDIATION_CHAIR, Role.MEDIATOR, Role.AUDITOR, Role.ADMIN})
NOT_ALLOWED = _("您无权查看该单位的集体争议周报 You may not read this organisation's group-dispute report.")
CSV_HEADER = ["编号 Reference", "单位 Organisation", "被申请人 Respondent", "类别 Category", "人数 Workers",
              "代表 Representatives", "状态 State", "收到申请 Received", "调解期限 Mediation ends",
              "可申请仲裁 Arbitration open"]


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def open_group_disputes(organisation):
    """Open group disputes of ``organisation`` and every organisation below it."""
    return (
        Dispute.objects.filter(group=True, organisation__path__startswith=organisation.path)
        .exclude(state__in=TERMINAL_STATES)
        .select_related("organisation")
        .prefetch_related("workers")
        .order_by("received_on", "pk")
    )


def group_report(*, organisation, user, today: dt.date) -> dict:
    """The report for the week of ``today``; only a chair, mediator, auditor or admin there reads it."""
    if user is not None and not (policy.roles_at(user, organisation) & REPORT_ROLES):
        raise ActionForbidden(str(NOT_ALLOWED))
    return build_report(organisation, today)


def build_report(organisation, today: dt.date) -> dict:
    rows = []
    for case in open_group_disputes(organisation):
        workers = list(case.workers.all())
        rows.append({
            "reference": case.reference, "organisation": case.organisation.name, "respondent": case.respondent,
            "category": str(case.get_category_display()), "workers": len(workers),
            "representatives": [w.name for w in workers if w.representative], "state": case.state,
            "state_label": case.state_label, "received_on": case.received_on.isoformat(),
            "mediation_ends_on": case.mediation_ends_on.isoformat() if case.mediation_ends_on else None,
            "arbitration_open_on": case.arbitration_open_on.isoformat() if case.arbitration_open_on else None,
        })
    return {
        "organisation": {"code": organisation.code, "name": organisation.name},
        "week_of": week_start(today).isoformat(), "count": len(rows),
        "workers": sum(r["workers"] for r in rows), "rows": rows,
    }


def report_csv_rows(report: dict):
    for r in report["rows"]:
        yield [r["reference"], r["organisation"], r["respondent"], r["category"], r["workers"],
               "、".join(r["representatives"]), r["state_label"], r["received_on"], r["mediation_ends_on"] or "",
               r["arbitration_open_on"] or ""]


def generate_weekly_reports(now=None) -> int:
    """Store this week's report for every organisation with disputes, and tell its mediation committee chair (idempotent).

    Run every Monday by the beat (:func:`.tasks.weekly_group_report`); running it again the same
    week replaces the stored rows and notifies nobody twice.
    """
    from django.db import transaction
    from django.utils import timezone

    from workflow.models import Organisation
    from workflow.notifications.models import NotificationKind
    from workflow.notifications.services import notify

    from .models import GroupDisputeReport

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    made = 0
    org_ids = Dispute.objects.values_list("organisation_id", flat=True).distinct()
    for organisation in Organisation.objects.filter(pk__in=org_ids).order_by("code"):
        report = build_report(organisation, today)
        with transaction.atomic():
            row, created = GroupDisputeReport.objects.update_or_create(
                organisation=organisation, week_of=week_start(today),
                defaults={"generated_at": now, "count": report["count"], "rows": report["rows"]},
            )
            if created and report["count"]:
                notify(role=Role.MEDIATION_CHAIR, organisation=organisation, kind=NotificationKind.DECISION,
                       title=str(WEEKLY_TITLE % {"n": report["count"], "week": row.week_of.isoformat()}),
                       url="/disputes/group-report/?organisation=" + organisation.code)
        made += 1
    return made


WEEKLY_TITLE = _("集体争议周报：%(n)s 件未结（%(week)s） Weekly report: %(n)s open group disputes (week of %(week)s)")


def stored_report(organisation, today: dt.date):
    """This week's stored report of ``organisation``, if the Monday run made one."""
    from .models import GroupDisputeReport

    return GroupDisputeReport.objects.filter(organisation=organisation, week_of=week_start(today)).first()
