"""Checkpoints that prove one case offline (issue #15, §3): each anchor carries an RFC 6962 Merkle
root over the head of every case chain, a dossier carries its case's inclusion proof, and the
standalone verifier checks it. Removing a whole case chain afterwards is then detected."""

import json
import zipfile

import pytest

from tests.support.db import audit_trigger_bypassed
from workflow.audit.anchor import compute_anchor_hash, create_anchor, verify_anchors
from workflow.audit.checkpoint import chain_heads, verify_checkpoint
from workflow.audit.verify import Broken, verify_dossier
from workflow.models import AuditEvent

from .conftest import at, step


def fetch(api, user, case, tmp_path, name="dossier.zip"):
    r = api(user).get(f"/api/v1/examples/{case.pk}/dossier.zip")
    assert r.status_code == 200, r.content
    path = tmp_path / name
    path.write_bytes(r.content)
    return path


def manifest_of(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


def test_anchor_carries_a_merkle_root_that_its_hash_covers(cases):
    anchor = create_anchor()
    assert anchor.merkle_root and len(anchor.merkle_root) == 64
    assert anchor.chains == len(chain_heads(anchor.last_event_id)) == 3
    assert compute_anchor_hash(anchor) == anchor.anchor_hash
    assert verify_checkpoint(anchor) and verify_anchors() is None


def test_dossier_proves_its_case_in_the_latest_anchor(api, people, cases, tmp_path):
    anchor = create_anchor()
    path = fetch(api, people.auditor, cases.march, tmp_path)
    checkpoint = manifest_of(path)["checkpoint"]
    assert checkpoint["anchor_hash"] == anchor.anchor_hash and checkpoint["anchor"]["merkle_root"] == anchor.merkle_root
    assert checkpoint["head_seq"] == 3
    assert f"included in anchor {anchor.anchor_hash}" in verify_dossier(path)


def test_events_after_the_anchor_still_verify_against_the_head_it_anchored(api, people, cases, tmp_path):
    create_anchor()
    step(cases.april, "approve", people.committee, at(4, 2))
    path = fetch(api, people.auditor, cases.april, tmp_path)
    manifest = manifest_of(path)
    assert manifest["event_count"] == 3 and manifest["checkpoint"]["head_seq"] == 2
    assert verify_dossier(path).startswith("OK")


@pytest.mark.parametrize("field", ["merkle_root", "chains", "created_at"])
def test_a_changed_anchor_in_the_manifest_is_named(api, people, cases, tmp_path, field):
    create_anchor()
    path = fetch(api, people.auditor, cases.march, tmp_path)
    manifest = manifest_of(path)
    value = manifest["checkpoint"]["anchor"][field]
    # Another first character, whatever it was (a hash may well start with "0").
    changed = value + 1 if isinstance(value, int) else ("1" if value[0] == "0" else "0") + value[1:]
    assert changed != value
    manifest["checkpoint"]["anchor"][field] = changed
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = json.dumps(manifest).encode() if info.filename == "manifest.json" else src.read(info.filename)
            dst.writestr(info.filename, data)
    with pytest.raises(Broken) as found:
        verify_dossier(tampered)
    assert "checkpoint" in str(found.value)


def test_a_wrong_proof_is_named(api, people, cases, tmp_path):
    create_anchor()
    path = fetch(api, people.auditor, cases.march, tmp_path)
    manifest = manifest_of(path)
    manifest["checkpoint"]["leaf_index"] = (manifest["checkpoint"]["leaf_index"] + 1) % 3
    tampered = tmp_path / "proof.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = json.dumps(manifest).encode() if info.filename == "manifest.json" else src.read(info.filename)
            dst.writestr(info.filename, data)
    with pytest.raises(Broken) as found:
        verify_dossier(tampered)
    assert "inclusion proof" in str(found.value)


def test_deleting_a_whole_case_chain_is_detected(api, people, cases, tmp_path):
    """The dossier taken before still proves the chain was anchored; the log no longer gives the root."""
    anchor = create_anchor()
    path = fetch(api, people.auditor, cases.beta, tmp_path)
    with audit_trigger_bypassed():
        AuditEvent.objects.filter(case_ref=cases.beta.reference).delete()
    assert not verify_checkpoint(anchor)
    assert verify_anchors() is not None
    assert f"included in anchor {anchor.anchor_hash}" in verify_dossier(path)


def test_anchors_page_and_api_list_them_for_auditors_and_chairs(client, api, people, cases):
    anchor = create_anchor()
    client.force_login(people.chair)
    page = client.get("/audit/anchors/")
    assert page.status_code == 200
    assert anchor.anchor_hash in page.content.decode() and anchor.merkle_root in page.content.decode()
    body = api(people.auditor).get("/api/v1/audit/anchors/").json()
    assert body["results"][0]["anchor_hash"] == anchor.anchor_hash
    client.force_login(people.member)
    assert client.get("/audit/anchors/").status_code == 403
    assert api(people.member).get("/api/v1/audit/anchors/").status_code == 403
