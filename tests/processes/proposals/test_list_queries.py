"""The proposals list costs the same statements for a page of two as for a page of five.

Each row shows the detail fields (co-signers, departments, replies, ratings, countersigns
awaited, deadlines): the list reads them for the whole page at once (``LIST_RELATED`` and the
page's deadlines), where it once sent a dozen queries per row (B4: 656 statements a page for the
federation auditor). The rows are the ones the case's own detail shows.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from processes.proposals import services as svc

from .conftest import DAY0, at

STATES = ["draft", "cosigned", "under_review", "in_progress", "closed"]


def listed(client, limit: int) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        r = client.get(f"/api/v1/proposals/?limit={limit}")
    assert r.status_code == 200
    return len(queries), r.json()["results"]


def test_a_page_costs_the_same_statements_whatever_its_size(walk, people, api):
    for state in STATES:
        walk(state)
    client = api(people.auditor)
    listed(client, 1)  # the first request also reads what the process caches (content types…)
    small, two = listed(client, 2)
    large, five = listed(client, 5)
    assert len(two) == 2 and len(five) == len(STATES)
    assert large == small


def test_each_row_is_what_the_cases_detail_shows(walk, people, orgs, api):
    for state in STATES:
        walk(state)
    handled = svc.proposal_assign(case=walk("accepted"), actor=people.review1, lead_department=orgs.dept,
                                  co_departments=[people.dept2_org], now=at(DAY0))
    svc.proposal_acknowledge(case=handled, actor=people.dept1, now=at(DAY0))
    client = api(people.auditor)
    _, rows = listed(client, 10)
    for row in rows:
        detail = client.get(f"/api/v1/proposals/{row['id']}/").json()
        assert row == detail, row["reference"]
    assert len(rows) == len(STATES) + 1
    assert any(row["replies"] and row["ratings"] for row in rows)
    assert [d["code"] for row in rows for d in row["countersign_missing"]] == ["acme-hr"]
