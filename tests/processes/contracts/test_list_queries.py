"""The contracts list costs the same statements for a page of two as for a page of ten.

Each row shows both chiefs, both teams, the rounds with their minutes, the draft and the passed
version: the list reads them for the whole page at once (``LIST_RELATED``), where it once sent
about five queries per row (B4). The rows are the ones the case's own detail shows.
"""

import pytest

from tests.support.lists import assert_rows_are_details, listed, statements_for_pages

from .conftest import STATES

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten_cases(walk):
    return [walk(STATES[i % len(STATES)]) for i in range(10)]


def test_a_page_costs_the_same_statements_whatever_its_size(ten_cases, people, api):
    small, large = statements_for_pages(api(people.auditor), "contracts", 2, 10)
    assert large == small


def test_each_row_is_what_the_cases_detail_shows(ten_cases, people, api):
    client = api(people.auditor)
    _, rows = listed(client, "contracts", 10)
    assert_rows_are_details(client, "contracts", rows)
    assert any(row["union_team"] and row["employer_team"] and row["rounds"] and row["passed_document"]
               for row in rows)
