"""A participant's own dossier (issue #15, §2): the case's proposer, applicant or party downloads
it with the actors' addresses and browsers left out, and the standalone verifier still checks every
event — each hash covers salted commitments to those fields, which the redacted copy carries in
their place. Changing a commitment, or slipping a value back in, is named like any other change."""

import json
import zipfile

import pytest

from workflow import services
from workflow.audit import RequestMeta
from workflow.audit.dossier import OLDER_EVENTS
from workflow.audit.verify import Broken, verify_dossier

from .conftest import at, example
from .test_dossier import dossier_url, rewrite

IP, BROWSER = "203.0.113.7", "ProbeBrowser/9.9 (only-in-the-full-dossier)"


def submitted_from_a_browser(people):
    """An ACME example submitted by its proposer from a known address and browser."""
    case = example(people.member, "acme", "Lunch", created=at(3, 2))
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member,
                                now=at(3, 3), meta=RequestMeta(channel="ui", ip=IP, user_agent=BROWSER))
    return case


def download(api, user, case, tmp_path, name):
    r = api(user).get(dossier_url(case))
    assert r.status_code == 200, r.content
    path = tmp_path / f"{name}.zip"
    path.write_bytes(r.content)
    return path


def everything_in(path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return b"".join(archive.read(n) for n in archive.namelist())


def test_the_proposer_gets_their_dossier_without_addresses_and_it_verifies(api, people, tmp_path):
    case = submitted_from_a_browser(people)
    own = download(api, people.member, case, tmp_path, "own")
    full = download(api, people.auditor, case, tmp_path, "full")
    assert IP.encode() in everything_in(full) and BROWSER.encode() in everything_in(full)
    assert IP.encode() not in everything_in(own) and BROWSER.encode() not in everything_in(own)
    with zipfile.ZipFile(own) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        events = [json.loads(line) for line in archive.read("events.jsonl").splitlines()]
    assert manifest["redacted"] == ["ip", "user_agent"]
    assert all(e["ip"] is None and e["user_agent"] is None and "salt" not in e for e in events)
    assert all(set(e["redacted"]) == {"ip", "user_agent"} for e in events)
    assert verify_dossier(full).startswith("OK")
    summary = verify_dossier(own)
    assert summary.startswith(f"OK {case.reference}: {len(events)} events") and "left out of 2 events" in summary


def _submit_line(path, change):
    def edit(data):
        lines = data.decode().split("\n")
        event = json.loads(lines[1])
        assert event["action"] == "submit"
        change(event)
        lines[1] = json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return "\n".join(lines).encode()

    return rewrite(path, "events.jsonl", edit)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda e: e["redacted"].update(ip="sha256:" + "0" * 64), "content was changed"),
        (lambda e: e.update(ip=IP), "carries a value"),
        (lambda e: (e.pop("redacted"), e.update(ip=IP, user_agent=BROWSER)), "content was changed"),
        (lambda e: e.update(action="approve"), "content was changed"),
    ],
    ids=["a-changed-commitment", "a-value-slipped-back-in", "commitments-swapped-for-values", "a-changed-action"],
)
def test_a_tampered_redacted_event_is_named(api, people, tmp_path, change, why):
    case = submitted_from_a_browser(people)
    own = download(api, people.member, case, tmp_path, "own")
    with pytest.raises(Broken) as found:
        verify_dossier(_submit_line(own, change))
    assert "events.jsonl line 2 (event seq 2," in str(found.value) and why in str(found.value)


def test_an_event_recorded_before_salts_keeps_the_participant_out(api, people, tmp_path, monkeypatch):
    """Its hash covers the address itself: left out, it could not be verified, so only audit readers
    get that case's dossier (whole, and it verifies)."""
    monkeypatch.setattr("workflow.audit.chain.secrets.token_hex", lambda n: "")
    case = submitted_from_a_browser(people)
    monkeypatch.undo()
    r = api(people.member).get(dossier_url(case))
    assert r.status_code == 403 and r.json()["detail"] == str(OLDER_EVENTS)
    assert verify_dossier(download(api, people.auditor, case, tmp_path, "full")).startswith("OK")
