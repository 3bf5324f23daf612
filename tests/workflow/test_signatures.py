"""Signatures: the exact version's hash, the role signed as, password re-entry or a scan; each refusal."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from workflow import services
from workflow.audit import case_events
from workflow.documents.models import Document, ImmutableError, Signature
from workflow.models import Delegation
from workflow.roles import Role

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
PASSWORD = "pw-secret-1"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "chair": make_user("chair", Role.CHAIR, Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, org=orgs.acme),
            "outsider": make_user("b1", Role.CHAIR, org=orgs.beta),
        },
    )


@pytest.fixture
def doc(people, api):
    data = {"organisation": "acme", "title": "合同", "amount": 1}
    case = services.create_case(process="examples", user=people.member, data=data)
    r = api(people.member).post(
        f"/api/v1/documents/?process=examples&case={case.pk}",
        {"file": SimpleUploadedFile("contract.txt", "集体合同 v1\n".encode())}, format="multipart",
    )
    return Document.objects.get(pk=r.json()["id"])


def sign(api, user, doc, **data):
    body = {"role": Role.CHAIR, "method": "password", "password": PASSWORD, "approved_sha256": doc.sha256, **data}
    return api(user).post(f"/api/v1/documents/{doc.pk}/sign/", body, format="multipart")


def sign_events(doc):
    return [e for e in case_events(doc_case(doc)) if e.action == "document_sign"]


def doc_case(doc):
    return doc.case_type.model_class().objects.get(pk=doc.case_id)


def assert_nothing_written(doc, events_before):
    assert not Signature.objects.exists()
    assert case_events(doc_case(doc)).count() == events_before


def test_password_signature_records_the_exact_version(people, doc, api):
    r = sign(api, people.chair, doc)
    assert r.status_code == 201, r.content
    sig = Signature.objects.get()
    assert (sig.signer, sig.role, sig.method, sig.document_sha256) == (people.chair, "chair", "password", doc.sha256)
    [event] = sign_events(doc)
    assert event.payload["sha256"] == doc.sha256 and event.payload["role"] == "chair" and event.actor_role == "chair"
    detail = api(people.member).get(f"/api/v1/documents/{doc.pk}/").json()
    assert [s["signer"] for s in detail["signatures"]] == ["chair"]
    with pytest.raises(ImmutableError):
        sig.save()


def test_wrong_password_is_403_and_nothing_written(people, doc, api):
    before = case_events(doc_case(doc)).count()
    r = sign(api, people.chair, doc, password="wrong")
    assert r.status_code == 403 and r.json()["code"] == "wrong_password"
    r = sign(api, people.chair, doc, password="")
    assert r.status_code == 403
    assert_nothing_written(doc, before)


def test_role_not_held_is_403(people, doc, api):
    before = case_events(doc_case(doc)).count()
    assert sign(api, people.committee, doc, role=Role.CHAIR).status_code == 403
    assert sign(api, people.member, doc, role=Role.UNION_COMMITTEE).status_code == 403
    assert_nothing_written(doc, before)


def test_a_delegated_role_does_not_sign(people, doc, api, make_user, orgs):
    """A signature is personal: a chair's delegate cannot sign as chair."""
    deputy = make_user("deputy", Role.CHAIR, org=orgs.beta)
    deputy_acme = make_user("deputy2", Role.MEMBER, org=orgs.acme)
    now = timezone.now()
    Delegation.objects.create(
        delegator=people.chair, delegate=deputy_acme, organisation=orgs.acme, role=Role.CHAIR,
        starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1),
    )
    before = case_events(doc_case(doc)).count()
    assert sign(api, deputy_acme, doc).status_code == 403
    assert sign(api, deputy, doc).status_code == 404
    assert_nothing_written(doc, before)


def test_hash_differing_from_the_approved_one_is_409(people, doc, api):
    before = case_events(doc_case(doc)).count()
    r = sign(api, people.chair, doc, approved_sha256="0" * 64)
    assert r.status_code == 409 and r.json()["code"] == "hash_mismatch"
    assert sign(api, people.chair, doc, approved_sha256="").status_code == 409
    assert_nothing_written(doc, before)


def test_signing_a_newer_version_with_the_old_approval_is_refused(people, doc, api):
    r = api(people.member).post(
        f"/api/v1/documents/?process=examples&case={doc.case_id}",
        {"file": SimpleUploadedFile("contract.txt", "集体合同 v2（改）\n".encode()), "previous": doc.pk},
        format="multipart",
    )
    v2 = Document.objects.get(pk=r.json()["id"])
    r = sign(api, people.chair, v2, approved_sha256=doc.sha256)
    assert r.status_code == 409
    assert sign(api, people.chair, v2).status_code == 201


def test_second_signature_in_the_same_role_is_409(people, doc, api):
    assert sign(api, people.chair, doc).status_code == 201
    r = sign(api, people.chair, doc)
    assert r.status_code == 409 and r.json()["code"] == "already_signed"
    assert Signature.objects.count() == 1
    # The same person may also sign in another role they hold.
    assert sign(api, people.chair, doc, role=Role.MEMBER).status_code == 201


def test_outsider_gets_404(people, doc, api):
    assert sign(api, people.outsider, doc).status_code == 404
    assert not Signature.objects.exists()


def test_scan_signature_stores_the_scan_as_a_document(people, doc, api):
    r = sign(api, people.chair, doc, method="scan", password="", scan=SimpleUploadedFile("seal.png", PNG))
    assert r.status_code == 201, r.content
    sig = Signature.objects.get()
    assert sig.method == "scan" and sig.scan_document.content_type == "image/png"
    assert sig.scan_document.case_id == doc.case_id
    actions = [e.action for e in case_events(doc_case(doc))]
    assert actions[-2:] == ["document_upload", "document_sign"]


@pytest.mark.parametrize(
    "scan",
    [None, SimpleUploadedFile("seal.txt", b"not an image"), SimpleUploadedFile("seal.png", b"not a png")],
)
def test_scan_must_be_an_image_or_pdf(people, doc, api, scan):
    before = case_events(doc_case(doc)).count()
    extra = {"scan": scan} if scan is not None else {}
    r = sign(api, people.chair, doc, method="scan", password="", **extra)
    assert r.status_code == 400
    assert_nothing_written(doc, before)
    assert Document.objects.count() == 1


@pytest.mark.parametrize(("field", "value"), [("method", "fingerprint"), ("role", "emperor")])
def test_bad_method_or_role_is_400(people, doc, api, field, value):
    r = sign(api, people.chair, doc, **{field: value})
    assert r.status_code == 400 and field in r.json()["fields"]
    assert not Signature.objects.exists()


def test_ui_signing_form(people, doc, client):
    client.force_login(people.chair)
    page = client.get(f"/documents/{doc.pk}/").content.decode()
    assert 'name="approved_sha256"' in page and doc.sha256 in page
    r = client.post(f"/documents/{doc.pk}/sign/", {
        "role": "chair", "method": "password", "password": "nope", "approved_sha256": doc.sha256,
    })
    assert r.status_code == 403 and not Signature.objects.exists()
    r = client.post(f"/documents/{doc.pk}/sign/", {
        "role": "chair", "method": "password", "password": PASSWORD, "approved_sha256": doc.sha256,
    })
    assert r.status_code == 302 and Signature.objects.count() == 1
