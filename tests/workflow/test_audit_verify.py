"""``manage.py audit_verify`` detects every kind of tampering with the audit log.

Given two example cases with intact chains, when someone with direct database access
bypasses the append-only trigger and changes a field, deletes a row, inserts a row in
the middle or swaps two rows of one case, then ``audit_verify`` exits 1 naming that
case and the first broken ``seq``, and the case's API history reports
``chain_valid: false``. The other case's chain stays valid.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction

from tests.support.audit import run_verify
from tests.support.cases import approved_example
from tests.support.db import audit_trigger_bypassed
from workflow.audit import case_events, compute_hash
from workflow.models import AuditEvent
from workflow.roles import Role


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "auditor": make_user("aud", (Role.AUDITOR, orgs.fed)),
        },
    )


@pytest.fixture
def cases(people):
    return approved_example(people, "Good"), approved_example(people, "Target")


def events_by_seq(case):
    return {e.seq: e for e in case_events(case)}


# The four tamperings. Each returns the seq the verifier must name.


def change_a_field(case):
    AuditEvent.objects.filter(pk=events_by_seq(case)[2].pk).update(payload={"input": {"forged": True}})
    return 2


def delete_a_row(case):
    AuditEvent.objects.filter(pk=events_by_seq(case)[2].pk).delete()
    return 2


def insert_in_the_middle(case):
    """Make room at seq 2 and insert a forged event that even links correctly to seq 1."""
    events = events_by_seq(case)
    for seq in sorted(events, reverse=True):
        if seq >= 2:
            AuditEvent.objects.filter(pk=events[seq].pk).update(seq=seq + 1)
    forged = AuditEvent.objects.get(pk=events[2].pk)
    forged.pk = None
    forged.seq = 2
    forged.action = "reject"
    forged.prev_hash = events[1].hash
    forged.hash = compute_hash(forged)
    forged.save(force_insert=True)
    # The forged row is consistent; the next row no longer links to it.
    return 3


def swap_two_rows(case):
    events = events_by_seq(case)
    AuditEvent.objects.filter(pk=events[2].pk).update(seq=1000)
    AuditEvent.objects.filter(pk=events[3].pk).update(seq=2)
    AuditEvent.objects.filter(pk=events[2].pk).update(seq=3)
    return 2


TAMPERINGS = [change_a_field, delete_a_row, insert_in_the_middle, swap_two_rows]


def test_intact_log_passes_with_summary_and_progress_bar(cases):
    code, out, err = run_verify()
    assert code == 0
    assert "Cases: 2" in out
    assert "Events checked: 6" in out
    assert "Result: OK" in out
    assert "6/6" in err  # the progress bar reached the end


def test_unknown_case_reference_is_an_error(cases):
    with pytest.raises(CommandError):
        call_command("audit_verify", "--case", "NOPE-EX-2000-0001", stdout=StringIO(), stderr=StringIO())


@pytest.mark.parametrize("tamper", TAMPERINGS, ids=lambda f: f.__name__)
def test_tampering_is_detected_by_command_and_history(tamper, cases, people, api):
    good, target = cases
    with audit_trigger_bypassed():
        broken_seq = tamper(target)

    code, out, _err = run_verify()
    assert code == 1
    assert "Result: BROKEN" in out
    assert f"First break: case {target.reference} seq {broken_seq}:" in out
    assert good.reference not in out

    code, out, _err = run_verify("--case", target.reference)
    assert code == 1 and f"case {target.reference} seq {broken_seq}:" in out
    code, out, _err = run_verify("--case", good.reference)
    assert code == 0 and "Events checked: 3" in out

    history = api(people.auditor).get(f"/api/v1/examples/{target.pk}/history/").json()
    assert history["chain_valid"] is False
    assert api(people.auditor).get(f"/api/v1/examples/{good.pk}/history/").json()["chain_valid"] is True


def test_trigger_is_back_after_the_bypass(cases):
    """The bypass in these tests is temporary: afterwards the database refuses again."""
    _good, target = cases
    with audit_trigger_bypassed():
        pass
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            AuditEvent.objects.filter(case_ref=target.reference).delete()
    assert case_events(target).count() == 3
