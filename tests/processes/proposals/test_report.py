"""The session report: counts, handling time, on-time and satisfaction rates; unrated is never satisfied."""

import csv
import datetime as dt
import io

import pytest

from processes.proposals import services as svc
from processes.proposals.report import proposal_report
from workflow.errors import ActionForbidden

from .conftest import DAY0, at

pytestmark = pytest.mark.urls("tests.processes.proposals.urls")


@pytest.fixture
def report_cases(people, walk):
    satisfied = walk("closed")  # assigned and replied on DAY0: 0 days, on time
    late = walk("in_progress", title="迟复 Late")
    svc.proposal_reply(case=late, actor=people.dept1, text="迟复 Late.", classification="B", now=at(dt.date(2026, 4, 3)))
    svc.proposal_rate(case=late, actor=people.rep1, rating="unsatisfied", comment="太慢 Too slow.",
                      now=at(dt.date(2026, 4, 4)))
    svc.proposal_reply(case=late, actor=people.dept1, text="再复 Again.", classification="A", now=at(dt.date(2026, 4, 8)))
    svc.proposal_rate(case=late, actor=people.rep1, rating="unsatisfied", comment="仍不满意 Still.",
                      now=at(dt.date(2026, 4, 9)))
    unrated = walk("replied", title="未评 Unrated")
    svc.proposal_close_unrated(case=unrated, now=at(DAY0 + dt.timedelta(days=16)))
    walk("under_review")
    return satisfied, late, unrated


def test_the_report_counts_and_rates(people, orgs, report_cases):
    report = proposal_report(organisation=orgs.acme, user=people.review1)
    assert report["total"] == 4
    assert {r["key"]: r["count"] for r in report["by_state"]} == {"closed": 3, "under_review": 1}
    assert report["by_category"] == [{"key": "living", "label": "生活后勤 Living and services", "count": 4}]
    assert report["by_department"] == [{"key": "办公室", "label": "办公室", "count": 3}]
    # First replies: 0 days (closed), 32 days (late, 2 March → 3 April), 0 days (unrated).
    assert report["handling_days"] == {"count": 3, "mean": 10.7, "median": 0, "max": 32}
    # Four replies, of which the late first one and the on-time second one of the re-handled proposal.
    assert report["replies"] == {"count": 4, "on_time": 3, "on_time_rate": 75.0}
    s = report["satisfaction"]
    assert (s["rated"], s["satisfied"], s["unsatisfied"], s["not_rated"]) == (2, 1, 1, 1)
    assert s["satisfaction_rate"] == 50.0  # the unrated proposal is not in the denominator, nor counted satisfied


def test_only_committee_chair_and_auditors_see_the_report(people, orgs, api):
    with pytest.raises(ActionForbidden):
        proposal_report(organisation=orgs.acme, user=people.rep1)
    assert api(people.rep1).get("/api/v1/proposals/report/?organisation=acme").status_code == 403
    assert api(people.beta_rep).get("/api/v1/proposals/report/?organisation=acme").status_code == 403
    assert api(people.auditor).get("/api/v1/proposals/report/?organisation=acme").status_code == 200


def test_report_api_json_csv_and_page(people, report_cases, api, client):
    r = api(people.chair).get("/api/v1/proposals/report/?organisation=acme&term=5")
    assert r.status_code == 200 and r.json()["total"] == 4
    r = api(people.chair).get("/api/v1/proposals/report/?organisation=acme&export=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["部分 Section", "键 Key", "名称 Label", "数值 Value"]
    assert ["by_state", "closed", "已办结 Closed", "3"] in rows
    assert ["satisfaction", "satisfaction_rate", "满意度 Satisfaction", "50.0"] in rows
    assert api(people.chair).get("/api/v1/proposals/report/?organisation=nope").status_code == 400
    assert api(people.chair).get("/api/v1/proposals/report/?organisation=acme&term=x").status_code == 400
    assert api(people.chair).get("/api/v1/proposals/report/?organisation=acme&term=9").status_code == 404
    client.force_login(people.review1)
    html = client.get("/proposals/report/?organisation=acme").content.decode()
    assert 'id="uf-by-state"' in html and "50.0%" in html
