"""Long lists are not counted row by row.

- A case list counts exactly up to a cap; past it, the API says ``count_exact: false`` with the
  cap as ``count``, and ``next`` still leads page by page to the last case.
- The admin's audit log finds a case's events by the start of its reference (any case) or an
  action by its exact name; past the cap its count is not exact and every event is still listed.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.support.cases import approved_example
from workflow import counting
from workflow.roles import Role

User = get_user_model()


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "auditor": make_user("aud", (Role.AUDITOR, orgs.fed)),
        },
    )


@pytest.fixture
def five_cases(people):
    return [approved_example(people, f"Case {n}") for n in range(5)]


def test_a_short_list_is_counted_exactly(five_cases, people, api):
    page = api(people.auditor).get("/api/v1/examples/?limit=2").json()
    assert (page["count"], page["count_exact"]) == (5, True)
    assert len(page["results"]) == 2 and page["next"]


def test_past_the_cap_the_count_is_a_floor_and_next_still_reaches_the_end(five_cases, people, api, monkeypatch):
    monkeypatch.setattr(counting, "EXACT_UP_TO", 3)
    client = api(people.auditor)
    page = client.get("/api/v1/examples/?limit=2").json()
    assert (page["count"], page["count_exact"]) == (3, False)
    seen = [c["reference"] for c in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [c["reference"] for c in page["results"]]
    assert sorted(seen) == sorted(c.reference for c in five_cases)
    assert page["count_exact"] is False and page["previous"]


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw-secret-1"))
    return client


def test_admin_audit_log_searches_by_reference_prefix_and_action(five_cases, admin_client):
    target = five_cases[2]
    page = admin_client.get("/admin/workflow/auditevent/", {"q": target.reference.lower()})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 3
    assert {e.case_ref for e in page.context["cl"].result_list} == {target.reference}

    page = admin_client.get("/admin/workflow/auditevent/", {"q": "approve"})
    assert page.context["cl"].result_count == 5


def test_admin_audit_log_lists_every_event_past_the_cap(five_cases, admin_client, monkeypatch):
    monkeypatch.setattr(counting, "EXACT_UP_TO", 4)
    page = admin_client.get("/admin/workflow/auditevent/")
    assert page.status_code == 200
    assert page.context["cl"].paginator.count_exact is False
    assert len(page.context["cl"].result_list) == 15  # every event still listed


def test_the_case_list_page_says_about_past_the_cap(five_cases, people, monkeypatch):
    monkeypatch.setattr(counting, "EXACT_UP_TO", 3)
    client = Client()
    client.force_login(people.auditor)
    page = client.get("/examples/")
    assert page.status_code == 200
    assert "约 about" in page.content.decode()
    monkeypatch.setattr(counting, "EXACT_UP_TO", 10)
    assert "约 about" not in client.get("/examples/").content.decode()
