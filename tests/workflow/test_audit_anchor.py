"""Audit anchors make cutting off the last events of a chain (or a whole chain) detectable.

Given two example cases with three events each, when someone with direct database access
bypasses the append-only triggers and deletes the last event of one case, every per-case
chain still verifies. With an anchor taken before the deletion, ``audit_verify`` exits 1
and names the anchor and what no longer matches. Anchors form their own chain, refuse
UPDATE and DELETE like audit events, and ``audit_verify --anchor HASH`` proves to an auditor
holding a hash from the minutes that the anchor is still there and still matches.
"""

import datetime as dt
import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from tests.support.cases import approved_example
from tests.support.db import audit_trigger_bypassed
from workflow import services
from workflow.audit import case_events, compute_hash
from workflow.audit.anchor import (
    ANCHOR_LINK_BROKEN,
    ANCHOR_ROW_CHANGED,
    ANCHORED_EVENTS_DIFFER,
    compute_anchor_hash,
    create_anchor,
    verify_anchors,
)
from workflow.models import AuditAnchor, AuditEvent
from workflow.roles import Role
from workflow.tasks import anchor_audit_log


@pytest.fixture
def cases(people):
    return approved_example(people, "Good"), approved_example(people, "Target")


def run(command, *args):
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def cut_last_event(case):
    last = case_events(case).last()
    with audit_trigger_bypassed():
        AuditEvent.objects.filter(pk=last.pk).delete()


def test_without_an_anchor_a_cut_tail_goes_unnoticed(cases):
    """The gap anchors close: a chain that lost its last event still verifies on its own."""
    _good, target = cases
    cut_last_event(target)
    code, out, _err = run("audit_verify")
    assert code == 0, out
    assert "Result: OK" in out and "Events checked: 5" in out


def test_an_anchor_reveals_a_cut_tail(cases):
    good, target = cases
    anchor = create_anchor()
    cut_last_event(target)

    # The case's own chain still verifies: only the anchor can tell.
    code, out, _err = run("audit_verify", "--case", target.reference)
    assert code == 0, out

    code, out, _err = run("audit_verify")
    assert code == 1
    assert "Result: BROKEN" in out
    assert "First break" not in out  # no chain is broken
    assert f"First failing anchor: #{anchor.pk} {anchor.anchor_hash}: {ANCHORED_EVENTS_DIFFER}" in out
    assert "anchored 6 events in 2 chains, 现有 now 5 events in 2 chains" in out
    assert good.reference not in out


def test_removing_a_whole_chain_is_detected(cases):
    _good, target = cases
    anchor = create_anchor()
    with audit_trigger_bypassed():
        AuditEvent.objects.filter(case_ref=target.reference).delete()

    code, out, _err = run("audit_verify")
    assert code == 1
    assert f"#{anchor.pk} {anchor.anchor_hash}" in out
    assert "now 3 events in 1 chains" in out


def test_an_event_changed_under_an_anchor_is_detected_even_with_its_hash_recomputed(cases):
    """Rewriting the whole tail of a chain consistently fools the chain check, not the anchor."""
    _good, target = cases
    anchor = create_anchor()
    last = case_events(target).last()
    forged = AuditEvent.objects.get(pk=last.pk)
    forged.action = "reject"
    with audit_trigger_bypassed():
        AuditEvent.objects.filter(pk=last.pk).update(action="reject", hash=compute_hash(forged))

    assert run("audit_verify", "--case", target.reference)[0] == 0
    problem = verify_anchors()
    assert problem is not None and problem.anchor == anchor and problem.reason == ANCHORED_EVENTS_DIFFER
    assert "now 6 events in 2 chains" in problem.detail  # same count, different digest


def test_new_events_after_the_anchor_keep_it_valid_and_the_next_anchor_links_to_it(cases, people):
    first = create_anchor()
    later = approved_example(people, "Later")

    code, out, _err = run("audit_verify")
    assert code == 0, out
    assert "Anchors checked: 1" in out

    second = create_anchor()
    assert second != first
    assert second.prev_digest == first.anchor_hash
    assert (first.events, first.chains, second.events, second.chains) == (6, 2, 9, 3)
    assert verify_anchors() is None

    # Cutting the newest case's tail breaks the second anchor only; the auditor's first hash still holds.
    cut_last_event(later)
    code, out, _err = run("audit_verify", "--anchor", first.anchor_hash)
    assert code == 1
    assert f"First failing anchor: #{second.pk} {second.anchor_hash}" in out
    assert f"after anchor #{first.pk}" in out
    assert f"Anchor {first.anchor_hash}: #{first.pk}, 6 events, 与日志相符 still matches the log" in out


def test_a_second_anchor_with_no_new_events_is_the_same_anchor(cases):
    code, out, _err = run("audit_anchor")
    assert code == 0
    anchor_hash = out.strip()
    assert AuditAnchor.objects.get().anchor_hash == anchor_hash

    assert create_anchor().anchor_hash == anchor_hash
    assert run("audit_anchor")[1].strip() == anchor_hash
    assert anchor_audit_log.apply().get() == anchor_hash  # the daily task, run again
    assert AuditAnchor.objects.count() == 1


def test_the_daily_task_anchors_new_events(cases):
    anchor_hash = anchor_audit_log.apply().get()
    anchor = AuditAnchor.objects.get(anchor_hash=anchor_hash)
    assert (anchor.events, anchor.chains, anchor.prev_digest) == (6, 2, "")


def three_anchors(people):
    anchors = [create_anchor()]
    for title in ("Second", "Third"):
        approved_example(people, title)
        anchors.append(create_anchor())
    return anchors


def change_an_anchor_field(anchors):
    AuditAnchor.objects.filter(pk=anchors[0].pk).update(events=5)
    return anchors[0], ANCHOR_ROW_CHANGED


def remove_a_middle_anchor(anchors):
    AuditAnchor.objects.filter(pk=anchors[1].pk).delete()
    return anchors[2], ANCHOR_LINK_BROKEN


def backdate_an_anchor_consistently(anchors):
    """A forged anchor that holds in itself: the next anchor no longer links to it."""
    forged = AuditAnchor.objects.get(pk=anchors[1].pk)
    forged.created_at -= dt.timedelta(days=30)
    AuditAnchor.objects.filter(pk=forged.pk).update(created_at=forged.created_at, anchor_hash=compute_anchor_hash(forged))
    return anchors[2], ANCHOR_LINK_BROKEN


def remove_the_first_anchor(anchors):
    AuditAnchor.objects.filter(pk=anchors[0].pk).delete()
    return anchors[1], ANCHOR_LINK_BROKEN


ANCHOR_TAMPERINGS = [change_an_anchor_field, remove_a_middle_anchor, backdate_an_anchor_consistently, remove_the_first_anchor]


@pytest.mark.parametrize("tamper", ANCHOR_TAMPERINGS, ids=lambda f: f.__name__)
def test_tampering_with_an_anchor_breaks_the_anchor_chain(tamper, cases, people):
    anchors = three_anchors(people)
    assert verify_anchors() is None
    with audit_trigger_bypassed():
        named, reason = tamper(anchors)

    code, out, _err = run("audit_verify")
    assert code == 1
    assert f"First failing anchor: #{named.pk} {named.anchor_hash}: {reason}" in out


def test_anchor_option_with_a_known_hash_passes_and_with_an_unknown_hash_fails(cases):
    anchor = create_anchor()
    code, out, _err = run("audit_verify", "--anchor", f"  {anchor.anchor_hash.upper()} ")
    assert code == 0, out
    assert "still matches the log" in out and "Result: OK" in out

    unknown = "ab" * 32
    code, out, _err = run("audit_verify", "--anchor", unknown)
    assert code == 1
    assert f"Anchor {unknown}: 未找到 NOT FOUND" in out
    assert "Result: BROKEN" in out


def test_recomputed_anchors_are_caught_by_the_hash_kept_outside(cases):
    """Cut the tail, then replace the anchors with fresh ones: everything inside the system
    agrees again, but the hash in the minutes is gone."""
    _good, target = cases
    kept = run("audit_anchor")[1].strip()
    cut_last_event(target)
    with audit_trigger_bypassed():
        AuditAnchor.objects.all().delete()
    create_anchor()

    assert run("audit_verify")[0] == 0
    code, out, _err = run("audit_verify", "--anchor", kept)
    assert code == 1
    assert f"Anchor {kept}: 未找到 NOT FOUND" in out


def test_anchor_table_refuses_update_and_delete(cases):
    anchor = create_anchor()
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            AuditAnchor.objects.filter(pk=anchor.pk).update(events=0)
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            AuditAnchor.objects.filter(pk=anchor.pk).delete()
    assert AuditAnchor.objects.get(pk=anchor.pk).events == 6
    assert verify_anchors() is None


@pytest.mark.django_db(transaction=True)
def test_committed_anchors_survive_until_the_flush(flushable_audit_table, people):
    """With real commits the anchor is in the database for the command to find; the
    append-only anchor table still lets the test database be emptied afterwards."""
    approved_example(people, "Committed")
    kept = run("audit_anchor")[1].strip()
    code, out, _err = run("audit_verify", "--anchor", kept)
    assert code == 0, out


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL commits ids out of order; SQLite cannot")
@pytest.mark.django_db(transaction=True)
def test_an_event_still_being_committed_is_waited_for(flushable_audit_table, people, orgs, make_user):
    """A transition holds a lower event id, uncommitted, while a later event has committed:
    the anchor waits for it instead of anchoring past a gap that fills in later."""
    earlier = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "Earlier", "amount": 1}
    )
    # Another organisation, so that nothing but the audit table is shared with the open transition.
    beta_member = make_user("b1", Role.MEMBER, org=orgs.beta)
    inserted, release = threading.Event(), threading.Event()
    outcome = {}

    def slow_transition():
        try:
            with transaction.atomic():
                services.perform_transition(process="examples", case_id=earlier.pk, name="submit", user=people.member)
                inserted.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    def anchor():
        try:
            outcome["anchor"] = create_anchor()
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_transition)
    slow.start()
    assert inserted.wait(timeout=30)
    # Commits an event with a higher id than the open transition's.
    services.create_case(process="examples", user=beta_member, data={"organisation": "beta", "title": "Later", "amount": 1})
    anchoring = threading.Thread(target=anchor)
    anchoring.start()
    time.sleep(0.5)  # give an anchor that does not wait the chance to finish early
    release.set()
    slow.join(timeout=30)
    anchoring.join(timeout=30)
    assert not slow.is_alive() and not anchoring.is_alive()

    assert outcome["anchor"].events == AuditEvent.objects.count() == 3
    assert verify_anchors() is None
