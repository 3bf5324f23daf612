"""Audit exports: an auditor exports the audit log of an organisation's subtree over dates as CSV.

Given a federation with ACME and BETA and example cases whose events straddle March 2026
(Asia/Shanghai): the federation's auditor exporting ACME for March gets exactly ACME's events
of March — the first minute of the 1st and the last minute of the 31st included, the first
minute of April not — with each case's whole chain verified, the file's SHA-256 recorded and
sent, and the requester notified. A tampered chain is reported, not hidden; the export is still
done. Members and committee members are refused (403) and nothing is queued; an auditor of
BETA asking for ACME is told it does not exist (404); bad dates are a 400 naming the field.
Building again changes nothing; only the requester downloads; restricted personal data that
was read never reaches the file.
"""

import codecs
import csv
import datetime as dt
import hashlib
import io
import zoneinfo
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.support.db import audit_trigger_bypassed
from workflow import services
from workflow.audit import RequestMeta, case_events
from workflow.audit import export as audit_export
from workflow.audit import export_file as audit_export_file
from workflow.errors import ActionForbidden, NotVisible
from workflow.models import AuditEvent, AuditExport, ExportStatus
from workflow.notifications.models import Notification, NotificationKind
from workflow.personal_data import reveal_restricted
from workflow.roles import Role
from workflow.tasks import build_audit_export

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
URL = "/api/v1/audit-exports/"
PAGE = "/audit-exports/"
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
ID_NUMBER = "110101199003071234"
PHONE = "13812345678"


def at(month, day, hour=12, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def people(orgs, make_user):
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    member.profile.id_number = ID_NUMBER
    member.profile.phone = PHONE
    member.profile.save()
    return type(
        "People",
        (),
        {
            "member": member,
            "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "chair": make_user("chair", Role.CHAIR, Role.MEMBER, org=orgs.acme),
            "beta_member": make_user("mb", Role.MEMBER, org=orgs.beta),
            "auditor": make_user("aud", (Role.AUDITOR, orgs.fed)),
            "other_auditor": make_user("aud2", (Role.AUDITOR, orgs.fed)),
            "beta_auditor": make_user("baud", (Role.AUDITOR, orgs.beta)),
        },
    )


def example(user, organisation, title, *, created):
    return services.create_case(
        process="examples", user=user, data={"organisation": organisation, "title": title, "amount": 10}, now=created
    )


@pytest.fixture
def cases(people):
    """ACME "March": created a minute before March (out), submitted at 00:00 on 1 March and
    approved at 23:59 on 31 March (both in). ACME "April": created at 00:00 on 1 April (out).
    BETA "Beta": created mid-March (in BETA's subtree only)."""
    march = example(people.member, "acme", "March", created=at(2, 28, 23, 59))
    services.perform_transition(process="examples", case_id=march.pk, name="submit", user=people.member, now=at(3, 1, 0, 0))
    services.perform_transition(
        process="examples", case_id=march.pk, name="approve", user=people.committee, now=at(3, 31, 23, 59)
    )
    april = example(people.member, "acme", "April", created=at(4, 1, 0, 0))
    beta = example(people.beta_member, "beta", "Beta", created=at(3, 15))
    return type("Cases", (), {"march": march, "april": april, "beta": beta})


def request_via_api(api, user, capture, *, organisation="acme", run=True, **dates):
    body = {"organisation": organisation, **(dates or MARCH)}
    with capture(execute=run):
        return api(user).post(URL, body, format="json")


def download(api, user, export_id):
    return api(user).get(f"{URL}{export_id}/download/")


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[dict]:
    """The rows keyed by column code: a header reads "<中文> <code>"."""
    rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    return [{key.split()[-1]: value for key, value in row.items()} for row in rows]


def exported_events(rows) -> list[tuple[str, int]]:
    return [(row["case_ref"], int(row["seq"])) for row in rows]


def stored_files(media) -> list[Path]:
    folder = Path(media) / "exports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_federation_auditor_exports_exactly_acme_events_in_range(
    people, cases, api, django_capture_on_commit_callbacks
):
    r = request_via_api(api, people.auditor, django_capture_on_commit_callbacks)
    assert r.status_code == 202, r.content
    export = AuditExport.objects.get(pk=r.json()["id"])
    assert export.status == ExportStatus.DONE
    assert export.requested_by == people.auditor and export.role == Role.AUDITOR and export.request_channel == "api"

    response = download(api, people.auditor, export.pk)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = content_of(response)
    assert content.startswith(codecs.BOM_UTF8)
    rows = csv_rows(content)
    # The case's events on 1 March 00:00 and 31 March 23:59; not the one a minute before March,
    # nothing of the case created at 00:00 on 1 April, nothing of BETA.
    assert exported_events(rows) == [(cases.march.reference, 2), (cases.march.reference, 3)]
    assert list(rows[0]) == list(audit_export_file.COLUMNS)
    assert rows[1]["created_at"] == "2026-03-31 23:59:00.000000+08:00"
    assert (rows[1]["action"], rows[1]["from_state"], rows[1]["actor_name"]) == ("approve", "submitted", "c1")
    approve = case_events(cases.march).get(seq=3)
    assert (rows[1]["prev_hash"], rows[1]["hash"]) == (approve.prev_hash, approve.hash)
    assert rows[1]["payload"] == '{"input":{}}'
    # Headers and the role say it in words too (the codes stay for tools).
    header = content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("编号 case_ref,序号 seq,时间 created_at,操作 action")
    assert (rows[1]["actor_role"], rows[1]["actor_role_label"]) == ("union_committee", "工会委员会 Union committee")

    digest = hashlib.sha256(content).hexdigest()
    assert response["X-Content-SHA256"] == digest
    assert (export.rows, export.chains_checked, export.broken_chains, export.sha256) == (2, 1, 0, digest)
    notice = Notification.objects.get(user=people.auditor, kind=NotificationKind.AUDIT_EXPORT)
    assert notice.title == str(audit_export.DONE_TITLE)
    assert notice.url == f"{PAGE}{export.pk}/download/"


def test_federation_export_covers_every_organisation_below(people, cases, api, django_capture_on_commit_callbacks):
    r = request_via_api(api, people.auditor, django_capture_on_commit_callbacks, organisation="fed")
    rows = csv_rows(content_of(download(api, people.auditor, r.json()["id"])))
    assert exported_events(rows) == [(cases.march.reference, 2), (cases.march.reference, 3), (cases.beta.reference, 1)]
    assert AuditExport.objects.get(pk=r.json()["id"]).chains_checked == 2


def test_a_tampered_chain_is_reported_and_the_export_still_done(people, cases, api, django_capture_on_commit_callbacks):
    """The case is broken at seq 1, before the range: only checking the whole chain finds it."""
    first = case_events(cases.march).get(seq=1)
    with audit_trigger_bypassed():
        AuditEvent.objects.filter(pk=first.pk).update(payload={"input": {"forged": True}})

    r = request_via_api(api, people.auditor, django_capture_on_commit_callbacks)
    export = AuditExport.objects.get(pk=r.json()["id"])
    assert export.status == ExportStatus.DONE
    assert (export.rows, export.chains_checked, export.broken_chains) == (2, 1, 1)
    assert export.broken_case_refs == [cases.march.reference]
    assert download(api, people.auditor, export.pk).status_code == 200


@pytest.mark.parametrize("who", ["member", "committee"])
def test_members_and_committee_members_are_refused_and_nothing_is_queued(
    who, people, cases, api, django_capture_on_commit_callbacks
):
    user = getattr(people, who)
    r = request_via_api(api, user, django_capture_on_commit_callbacks)
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    with pytest.raises(ActionForbidden):
        audit_export.request_export(
            user=user, organisation=cases.march.organisation, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31)
        )
    assert not AuditExport.objects.exists()


def test_an_auditor_of_beta_asking_for_acme_is_told_it_does_not_exist(
    people, cases, api, django_capture_on_commit_callbacks
):
    r = request_via_api(api, people.beta_auditor, django_capture_on_commit_callbacks)
    unknown = request_via_api(api, people.beta_auditor, django_capture_on_commit_callbacks, organisation="nope")
    assert r.status_code == unknown.status_code == 404
    assert r.json() == unknown.json()  # out of scope and unknown look the same
    with pytest.raises(NotVisible):
        audit_export.request_export(
            user=people.beta_auditor, organisation=cases.march.organisation,
            date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31),
        )
    assert not AuditExport.objects.exists()


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"date_from": "2026-03-31", "date_to": "2026-03-01"}, "date_to"),
        ({"date_from": "2024-01-01", "date_to": "2025-01-01"}, "date_to"),  # 367 days
        ({"date_from": "2026-02-30", "date_to": "2026-03-31"}, "date_from"),
        ({"date_from": "2026-03-01"}, "date_to"),
    ],
    ids=["to-before-from", "span-367-days", "no-such-day", "missing"],
)
def test_bad_dates_are_refused_naming_the_field(dates, field, people, api, django_capture_on_commit_callbacks):
    r = request_via_api(api, people.auditor, django_capture_on_commit_callbacks, **dates)
    assert r.status_code == 400
    assert r.json()["code"] == "invalid" and list(r.json()["fields"]) == [field]
    assert not AuditExport.objects.exists()


def test_a_whole_leap_year_is_allowed(people, api, django_capture_on_commit_callbacks):
    r = request_via_api(
        api, people.auditor, django_capture_on_commit_callbacks, date_from="2024-01-01", date_to="2024-12-31"
    )
    assert r.status_code == 202
    assert AuditExport.objects.get(pk=r.json()["id"]).status == ExportStatus.DONE


def test_at_most_three_exports_queued_at_once(people, api, django_capture_on_commit_callbacks):
    for _ in range(audit_export.MAX_PENDING):
        assert request_via_api(api, people.auditor, django_capture_on_commit_callbacks, run=False).status_code == 202
    r = request_via_api(api, people.auditor, django_capture_on_commit_callbacks, run=False)
    assert r.status_code == 409 and r.json()["code"] == "too_many_exports"
    assert AuditExport.objects.filter(status=ExportStatus.QUEUED).count() == audit_export.MAX_PENDING
    # Someone else's queue is their own.
    assert request_via_api(api, people.other_auditor, django_capture_on_commit_callbacks, run=False).status_code == 202


def snapshot(export_id, media):
    export = AuditExport.objects.get(pk=export_id)
    fields = {f.attname: getattr(export, f.attname) for f in AuditExport._meta.concrete_fields}
    return fields, [(p.name, p.read_bytes()) for p in stored_files(media)], Notification.objects.count()


def test_building_a_done_export_again_changes_nothing(people, cases, api, media, django_capture_on_commit_callbacks):
    export_id = request_via_api(api, people.auditor, django_capture_on_commit_callbacks).json()["id"]
    before = snapshot(export_id, media)
    assert len(before[1]) == 1

    with django_capture_on_commit_callbacks(execute=True):
        build_audit_export.delay(export_id)
        audit_export.build_export(export_id)

    assert snapshot(export_id, media) == before


def test_a_running_export_is_not_built_by_a_second_worker(people, cases, api, media, django_capture_on_commit_callbacks):
    export_id = request_via_api(api, people.auditor, django_capture_on_commit_callbacks, run=False).json()["id"]
    assert audit_export._claim(export_id) is not None  # the first worker
    audit_export.build_export(export_id)  # the second
    export = AuditExport.objects.get(pk=export_id)
    assert export.status == ExportStatus.RUNNING and not export.file and not export.sha256
    assert stored_files(media) == []
    assert download(api, people.auditor, export_id).status_code == 409


def test_a_run_abandoned_by_a_killed_worker_is_taken_over_and_its_late_result_dropped(
    people, cases, api, media, django_capture_on_commit_callbacks
):
    export_id = request_via_api(api, people.auditor, django_capture_on_commit_callbacks, run=False).json()["id"]
    abandoned = audit_export._claim(export_id)
    long_ago = abandoned - audit_export.STALE_AFTER - dt.timedelta(minutes=1)
    AuditExport.objects.filter(pk=export_id).update(started_at=long_ago)

    export = audit_export.build_export(export_id)  # the redelivered message
    assert export.status == ExportStatus.DONE and export.rows == 2
    # Had the first worker come back, its result would not replace the one stored.
    late = audit_export_file.ExportFile(name="exports/late.csv", sha256="0" * 64, rows=99)
    assert audit_export._finish_done(export, long_ago, late) is False
    assert AuditExport.objects.get(pk=export_id).sha256 == export.sha256
    assert len(stored_files(media)) == 1


def test_an_error_marks_the_export_failed_tells_the_requester_and_stores_nothing(
    people, cases, api, media, monkeypatch, django_capture_on_commit_callbacks
):
    calls = {"n": 0}
    real_row = audit_export_file._row

    def fail_on_second_row(event):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("No space left on device")
        return real_row(event)

    monkeypatch.setattr(audit_export_file, "_row", fail_on_second_row)
    r = request_via_api(api, people.auditor, django_capture_on_commit_callbacks)
    export = AuditExport.objects.get(pk=r.json()["id"])
    assert export.status == ExportStatus.FAILED
    assert "No space left on device" in export.error
    assert not export.file and not export.sha256
    assert stored_files(media) == []
    notice = Notification.objects.get(user=people.auditor, kind=NotificationKind.AUDIT_EXPORT)
    assert notice.title == str(audit_export.FAILED_TITLE)
    r = download(api, people.auditor, export.pk)
    assert r.status_code == 409 and r.json()["code"] == "export_not_ready"


def test_only_the_requester_sees_and_downloads_an_export(people, cases, api, django_capture_on_commit_callbacks):
    export_id = request_via_api(api, people.auditor, django_capture_on_commit_callbacks).json()["id"]
    other = api(people.other_auditor)
    assert other.get(f"{URL}{export_id}/").status_code == 404
    assert download(api, people.other_auditor, export_id).status_code == 404
    assert other.get(URL).json()["count"] == 0
    assert AuditExport.objects.get(pk=export_id).download_count == 0

    mine = api(people.auditor).get(URL).json()
    assert [e["id"] for e in mine["results"]] == [export_id]
    assert mine["results"][0]["download_url"] == f"{URL}{export_id}/download/"
    for _ in range(2):
        assert download(api, people.auditor, export_id).status_code == 200
    export = AuditExport.objects.get(pk=export_id)
    assert export.download_count == 2 and export.downloaded_at is not None


def test_a_requester_whose_role_ended_can_no_longer_download(people, cases, api, django_capture_on_commit_callbacks):
    export_id = request_via_api(api, people.auditor, django_capture_on_commit_callbacks).json()["id"]
    people.auditor.role_assignments.update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    former = get_user_model().objects.get(pk=people.auditor.pk)  # roles are read once per user object
    r = download(api, former, export_id)
    assert r.status_code == 403
    assert AuditExport.objects.get(pk=export_id).download_count == 0


def test_restricted_personal_data_read_on_a_case_never_reaches_the_export(
    people, api, django_capture_on_commit_callbacks
):
    case = example(people.member, "acme", "Aid", created=None)
    values = reveal_restricted(
        process="examples", case_id=case.pk, user=people.chair, fields=["id_number", "phone"],
        meta=RequestMeta(channel="ui"),
    )
    assert values == {"id_number": ID_NUMBER, "phone": PHONE}  # the read happened, and was audited
    today = timezone.localdate()
    dates = {"date_from": str(today - dt.timedelta(days=2)), "date_to": str(today + dt.timedelta(days=2))}
    export_id = request_via_api(api, people.auditor, django_capture_on_commit_callbacks, **dates).json()["id"]

    content = content_of(download(api, people.auditor, export_id))
    reads = [row for row in csv_rows(content) if row["action"] == "restricted_read"]
    assert [row["payload"] for row in reads] == ['{"fields":["id_number","phone"]}']
    text = content.decode("utf-8-sig")
    assert ID_NUMBER not in text and PHONE not in text


def test_a_cell_that_looks_like_a_formula_is_neutralised(people, api, django_capture_on_commit_callbacks):
    people.member.first_name = "=HYPERLINK(\"http://x\")"
    people.member.save()
    example(people.member, "acme", "Formula", created=at(3, 10))
    export_id = request_via_api(api, people.auditor, django_capture_on_commit_callbacks).json()["id"]
    rows = csv_rows(content_of(download(api, people.auditor, export_id)))
    assert [row["actor_name"] for row in rows] == ["'=HYPERLINK(\"http://x\")"]


def test_the_web_page_requests_lists_and_downloads(people, cases, client, django_capture_on_commit_callbacks, orgs):
    client.force_login(people.auditor)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert f'href="{PAGE}"' in page.content.decode()  # the menu entry
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(PAGE, {"organisation": orgs.fed.pk, **MARCH})
    assert r.status_code == 302
    export = AuditExport.objects.get()
    assert export.request_channel == "ui" and export.status == ExportStatus.DONE

    html = client.get(PAGE).content.decode()
    assert export.sha256 in html
    link = f"{PAGE}{export.pk}/download/"
    assert f'href="{link}"' in html
    response = client.get(link)
    assert response.status_code == 200
    assert response["X-Content-SHA256"] == export.sha256 == hashlib.sha256(content_of(response)).hexdigest()


def test_the_web_page_refuses_a_bad_period_and_keeps_the_input(people, client, orgs):
    client.force_login(people.auditor)
    r = client.post(PAGE, {"organisation": orgs.fed.pk, "date_from": "2026-03-31", "date_to": "2026-03-01"})
    assert r.status_code == 400
    assert str(audit_export.TO_BEFORE_FROM) in r.content.decode()
    assert 'value="2026-03-31"' in r.content.decode()
    assert not AuditExport.objects.exists()


def test_the_web_page_and_menu_entry_are_for_auditors_and_administrators_only(people, client, make_user, orgs):
    client.force_login(people.committee)
    assert client.get(PAGE).status_code == 403
    assert f'href="{PAGE}"' not in client.get("/delegations/").content.decode()

    admin = make_user("adm", (Role.ADMIN, orgs.acme))
    client.force_login(admin)
    page = client.get(PAGE)
    assert page.status_code == 200
    # The form offers the organisations where the role is held, not those above.
    assert f'value="{orgs.acme.pk}"' in page.content.decode()
    assert f'value="{orgs.fed.pk}"' not in page.content.decode()


def test_the_endpoints_are_in_the_api_schema(people, api):
    schema = yaml.safe_load(api(people.auditor).get("/api/schema/").content)
    for path in ("/api/v1/audit-exports/", "/api/v1/audit-exports/{id}/", "/api/v1/audit-exports/{id}/download/"):
        assert path in schema["paths"]


def test_an_export_whose_message_was_lost_is_sent_again_and_built_once(
    people, cases, api, media, django_capture_on_commit_callbacks
):
    export_id = request_via_api(api, people.auditor, django_capture_on_commit_callbacks, run=False).json()["id"]
    requested = AuditExport.objects.get(pk=export_id).requested_at
    # Nine minutes on, the message may still be on its way: nothing is sent again.
    assert audit_export.requeue_stuck(now=requested + dt.timedelta(minutes=9)) == []
    assert AuditExport.objects.get(pk=export_id).status == ExportStatus.QUEUED
    # Eleven minutes on it was lost: the sweep sends it again and the (eager) task builds it.
    assert audit_export.requeue_stuck(now=requested + dt.timedelta(minutes=11)) == [export_id]
    export = AuditExport.objects.get(pk=export_id)
    assert export.status == ExportStatus.DONE and export.rows == 2
    # A later sweep finds nothing to send; a duplicate message leaves the done export alone.
    assert audit_export.requeue_stuck(now=requested + dt.timedelta(minutes=30)) == []
    assert audit_export.build_export(export_id).sha256 == export.sha256
    assert len(stored_files(media)) == 1
