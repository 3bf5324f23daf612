"""Opening and finding a case's deadline: the one engine API every process uses.

A deadline opened with a due date the process fixed itself (a window cut short by an
event) is audited the same way as one the rule computed: rule, start, due date, source.
"""

import datetime as dt

import pytest

from tests.support.db import ensure_calendar_loaded
from workflow import services
from workflow.deadlines import close_deadline, open_deadline, start_deadline
from workflow.deadlines.rules import compute_due, get_rule
from workflow.models import CaseDeadline
from workflow.roles import Role

RULE = "example.decide"
START = dt.date(2026, 3, 2)


@pytest.fixture
def case(db, orgs, make_user):
    ensure_calendar_loaded()
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    return services.create_case(
        process="examples", user=member, data={"organisation": "acme", "title": "t", "amount": 1}
    )


def test_the_rules_due_date_is_opened_and_audited_with_its_source(case):
    payload = {}
    row = start_deadline(case, RULE, START, payload=payload)
    assert row.due_on == compute_due(RULE, START, case.organisation)
    assert payload["deadlines"] == [
        {"rule_id": RULE, "starts_on": "2026-03-02", "due_on": row.due_on.isoformat(), "source": get_rule(RULE).source,
         "provisional": False}
    ]


def test_a_due_date_fixed_by_the_process_is_kept_and_audited_the_same_way(case):
    payload = {}
    row = start_deadline(case, RULE, START, payload=payload, due_on=dt.date(2026, 3, 4))
    assert row.due_on == dt.date(2026, 3, 4) and row.status == CaseDeadline.Status.OPEN
    assert payload["deadlines"][0]["due_on"] == "2026-03-04"
    assert payload["deadlines"][0]["source"] == get_rule(RULE).source


def test_the_open_deadline_is_the_latest_and_none_once_it_is_met(case):
    assert open_deadline(case, RULE) is None
    start_deadline(case, RULE, START)
    latest = start_deadline(case, RULE, START, due_on=dt.date(2026, 3, 20))  # replaces the first
    assert open_deadline(case, RULE) == latest
    close_deadline(case, RULE)
    assert open_deadline(case, RULE) is None
