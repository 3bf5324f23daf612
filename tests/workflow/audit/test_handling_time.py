"""The median handling time per step is computed in the database: ``percentile_cont`` on
PostgreSQL, the middle rows on SQLite — the same figures, equal to the median of the spans
counted one by one."""

import datetime as dt
import statistics

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from workflow import registry
from workflow.audit import dashboard
from workflow.audit.handling_time import median_hours
from workflow.models import AuditEvent

from .conftest import at, example, step

ON_POSTGRESQL = connection.vendor == "postgresql"
WAYS = [
    pytest.param(None, id="chosen-by-database"),
    pytest.param(False, id="middle-rows"),
    pytest.param(True, id="percentile_cont",
                 marks=pytest.mark.skipif(not ON_POSTGRESQL, reason="percentile_cont is PostgreSQL's")),
]


def events():
    case_type = ContentType.objects.get_for_model(registry.get("examples").model)
    return AuditEvent.objects.filter(case_type=case_type)


def submitted_after(people, hours_list):
    """One ACME example per entry, created at noon on 2 March and submitted ``hours`` later."""
    for hours in hours_list:
        case = example(people.member, "acme", f"{hours} h", created=at(3, 2))
        step(case, "submit", people.member, at(3, 2) + dt.timedelta(hours=hours))


@pytest.mark.parametrize("percentile", WAYS)
@pytest.mark.parametrize(
    ("hours_list", "median"),
    [([5], 5.0), ([1, 2, 10], 2.0), ([1, 2, 3, 10], 2.5), ([0.25, 0.25, 48, 49], 24.125)],
)
def test_the_median_of_odd_and_even_counts(people, orgs, hours_list, median, percentile):
    submitted_after(people, hours_list)
    [(action, times, found)] = median_hours(events(), percentile=percentile)
    assert (action, times) == ("submit", len(hours_list))
    assert found == pytest.approx(median, abs=1e-6)


@pytest.mark.parametrize("percentile", WAYS)
def test_only_state_changes_count_each_from_the_event_before_in_its_own_case(people, cases, percentile):
    """From ``cases``: March submitted 1 minute after creation and approved 30 days 23:59 later,
    April submitted 9 h after, Beta 1 h after; creations (no event before) are not steps."""
    found = {a: (n, round(h, 3)) for a, n, h in median_hours(events(), percentile=percentile)}
    march = (at(3, 31, 23, 59) - at(3, 1, 0, 0)).total_seconds() / 3600
    assert found == {"submit": (3, round(statistics.median([1 / 60, 9, 1]), 3)), "approve": (1, round(march, 3))}


def test_the_dashboard_reads_the_median_from_the_database(people, cases, django_assert_max_num_queries):
    """One query for the figure, however many events there are (the events never reach Python)."""
    submitted_after(people, [1, 2, 3, 4, 5, 6])
    scope = dashboard.dashboard_scope(user=people.auditor)
    spec = registry.get("examples")
    dashboard.handling_time(spec, scope)  # the content type is cached from here on
    with django_assert_max_num_queries(1):
        figure = dashboard.handling_time(spec, scope)
    assert {r[0]: r[2:] for r in figure.rows}["submit"] == (9, 3.0)
