"""The delegation web page: list, create through the form, end; refusals change nothing."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from workflow.audit import case_events
from workflow.delegation import ENDS_BEFORE_START, MAY_NOT_END, NOT_ROLE_HOLDER, delegation_create
from workflow.models import Delegation
from workflow.roles import Role
from workflow.ui.delegations import UNKNOWN_USER

pytestmark = pytest.mark.django_db

CM = Role.UNION_COMMITTEE
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LIST_URL = "/delegations/"


@pytest.fixture
def people(orgs, make_user):
    """A sits on ACME's committee; B on BETA's (same role, elsewhere)."""
    return type(
        "People",
        (),
        {
            "a": make_user("a", CM, Role.MEMBER, org=orgs.acme),
            "b": make_user("b", (CM, orgs.beta), (Role.MEMBER, orgs.acme)),
            "stranger": make_user("s1", Role.MEMBER, org=orgs.beta),
        },
    )


def login(client, user):
    client.force_login(user)
    return client


def local_input(value: dt.datetime) -> str:
    """What a browser's datetime-local input sends: Beijing wall-clock time to the minute."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def existing(people, orgs, *, start=None, days=7):
    start = start or timezone.now() - dt.timedelta(minutes=1)
    return delegation_create(
        delegator=people.a, delegate=people.b, organisation=orgs.acme, role=CM,
        starts_at=start, ends_at=start + dt.timedelta(days=days), reason="休假 On leave",
    )


def form_data(orgs, **overrides):
    start = timezone.now() + dt.timedelta(days=1)
    data = {
        "organisation": str(orgs.acme.pk),
        "role": CM,
        "delegate": "b",
        "starts_at": local_input(start),
        "ends_at": local_input(start + dt.timedelta(days=5)),
        "reason": "出差 Business trip",
    }
    data.update(overrides)
    return data


def test_anonymous_is_sent_to_login(client):
    r = client.get(LIST_URL)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=/delegations/")


def test_page_lists_a_delegation_for_both_sides_in_beijing_time(orgs, people, client):
    start = dt.datetime(2030, 3, 1, 1, 30, tzinfo=dt.UTC)  # 09:30 in Beijing
    row = existing(people, orgs, start=start)
    for user in (people.a, people.b):
        page = login(client, user).get(LIST_URL)
        html = page.content.decode()
        assert page.status_code == 200
        assert "ACME 工会" in html and "休假 On leave" in html and "工会委员会 Union committee" in html
        assert "2030-03-01 09:30" in html and "2030-03-08 09:30" in html
        assert "未开始 Upcoming" in html
    # Only the delegator may end it (the delegate is neither delegator nor chair).
    end_url = reverse("delegations:end", kwargs={"pk": row.pk})
    assert end_url in login(client, people.a).get(LIST_URL).content.decode()
    assert end_url not in login(client, people.b).get(LIST_URL).content.decode()
    assert "休假 On leave" not in login(client, people.stranger).get(LIST_URL).content.decode()


def test_active_delegations_are_listed_before_past_ones(orgs, people, client):
    """An expired delegation that started later than an active one is still listed after it."""
    existing(people, orgs, start=timezone.now() - dt.timedelta(days=1))
    old = existing(people, orgs, start=timezone.now() + dt.timedelta(days=30), days=2)
    # The service refuses a period already over, so the past is set directly.
    Delegation.objects.filter(pk=old.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    html = login(client, people.a).get(LIST_URL).content.decode()
    assert html.index("生效中 Active") < html.index("已到期 Expired")


def test_menu_links_to_the_page(people, client):
    html = login(client, people.a).get(reverse("ui:inbox:index")).content.decode()
    assert 'href="/delegations/"' in html and "委托代理 Delegations" in html


def test_form_offers_only_the_users_own_organisations_and_roles(orgs, people, client):
    html = login(client, people.a).get(LIST_URL).content.decode()
    assert f'value="{orgs.acme.pk}"' in html and f'value="{orgs.beta.pk}"' not in html
    assert f'value="{CM}"' in html and f'value="{Role.CHAIR}"' not in html


def test_a_role_received_by_delegation_cannot_be_passed_on(orgs, people, client, make_user):
    """B acts for A on ACME's committee but does not hold that role there, so B cannot delegate it."""
    make_user("c", (CM, orgs.beta))
    existing(people, orgs)
    data = form_data(orgs, delegate="c")
    r = login(client, people.b).post(LIST_URL, data)
    assert r.status_code == 400 and str(NOT_ROLE_HOLDER) in r.content.decode()
    assert Delegation.objects.filter(delegator=people.b).count() == 0


def test_creating_through_the_form_writes_the_delegation_and_its_audit_event(orgs, people, client):
    data = form_data(orgs)
    r = login(client, people.a).post(LIST_URL, data)
    assert r.status_code == 302 and r["Location"] == LIST_URL
    row = Delegation.objects.get()
    assert (row.delegator, row.delegate, row.organisation, row.role) == (people.a, people.b, orgs.acme, CM)
    assert local_input(row.starts_at) == data["starts_at"] and local_input(row.ends_at) == data["ends_at"]
    assert row.reason == "出差 Business trip"
    events = list(case_events(row))
    assert [(e.action, e.actor, e.channel) for e in events] == [("delegation_create", people.a, "ui")]
    assert events[0].payload["delegation"]["delegate"] == "b"
    assert "已创建委托 Delegation created." in client.get(LIST_URL).content.decode()


def test_end_before_start_re_renders_with_the_error_and_creates_nothing(orgs, people, client):
    start = timezone.now() + dt.timedelta(days=2)
    data = form_data(orgs, starts_at=local_input(start), ends_at=local_input(start - dt.timedelta(days=1)))
    r = login(client, people.a).post(LIST_URL, data)
    html = r.content.decode()
    assert r.status_code == 400
    assert str(ENDS_BEFORE_START) in html
    assert f'value="{data["ends_at"]}"' in html and 'value="出差 Business trip"' in html  # input kept
    assert not Delegation.objects.exists()


def test_unknown_username_re_renders_with_the_error_and_creates_nothing(orgs, people, client):
    r = login(client, people.a).post(LIST_URL, form_data(orgs, delegate="nobody"))
    html = r.content.decode()
    assert r.status_code == 400
    assert str(UNKNOWN_USER) in html and 'value="nobody"' in html
    assert not Delegation.objects.exists()


def test_a_delegate_without_the_role_is_refused_by_the_service(orgs, people, client):
    r = login(client, people.a).post(LIST_URL, form_data(orgs, delegate="s1"))
    assert r.status_code == 400 and "受托人必须同样担任此角色" in r.content.decode()
    assert not Delegation.objects.exists()


def test_delegator_ends_a_delegation_and_it_is_audited(orgs, people, client):
    row = existing(people, orgs)
    r = login(client, people.a).post(reverse("delegations:end", kwargs={"pk": row.pk}))
    assert r.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert [(e.action, e.channel) for e in case_events(row)] == [("delegation_create", "command"), ("delegation_end", "ui")]
    html = client.get(LIST_URL).content.decode()
    assert "已结束 Ended" in html and "已结束委托 Delegation ended." in html


@pytest.mark.parametrize("who", ["stranger", "b"])
def test_others_may_not_end_a_delegation_and_nothing_changes(orgs, people, client, who):
    row = existing(people, orgs)
    r = login(client, getattr(people, who)).post(reverse("delegations:end", kwargs={"pk": row.pk}))
    if who == "stranger":
        assert r.status_code == 404  # not even visible to them
    else:
        assert r.status_code == 302 and str(MAY_NOT_END) in client.get(LIST_URL).content.decode()
    row.refresh_from_db()
    assert row.revoked_at is None
    assert [e.action for e in case_events(row)] == ["delegation_create"]


def test_ending_an_unknown_or_huge_id_is_a_404(people, client):
    login(client, people.a)
    assert client.post("/delegations/999999/end/").status_code == 404
    assert client.post(f"/delegations/{2**70}/end/").status_code == 404
