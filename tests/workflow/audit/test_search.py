"""Audit search: ``GET /api/v1/audit/`` and the page ``/audit/`` (issue #15, §1).

Given example cases in ACME and BETA: the federation's auditor reads both, ACME's chair reads
ACME only, BETA's auditor BETA only; a member is refused and nothing is written. Each filter
narrows the result as a reader expects (legal day boundaries in Beijing time included), pages
are cut by a cursor without gaps or repeats, and a bad filter is a clear 400.
"""

import pytest

from workflow.models import AuditEvent, AuditExport

URL = "/api/v1/audit/"
PAGE = "/audit/"


def refs(response):
    return sorted({row["case_ref"] for row in response.json()["results"]})


def search(api, user, **params):
    return api(user).get(URL, params)


def test_federation_auditor_reads_every_organisation_below(api, people, cases):
    r = search(api, people.auditor)
    assert r.status_code == 200, r.content
    assert refs(r) == sorted([cases.march.reference, cases.april.reference, cases.beta.reference])
    assert r.json()["results"][0]["process"] == "examples"


def test_chair_reads_own_organisation_and_beta_auditor_only_beta(api, people, cases):
    assert refs(search(api, people.chair)) == sorted([cases.march.reference, cases.april.reference])
    assert refs(search(api, people.beta_auditor)) == [cases.beta.reference]


@pytest.mark.parametrize("who", ["member", "committee", "beta_member"])
def test_roles_the_issue_does_not_name_are_refused_and_nothing_is_written(api, people, cases, who):
    before = AuditEvent.objects.count(), AuditExport.objects.count()
    r = search(api, getattr(people, who))
    assert r.status_code == 403
    assert "results" not in r.json()
    assert (AuditEvent.objects.count(), AuditExport.objects.count()) == before


def test_newest_first(api, people, cases):
    times = [row["created_at"] for row in search(api, people.auditor).json()["results"]]
    assert times == sorted(times, reverse=True)


def test_filters_by_process_case_actor_action_and_state(api, people, cases):
    assert refs(search(api, people.auditor, process="examples", case=cases.beta.reference)) == [cases.beta.reference]
    assert refs(search(api, people.auditor, actor="mb")) == [cases.beta.reference]
    approved = search(api, people.auditor, transition="approve").json()["results"]
    assert [(row["case_ref"], row["action"]) for row in approved] == [(cases.march.reference, "approve")]
    assert refs(search(api, people.auditor, state="submitted")) == sorted(
        [cases.march.reference, cases.april.reference, cases.beta.reference]
    )
    assert search(api, people.auditor, actor="nobody").json()["results"] == []


def test_organisation_filter_takes_the_subtree_and_must_be_in_scope(api, people, cases, orgs):
    assert refs(search(api, people.auditor, organisation="acme")) == sorted(
        [cases.march.reference, cases.april.reference]
    )
    assert search(api, people.beta_auditor, organisation="acme").status_code == 404
    assert search(api, people.auditor, organisation="nowhere").status_code == 404


def test_date_range_is_beijing_days_both_included(api, people, cases):
    """31 March 23:59 in Beijing is in March; 1 April 00:00 is not; 28 Feb 23:59 is not."""
    rows = search(api, people.auditor, organisation="acme", date_from="2026-03-01", date_to="2026-03-31").json()
    actions = sorted((r["case_ref"], r["action"]) for r in rows["results"])
    assert actions == [(cases.march.reference, "approve"), (cases.march.reference, "submit")]
    day_after = search(api, people.auditor, organisation="acme", date_from="2026-04-01", date_to="2026-04-01").json()
    assert {r["case_ref"] for r in day_after["results"]} == {cases.april.reference}


def test_on_behalf_and_restricted_reads(api, people, cases):
    rows = search(api, people.auditor, on_behalf="true").json()["results"]
    assert [(r["action"], r["on_behalf_of"]) for r in rows] == [("approve", "c1")]
    assert search(api, people.auditor, restricted="1").json()["results"] == []


def test_keyset_pages_have_no_gap_and_no_repeat(api, people, cases):
    everything = [r["id"] for r in search(api, people.auditor, limit=200).json()["results"]]
    seen, params = [], {"limit": 2}
    while True:
        body = search(api, people.auditor, **params).json()
        seen += [r["id"] for r in body["results"]]
        if not body["next_cursor"]:
            break
        params = {"limit": 2, "cursor": body["next_cursor"]}
    assert seen == everything and len(everything) == len(set(everything)) == 7


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
        ({"process": "nope"}, "process"),
        ({"cursor": "!!!"}, "cursor"),
        ({"on_behalf": "maybe"}, "on_behalf"),
        ({"limit": "abc"}, "limit"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, people, cases, params, field):
    r = search(api, people.auditor, **params)
    assert r.status_code == 400
    assert field in str(r.json())


def test_page_lists_and_filters_for_an_auditor(client, people, cases):
    client.force_login(people.auditor)
    r = client.get(PAGE, {"case": cases.beta.reference})
    assert r.status_code == 200
    text = r.content.decode()
    assert cases.beta.reference in text and cases.april.reference not in text


def test_page_refuses_a_member(client, people, cases):
    client.force_login(people.member)
    assert client.get(PAGE).status_code == 403


def test_page_shows_a_bad_date_as_400(client, people, cases):
    client.force_login(people.auditor)
    r = client.get(PAGE, {"date_from": "2026-13-01"})
    assert r.status_code == 400
