"""Bad input gets a clear 4xx in JSON naming what was wrong, never a 500 (the cases found by hand).

The generated sweep over every process and engine endpoint is in ``test_api_bad_input.py``.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from workflow import registry, services
from workflow.api import parsing
from workflow.audit import case_events
from workflow.documents.models import Document
from workflow.models import AuditExport, Delegation
from workflow.notifications.models import NotificationPreference
from workflow.roles import Role


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "chair": make_user("ch", Role.CHAIR, Role.MEMBER, org=orgs.acme),
            "auditor": make_user("aud", (Role.AUDITOR, orgs.fed)),
        },
    )


@pytest.fixture
def case(people):
    return services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "合同草案", "amount": 1}
    )


def assert_names(response, field, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body["fields"], body


# --- the parser -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["12", 12, "9223372036854775807"])
def test_ids_written_in_ascii_digits_within_64_bits_are_ids(value):
    assert parsing.parse_id(value) == int(value)


@pytest.mark.parametrize(
    "value", ["²", "٣", "1_000", " 12", "+5", "12.0", 12.0, True, None, [], "9223372036854775808", 2**63, 10**30, 0, -1]
)
def test_anything_else_is_no_id(value):
    assert parsing.parse_id(value) is None


@pytest.mark.parametrize("value", ["true", "1", "yes", "TRUE", True])
def test_strict_bool_reads_yes(value):
    assert parsing.strict_bool(value) is True


@pytest.mark.parametrize("value", ["banana", "", "on", 1, None, 0.0])
def test_strict_bool_refuses_the_rest(value):
    assert parsing.strict_bool(value) is None


# --- the 500s that were found -------------------------------------------------------------


@pytest.mark.parametrize("limit", ["abc", "²", "1.5", "0", str(2**63)])
def test_inbox_limit_that_is_not_a_count_is_a_400_naming_it(people, api, limit):
    assert_names(api(people.member).get("/api/v1/inbox/", {"limit": limit}), "limit")


def test_inbox_limit_still_works(people, api, case):
    r = api(people.member).get("/api/v1/inbox/", {"limit": "1"})
    assert r.status_code == 200 and r.json()["count"] == 1


@pytest.mark.parametrize("field", ["organisation", "delegate"])
@pytest.mark.parametrize("value", ["²", "٣", str(2**63), str(10**30), 2**63])
def test_delegation_with_a_unicode_digit_or_huge_reference_is_a_400_naming_it(people, api, field, value):
    body = {"organisation": "acme", "delegate": "c1", "role": Role.CHAIR, "ends_at": "2030-01-01T00:00:00+08:00"}
    body[field] = value
    assert_names(api(people.chair).post("/api/v1/delegations/", body, format="json"), field)
    assert not Delegation.objects.exists()


@pytest.mark.parametrize("value", ["²", "٣", str(2**63), 2**63, 10**30])
def test_audit_export_of_an_organisation_that_cannot_exist_is_a_404(people, api, value):
    body = {"organisation": value, "date_from": "2026-03-01", "date_to": "2026-03-31"}
    r = api(people.auditor).post("/api/v1/audit-exports/", body, format="json")
    assert r.status_code in (400, 404) and r.json()["code"] in ("invalid", "not_found"), r.content
    assert not AuditExport.objects.exists()


@pytest.mark.parametrize("value", [2**63, 10**30, -1, "²", 1.5])
def test_reply_attachments_out_of_range_are_a_400_naming_them(people, api, value):
    """On SQLite an id of 2**63 used to reach the driver and overflow."""
    reply_input = registry.get("proposals").transitions["reply"].input
    serializer = reply_input(data={"text": "答复内容", "classification": "A", "attachments": [value]})
    assert not serializer.is_valid() and "attachments" in serializer.errors


# --- transitions --------------------------------------------------------------------------


@pytest.mark.parametrize("version", [1.7, 1.0, "1.0", True, "²", "٣", 2**63, 0, [1]])
def test_expected_version_must_be_a_whole_number(people, api, case, version):
    r = api(people.member).post(
        f"/api/v1/examples/{case.pk}/transitions/submit/", {"expected_version": version}, format="json"
    )
    assert_names(r, "expected_version")
    case.refresh_from_db()
    assert case.state == "draft" and case.version == 1


def test_unknown_transition_is_a_404_and_changes_nothing(people, api, case):
    r = api(people.member).post(f"/api/v1/examples/{case.pk}/transitions/nope/", {}, format="json")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert "nope" in r.json()["detail"]
    assert case_events(case).count() == 1


def test_a_known_transition_in_the_wrong_state_is_still_a_409(people, api, case):
    r = api(people.committee).post(f"/api/v1/examples/{case.pk}/transitions/approve/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"


# --- filters and the e-mail preference ----------------------------------------------------


@pytest.mark.parametrize("url,param", [("/api/v1/delegations/", "active"), ("/api/v1/notifications/", "unread")])
def test_boolean_filter_with_garbage_is_a_400_naming_it(people, api, url, param):
    assert_names(api(people.member).get(url, {param: "banana"}), param)
    assert api(people.member).get(url, {param: "true"}).status_code == 200
    assert api(people.member).get(url, {param: "0"}).status_code == 200


def test_preference_put_with_an_empty_form_body_leaves_email_on(people, api):
    client = api(people.member)
    r = client.put("/api/v1/notifications/preferences/", "", content_type="application/x-www-form-urlencoded")
    assert_names(r, "email_enabled")
    assert not NotificationPreference.objects.filter(user=people.member, email_enabled=False).exists()
    assert client.get("/api/v1/notifications/preferences/").json() == {"email_enabled": True}


def test_preference_put_as_a_form_still_turns_email_off(people, api):
    r = api(people.member).put(
        "/api/v1/notifications/preferences/", "email_enabled=false", content_type="application/x-www-form-urlencoded"
    )
    assert r.status_code == 200 and r.json() == {"email_enabled": False}


# --- JSON under /api/, HTML for pages ----------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v1/examples/1/nope/", "/api/v2/", "/api/v1/inbox/extra/"])
def test_unknown_api_route_is_a_json_404(people, api, path):
    r = api(people.member).get(path)
    assert r.status_code == 404 and r["Content-Type"].startswith("application/json")
    assert r.json()["code"] == "not_found"


def test_unknown_page_stays_html(people, client):
    client.force_login(people.member)
    r = client.get("/no-such-page/")
    assert r.status_code == 404 and r["Content-Type"].startswith("text/html")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_api_body_over_the_limit_is_a_json_413(people, api, content_type):
    body = b'{"title": "' + b"x" * 2000 + b'"}' if content_type == "application/json" else b"title=" + b"x" * 2000
    r = api(people.member).generic("POST", "/api/v1/examples/", body, content_type=content_type)
    assert r.status_code == 413 and r.json()["code"] == "too_large"
    assert "1000" in r.json()["detail"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_api_body_under_the_limit_is_read(people, api):
    r = api(people.member).post("/api/v1/examples/", {"organisation": "acme", "title": "x" * 50, "amount": 1},
                                format="json")
    assert r.status_code == 201


# --- no uploads on a closed case ----------------------------------------------------------


def upload(api, user, case):
    data = {"file": SimpleUploadedFile("note.txt", b"hello")}
    return api(user).post(f"/api/v1/documents/?process=examples&case={case.pk}", data, format="multipart")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.mark.parametrize("ending", ["approve", "reject"])
def test_a_closed_case_refuses_uploads_with_409(people, api, case, media, ending):
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    assert upload(api, people.member, case).status_code == 201  # still open: accepted
    data = {"reason": "不符合条件"} if ending == "reject" else {}
    services.perform_transition(process="examples", case_id=case.pk, name=ending, user=people.committee, data=data)
    events = case_events(case).count()
    for user in (people.member, people.committee):
        r = upload(api, user, case)
        assert r.status_code == 409 and r.json()["code"] == "case_closed", r.content
    assert Document.objects.count() == 1 and case_events(case).count() == events
