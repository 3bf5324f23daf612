"""The demo seed puts acme proposals in every state through the services, and runs once."""

from processes.proposals.models import Proposal
from processes.proposals.states import ProposalState
from workflow import flowkit
from workflow.audit import chain_valid
from workflow.demo import build_demo, run_process_hooks

from .conftest import DAY0


def test_demo_has_every_state_including_a_merged_and_a_rehandled_proposal(db, clock):
    orgs, users = build_demo(password_hash="!")
    errors = []
    assert run_process_hooks(orgs, users, on_error=lambda key, exc: errors.append((key, exc))) == [], errors

    cases = list(Proposal.objects.filter(organisation=orgs["acme"]))
    assert {c.state for c in cases} == set(ProposalState.values)
    merged = Proposal.objects.get(state="merged")
    assert merged.merged_into.co_proposers.filter(pk=merged.created_by_id).exists()
    rehandled = Proposal.objects.filter(state="closed", rehandling_count=1).get()
    assert rehandled.replies.count() == 2 and rehandled.closure == "rated"
    assert Proposal.objects.filter(state="closed", closure="not_rated").count() == 1
    # 会签: a reply after both co-departments countersigned; 督办: a proposal in progress under a leader.
    countersigned = Proposal.objects.get(state="replied")
    assert countersigned.co_departments.count() == 2
    assert countersigned.countersigns.filter(round=1).count() == 2
    supervised = Proposal.objects.exclude(supervisor=None).get()
    assert supervised.state == "in_progress" and supervised.supervisor.username == "committee1"
    assert [o.code for o in supervised.awaiting_countersign()] == ["acme-logistics"]
    assert all(chain_valid(c) for c in cases)
    # Waiting proposals are inside their deadlines on the seeding day.
    replied = Proposal.objects.get(state="replied")
    assert flowkit.position(replied) == "replied"
    assert max(c.created_at for c in cases).date() <= DAY0

    # Idempotent: a second run adds nothing.
    run_process_hooks(orgs, users)
    assert Proposal.objects.count() == len(cases)


def test_every_demo_proposal_page_and_form_renders(db, clock, client):
    from django.urls import reverse

    orgs, users = build_demo(password_hash="!")
    run_process_hooks(orgs, users)
    client.force_login(users["review1"])
    for case in Proposal.objects.all():
        r = client.get(reverse("ui:proposals:detail", kwargs={"pk": case.pk}))
        assert r.status_code == 200, case.state
        assert case.reference in r.content.decode()
    assert client.get(reverse("ui:proposals:index")).status_code == 200


def test_the_demo_seeds_in_late_december_on_its_real_date_with_provisional_deadlines(db, clock):
    import datetime as dt

    from workflow.calendar.working_days import has_calendar
    from workflow.models import CaseDeadline

    last = max(y for y in range(2020, 2100) if has_calendar(y))  # the next year has no notice, by definition
    clock.set(dt.date(last, 12, 20))
    orgs, users = build_demo(password_hash="!")
    errors = []
    run_process_hooks(orgs, users, on_error=lambda key, exc: errors.append((key, exc)))
    assert errors == [] and Proposal.objects.filter(state="replied").exists()
    # Dated today, not back into the loaded year: its open deadlines reach into the next one, provisionally.
    assert Proposal.objects.filter(created_at__date__gte=dt.date(last, 12, 1)).exists()
    assert CaseDeadline.objects.filter(status="open", provisional=True, due_on__year=last + 1).exists()
