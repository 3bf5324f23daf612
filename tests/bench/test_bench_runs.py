"""The benchmark code runs, at a tiny scale, on the suite's database — so it cannot rot unseen.

Nothing here asserts a time: only that each benchmark's pieces do what they claim (replayed
cases stand just before their action, the action is performed once per case, the million-event
writer writes chains that ``audit_verify`` accepts, every measured page answers 200). The
pieces that need PostgreSQL itself (pgbench, COPY, EXPLAIN, worker processes sharing committed
data, a database of their own) run when the suite runs on PostgreSQL.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from bench import b1_transitions, b3_audit, b4_queries, b5_seed, data, replay
from bench.common import database_url, db_name, recreate_database
from workflow import registry
from workflow.audit import case_events
from workflow.models import AuditEvent

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pgbench, COPY and EXPLAIN need PostgreSQL")


def seeded():
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    return data.ensure_anchor_case()  # a demo chain of the example process


def plans():
    actions = b1_transitions.DEFAULT_ACTIONS
    found = {spec.key: replay.find_plan(spec.key, actions.get(spec.key)) for spec in registry.all_processes()}
    assert found["examples"] is not None and found["proposals"] is not None, found
    # Only these two are replayed from their trail today: aid's input is restricted (not in the
    # trail) and contracts' team members are recorded in a shape their input does not take back.
    return [found["examples"], found["proposals"]]


@pytest.mark.django_db
def test_b1_replays_every_process_to_just_before_its_action_and_counts_its_statements():
    seeded()
    for plan in plans():
        spec = registry.get(plan.process)
        first, second = replay.prepare(plan, 2)
        case = spec.model.objects.get(pk=first)
        assert [e.action for e in case_events(case)] == [s.action for s in plan.steps], plan.describe()
        queries, sql = b1_transitions.queries_per_action(plan, first)
        assert queries == len(sql) > 0
        assert [e.action for e in case_events(case)][-1] == plan.action
        actor = get_user_model().objects.get(pk=plan.act.actor_id) if plan.act.actor_id else None
        replay.act(plan, second, actor)
        assert [e.action for e in case_events(spec.model.objects.get(pk=second))][-1] == plan.action


@pytest.mark.django_db
def test_b3_writes_valid_chains_that_audit_verify_accepts():
    seeded()
    before = AuditEvent.objects.count()
    b3_audit.ensure_events(before + 30, 5)
    assert AuditEvent.objects.count() >= before + 30
    seconds, output = b3_audit.verify_seconds()
    assert seconds > 0 and "Events checked" in output


@pytest.mark.django_db
def test_b4_every_measured_call_answers():
    seeded()
    data.ensure_cases(20)
    data.add_work_items(data.ensure_anchor_case(), 20, demo_only=True)
    from django.test import Client

    names = []
    for name, username, url in b4_queries.calls():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(data.user(username))
        row = b4_queries.measure(client, url, 2)
        assert "error" not in row, (name, row)
        assert row["queries"] > 0 and row["p99_ms"] >= row["median_ms"] > 0, (name, row)
        names.append(name)
    assert any(n.startswith("inbox") for n in names) and any(n.startswith("audit search") for n in names)


def test_benchmarks_refuse_a_database_not_named_uf_bench():
    with pytest.raises(SystemExit):
        db_name("postgres://postgres@127.0.0.1:5432/unionflow")
    assert db_name(database_url("uf_bench_x")) == "uf_bench_x"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_b1_worker_processes_and_pgbench_run(flushable_audit_table):
    seeded()
    plan = replay.find_plan("examples", "submit")
    ids = replay.prepare(plan, 4)
    rate, errors = b1_transitions.service_rate(plan, ids, 2)
    assert rate > 0 and errors == 0
    b1_transitions.raw_setup()
    assert b1_transitions.raw_tps(2, 1) > 0


@postgres_only
@pytest.mark.django_db
def test_b3_raw_scan_and_b4_explain():
    seeded()
    seconds, rows = b3_audit.raw_scan_seconds()
    assert seconds > 0 and rows == AuditEvent.objects.count()
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        list(AuditEvent.objects.all()[:5])
    assert b4_queries.seq_scans(ctx.captured_queries) == []  # a table of a few rows is no finding


@postgres_only
def test_b5_seeds_a_small_federation_into_its_own_database(tmp_path):
    url = database_url("uf_bench_tiny_seed")
    figures = b5_seed.main(["--database-url", url, "--orgs", "4", "--members", "40", "--results-dir", str(tmp_path)])
    assert figures["seed_seconds"] > 0 and figures["seed_peak_rss_mib"] > 0
    assert (tmp_path / "b5_seed.json").exists()
    recreate_database(url)  # leave it empty
