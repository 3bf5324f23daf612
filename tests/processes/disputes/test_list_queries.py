"""The disputes list costs the same statements for a page of two as for a page of ten.

Each row shows the parties, workers, mediators, recusals, sessions (minutes only to those entitled)
and the agreement with who signed it: the list reads them for the whole page at once
(``LIST_RELATED``), where it once sent about six queries per row (B4). The rows are the ones the
case's own detail shows.
"""

import pytest

from tests.support.lists import assert_rows_are_details, listed, statements_for_pages

from .conftest import apply

pytestmark = pytest.mark.django_db
STATES = ["applied", "consented", "accepted", "mediating", "session", "agreement_drafted", "agreed", "performed",
          "closed"]


WORKERS = ["赵磊"] + [f"工人{i}" for i in range(2, 11)]  # ten workers: a group dispute (第七条)


@pytest.fixture
def ten_cases(walk, people, orgs):
    """One dispute in each state of the happy path, and a group dispute of ten workers."""
    return [walk(state) for state in STATES] + [apply(people, orgs, workers=WORKERS, representatives=WORKERS[:3])]


@pytest.mark.parametrize("reader", ["auditor", "mediator1"])
def test_a_page_costs_the_same_statements_whatever_its_size(ten_cases, people, api, reader):
    small, large = statements_for_pages(api(getattr(people, reader)), "disputes", 2, 10)
    assert large == small


@pytest.mark.parametrize("reader", ["auditor", "mediator1", "employer"])
def test_each_row_is_what_the_cases_detail_shows(ten_cases, people, api, reader):
    client = api(getattr(people, reader))
    _, rows = listed(client, "disputes", 10)
    assert len(rows) == 10
    assert_rows_are_details(client, "disputes", rows)
    assert any(row["sessions"] and row["agreement"]["signed"] for row in rows)
    assert any(len(row["workers"]) == 10 for row in rows)
