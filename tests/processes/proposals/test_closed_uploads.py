"""A proposal 已办结 (closed) takes no more documents, though its archiving step is still open."""

from django.core.files.uploadedfile import SimpleUploadedFile

from workflow.documents.models import Document


def upload(api, user, case):
    data = {"file": SimpleUploadedFile("note.txt", b"hello")}
    return api(user).post(f"/api/v1/documents/?process=proposals&case={case.pk}", data, format="multipart")


def test_a_closed_proposal_refuses_uploads_and_a_replied_one_still_takes_them(walk, people, api, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    replied = walk("replied")
    assert upload(api, people.rep1, replied).status_code == 201
    closed = walk("closed", title="澡堂开放时间 Bathhouse hours")
    assert closed.state == "closed" and not closed.process.finished
    before = Document.objects.count()
    r = upload(api, people.rep1, closed)
    assert r.status_code == 409 and r.json()["code"] == "case_closed", r.content
    assert Document.objects.count() == before
