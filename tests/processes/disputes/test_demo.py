"""The demo seed puts acme disputes in every state (a group dispute among them), through the services."""

from processes.disputes.models import Dispute
from processes.disputes.states import DisputeState
from workflow.audit import chain_valid
from workflow.demo import build_demo, run_process_hooks


def test_demo_has_every_state_including_a_group_dispute(db, clock, client):
    orgs, users = build_demo()
    errors = []
    assert run_process_hooks(orgs, users, on_error=lambda key, exc: errors.append((key, exc))) == [], errors
    cases = list(Dispute.objects.filter(organisation=orgs["acme"]))
    assert {c.state for c in cases} == set(DisputeState.values)
    group = Dispute.objects.get(group=True)
    assert group.state == "mediating" and group.workers.filter(representative=True).count() == 3
    assert all(chain_valid(c) for c in cases)
    run_process_hooks(orgs, users)
    assert Dispute.objects.count() == len(cases)
    client.force_login(users["chair"])
    for case in cases:
        assert client.get(f"/disputes/{case.pk}/").status_code == 200, case.state


def test_without_usable_passwords_the_seed_still_runs(db, clock):
    orgs, users = build_demo(password_hash="!")
    errors = []
    assert run_process_hooks(orgs, users, on_error=lambda key, exc: errors.append((key, exc))) == [], errors
    assert Dispute.objects.filter(state="mediating", group=True).exists()
