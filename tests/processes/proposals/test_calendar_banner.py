"""Whoever is about to act sees a working-day calendar that is missing or provisional, not only the administrator.

In December 2026, before the 2027 holiday notice (国务院办公厅节假日安排) is loaded, a deadline
reaching into 2027 counts on the statute alone: the create page and the case page say so to a
representative and to the lead department. In March, with the year loaded, nothing is shown.
"""

import datetime as dt

import pytest

from processes.proposals import services as svc
from workflow.calendar import provisional

from .conftest import at

pytestmark = pytest.mark.django_db
D = dt.date


def _banner(client, user, url) -> str:
    client.force_login(user)
    html = client.get(url).content.decode()
    start = html.find('id="uf-calendar-warning"')
    return "" if start < 0 else html[start:html.find("</div>\n</div>", start) or None]


def test_in_march_no_banner(people, client):
    assert _banner(client, people.rep1, "/proposals/new/") == ""


def test_in_december_the_representative_sees_next_year_provisional_before_filing(people, client, clock):
    clock.set(D(2026, 12, 21))
    banner = _banner(client, people.rep1, "/proposals/new/")
    assert 'data-calendar-year="2027" data-calendar-status="provisional"' in banner
    assert "暂按法定节假日推算" in banner and "2026" not in banner.split("data-calendar-years=")[1][:8]


def test_the_lead_department_sees_it_on_the_case_page_before_replying(people, walk, orgs, client, clock):
    clock.set(D(2026, 12, 21))
    case = walk("accepted", on=D(2026, 12, 21))
    svc.proposal_assign(case=case, actor=people.review1, lead_department=orgs.dept, now=at(D(2026, 12, 21)))
    banner = _banner(client, people.dept1, f"/proposals/{case.pk}/")
    assert 'data-calendar-year="2027" data-calendar-status="provisional"' in banner
    # A reader with nothing to do sees the case's provisional reply deadline in the banner too.
    assert 'data-calendar-year="2027"' in _banner(client, people.chair, f"/proposals/{case.pk}/")


def test_a_year_the_statute_cannot_count_is_shown_missing(people, client, clock, monkeypatch):
    clock.set(D(2026, 12, 21))
    monkeypatch.setattr(provisional, "statutory_holidays", lambda year: None)
    banner = _banner(client, people.rep1, "/proposals/new/")
    assert 'data-calendar-year="2027" data-calendar-status="missing"' in banner
    assert "refused" in banner


def test_a_finished_case_without_open_deadlines_shows_no_banner(people, walk, client, clock):
    clock.set(D(2026, 12, 21))
    case = walk("closed", on=D(2026, 12, 21))
    assert _banner(client, people.dept1, f"/proposals/{case.pk}/") == ""
