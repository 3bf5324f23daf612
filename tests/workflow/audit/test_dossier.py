"""A case's verifiable dossier (issue #15, §2): ``GET /api/v1/<p>/<id>/dossier.zip`` and the
standalone verifier ``python -m workflow.audit.verify``, which needs neither Django nor a database.

Any changed byte of any event or document is found and named; whoever may not see the case
gets 404 and nothing else.
"""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.pdf import text_of
from workflow.audit.verify import Broken, verify_dossier
from workflow.documents.services import document_upload
from workflow.models import AuditEvent

PDF_TEXT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def dossier_url(case):
    return f"/api/v1/examples/{case.pk}/dossier.zip"


@pytest.fixture
def with_document(people, cases):
    upload = SimpleUploadedFile("minutes.txt", "会议纪要 minutes of the meeting\n".encode(), content_type="text/plain")
    return document_upload(process="examples", case_id=cases.april.pk, user=people.member, file=upload)


@pytest.fixture
def dossier(api, people, cases, with_document, tmp_path):
    r = api(people.auditor).get(dossier_url(cases.april))
    assert r.status_code == 200, r.content
    assert r["Content-Type"] == "application/zip"
    path = tmp_path / "dossier.zip"
    path.write_bytes(r.content)
    return path


def rewrite(path: Path, name: str, change) -> Path:
    """A copy of the dossier with member ``name`` replaced by ``change(bytes)`` (a well-formed zip)."""
    with zipfile.ZipFile(path) as src:
        members = {info.filename: src.read(info.filename) for info in src.infolist()}
    members[name] = change(members[name])
    out = path.with_name(f"tampered-{name.replace('/', '_')}.zip")
    with zipfile.ZipFile(out, "w") as dst:
        for member, data in members.items():
            dst.writestr(member, data)
    return out


def flip(data: bytes, index: int) -> bytes:
    """Change one byte to another character of the same kind, so the text stays readable."""
    old = data[index : index + 1]
    new = b"1" if old == b"0" else (b"0" if old.isdigit() else (b"x" if old != b"x" else b"y"))
    return data[:index] + new + data[index + 1 :]


def test_dossier_holds_events_documents_manifest_and_pdf(dossier, cases, with_document):
    with zipfile.ZipFile(dossier) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        lines = archive.read("events.jsonl").decode().splitlines()
        pdf = text_of(archive.read("dossier.pdf"))
    assert {"manifest.json", "events.jsonl", "dossier.pdf"} <= names
    events = AuditEvent.objects.filter(case_ref=cases.april.reference).order_by("seq")
    assert manifest["case_ref"] == cases.april.reference and manifest["event_count"] == events.count() == len(lines)
    assert manifest["chain_head_hash"] == events.last().hash
    assert manifest["software_version"] and manifest["checkpoint"] is None
    [doc] = manifest["documents"]
    assert doc["sha256"] == with_document.sha256 and doc["path"] in names
    # The timeline for people: the case, each step with its actor and hash, and the document's hash.
    assert cases.april.reference in pdf and "案件卷宗" in pdf and "submit" in pdf and "m1" in pdf
    assert events.last().hash in pdf and with_document.sha256 in pdf
    assert verify_dossier(dossier).startswith(f"OK {cases.april.reference}: {events.count()} events, 1 documents")


def test_verifier_runs_without_django(dossier):
    code = (
        "import sys; from workflow.audit import verify; rc = verify.main([sys.argv[1]]); "
        "assert 'django' not in sys.modules, 'imported Django'; sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(dossier)], cwd=settings.BASE_DIR, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin"}, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK ")
    module = subprocess.run(
        [sys.executable, "-m", "workflow.audit.verify", str(dossier)], cwd=settings.BASE_DIR, capture_output=True,
        text=True, env={"PATH": "/usr/bin:/bin"}, timeout=60,
    )
    assert module.returncode == 0 and module.stdout.startswith("OK "), module.stderr


def test_any_changed_byte_of_any_event_is_named(dossier):
    """Every byte inside every event's values: changing it names that event's line and seq."""
    with zipfile.ZipFile(dossier) as archive:
        lines = archive.read("events.jsonl").split(b"\n")
    offset = 0
    for number, line in enumerate(lines[:-1], start=1):
        seq = json.loads(line)["seq"]
        # A byte of the actor's name, of the action, of the time and of the hash itself.
        for key in (b'"actor_name":"', b'"action":"', b'"created_at":"', b'"hash":"'):
            index = offset + line.index(key) + len(key) + 1
            tampered = rewrite(dossier, "events.jsonl", lambda data, i=index: flip(data, i))
            with pytest.raises(Broken) as found:
                verify_dossier(tampered)
            assert f"events.jsonl line {number} (event seq {seq}" in str(found.value)
        offset += len(line) + 1


def test_a_removed_or_reordered_event_is_named(dossier):
    def drop_second(data):
        lines = data.split(b"\n")
        return b"\n".join(lines[:1] + lines[2:])

    with pytest.raises(Broken) as found:
        verify_dossier(rewrite(dossier, "events.jsonl", drop_second))
    assert "line 2 (event seq 3" in str(found.value) and "missing" in str(found.value)


def test_a_changed_document_is_named(dossier, with_document):
    with zipfile.ZipFile(dossier) as archive:
        [doc] = json.loads(archive.read("manifest.json"))["documents"]
    with pytest.raises(Broken) as found:
        verify_dossier(rewrite(dossier, doc["path"], lambda data: flip(data, 3)))
    assert doc["path"] in str(found.value) and "SHA-256" in str(found.value)


def test_a_document_and_its_manifest_line_changed_together_still_show(dossier):
    def swap(data):
        manifest = json.loads(data)
        manifest["documents"][0]["sha256"] = "ab" * 32
        return json.dumps(manifest).encode()

    with zipfile.ZipFile(dossier) as archive:
        [doc] = json.loads(archive.read("manifest.json"))["documents"]
    with pytest.raises(Broken) as found:
        verify_dossier(rewrite(dossier, "manifest.json", swap))
    assert doc["path"] in str(found.value)


def test_a_changed_byte_in_the_raw_zip_names_its_file(dossier, tmp_path):
    raw = bytearray(dossier.read_bytes())
    with zipfile.ZipFile(dossier) as archive:
        info = archive.getinfo("events.jsonl")
    raw[info.header_offset + 30 + len(info.filename) + 5] ^= 0xFF  # a byte of the compressed events
    tampered = tmp_path / "raw.zip"
    tampered.write_bytes(bytes(raw))
    with pytest.raises(Broken) as found:
        verify_dossier(tampered)
    assert "events.jsonl" in str(found.value)


def test_a_cut_tail_is_caught_by_the_manifest(dossier):
    def cut(data):
        return b"\n".join(data.split(b"\n")[:-2]) + b"\n"

    with pytest.raises(Broken) as found:
        verify_dossier(rewrite(dossier, "events.jsonl", cut))
    assert "manifest.json" in str(found.value)


def test_handlers_who_are_not_participants_are_refused_the_dossier(api, people, cases):
    """The dossier goes to audit readers in full, to the case's participants with the addresses left
    out (``test_dossier_redaction.py``), to nobody else who merely handles the case."""
    for user in (people.committee, people.stand_in):
        r = api(user).get(dossier_url(cases.march))
        assert r.status_code == 403, user.username
        assert r["Content-Type"].startswith("application/json")


def test_whoever_may_not_see_the_case_gets_404(api, people, cases):
    assert api(people.beta_auditor).get(dossier_url(cases.march)).status_code == 404
    assert api(people.beta_member).get(dossier_url(cases.march)).status_code == 404
    assert api(people.auditor).get(f"/api/v1/nope/{cases.march.pk}/dossier.zip").status_code == 404
    assert api(None).get(dossier_url(cases.march)).status_code in (401, 403)


def test_case_page_offers_the_dossier(client, people, cases):
    client.force_login(people.auditor)
    page = client.get(f"/examples/{cases.march.pk}/")
    assert page.status_code == 200
    assert dossier_url(cases.march) in page.content.decode()
    assert client.get(dossier_url(cases.march)).status_code == 200
    client.force_login(people.committee)
    page = client.get(f"/examples/{cases.march.pk}/")
    assert page.status_code == 200 and dossier_url(cases.march) not in page.content.decode()
    client.force_login(people.member)  # the proposer: their own case's dossier, addresses left out
    page = client.get(f"/examples/{cases.march.pk}/")
    assert page.status_code == 200 and dossier_url(cases.march) in page.content.decode()


def test_the_zip_is_readable_in_memory(api, people, cases):
    content = api(people.chair).get(dossier_url(cases.march)).content
    assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None
