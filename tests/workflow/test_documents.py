"""Documents on cases: upload limits and allow-list, immutability, versions, download, text diff."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from workflow import services
from workflow.audit import case_events
from workflow.documents import sniff
from workflow.documents.models import Document, ImmutableError
from workflow.roles import Role

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def zip_bytes(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "outsider": make_user("b1", Role.MEMBER, org=orgs.beta),
        },
    )


def new_case(user, title="合同草案"):
    return services.create_case(process="examples", user=user, data={"organisation": "acme", "title": title, "amount": 1})


@pytest.fixture
def case(people):
    return new_case(people.member)


def upload(api, user, case, filename, content, **extra):
    data = {"file": SimpleUploadedFile(filename, content), **extra}
    return api(user).post(f"/api/v1/documents/?process=examples&case={case.pk}", data, format="multipart")


def uploads_of(case):
    return [e for e in case_events(case) if e.action == "document_upload"]


def test_upload_stores_hash_size_type_and_is_audited(people, case, api):
    content = "第一条 工资\n".encode()
    r = upload(api, people.member, case, "draft.txt", content)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert (body["size"], body["content_type"], body["version"], body["name"]) == (len(content), "text/plain", 1, "draft.txt")
    [event] = uploads_of(case)
    assert event.payload["sha256"] == body["sha256"] and event.payload["version"] == 1
    assert {"name", "sha256", "size", "content_type", "version"} <= set(event.payload)
    r = api(people.committee).get(f"/api/v1/documents/{body['id']}/content/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == content
    assert r["Content-Disposition"].startswith("attachment")
    listed = api(people.committee).get(f"/api/v1/documents/?process=examples&case={case.pk}").json()
    assert [d["id"] for d in listed["results"]] == [body["id"]]


def test_outsider_sees_nothing_and_cannot_upload(people, case, api):
    doc_id = upload(api, people.member, case, "a.txt", b"hello").json()["id"]
    assert upload(api, people.outsider, case, "b.txt", b"x").status_code == 404
    for url in (
        f"/api/v1/documents/{doc_id}/", f"/api/v1/documents/{doc_id}/content/",
        f"/api/v1/documents/{doc_id}/diff/{doc_id}/", f"/api/v1/documents/?process=examples&case={case.pk}",
    ):
        assert api(people.outsider).get(url).status_code == 404, url
    assert Document.objects.count() == 1 and len(uploads_of(case)) == 1


def test_read_only_auditor_reads_but_cannot_upload(people, case, api, make_user, orgs):
    auditor = make_user("aud", (Role.AUDITOR, orgs.fed))
    doc_id = upload(api, people.member, case, "a.txt", b"hello").json()["id"]
    assert api(auditor).get(f"/api/v1/documents/{doc_id}/content/").status_code == 200
    assert upload(api, auditor, case, "b.txt", b"x").status_code == 403
    assert Document.objects.count() == 1 and len(uploads_of(case)) == 1


def test_size_limit_boundary(people, case, api, settings):
    settings.DOCUMENT_MAX_BYTES = 10
    r = upload(api, people.member, case, "big.txt", b"x" * 11)
    assert r.status_code == 400 and "10" in r.json()["detail"]
    assert upload(api, people.member, case, "ok.txt", b"x" * 10).status_code == 201
    assert Document.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("run.exe", b"MZ\x90\x00", sniff.TYPE_NOT_ALLOWED),
        ("page.html", b"<script>alert(1)</script>", sniff.TYPE_NOT_ALLOWED),
        ("noext", b"hello", sniff.TYPE_NOT_ALLOWED),
        ("fake.pdf", b"hello, not a pdf", sniff.CONTENT_MISMATCH),
        ("photo.png", JPEG, sniff.CONTENT_MISMATCH),
        ("photo.jpg", PNG, sniff.CONTENT_MISMATCH),
        ("contract.docx", zip_bytes({"hello.txt": "x"}), sniff.CONTENT_MISMATCH),
        ("sheet.xlsx", b"PK\x03\x04 broken", sniff.CONTENT_MISMATCH),
        ("notes.odt", zip_bytes({"mimetype": "application/zip"}), sniff.CONTENT_MISMATCH),
        ("binary.txt", b"abc\x00def", sniff.NOT_TEXT),
        ("empty.txt", b"", None),
    ],
)
def test_rejected_upload_is_400_with_reason_and_nothing_stored(people, case, api, media, name, content, reason):
    r = upload(api, people.member, case, name, content)
    assert r.status_code == 400, r.content
    if reason is not None:
        assert r.json()["detail"] == str(reason)
    assert not Document.objects.exists() and not uploads_of(case)
    assert not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.pdf", PDF, "application/pdf"),
        ("a.png", PNG, "image/png"),
        ("a.JPEG", JPEG, "image/jpeg"),
        ("a.docx", zip_bytes({"[Content_Types].xml": "<x/>", "word/document.xml": "<w/>"}), sniff.DOCX),
        ("a.xlsx", zip_bytes({"xl/workbook.xml": "<w/>"}), sniff.XLSX),
        ("a.odt", zip_bytes({"mimetype": sniff.ODT, "content.xml": "<x/>"}), sniff.ODT),
        ("gbk.txt", "工会".encode("gb18030"), "text/plain"),
    ],
)
def test_allowed_types_are_accepted_whatever_the_client_claims(people, case, api, name, content, content_type):
    data = {"file": SimpleUploadedFile(name, content, content_type="application/x-evil")}
    r = api(people.member).post(f"/api/v1/documents/?process=examples&case={case.pk}", data, format="multipart")
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == content_type


def test_name_cannot_choose_the_path(people, case, api, media):
    r = upload(api, people.member, case, "x.txt", b"hi", name="../../etc/passwd.txt")
    assert r.status_code == 201 and r.json()["name"] == "passwd.txt"
    doc = Document.objects.get()
    assert (media / doc.file.name).resolve().is_relative_to(media / "documents")


def test_missing_file_or_case_is_400(people, case, api):
    r = api(people.member).post(f"/api/v1/documents/?process=examples&case={case.pk}", {}, format="multipart")
    assert r.status_code == 400
    assert api(people.member).get("/api/v1/documents/").status_code == 400
    assert api(people.member).post("/api/v1/documents/?process=examples&case=1", [1, 2], format="json").status_code == 400


def test_documents_are_immutable(people, case, api):
    upload(api, people.member, case, "a.txt", b"v1")
    doc = Document.objects.get()
    doc.name = "changed.txt"
    with pytest.raises(ImmutableError):
        doc.save()
    with pytest.raises(ImmutableError):
        doc.delete()
    with pytest.raises(ImmutableError):
        Document.objects.filter(pk=doc.pk).update(name="x")
    with pytest.raises(ImmutableError):
        Document.objects.all().delete()
    assert Document.objects.get().name == "a.txt"


def test_new_version_must_follow_the_latest(people, case, api):
    v1 = upload(api, people.member, case, "draft.txt", b"a\nb\n").json()
    r = upload(api, people.committee, case, "draft.txt", b"a\nc\n", previous=v1["id"])
    assert r.status_code == 201
    v2 = r.json()
    assert v2["version"] == 2 and v2["previous"] == v1["id"]
    assert [v["id"] for v in v2["versions"]] == [v1["id"], v2["id"]]
    # A second "v2" from v1 would fork the chain.
    r = upload(api, people.member, case, "draft.txt", b"fork\n", previous=v1["id"])
    assert r.status_code == 409 and r.json()["code"] == "not_latest_version"
    # A version of another case's document is refused.
    other = new_case(people.member, "其他")
    r = upload(api, people.member, other, "draft.txt", b"x\n", previous=v2["id"])
    assert r.status_code == 400 and "previous" in r.json()["fields"]
    assert Document.objects.count() == 2
    assert [e.payload["version"] for e in uploads_of(case)] == [1, 2]


def test_text_diff_between_versions(people, case, api, client):
    v1 = upload(api, people.member, case, "draft.txt", "第一条\n工资 100\n".encode()).json()
    v2 = upload(api, people.member, case, "draft.txt", "第一条\n工资 120\n".encode(), previous=v1["id"]).json()
    r = api(people.committee).get(f"/api/v1/documents/{v1['id']}/diff/{v2['id']}/")
    assert r.status_code == 200
    diff = r.json()["diff"]
    assert "-工资 100\n" in diff and "+工资 120\n" in diff and "draft.txt v1" in diff
    pdf = upload(api, people.member, case, "a.pdf", PDF).json()
    r = api(people.committee).get(f"/api/v1/documents/{v1['id']}/diff/{pdf['id']}/")
    assert r.status_code == 400
    client.force_login(people.committee)
    html = client.get(f"/documents/{v1['id']}/diff/{v2['id']}/").content.decode()
    assert "+工资 120" in html


def test_ui_lists_uploads_and_shows_a_rejection(people, case, client):
    client.force_login(people.member)
    url = f"/documents/?process=examples&case={case.pk}"
    r = client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert r.status_code == 400 and str(sniff.TYPE_NOT_ALLOWED) in r.content.decode()
    r = client.post(url, {"file": SimpleUploadedFile("会议纪要.txt", b"ok")})
    assert r.status_code == 302
    assert "会议纪要.txt" in client.get(url).content.decode()
    doc = Document.objects.get()
    page = client.get(f"/documents/{doc.pk}/").content.decode()
    assert doc.sha256 in page
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    assert client.get(f"/documents/{doc.pk}/").status_code == 404


def test_case_panel_shows_latest_versions_only(people, case, api, rf):
    from django.template import Context, Template

    v1 = upload(api, people.member, case, "draft.txt", b"a\n").json()
    upload(api, people.member, case, "draft.txt", b"b\n", previous=v1["id"])
    request = rf.get("/")
    request.user = people.committee
    html = Template("{% load documents_ui %}{% case_documents_panel case %}").render(
        Context({"case": case, "request": request})
    )
    assert html.count("draft.txt") == 1 and "v2" in html and f"case={case.pk}" in html


def test_a_document_whose_stored_file_is_missing_answers_404_not_500(people, case, api, client, media):
    """A media volume lost or not restored with the database: the API says which file is missing, the pages 404."""
    v1 = upload(api, people.member, case, "draft.txt", "第一条\n".encode()).json()
    v2 = upload(api, people.member, case, "draft.txt", "第二条\n".encode(), previous=v1["id"]).json()
    (media / Document.objects.get(pk=v1["id"]).file.name).unlink()
    for url in (f"/api/v1/documents/{v1['id']}/content/", f"/api/v1/documents/{v1['id']}/diff/{v2['id']}/"):
        r = api(people.committee).get(url)
        assert (r.status_code, r.json()["code"]) == (404, "file_missing"), url
    client.force_login(people.committee)
    assert client.get(f"/documents/{v1['id']}/content/").status_code == 404
    assert client.get(f"/documents/{v1['id']}/diff/{v2['id']}/").status_code == 404
    assert client.get(f"/documents/{v2['id']}/content/").status_code == 200
