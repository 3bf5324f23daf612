"""The weekly report of open group disputes: generated on Mondays by Celery, read as a page and CSV."""

import datetime as dt

from django.conf import settings

from processes.disputes import services as svc
from processes.disputes.models import GroupDisputeReport
from processes.disputes.tasks import weekly_group_report
from workflow.notifications.models import Notification

from .conftest import DAY0, apply, at

WORKERS = ["赵磊"] + [f"工人{i}" for i in range(2, 11)]


def test_the_beat_runs_it_every_monday():
    entry = settings.CELERY_BEAT_SCHEDULE["disputes-weekly-group-report"]
    assert entry["task"] == "processes.disputes.tasks.weekly_group_report"
    assert entry["schedule"].day_of_week == {1}


def test_monday_report_lists_open_group_disputes_only(people, orgs, clock, django_capture_on_commit_callbacks):
    group = apply(people, orgs, workers=WORKERS, representatives=WORKERS[:3])
    apply(people, orgs, workers=WORKERS[:9])  # nine workers: not a group
    closed = apply(people, orgs, workers=WORKERS, representatives=WORKERS[:3])
    svc.dispute_withdraw(case=closed, actor=people.member, now=at(DAY0))
    with django_capture_on_commit_callbacks(execute=True):
        assert weekly_group_report.delay().get() == 1
        weekly_group_report.delay()  # twice the same week: one report, one notice
    report = GroupDisputeReport.objects.get()
    assert report.week_of == DAY0 and report.count == 1 and report.rows[0]["reference"] == group.reference
    assert report.rows[0]["workers"] == 10 and report.rows[0]["representatives"] == WORKERS[:3]
    assert Notification.objects.filter(user=people.chair, title__contains="集体争议周报").count() == 1


def test_the_page_and_csv(people, orgs, client, api):
    group = apply(people, orgs, workers=WORKERS, representatives=WORKERS[:3])
    client.force_login(people.chair)
    page = client.get("/disputes/group-report/")
    assert page.status_code == 200 and group.reference in page.content.decode()
    csv = client.get("/disputes/group-report/?organisation=acme&export=csv")
    assert csv.status_code == 200 and group.reference in csv.content.decode("utf-8-sig")
    assert api(people.member).get("/api/v1/disputes/group-report/?organisation=acme").status_code == 403
    body = api(people.auditor).get("/api/v1/disputes/group-report/?organisation=fed").json()
    assert body["count"] == 1 and body["week_of"] == (DAY0 - dt.timedelta(days=DAY0.weekday())).isoformat()
