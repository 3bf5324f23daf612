"""Notifications: who receives them, e-mail after commit and only once, no personal data."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tests.example_process.models import ExampleRequest
from workflow import services
from workflow.models import MemberProfile, RoleAssignment
from workflow.notifications.events import notify_deadline_approaching, notify_overdue_escalation
from workflow.notifications.models import Notification, NotificationPreference
from workflow.notifications.services import notify
from workflow.notifications.tasks import send_notification_emails
from workflow.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme, email="m1@example.org"),
            "c1": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme, email="c1@example.org"),
            "c2": make_user("c2", Role.UNION_COMMITTEE, org=orgs.acme, email="c2@example.org"),
            "other_org": make_user("c9", (Role.UNION_COMMITTEE, orgs.beta), email="c9@example.org"),
        },
    )


def test_notify_role_holders_once_and_email_after_commit(orgs, people, django_capture_on_commit_callbacks):
    """Every current holder of the role is notified once; e-mail goes out only after commit."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = notify(
            users=[people.c1], role=Role.UNION_COMMITTEE, organisation=orgs.acme, kind="new_task", title="T"
        )
    assert created == 2
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"c1", "c2"}
    assert len(mail.outbox) == 0
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["c1@example.org", "c2@example.org"]
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_role_holder_whose_assignment_ended_or_is_inactive_is_not_notified(orgs, people):
    RoleAssignment.objects.filter(user=people.c2).update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    people.c1.is_active = False
    people.c1.save()
    assert notify(role=Role.UNION_COMMITTEE, organisation=orgs.acme, kind="new_task", title="T") == 0
    assert Notification.objects.count() == 0


def test_email_preference_off_means_in_app_only(orgs, people, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=people.c2, email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(role=Role.UNION_COMMITTEE, organisation=orgs.acme, kind="new_task", title="T") == 2
    assert [m.to for m in mail.outbox] == [["c1@example.org"]]
    assert Notification.objects.get(user=people.c2).emailed_at is None


def test_email_task_run_twice_sends_once(people):
    """A redelivered task (acks_late) must not send the same e-mail again."""
    notify(users=[people.c1], kind="new_task", title="T")
    row = Notification.objects.get()
    assert send_notification_emails([row.pk]) == 1
    assert send_notification_emails([row.pk]) == 0
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.emailed_at is not None


def test_email_task_skips_unknown_ids_and_users_without_address(make_user):
    nobody = make_user("noaddr")
    notify(users=[nobody], kind="new_task", title="T")
    row = Notification.objects.get()
    assert send_notification_emails([row.pk, row.pk + 1000]) == 0
    assert mail.outbox == []


# --- the hooks -------------------------------------------------------------------------


def create_case(user, **data):
    return services.create_case(
        process="examples", user=user, data={"organisation": "acme", "title": "Lamp", "amount": 100, **data}
    )


def test_submit_notifies_each_committee_member_of_new_task(people, django_capture_on_commit_callbacks):
    case = create_case(people.member)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    rows = Notification.objects.filter(kind="new_task")
    assert sorted(rows.values_list("user__username", flat=True)) == ["c1", "c2"]
    assert all(r.case_ref == case.reference and r.process_key == "examples" for r in rows)
    assert {m.to[0] for m in mail.outbox} == {"c1@example.org", "c2@example.org"}


def test_transition_that_keeps_the_same_step_notifies_nobody_again(people, django_capture_on_commit_callbacks):
    """Rebuilding the same work items (same step, same addressees) is not a new task."""
    from tests.example_process.flows import ExampleFlow
    from workflow import flowkit

    case = create_case(people.member)
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        flowkit.rebuild_work_items(ExampleFlow, ExampleRequest.objects.get(pk=case.pk))
    assert Notification.objects.count() == 0


def test_decision_by_someone_else_notifies_the_creator_only(people, django_capture_on_commit_callbacks):
    case = create_case(people.member)
    with django_capture_on_commit_callbacks(execute=True):
        services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    # The creator's own submit is not a decision for them.
    assert not Notification.objects.filter(kind="decision").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.perform_transition(
            process="examples", case_id=case.pk, name="reject", user=people.c1, data={"reason": "no budget"}
        )
    row = Notification.objects.get(kind="decision")
    assert row.user == people.member
    assert case.reference in row.title and "驳回 Reject" in row.title
    assert "已驳回 Rejected" in row.body


def test_failed_transition_notifies_nobody(people, django_capture_on_commit_callbacks):
    case = create_case(people.member, amount=9000)
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.GuardFailed):
        services.perform_transition(process="examples", case_id=case.pk, name="approve", user=people.c1)
    assert Notification.objects.count() == 0


def test_deadline_and_escalation_helpers(orgs, people, make_user):
    chair = make_user("chair", Role.CHAIR, org=orgs.acme)
    case = create_case(people.member)
    due = timezone.now() + dt.timedelta(days=3)
    assert notify_deadline_approaching(case=case, due_at=due, step_label="审批 Decide", role=Role.UNION_COMMITTEE) == 2
    assert notify_overdue_escalation(case=case, due_at=due, role=Role.CHAIR) == 1
    assert Notification.objects.get(kind="overdue_escalation").user == chair
    assert Notification.objects.filter(kind="deadline_approaching").count() == 2


def test_notifications_never_carry_restricted_personal_data(people, django_capture_on_commit_callbacks):
    """Even when the case's own text holds an ID number, notifications show only reference and labels."""
    id_number, phone = "110101199003071234", "13800138000"
    MemberProfile.objects.filter(user=people.member).update(id_number=id_number, phone=phone)
    with django_capture_on_commit_callbacks(execute=True):
        case = create_case(people.member, title=f"{id_number} {phone}")
    with django_capture_on_commit_callbacks(execute=True):
        services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    with django_capture_on_commit_callbacks(execute=True):
        services.perform_transition(
            process="examples", case_id=case.pk, name="reject", user=people.c1, data={"reason": phone}
        )
    notify_deadline_approaching(case=case, due_at=timezone.now(), role=Role.UNION_COMMITTEE)
    rows = list(Notification.objects.all())
    assert {r.kind for r in rows} >= {"new_task", "decision", "deadline_approaching"}
    for text in [r.title + r.body for r in rows] + [m.subject + m.body for m in mail.outbox]:
        assert id_number not in text and phone not in text


# --- the API ---------------------------------------------------------------------------


def test_api_lists_own_only_unread_first_and_filters_unread(people, api):
    notify(users=[people.c1], kind="new_task", title="first")
    notify(users=[people.c1], kind="new_task", title="second")
    notify(users=[people.c2], kind="new_task", title="not yours")
    first = Notification.objects.get(title="first")
    api(people.c1).post(f"/api/v1/notifications/{first.pk}/read/")
    Notification.objects.filter(user=people.c1, title="second").update(created_at=timezone.now() - dt.timedelta(days=9))

    body = api(people.c1).get("/api/v1/notifications/").json()
    assert [r["title"] for r in body["results"]] == ["second", "first"]
    assert body["unread_count"] == 1 and body["results"][0]["unread"] is True
    body = api(people.c1).get("/api/v1/notifications/?unread=1").json()
    assert [r["title"] for r in body["results"]] == ["second"]


def test_api_marking_another_users_notification_is_404_and_changes_nothing(people, api):
    notify(users=[people.c2], kind="new_task", title="not yours")
    row = Notification.objects.get()
    r = api(people.c1).post(f"/api/v1/notifications/{row.pk}/read/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    row.refresh_from_db()
    assert row.read_at is None
    assert api(people.c1).post("/api/v1/notifications/99999999999999999999/read/").status_code == 404
    assert api().get("/api/v1/notifications/").status_code == 401


def test_api_read_all_marks_only_own(people, api):
    notify(users=[people.c1, people.c2], kind="new_task", title="T")
    notify(users=[people.c1], kind="new_task", title="U")
    r = api(people.c1).post("/api/v1/notifications/read-all/")
    assert r.status_code == 200 and r.json() == {"marked": 2}
    assert Notification.objects.filter(read_at__isnull=True).get().user == people.c2


def test_api_preferences_get_put_and_bad_input(people, api, django_capture_on_commit_callbacks):
    client = api(people.c1)
    assert client.get("/api/v1/notifications/preferences/").json() == {"email_enabled": True}
    r = client.put("/api/v1/notifications/preferences/", {"email_enabled": "maybe"}, format="json")
    assert r.status_code == 400 and "email_enabled" in r.json()["fields"]
    r = client.put("/api/v1/notifications/preferences/", {}, format="json")
    assert r.status_code == 400
    assert client.get("/api/v1/notifications/preferences/").json() == {"email_enabled": True}
    r = client.put("/api/v1/notifications/preferences/", {"email_enabled": False}, format="json")
    assert r.status_code == 200 and r.json() == {"email_enabled": False}
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[people.c1], kind="new_task", title="T")
    assert mail.outbox == []


# --- the web UI ------------------------------------------------------------------------


def test_ui_page_shows_own_notifications_bell_count_and_marks_read(people, client):
    notify(users=[people.c1], kind="new_task", title="Mine-1")
    notify(users=[people.c1], kind="new_task", title="Mine-2")
    notify(users=[people.c2], kind="new_task", title="Theirs")
    client.force_login(people.c1)
    html = client.get("/notifications/").content.decode()
    assert "Mine-1" in html and "Mine-2" in html and "Theirs" not in html
    assert 'data-unread="2"' in html  # the bell in the page shell

    mine = Notification.objects.get(title="Mine-1")
    theirs = Notification.objects.get(title="Theirs")
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 302
    assert 'data-unread="1"' in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    html = client.get("/notifications/").content.decode()
    assert "data-unread" not in html
    assert Notification.objects.filter(user=people.c1, read_at__isnull=True).count() == 0


def test_ui_preference_form_turns_email_off_and_on(people, client):
    client.force_login(people.c1)
    assert client.post("/notifications/preferences/", {}).status_code == 302
    assert NotificationPreference.objects.get(user=people.c1).email_enabled is False
    client.post("/notifications/preferences/", {"email_enabled": "on"})
    assert NotificationPreference.objects.get(user=people.c1).email_enabled is True


def test_ui_requires_login(client):
    r = client.get("/notifications/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
