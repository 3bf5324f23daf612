"""Deadline rules as data: boundaries, the National Day week, month ends, leap years, overrides."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.example_process.models import ExampleRequest
from tests.support.db import ensure_calendar_loaded
from tests.support.rules import rules_registered
from workflow import services
from workflow.calendar.working_days import CalendarMissing
from workflow.deadlines import case_deadlines, rules, start_deadline
from workflow.deadlines.rules import DeadlineRule, Unit, add_months, compute_due, is_provisional_deadline, register_rule
from workflow.deadlines.store import case_being_created
from workflow.errors import InvalidInput
from workflow.models import CaseDeadline
from workflow.roles import Role

pytestmark = pytest.mark.django_db
D = dt.date

TEST_RULES = [
    DeadlineRule("t.cal10", "测试：十日 Test: 10 days", 10, Unit.CALENDAR_DAYS, "receipt"),
    DeadlineRule("t.work3", "测试：三个工作日 Test: 3 working days", 3, Unit.WORKING_DAYS, "receipt"),
    DeadlineRule("t.month1", "测试：一个月 Test: 1 month", 1, Unit.MONTHS, "receipt"),
    DeadlineRule("t.month1_fixed", "测试：一个月不顺延 1 month, no roll", 1, Unit.MONTHS, "receipt",
                 roll_to_working_day=False),
    DeadlineRule("t.year1", "测试：一年 Test: 1 year", 1, Unit.YEARS, "signing"),
    DeadlineRule("t.notice", "测试：公示期 Public notice", 5, Unit.WORKING_DAYS, "publication", adjustable=True),
    DeadlineRule("t.statutory", "《集体合同规定》第三十二条", 20, Unit.CALENDAR_DAYS, "offer", statutory=True),
]


@pytest.fixture(autouse=True)
def test_rules(db):
    ensure_calendar_loaded()
    with rules_registered(TEST_RULES):
        yield


# -- calendar days -------------------------------------------------------------------------


def test_calendar_days_do_not_count_the_start_day():
    assert compute_due("t.cal10", D(2025, 3, 3)) == D(2025, 3, 13)


def test_calendar_day_period_ending_day_n_stays_and_day_n_plus_1_rolls_past_national_day():
    # Ends Tue 30 Sep (working): stays. One day later it ends on 1 Oct: rolls to Thu 9 Oct.
    assert compute_due("t.cal10", D(2025, 9, 20)) == D(2025, 9, 30)
    assert compute_due("t.cal10", D(2025, 9, 21)) == D(2025, 10, 9)
    assert compute_due("t.cal10", D(2026, 9, 27)) == D(2026, 10, 8)


def test_calendar_day_period_ending_on_a_plain_saturday_rolls_to_monday_but_a_make_up_saturday_holds():
    assert compute_due("t.cal10", D(2025, 2, 25)) == D(2025, 3, 7)  # Friday: stays
    assert compute_due("t.cal10", D(2025, 2, 26)) == D(2025, 3, 10)  # Sat 8 Mar → Mon
    assert compute_due("t.cal10", D(2025, 10, 1)) == D(2025, 10, 11)  # Sat 11 Oct is worked


def test_calendar_day_period_ending_on_new_year_of_a_year_without_its_notice_rolls_on_the_statute():
    # 2027 has no notice: Fri 1 Jan 2027 (元旦) and the weekend after it rest, Mon 4 Jan works.
    assert compute_due("t.cal10", D(2026, 12, 22)) == D(2027, 1, 4)
    assert is_provisional_deadline("t.cal10", D(2026, 12, 22), D(2027, 1, 4)) is True
    # Ending in a year whose notice is loaded, it is not provisional.
    assert is_provisional_deadline("t.cal10", D(2026, 12, 1), D(2026, 12, 11)) is False


def test_calendar_day_period_ending_in_spring_festival_2027_rolls_past_the_in_lieu_days():
    # Statute: Eve Fri 5 Feb, 6–8 Feb; Sat 6 and Sun 7 give Tue 9 and Wed 10 off. Thu 11 Feb works.
    assert compute_due("t.cal10", D(2027, 1, 26)) == D(2027, 2, 11)
    assert compute_due("t.cal10", D(2027, 1, 25)) == D(2027, 2, 4)


def test_a_year_the_statute_cannot_be_computed_for_still_refuses():
    with pytest.raises(CalendarMissing) as info:
        compute_due("t.cal10", D(2100, 12, 28))  # 7 Jan 2101
    assert (info.value.year, info.value.code, info.value.status) == (2101, "calendar_missing", 409)


# -- working days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,n,due",
    [
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        (D(2025, 9, 30), 3, D(2025, 10, 11)),  # the make-up Saturday counts
        (D(2025, 9, 30), 4, D(2025, 10, 13)),
        (D(2025, 9, 26), 1, D(2025, 9, 28)),  # the make-up Sunday before the holiday
        (D(2026, 9, 30), 2, D(2026, 10, 9)),
        (D(2026, 9, 30), 3, D(2026, 10, 10)),  # 2026: make-up Saturday 10 Oct
        (D(2026, 9, 30), 4, D(2026, 10, 12)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Spring Festival 2026: Sat 14 Feb is worked
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
    ],
    ids=str,
)
def test_working_days_across_holidays(start, n, due):
    assert compute_due("t.work3", start, n=n) == due


@pytest.mark.parametrize(
    "start,n,due,provisional",
    [
        # Across New Year 2027: Thu 31 Dec 2026 works, Fri 1 Jan rests, then the weekend.
        (D(2026, 12, 30), 1, D(2026, 12, 31), False),  # never reaches 2027
        (D(2026, 12, 30), 2, D(2027, 1, 4), True),
        (D(2026, 12, 30), 3, D(2027, 1, 5), True),
        # Across the Spring Festival 2027 (5–10 Feb with the in-lieu days): no make-up Saturday is known.
        (D(2027, 2, 4), 1, D(2027, 2, 11), True),
        (D(2027, 2, 4), 3, D(2027, 2, 15), True),
        (D(2024, 12, 20), 3, D(2024, 12, 25), True),  # 2024 is not loaded either: counted on the statute
    ],
    ids=str,
)
def test_working_days_into_a_year_without_its_notice_count_on_the_statute(start, n, due, provisional):
    assert compute_due("t.work3", start, n=n) == due
    assert is_provisional_deadline("t.work3", start, due) is provisional


def test_a_working_day_count_inside_a_loaded_year_is_not_provisional():
    assert is_provisional_deadline("t.work3", D(2026, 12, 28), D(2026, 12, 31)) is False
    # A rule that never rolls does not depend on the holiday calendar.
    assert is_provisional_deadline("t.month1_fixed", D(2027, 3, 1), D(2027, 4, 1)) is False


# -- months and years -----------------------------------------------------------------------


def test_month_end_arithmetic():
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2025, 12, 31), 2) == D(2026, 2, 28)
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2025, 3, 31), -1) == D(2025, 2, 28)


def test_months_rule_31_january():
    assert compute_due("t.month1", D(2025, 1, 31)) == D(2025, 2, 28)  # a Friday, working
    # 2028 has no calendar, but Tue 29 Feb needs no rolling: the end stands.
    assert compute_due("t.month1", D(2028, 1, 31)) == D(2028, 2, 29)


def test_months_rule_rolls_past_a_holiday_in_a_calendared_year():
    assert compute_due("t.month1", D(2025, 9, 1)) == D(2025, 10, 9)
    assert compute_due("t.month1", D(2026, 1, 14)) == D(2026, 2, 14)  # Sat 14 Feb 2026 is worked (调休)
    assert compute_due("t.month1", D(2026, 1, 15)) == D(2026, 2, 24)


def test_months_rule_in_a_year_without_its_notice_rolls_on_the_statute():
    # Sat 1 Apr 2028 rolls to Mon 3 Apr (清明 is Tue 4 Apr 2028).
    assert compute_due("t.month1", D(2028, 3, 1)) == D(2028, 4, 3)
    # Mon 1 and Tue 2 May 2028 are 劳动节.
    assert compute_due("t.month1", D(2028, 4, 1)) == D(2028, 5, 3)
    # Fri 31 Mar 2028: no rolling needed.
    assert compute_due("t.month1", D(2028, 2, 29)) == D(2028, 3, 29)
    # A rule that never rolls does not need the calendar at all.
    assert compute_due("t.month1_fixed", D(2028, 3, 1)) == D(2028, 4, 1)


def test_years_rule_from_29_february():
    assert compute_due("t.year1", D(2024, 2, 29)) == D(2025, 2, 28)
    assert compute_due("t.year1", D(2024, 10, 1)) == D(2025, 10, 9)


# -- overrides ------------------------------------------------------------------------------


def test_organisation_override_only_where_the_rule_allows(orgs):
    assert compute_due("t.notice", D(2025, 3, 3), orgs.acme) == D(2025, 3, 10)
    assert rules.rule_override_set(organisation=orgs.acme, rule_id="t.notice", n=7) == 7
    orgs.acme.refresh_from_db()
    assert compute_due("t.notice", D(2025, 3, 3), orgs.acme) == D(2025, 3, 12)
    assert compute_due("t.notice", D(2025, 3, 3), orgs.beta) == D(2025, 3, 10)
    assert rules.rule_override_set(organisation=orgs.acme, rule_id="t.notice", n=None) == 5


def test_statutory_rule_refuses_override_and_ignores_a_stored_one(orgs):
    with pytest.raises(InvalidInput) as info:
        rules.rule_override_set(organisation=orgs.acme, rule_id="t.statutory", n=30)
    assert info.value.detail == str(rules.RULE_NOT_ADJUSTABLE)
    orgs.acme.refresh_from_db()
    assert orgs.acme.settings == {}
    orgs.acme.settings = {"deadline.t.statutory": 30}
    orgs.acme.save()
    assert compute_due("t.statutory", D(2025, 3, 3), orgs.acme) == D(2025, 3, 24)  # 23 Mar is a Sunday


@pytest.mark.parametrize("bad", [0, -1, 4000, "7", True])
def test_override_out_of_range_is_refused(orgs, bad):
    with pytest.raises(InvalidInput):
        rules.rule_override_set(organisation=orgs.acme, rule_id="t.notice", n=bad)
    orgs.acme.refresh_from_db()
    assert compute_due("t.notice", D(2025, 3, 3), orgs.acme) == D(2025, 3, 10)


def test_a_statutory_rule_cannot_be_declared_adjustable():
    with pytest.raises(ValueError):
        register_rule(DeadlineRule("t.bad", "x", 1, Unit.CALENDAR_DAYS, "x", statutory=True, adjustable=True))


# -- stored on the case, listed in the API ------------------------------------------------------


def test_start_deadline_stores_rule_and_due_and_reports_it_in_the_payload(orgs, make_user):
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "x", "amount": 1})
    payload = {}
    row = start_deadline(case, "t.work3", D(2025, 9, 30), payload=payload)
    assert (row.due_on, row.rule_id, row.status) == (D(2025, 10, 11), "t.work3", CaseDeadline.Status.OPEN)
    assert payload["deadlines"] == [
        {
            "rule_id": "t.work3", "starts_on": "2025-09-30", "due_on": "2025-10-11",
            "source": TEST_RULES[1].source, "provisional": False,
        }
    ]
    start_deadline(case, "t.work3", D(2025, 10, 9))
    assert [(d["due_on"], d["status"]) for d in case_deadlines(case)] == [("2025-10-11", "cancelled"), ("2025-10-13", "open")]
    assert isinstance(case, ExampleRequest)


def test_a_deadline_opened_while_the_case_is_created_looks_for_none_to_replace_yet_never_leaves_two_open(
    orgs, make_user
):
    """During the create service's ``after_create`` nothing can be open yet: one statement fewer per
    deadline. The same rule opened twice then still leaves one open row."""
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "x", "amount": 1})
    start_deadline(case, "t.cal10", D(2025, 3, 3))  # warm: content type and calendar years cached
    with CaptureQueriesContext(connection) as usual:
        start_deadline(case, "t.month1", D(2025, 3, 3))
    with case_being_created(case), CaptureQueriesContext(connection) as creating:
        start_deadline(case, "t.year1", D(2025, 3, 3))
        start_deadline(case, "t.year1", D(2025, 3, 4))
    assert len(creating) == 2 * len(usual) - 1, "the first opening spared its UPDATE, the second did not"
    assert [d["status"] for d in case_deadlines(case) if d["rule_id"] == "t.year1"] == ["cancelled", "open"]
    assert "_deadlines_being_created" not in case.__dict__, "only while the block runs"


def test_deadline_rules_api_lists_rules_with_their_source(api, orgs, make_user):
    user = make_user("viewer", Role.MEMBER, org=orgs.acme)
    rules.rule_override_set(organisation=orgs.acme, rule_id="t.notice", n=8)
    body = api(user).get("/api/v1/deadline-rules/?organisation=acme").json()
    by_id = {r["id"]: r for r in body["results"]}
    assert by_id["t.statutory"]["source"] == "《集体合同规定》第三十二条"
    assert by_id["t.statutory"]["statutory"] is True and by_id["t.statutory"]["adjustable"] is False
    assert (by_id["t.notice"]["n"], by_id["t.notice"]["effective_n"]) == (5, 8)
    assert by_id["t.work3"]["unit"] == "working_days" and by_id["t.work3"]["reminders"] == [3, 1]
    r = api(user).get("/api/v1/deadline-rules/?organisation=nowhere")
    assert r.status_code == 400 and "organisation" in r.json()["fields"]
    assert api().get("/api/v1/deadline-rules/").status_code == 401
