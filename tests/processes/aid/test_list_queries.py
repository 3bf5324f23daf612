"""The aid list costs the same statements for a page of two as for a page of ten.

Each row shows the applicant, the visitors and the notice's objections (with the objector for the
committee and auditors): the list reads them for the whole page at once (``LIST_RELATED``), where it
once sent three queries per row (B4). The rows are the ones the case's own detail shows.
"""

import datetime as dt

import pytest

from processes.aid import services as svc
from tests.support.lists import assert_rows_are_details, listed, statements_for_pages

from .conftest import DAY0, at

pytestmark = pytest.mark.django_db
AID_TYPES = ["living", "medical", "education", "emergency"]
STATES = ["draft", "submitted", "prechecked", "verified", "assessed", "public_notice"]


@pytest.fixture
def ten_cases(walk, people):
    """Ten cases across the happy path (one application per aid type and year: 4 types over 3 years);
    two on notice, one of them objected to by a member."""
    cases = [
        walk(STATES[(i + 2) % len(STATES)], aid_type=AID_TYPES[i % 4], on=DAY0 - dt.timedelta(days=365 * (i // 4)))
        for i in range(10)
    ]
    on_notice = cases[3]  # this year's notice, still open
    assert on_notice.state == "public_notice"
    svc.aid_object(case_id=on_notice.pk, actor=people.member2, grounds="收入不实 Income understated.", now=at(DAY0))
    return cases


def test_a_page_costs_the_same_statements_whatever_its_size(ten_cases, people, api):
    small, large = statements_for_pages(api(people.auditor), "aid", 2, 10)
    assert large == small


def test_each_row_is_what_the_cases_detail_shows(ten_cases, people, api):
    client = api(people.auditor)
    _, rows = listed(client, "aid", 10)
    assert_rows_are_details(client, "aid", rows)
    assert any(row["visitors"] == ["visitor1", "visitor2"] for row in rows)
    assert [o["objector"] for row in rows for o in row["objections"]] == ["member2"]
