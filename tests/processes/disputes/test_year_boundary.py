"""Every dispute deadline across a year boundary: with the next year's holiday notice loaded (2025→2026)
and without it (2026→2027, counted on the statute and marked provisional)."""

import datetime as dt
import json

from processes.disputes import services as svc
from processes.disputes.models import Dispute
from workflow.calendar.importing import import_calendar
from workflow.calendar.loader import parse_json
from workflow.deadlines import open_deadline

from .conftest import apply, at


def _received(people, orgs, day):
    case = apply(people, orgs, on=day, arose_on=day - dt.timedelta(days=20))
    return svc.dispute_consent_to_mediation(case=case, actor=people.employer, now=at(day))


def test_with_the_notice_the_makeup_sunday_counts_as_a_working_day(people, orgs, clock):
    """Received Tuesday 30 Dec 2025: 31 Dec, Sunday 4 Jan 2026 (a make-up working day), Monday 5 Jan."""
    clock.set(dt.date(2025, 12, 30))
    case = _received(people, orgs, dt.date(2025, 12, 30))
    row = open_deadline(case, "dispute.acceptance")
    assert row.due_on == dt.date(2026, 1, 4) + dt.timedelta(days=1) and row.provisional is False
    arbitration = open_deadline(case, "dispute.arbitration_right")
    assert arbitration.due_on == dt.date(2026, 1, 14) and arbitration.provisional is False


def test_without_the_notice_deadlines_count_on_the_statute_and_are_provisional(people, orgs, clock):
    """Received Wednesday 30 Dec 2026, 2027 not published: 31 Dec, (1 Jan New Year), Mon 4, Tue 5 Jan."""
    clock.set(dt.date(2026, 12, 30))
    case = _received(people, orgs, dt.date(2026, 12, 30))
    row = open_deadline(case, "dispute.acceptance")
    assert row.due_on == dt.date(2027, 1, 5) and row.provisional is True
    case = svc.dispute_accept(case=case, actor=people.mediator1, now=at(dt.date(2026, 12, 31)))
    mediation = open_deadline(case, "dispute.mediation")
    assert mediation.due_on == dt.date(2027, 1, 15) and mediation.provisional is True
    assert case.mediation_ends_on == dt.date(2027, 1, 15)
    # The day a party may go to arbitration is never moved, so it does not depend on the notice.
    assert open_deadline(case, "dispute.arbitration_right").provisional is False


def test_when_the_notice_moves_the_mediation_end_the_case_shows_the_new_end(people, walk, clock):
    """Accepted Wed 27 Jan 2027 with no 2027 notice: day 15 is Thu 11 Feb (provisional). A notice resting
    through the 11th moves the end to Fri 12 Feb, and the case's `mediation_ends_on` with it."""
    accepted = dt.date(2027, 1, 27)
    clock.set(accepted)
    case = walk("mediating", on=accepted)
    assert Dispute.objects.get(pk=case.pk).mediation_ends_on == dt.date(2027, 2, 11)
    notice = {"year": 2027, "source": "测试 Test notice",
              "days": [{"name": "春节", "kind": "holiday", "from": "2027-02-05", "to": "2027-02-11"}]}
    import_calendar(parse_json(json.dumps(notice)))
    assert open_deadline(case, "dispute.mediation").due_on == dt.date(2027, 2, 12)
    assert Dispute.objects.get(pk=case.pk).mediation_ends_on == dt.date(2027, 2, 12)
