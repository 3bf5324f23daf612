"""The web UI for claiming steps, the queue, and opening restricted personal data.

Given a submitted example case whose "decide" step is addressed to the acme union
committee: the queue lists it for committee members until one of them claims it from
the page; the owner may release it and the chair may reassign it. A chair may open the
creator's ID number from the case page, which shows the value once and records one
``restricted_read`` event naming the field only; a member is refused and nothing is recorded.
"""

import json

import pytest
from django.urls import reverse

from tests.example_process.models import ExampleRequest
from workflow import flowkit, services
from workflow.audit import case_events, chain_valid
from workflow.models import WorkItem
from workflow.roles import Role

ID_NUMBER = "110101199003071234"
PHONE = "13812345678"


@pytest.fixture
def people(orgs, make_user):
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    member.profile.id_number = ID_NUMBER
    member.profile.phone = PHONE
    member.profile.save()
    return type(
        "People",
        (),
        {
            "member": member,
            "c1": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "c2": make_user("c2", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "chair": make_user("chair", Role.CHAIR, Role.MEMBER, org=orgs.acme),
            "beta_committee": make_user("bc1", Role.UNION_COMMITTEE, org=orgs.beta),
        },
    )


def submitted_case(people, title="Lamp"):
    case = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": title, "amount": 10}
    )
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    return ExampleRequest.objects.get(pk=case.pk)


@pytest.fixture
def case(people):
    return submitted_case(people)


def url(case, name):
    return reverse(f"ui:examples:{name}", kwargs={"pk": case.pk})


def snapshot(case):
    """Everything a refused request must leave untouched."""
    task = flowkit.open_step_task(case)
    items = sorted(WorkItem.objects.filter(case_id=case.pk).values_list("role", "user_id"), key=str)
    fresh = ExampleRequest.objects.get(pk=case.pk)
    return (task.pk, task.status, task.owner_id, items, case_events(case).count(), fresh.state, fresh.version)


def owner_id(case):
    return flowkit.open_step_task(case).owner_id


def queue_refs(client, user):
    client.force_login(user)
    page = client.get(reverse("ui:inbox:queue"))
    assert page.status_code == 200
    return [row["reference"] for row in page.context["items"]]


def test_queue_lists_unclaimed_role_steps_only(case, people, client):
    other = submitted_case(people, title="Desk")
    client.force_login(people.c2)
    assert client.post(url(other, "claim")).status_code == 302

    assert queue_refs(client, people.c1) == [case.reference]
    page = client.get(reverse("ui:inbox:queue"))
    html = page.content.decode()
    assert url(case, "claim") in html and "认领 Claim" in html
    assert url(other, "claim") not in html
    # The claimed case is in its owner's inbox, not in anyone's queue.
    assert queue_refs(client, people.c2) == [case.reference]
    assert queue_refs(client, people.beta_committee) == []
    assert queue_refs(client, people.member) == []


def test_inbox_menu_links_to_the_queue(people, client):
    client.force_login(people.c1)
    page = client.get(reverse("ui:inbox:index"))
    assert reverse("ui:inbox:queue") in page.content.decode()


def test_claim_from_the_queue_makes_the_step_the_users_and_audits_it_once(case, people, client):
    client.force_login(people.c1)
    r = client.post(url(case, "claim"))
    assert r.status_code == 302 and r["Location"] == url(case, "detail")

    assert owner_id(case) == people.c1.pk
    claims = list(case_events(case).filter(action="task_claim"))
    assert len(claims) == 1
    assert claims[0].actor_id == people.c1.pk and claims[0].channel == "ui"
    assert chain_valid(case)
    page = client.get(url(case, "detail"))
    panel = page.context["step"]
    assert panel["owner"] == "c1" and not panel["can_claim"] and panel["can_release"]
    assert "释放 Release" in page.content.decode()
    assert queue_refs(client, people.c2) == []


def test_case_page_shows_the_open_step_and_a_claim_button(case, people, client):
    client.force_login(people.c1)
    page = client.get(url(case, "detail"))
    html = page.content.decode()
    assert 'id="uf-step"' in html and "审批 Decide" in html and "acme" in html
    assert url(case, "claim") in html and url(case, "release") not in html
    assert url(case, "reassign") in html  # the union committee may hand the step on

    client.force_login(people.member)  # the creator: addressed to nobody here, no buttons
    html = client.get(url(case, "detail")).content.decode()
    assert "审批 Decide" in html
    assert url(case, "claim") not in html and url(case, "reassign") not in html


def test_a_refused_claim_changes_nothing(case, people, client):
    client.force_login(people.c1)
    client.post(url(case, "claim"))
    before = snapshot(case)

    client.force_login(people.c2)
    r = client.post(url(case, "claim"))
    assert r.status_code == 409
    assert "已被认领" in r.content.decode()
    assert snapshot(case) == before

    client.force_login(people.member)  # the case's creator: not addressed
    assert url(case, "claim") not in client.get(url(case, "detail")).content.decode()
    assert client.post(url(case, "claim")).status_code in (403, 409)
    assert snapshot(case) == before

    client.force_login(people.beta_committee)  # outside the scope
    assert client.post(url(case, "claim")).status_code == 404
    assert snapshot(case) == before


def test_release_through_the_page_puts_the_step_back_in_the_queue(case, people, client):
    client.force_login(people.c1)
    client.post(url(case, "claim"))
    r = client.post(url(case, "release"))
    assert r.status_code == 302
    assert owner_id(case) is None
    releases = list(case_events(case).filter(action="task_release"))
    assert len(releases) == 1 and releases[0].channel == "ui"
    assert queue_refs(client, people.c2) == [case.reference]


def test_release_by_neither_owner_nor_manager_is_refused(case, people, client):
    client.force_login(people.c1)
    client.post(url(case, "claim"))
    before = snapshot(case)
    client.force_login(people.member)  # sees the case as its creator, may not touch the step
    page = client.get(url(case, "detail"))
    assert url(case, "release") not in page.content.decode()
    r = client.post(url(case, "release"))
    assert r.status_code == 403
    assert "只有认领人" in r.content.decode()
    assert snapshot(case) == before


def test_another_committee_member_may_release_a_claimed_step(case, people, client):
    client.force_login(people.c1)
    client.post(url(case, "claim"))
    client.force_login(people.c2)
    assert url(case, "release") in client.get(url(case, "detail")).content.decode()
    assert client.post(url(case, "release")).status_code == 302
    assert owner_id(case) is None


def test_chair_reassigns_through_the_page(case, people, client):
    client.force_login(people.c1)
    client.post(url(case, "claim"))

    client.force_login(people.chair)
    page = client.get(url(case, "detail"))
    html = page.content.decode()
    assert url(case, "reassign") in html and "改派 Reassign" in html
    r = client.post(url(case, "reassign"), {"username": "c2"})
    assert r.status_code == 302
    assert owner_id(case) == people.c2.pk
    events = list(case_events(case).filter(action="task_reassign"))
    assert len(events) == 1
    assert events[0].payload["owner"] == "c2" and events[0].payload["previous_owner"] == "c1"
    assert events[0].channel == "ui"


@pytest.mark.parametrize("username", ["nobody", "m1", ""])
def test_reassign_to_someone_who_may_not_take_the_step_is_refused(case, people, client, username):
    before = snapshot(case)
    client.force_login(people.chair)
    r = client.post(url(case, "reassign"), {"username": username})
    assert r.status_code == 400
    assert r.context["panel_errors"]["username"]
    assert snapshot(case) == before


def test_reassign_by_someone_not_chair_or_committee_is_refused(case, people, client):
    before = snapshot(case)
    client.force_login(people.member)  # sees the case as its creator
    assert url(case, "reassign") not in client.get(url(case, "detail")).content.decode()
    r = client.post(url(case, "reassign"), {"username": "c2"})
    assert r.status_code == 403
    assert snapshot(case) == before


def test_chair_reads_restricted_data_once_and_the_read_is_audited(case, people, client):
    client.force_login(people.chair)
    page = client.get(url(case, "detail"))
    html = page.content.decode()
    assert url(case, "restricted") in html and "查看敏感信息 Show restricted data" in html
    assert 'value="id_number"' in html and 'value="phone"' in html
    assert ID_NUMBER not in html

    r = client.post(url(case, "restricted"), {"fields": ["id_number"]})
    assert r.status_code == 200
    html = r.content.decode()
    assert ID_NUMBER in html and PHONE not in html
    assert "已记入审计记录" in html
    assert r["Cache-Control"] == "no-store"

    reads = list(case_events(case).filter(action="restricted_read"))
    assert len(reads) == 1
    assert reads[0].payload == {"fields": ["id_number"]} and reads[0].channel == "ui"
    assert ID_NUMBER not in json.dumps(reads[0].payload)
    assert chain_valid(case)
    # Not kept anywhere: the next page shows the form again, not the value.
    again = client.get(url(case, "detail")).content.decode()
    assert ID_NUMBER not in again
    assert all(ID_NUMBER not in str(v) for v in client.session.values())


def test_restricted_read_without_fields_is_refused_and_not_audited(case, people, client):
    client.force_login(people.chair)
    r = client.post(url(case, "restricted"), {})
    assert r.status_code == 400
    assert ID_NUMBER not in r.content.decode()
    assert not case_events(case).filter(action="restricted_read").exists()


def test_member_has_no_restricted_form_and_is_refused(case, people, client):
    for user in (people.member, people.c1):
        client.force_login(user)
        page = client.get(url(case, "detail"))
        assert url(case, "restricted") not in page.content.decode()
        r = client.post(url(case, "restricted"), {"fields": ["id_number"]})
        assert r.status_code == 403
        assert ID_NUMBER not in r.content.decode()
    assert not case_events(case).filter(action="restricted_read").exists()


def test_a_get_on_a_post_endpoint_changes_nothing(case, people, client):
    before = snapshot(case)
    client.force_login(people.c1)
    for name in ("claim", "release", "reassign", "restricted"):
        r = client.get(url(case, name))
        assert r.status_code == 302 and r["Location"] == url(case, "detail")
    assert snapshot(case) == before


def test_the_reassign_form_offers_the_people_who_may_take_the_step_by_name(case, people, client):
    """The chair picks from the committee members of the case's organisation (name and username), not a typed id."""
    people.c2.first_name = "王芳"
    people.c2.save()
    client.force_login(people.chair)
    html = client.get(url(case, "detail")).content.decode()
    start = html.index('<select id="uf-reassign-username"')
    options = html[start:html.index("</select>", start)]
    assert '<option value="c2">王芳 (c2)</option>' in options and '<option value="c1">' in options
    assert 'value="m1"' not in options and 'value="bc1"' not in options
