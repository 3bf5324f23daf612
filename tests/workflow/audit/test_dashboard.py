"""The oversight dashboard (issue #15, §4): figures per registered process, each checked against a
direct count of the records (never a stored counter); readers and scope as for the search."""

import datetime as dt
import statistics
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from workflow import deadlines, registry
from workflow.audit import dashboard
from workflow.models import AuditEvent, CaseDeadline, Organisation

URL = "/api/v1/audit/dashboard/"
PAGE = "/audit/dashboard/"


def figures_by_key(sections):
    return {f.key: f for _title, figures in sections for f in figures}


def direct_counts(spec, org_ids, now):
    """Every figure recounted in Python from the rows themselves."""
    closed = dashboard.final_states(spec)
    cases = [c for c in spec.model.objects.all() if c.organisation_id in org_ids]
    state = spec.state_field
    case_type = ContentType.objects.get_for_model(spec.model, for_concrete_model=True)
    deadlines = [d for d in CaseDeadline.objects.filter(case_type=case_type) if d.organisation_id in org_ids]
    codes = dict(Organisation.objects.values_list("pk", "code"))
    events = sorted(
        (e for e in AuditEvent.objects.filter(case_type=case_type) if e.organisation_id in org_ids),
        key=lambda e: (e.case_id, e.seq),
    )
    spans = {}
    for before, after in zip(events, events[1:], strict=False):
        if before.case_id == after.case_id and after.to_state:
            spans.setdefault(after.action, []).append((after.created_at - before.created_at).total_seconds() / 3600)
    met = Counter(d.rule_id for d in deadlines if d.status == CaseDeadline.Status.MET)
    late = Counter(d.rule_id for d in deadlines if d.status == CaseDeadline.Status.EXPIRED)
    return {
        "open-by-state": Counter(getattr(c, state) for c in cases if getattr(c, state) not in closed),
        "by-organisation": {
            codes[o]: (sum(1 for c in cases if c.organisation_id == o),
                       sum(1 for c in cases if c.organisation_id == o and getattr(c, state) not in closed))
            for o in {c.organisation_id for c in cases}
        },
        "overdue": Counter(d.rule_id for d in deadlines if d.status == CaseDeadline.Status.OPEN and d.due_at < now),
        "on-time": {r: (met[r], late[r]) for r in set(met) | set(late)},
        "handling": {a: (len(v), round(statistics.median(v), 1)) for a, v in spans.items()},
        "all": len(cases),
        "open": sum(1 for c in cases if getattr(c, state) not in closed),
    }


def check_against_direct_counts(sections, org_ids, now):
    found = figures_by_key(sections)
    overview = {row[0]: row for row in found["processes"].rows}
    for spec in registry.all_processes():
        want = direct_counts(spec, org_ids, now)
        assert overview[spec.key][2:] == (want["all"], want["open"]), spec.key
        assert {r[0]: r[-1] for r in found[f"{spec.key}-open-by-state"].rows} == dict(want["open-by-state"]), spec.key
        assert {r[0]: (r[1], r[2]) for r in found[f"{spec.key}-by-organisation"].rows} == want["by-organisation"]
        assert dict(found[f"{spec.key}-overdue"].rows) == dict(want["overdue"]), spec.key
        assert {r[0]: (r[1], r[2]) for r in found[f"{spec.key}-on-time"].rows} == want["on-time"], spec.key
        assert {r[0]: (r[2], r[3]) for r in found[f"{spec.key}-handling"].rows} == want["handling"], spec.key


def test_figures_match_direct_counts_for_the_federation_auditor(people, cases):
    scope = dashboard.dashboard_scope(user=people.auditor)
    sections = dashboard.dashboard(scope)
    check_against_direct_counts(sections, scope.organisation_ids, scope.now)
    examples = figures_by_key(sections)
    assert dict((r[0], r[-1]) for r in examples["examples-open-by-state"].rows) == {"submitted": 2}
    assert {r[0]: r[1:] for r in examples["examples-by-organisation"].rows} == {"acme": (2, 1), "beta": (1, 1)}
    [(action, _label, times, hours)] = [r for r in examples["examples-handling"].rows if r[0] == "approve"]
    submitted_to_approved = dt.datetime(2026, 3, 31, 23, 59) - dt.datetime(2026, 3, 1)
    assert times == 1 and hours == pytest.approx(submitted_to_approved.total_seconds() / 3600, abs=0.1)


def test_overdue_and_on_time_follow_the_deadlines(people, cases):
    """Overdue is measured at a moment: due one second before is overdue, due at that moment is not.
    On time: met of met + expired, per rule."""
    rule = "example.decide"
    april = deadlines.set_deadline(cases.april, rule_id=rule, starts_on=dt.date(2026, 4, 1), due_on=dt.date(2026, 4, 8))
    deadlines.set_deadline(cases.march, rule_id=rule, starts_on=dt.date(2026, 3, 1), due_on=dt.date(2026, 3, 6))
    deadlines.close_deadline(cases.march, rule, CaseDeadline.Status.MET)
    deadlines.set_deadline(cases.beta, rule_id=rule, starts_on=dt.date(2026, 3, 15), due_on=dt.date(2026, 3, 20))
    deadlines.close_deadline(cases.beta, rule, CaseDeadline.Status.EXPIRED)
    spec = registry.get("examples")
    after = dashboard.dashboard_scope(user=people.auditor, now=april.due_at + dt.timedelta(seconds=1))
    assert dashboard.overdue(spec, after).rows == [(rule, 1)]
    at_due = dashboard.dashboard_scope(user=people.auditor, now=april.due_at)
    assert dashboard.overdue(spec, at_due).rows == []
    assert dashboard.on_time(spec, at_due).rows == [(rule, 1, 1, 50)]
    check_against_direct_counts(dashboard.dashboard(after), after.organisation_ids, after.now)
    chair = dashboard.dashboard_scope(user=people.chair, now=after.now)
    assert dashboard.on_time(spec, chair).rows == [(rule, 1, 0, 100)]


def test_chair_sees_own_organisation_and_organisation_narrows_the_federation(people, cases, orgs):
    chair = figures_by_key(dashboard.dashboard(dashboard.dashboard_scope(user=people.chair)))
    assert {r[0] for r in chair["examples-by-organisation"].rows} == {"acme"}
    beta = figures_by_key(dashboard.dashboard(dashboard.dashboard_scope(user=people.auditor, organisation="beta")))
    assert {r[0] for r in beta["examples-by-organisation"].rows} == {"beta"}


def test_a_process_hook_adds_its_own_figures(people, cases, monkeypatch):
    spec = registry.get("examples")
    extra = dashboard.Figure("examples-amounts", "Amounts", ("Total",), [(30,)])
    monkeypatch.setattr(spec, "dashboard", lambda s, scope: [extra])
    assert "examples-amounts" in figures_by_key(dashboard.dashboard(dashboard.dashboard_scope(user=people.auditor)))


def test_api_page_and_csv(api, client, people, cases):
    body = api(people.auditor).get(URL).json()
    keys = {f["key"] for s in body["sections"] for f in s["figures"]}
    assert {"processes", "examples-open-by-state", "examples-overdue", "examples-on-time"} <= keys
    client.force_login(people.auditor)
    page = client.get(PAGE)
    assert page.status_code == 200 and "examples-open-by-state" in page.content.decode()
    csv = client.get(PAGE, {"csv": "examples-by-organisation"})
    assert csv.status_code == 200 and "acme" in csv.content.decode("utf-8-sig")
    assert client.get(PAGE, {"organisation": "nowhere"}).status_code == 404
    assert api(people.beta_auditor).get(URL, {"organisation": "acme"}).status_code == 404


@pytest.mark.parametrize("who", ["member", "committee", "beta_member"])
def test_others_are_refused(api, client, people, cases, who):
    user = getattr(people, who)
    assert api(user).get(URL).status_code == 403
    client.force_login(user)
    assert client.get(PAGE).status_code == 403


def test_figures_match_direct_counts_on_the_demo_data(db):
    """Every registered process, on the data of ``manage.py seed_demo``, read by the federation's auditor."""
    call_command("seed_demo", verbosity=0)
    auditor = get_user_model().objects.get(username="auditor1")
    scope = dashboard.dashboard_scope(user=auditor, now=timezone.now())
    assert scope.organisation_ids
    check_against_direct_counts(dashboard.dashboard(scope), scope.organisation_ids, scope.now)
