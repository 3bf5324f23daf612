"""Exporting a filtered search: the CSV holds exactly the matching events, every case it touches
is verified in full, and the export shows its progress (issue #15, §1)."""

import csv
import io

from workflow.audit.progress import percent
from workflow.models import AuditExport, ExportStatus

URL = "/api/v1/audit-exports/"


def csv_rows(response) -> list[dict]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return [{k.split()[-1]: v for k, v in row.items()} for row in csv.DictReader(io.StringIO(content))]


def test_export_of_a_filtered_search_holds_only_matching_events(api, people, cases, django_capture_on_commit_callbacks):
    body = {"organisation": "acme", "date_from": "2026-03-01", "date_to": "2026-03-31", "transition": "approve"}
    with django_capture_on_commit_callbacks(execute=True):
        r = api(people.auditor).post(URL, body, format="json")
    assert r.status_code == 202, r.content
    export = AuditExport.objects.get(pk=r.json()["id"])
    assert export.status == ExportStatus.DONE
    assert export.filters == {"action": "approve"}
    assert (export.chains_total, export.chains_checked, export.broken_chains) == (1, 1, 0)
    assert percent(export) == 100
    rows = csv_rows(api(people.auditor).get(f"{URL}{export.pk}/download/"))
    assert [(row["case_ref"], row["action"]) for row in rows] == [(cases.march.reference, "approve")]
    detail = api(people.auditor).get(f"{URL}{export.pk}/").json()
    assert detail["progress"] == 100 and detail["filters"] == {"action": "approve"}


def test_export_without_filters_is_unchanged(api, people, cases, django_capture_on_commit_callbacks):
    body = {"organisation": "acme", "date_from": "2026-03-01", "date_to": "2026-03-31"}
    with django_capture_on_commit_callbacks(execute=True):
        r = api(people.auditor).post(URL, body, format="json")
    export = AuditExport.objects.get(pk=r.json()["id"])
    assert export.filters == {} and export.rows == 2 and export.chains_total == 1


def test_running_export_shows_its_progress(people, orgs):
    export = AuditExport(status=ExportStatus.RUNNING, chains_total=2000, chains_checked=500)
    assert percent(export) == 25
    assert percent(AuditExport(status=ExportStatus.QUEUED)) is None


def test_search_page_queues_an_export_of_its_filters(client, people, cases, django_capture_on_commit_callbacks):
    client.force_login(people.auditor)
    post = {"organisation": "beta", "date_from": "2026-03-01", "date_to": "2026-03-31", "actor": "mb"}
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/audit/export/", post)
    assert r.status_code == 302
    export = AuditExport.objects.get()
    assert export.filters == {"actor": "mb"} and export.status == ExportStatus.DONE and export.rows == 2


def test_chair_may_search_but_not_export(client, people, cases):
    client.force_login(people.chair)
    post = {"organisation": "acme", "date_from": "2026-03-01", "date_to": "2026-03-31"}
    r = client.post("/audit/export/", post)
    assert r.status_code == 403 and not AuditExport.objects.exists()


def test_exports_page_shows_a_running_export_progress_and_its_filters(client, people, orgs):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    AuditExport.objects.create(
        requested_by=people.auditor, requested_at=now, role="auditor", organisation=orgs.acme,
        date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31), status=ExportStatus.RUNNING, started_at=now,
        chains_total=400, chains_checked=100, filters={"action": "approve"},
    )
    client.force_login(people.auditor)
    text = client.get("/audit-exports/").content.decode()
    assert 'value="25"' in text and "100/400" in text and "action=approve" in text
