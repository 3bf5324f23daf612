"""Checking the whole audit log fast changes nothing an auditor relies on.

- An event's hash is the same bytes as ever: an event of known content hashes to the value the
  chain has always given it (salted or not), so chains written before still verify, and the
  offline dossier verifier agrees.
- The log cut into runs of whole cases, each run checked on its own, counts the same cases and
  events and names the same first break as one pass over the log.
- On PostgreSQL, ``audit_verify --workers 2`` (worker processes over committed events) names the
  same first break as ``--workers 1``.
"""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection

from tests.support.audit import run_verify
from tests.support.cases import approved_example
from tests.support.db import audit_trigger_bypassed
from workflow.audit import compute_hash
from workflow.audit.chain_scan import ChainResult, Run, check_run, split_log
from workflow.audit.hashing import event_hash
from workflow.models import AuditEvent

#: Computed once from the documented encoding (sorted keys, no spaces, UTF-8, UTC timestamps).
KNOWN_HASH = "c190560b5bf7c820f0faf97620b5c34762c63dc220836753db1e76e92ab36738"
KNOWN_SALTED_HASH = "0d5451f0e24d82dc2232f9bca0afcdea57f8e3606ed700b96978ab43ac17d1db"


def known_event(salt=""):
    return AuditEvent(
        case_type_id=7,
        case_id=42,
        case_ref="EX-2026-0042",
        organisation_id=3,
        seq=2,
        action="approve",
        from_state="submitted",
        to_state="approved",
        actor_id=5,
        actor_name="张三 Zhang",
        actor_role="union_committee",
        on_behalf_of_id=None,
        on_behalf_of_name="",
        # 09:02 in Shanghai is 01:02 UTC: the hash covers UTC.
        created_at=dt.datetime(2026, 3, 1, 9, 2, 3, 4500, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
        channel="api",
        ip="10.0.0.1",
        user_agent="curl/8",
        payload={"input": {"amount": "12.50", "note": "同意 ok"}},
        prev_hash="a" * 64,
        salt=salt,
    )


def test_an_event_hashes_to_the_same_value_as_ever():
    assert compute_hash(known_event()) == KNOWN_HASH
    assert compute_hash(known_event(salt="0123456789abcdef0123456789abcdef")) == KNOWN_SALTED_HASH


def test_the_offline_verifier_computes_the_same_hash():
    """The dossier verifier hashes an event's exported values with the standard library alone."""
    values = {
        "case_type": 7,
        "case_id": 42,
        "case_ref": "EX-2026-0042",
        "organisation_id": 3,
        "seq": 2,
        "action": "approve",
        "from_state": "submitted",
        "to_state": "approved",
        "actor_id": 5,
        "actor_name": "张三 Zhang",
        "actor_role": "union_committee",
        "on_behalf_of_id": None,
        "on_behalf_of_name": "",
        "created_at": "2026-03-01T01:02:03.004500Z",
        "channel": "api",
        "ip": "10.0.0.1",
        "user_agent": "curl/8",
        "payload": {"input": {"amount": "12.50", "note": "同意 ok"}},
        "prev_hash": "a" * 64,
    }
    assert event_hash(values) == KNOWN_HASH


def forge(case, seq):
    with audit_trigger_bypassed():
        event = AuditEvent.objects.get(case_ref=case.reference, seq=seq)
        AuditEvent.objects.filter(pk=event.pk).update(payload={"forged": True})


def checked_in_runs(parts):
    total = ChainResult()
    for run in split_log(AuditEvent.objects.count(), parts):
        total.add(check_run(run))
    return total


@pytest.mark.django_db
def test_runs_of_cases_name_the_same_first_break_as_one_pass(people):
    cases = [approved_example(people, f"Case {n}") for n in range(6)]
    forge(cases[4], 3)
    forge(cases[2], 2)

    whole = check_run(Run())
    for parts in (2, 3, 6, 20):
        runs = split_log(AuditEvent.objects.count(), parts)
        assert 1 < len(runs) <= parts
        found = checked_in_runs(parts)
        assert (found.cases, found.checked, found.broken_cases) == (6, 18, 2)
        assert found.first_break == whole.first_break
    assert (whole.first_break.case_ref, whole.first_break.seq) == (cases[2].reference, 2)
    assert whole.first_break.reason == "content changed"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_worker_processes_name_the_same_first_break(flushable_audit_table, people):
    cases = [approved_example(people, f"Case {n}") for n in range(8)]
    assert run_verify("--workers", "2")[0] == 0
    forge(cases[6], 2)
    forge(cases[3], 3)

    code, out, _err = run_verify("--workers", "2")
    assert code == 1
    assert f"First break: case {cases[3].reference} seq 3: content changed" in out
    assert "Events checked: 24" in out and "2 case(s) with a broken chain" in out
    assert out == run_verify("--workers", "1")[1]
