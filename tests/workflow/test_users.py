"""Users are deactivated, never deleted, and the admin keeps the record read-only.

Deleting a user would cascade to viewflow tasks they own and leave audit events naming
nobody; so the admin offers no delete, the ORM refuses it, and "deactivate" is the way out.
A deactivated user can no longer log in or obtain a token, and their history stays.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from rest_framework.test import APIClient

from workflow import services
from workflow.audit import case_events, chain_valid
from workflow.models import AuditEvent, MemberProfile
from workflow.roles import Role
from workflow.signals import UserDeletionRefused

User = get_user_model()
PASSWORD = "pw-secret-1"


@pytest.fixture
def admin_client(db):
    admin = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def member(orgs, make_user):
    return make_user("m1", Role.MEMBER, org=orgs.acme)


def test_admin_offers_no_delete_for_users(admin_client, member):
    changelist = admin_client.get("/admin/auth/user/")
    assert changelist.status_code == 200
    actions = [value for value, _label in changelist.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
    assert "deactivate_users" in actions

    change = admin_client.get(f"/admin/auth/user/{member.pk}/change/")
    assert change.status_code == 200
    assert f"/admin/auth/user/{member.pk}/delete/" not in change.content.decode()

    assert admin_client.get(f"/admin/auth/user/{member.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/auth/user/{member.pk}/delete/", {"post": "yes"}).status_code == 403
    # Forcing the bulk action by name changes nothing either.
    admin_client.post("/admin/auth/user/", {"action": "delete_selected", "_selected_action": [member.pk], "post": "yes"})
    assert User.objects.filter(pk=member.pk).exists()


def test_orm_delete_is_refused(db, member):
    bare = User.objects.create_user("bare", password=PASSWORD)
    # Each attempt in its own savepoint: a refused delete rolls back its transaction.
    with pytest.raises(UserDeletionRefused), transaction.atomic():
        bare.delete()
    with pytest.raises(UserDeletionRefused), transaction.atomic():
        User.objects.filter(pk=bare.pk).delete()
    with pytest.raises((UserDeletionRefused, ProtectedError)), transaction.atomic():
        member.delete()
    assert User.objects.filter(pk__in=[bare.pk, member.pk]).count() == 2


def test_deactivate_action_blocks_login_and_tokens_but_keeps_history(admin_client, member, api):
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "Lamp", "amount": 1})
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=member)
    token = api().post("/api/v1/auth/token/", {"username": "m1", "password": PASSWORD}, format="json").json()["token"]
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION="Token " + token)
    assert token_client.get("/api/v1/examples/").status_code == 200
    session = Client()
    assert session.login(username="m1", password=PASSWORD)

    r = admin_client.post("/admin/auth/user/", {"action": "deactivate_users", "_selected_action": [member.pk]})
    assert r.status_code == 302

    member.refresh_from_db()
    assert member.is_active is False
    assert Client().login(username="m1", password=PASSWORD) is False
    browser = Client()
    r = browser.post("/accounts/login/", {"username": "m1", "password": PASSWORD})
    assert r.status_code == 200  # the form is shown again with an error, no redirect
    assert "_auth_user_id" not in browser.session
    r = api().post("/api/v1/auth/token/", {"username": "m1", "password": PASSWORD}, format="json")
    assert r.status_code == 400 and "token" not in r.json()
    assert token_client.get("/api/v1/examples/").status_code == 401
    assert session.get("/api/v1/examples/").status_code in (401, 403)

    events = list(case_events(case))
    assert [(e.action, e.actor_id, e.actor_name) for e in events] == [("create", member.pk, "m1"), ("submit", member.pk, "m1")]
    assert chain_valid(case)
    assert MemberProfile.objects.filter(user=member).exists()


def test_audit_and_derived_records_are_read_only_in_admin(admin_client, member):
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "Lamp", "amount": 1})
    event = AuditEvent.objects.get(case_ref=case.reference, seq=1)
    assert admin_client.get("/admin/workflow/auditevent/").status_code == 200
    assert admin_client.get("/admin/workflow/auditevent/add/").status_code == 403
    assert admin_client.get(f"/admin/workflow/auditevent/{event.pk}/delete/").status_code == 403
    r = admin_client.post(f"/admin/workflow/auditevent/{event.pk}/change/", {"action": "forged"})
    assert r.status_code == 403
    event.refresh_from_db()
    assert event.action == "create"
    for model in ("casedeadline", "workitem", "auditanchor", "auditexport"):
        assert admin_client.get(f"/admin/workflow/{model}/add/").status_code == 403
    assert admin_client.get("/admin/workflow/auditanchor/").status_code == 200
    assert admin_client.get("/admin/workflow/auditexport/").status_code == 200


def test_member_profile_admin_masks_restricted_fields(admin_client, member):
    profile = member.profile
    profile.id_number = "110101199003071234"
    profile.phone = "13812345678"
    profile.save()
    listing = admin_client.get("/admin/workflow/memberprofile/").content.decode()
    change = admin_client.get(f"/admin/workflow/memberprofile/{profile.pk}/change/").content.decode()
    for page in (listing, change):
        assert "110101199003071234" not in page and "13812345678" not in page
        assert "110***********1234" in page and "138****5678" in page

    # Saving the form with the restricted inputs left blank keeps the stored values.
    r = admin_client.post(
        f"/admin/workflow/memberprofile/{profile.pk}/change/",
        {
            "user": member.pk, "member_number": profile.member_number, "organisation": profile.organisation_id,
            "union_group": "", "id_number": "", "phone": "13900000000",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    profile.refresh_from_db()
    assert profile.id_number == "110101199003071234" and profile.phone == "13900000000"


def test_deactivating_a_user_gives_back_the_steps_they_claimed(admin_client, member, make_user, orgs):
    from workflow import flowkit
    from workflow.assignment import step_claim

    c1 = make_user("c1", Role.UNION_COMMITTEE, org=orgs.acme)
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "Lamp", "amount": 1})
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=member)
    step_claim(process="examples", case_id=case.pk, user=c1)

    r = admin_client.post("/admin/auth/user/", {"action": "deactivate_users", "_selected_action": [c1.pk]})
    assert r.status_code == 302
    task = flowkit.open_step_task(case)
    assert task.owner_id is None and task.status == "NEW"
    release = case_events(case).get(action="task_release")
    assert release.payload["previous_owner"] == "c1" and release.actor.username == "root"
    assert release.channel == "ui"
