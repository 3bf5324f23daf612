"""On PostgreSQL: the audit search's plans use the indexes made for it, and a running export's
progress is visible to others while its file is still being written in one transaction."""

import datetime as dt

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from workflow.audit import search
from workflow.audit.progress import ProgressReporter
from workflow.models import AuditEvent, AuditExport, ExportStatus

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans and connections")


EVENTS = 20_000
SEED = """
INSERT INTO workflow_auditevent (case_type_id, case_id, case_ref, organisation_id, seq, action, from_state, to_state,
  actor_name, actor_role, on_behalf_of_name, created_at, channel, ip, user_agent, payload, prev_hash, hash)
SELECT %(case_type)s, 1000000 + c, 'BULK-' || c, (%(orgs)s)[1 + c %% %(n)s], s,
  (ARRAY['create','submit','approve','reject','restricted_read','comment','assign','remind','vote','archive'])[s],
  '', 'st' || s, 'bulk', 'member', '', now() - ((c * 10 + s) * interval '1 minute'), 'api', '', '', '{}',
  md5('p' || c || '-' || s) || md5('q' || c || '-' || s), md5('b' || c || '-' || s) || md5('x' || c || '-' || s)
FROM generate_series(1, %(cases)s) c, generate_series(1, 10) s
"""


def bulk_events(orgs) -> None:
    """Enough events that the planner plans as for a real log (a few rows are scanned whole)."""
    ids = [orgs.fed.pk, orgs.acme.pk, orgs.beta.pk, orgs.group.pk, orgs.dept.pk]
    case_type = AuditEvent.objects.values_list("case_type_id", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(SEED, {"case_type": case_type, "orgs": ids, "n": len(ids), "cases": EVENTS // 10})
        cursor.execute("ANALYZE workflow_auditevent")


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("filters", "indexes"),
    [
        (search.AuditFilters(), {"audit_time"}),
        (search.AuditFilters(organisation="beta"), {"audit_org_time", "audit_time"}),
        (search.AuditFilters(action="approve"), {"audit_action_time"}),
        (search.AuditFilters(restricted=True, date_from="2026-01-01"), {"audit_action_time"}),
        (search.AuditFilters(process="examples"), {"audit_process_time", "audit_time"}),
    ],
)
def test_search_pages_read_an_index_in_order(people, cases, orgs, filters, indexes):
    """A page is the first rows of an index read backwards: no sort of everything that matches."""
    bulk_events(orgs)
    text = plan(search.search_queryset(user=people.auditor, filters=filters)[:51])
    assert "Sort" not in text, text
    assert any(f"Index Scan Backward using {index} " in text for index in indexes), text


def test_progress_shows_outside_the_export_transaction(flushable_audit_table, people, orgs):
    started = timezone.now() - dt.timedelta(seconds=5)
    export = AuditExport.objects.create(
        requested_by=people.auditor, requested_at=started, role="auditor", organisation=orgs.fed,
        date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31), status=ExportStatus.RUNNING, started_at=started,
        chains_total=1000,
    )
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with transaction.atomic(), ProgressReporter(export.pk, started) as report:
            report(500)
            with other.cursor() as cursor:
                cursor.execute("SELECT chains_checked FROM workflow_auditexport WHERE id = %s", [export.pk])
                assert cursor.fetchone()[0] == 500
    finally:
        other.close()
