"""Nothing changes behind the audit trail: what has an audited service is view-only in the admin.

The holiday calendar (loaded by the audited import), viewflow's processes and tasks
(moved by the transition service), delegations (given and ended by the delegator) and
an organisation's settings (its deadline overrides) are shown in ``/admin/`` but even a
superuser can neither add, change nor delete them there, and a forged POST changes nothing.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from workflow import services
from workflow.calendar.models import CalendarDay, CalendarYear
from workflow.delegation import delegation_create
from workflow.models import AuditEvent, Delegation
from workflow.roles import Role

User = get_user_model()


@pytest.fixture
def admin_client(db):
    root = User.objects.create_superuser("root", "root@example.org", "pw-secret-1")
    client = Client()
    client.force_login(root)
    return client


@pytest.fixture
def calendar_day(db):
    year = CalendarYear.objects.create(year=2031, source="国办发明电〔2030〕1号")
    return CalendarDay.objects.create(date=dt.date(2031, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦", calendar=year)


def assert_view_only(client, url_base: str, pk: int, forged: dict) -> None:
    """The list and the object are shown; add, change and delete answer 403 to the superuser."""
    assert client.get(url_base).status_code == 200
    assert client.get(f"{url_base}{pk}/change/").status_code == 200
    assert client.get(f"{url_base}add/").status_code == 403
    assert client.post(f"{url_base}add/", forged).status_code == 403
    assert client.post(f"{url_base}{pk}/change/", forged).status_code == 403
    assert client.get(f"{url_base}{pk}/delete/").status_code == 403
    assert client.post(f"{url_base}{pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(url_base, {"action": "delete_selected", "_selected_action": [pk], "post": "yes"})


def test_calendar_days_cannot_be_added_changed_or_deleted(admin_client, calendar_day):
    assert_view_only(
        admin_client, "/admin/wf_calendar/calendarday/", calendar_day.pk,
        {"date": "2031-01-02", "kind": "workday", "name": "forged", "calendar": calendar_day.calendar_id},
    )
    assert_view_only(
        admin_client, "/admin/wf_calendar/calendaryear/", calendar_day.calendar_id,
        {"year": 2031, "source": "forged", "days-TOTAL_FORMS": "0", "days-INITIAL_FORMS": "1"},
    )
    calendar_day.refresh_from_db()
    assert (calendar_day.kind, calendar_day.name) == ("holiday", "元旦")
    assert list(CalendarDay.objects.filter(date__year=2031)) == [calendar_day]
    assert CalendarYear.objects.get(year=2031).source == "国办发明电〔2030〕1号"


def test_viewflow_process_data_and_tasks_cannot_be_edited(admin_client, orgs, make_user):
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "Lamp", "amount": 1})
    process = Process.objects.get(pk=case.process_id)
    task = Task.objects.filter(process=process).latest("pk")
    data_before, status_before = process.data, task.status

    assert_view_only(admin_client, "/admin/viewflow/process/", process.pk, {"data": '{"forged": true}', "status": "DONE"})
    assert_view_only(admin_client, "/admin/viewflow/task/", task.pk, {"status": "DONE", "token": "forged"})
    process.refresh_from_db()
    task.refresh_from_db()
    assert process.data == data_before and task.status == status_before


def test_delegations_are_given_and_ended_only_through_the_audited_service(admin_client, orgs, make_user):
    committee = Role.UNION_COMMITTEE
    delegator = make_user("a", committee, Role.MEMBER, org=orgs.acme)
    deputy = make_user("b", (committee, orgs.beta), (Role.MEMBER, orgs.acme))
    start = timezone.now() - dt.timedelta(minutes=1)
    delegation = delegation_create(
        delegator=delegator, delegate=deputy, role=committee, organisation=orgs.acme,
        starts_at=start, ends_at=start + dt.timedelta(days=7), reason="休假 On leave",
    )
    assert_view_only(admin_client, "/admin/workflow/delegation/", delegation.pk, {"revoked_at_0": "2030-01-01"})
    delegation.refresh_from_db()
    assert delegation.revoked_at is None and Delegation.objects.count() == 1


def test_organisation_settings_are_shown_not_edited(admin_client, orgs):
    orgs.acme.settings = {"override:reply": 20}
    orgs.acme.save()
    events_before = AuditEvent.objects.count()
    page = admin_client.get(f"/admin/workflow/organisation/{orgs.acme.pk}/change/").content.decode()
    assert 'name="settings"' not in page

    r = admin_client.post(
        f"/admin/workflow/organisation/{orgs.acme.pk}/change/",
        {"code": "acme", "name": "ACME 工会", "kind": orgs.acme.kind, "parent": orgs.fed.pk, "settings": '{"override:reply": 1}'},
    )
    assert r.status_code == 302  # name, kind and parent stay reference data
    orgs.acme.refresh_from_db()
    assert orgs.acme.settings == {"override:reply": 20}
    assert admin_client.get(f"/admin/workflow/organisation/{orgs.acme.pk}/delete/").status_code == 403
    assert AuditEvent.objects.count() == events_before
