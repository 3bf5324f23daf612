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
