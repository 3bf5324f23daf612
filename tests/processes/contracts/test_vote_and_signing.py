"""第三十六条 the congress vote on the agreed version, 第三十七条 both chiefs sign exactly that version."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from processes.contracts import services as svc
from processes.contracts.lifecycle import NO_SIGNED_MINUTES
from processes.contracts.models import Contract
from workflow.audit import case_events
from workflow.documents.models import Signature
from workflow.errors import GuardFailed
from workflow.models import RoleAssignment
from workflow.roles import Role
from workflow.votes.models import Vote

from .conftest import close_vote

pytestmark = pytest.mark.django_db


def electorate_of(term, orgs, total):
    """Add representatives so that the term has ``total`` (rep1…rep6 are already there)."""
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"r{i:03d}") for i in range(total - 6)]
    )
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user=u, organisation=orgs.acme, role=Role.REPRESENTATIVE, valid_from=dt.date(2000, 1, 1),
                       term=term) for u in users
    ])


@pytest.mark.parametrize(
    "present, yes, state",
    [
        (120, 90, "passed"),      # ⌈2×180/3⌉ = 120 present; ⌈180/2⌉ = 90 yes ("半数以上" includes half)
        (119, 119, "negotiating"),  # one short of the quorum: fails whatever the yes votes
        (180, 89, "negotiating"),   # yes counted against all 180, not those present
    ],
)
def test_n_180_thresholds_at_the_boundary(walk, people, term, orgs, present, yes, state):
    electorate_of(term, orgs, 180)
    case = walk("congress_vote")
    vote = Vote.objects.get(pk=case.vote_id)
    assert (vote.n, vote.rule) == (180, "contract")
    case = close_vote(case, people.committee, present=present, yes=yes)
    assert case.state == state
    vote.refresh_from_db()
    assert vote.arithmetic["quorum"] == 120 and vote.arithmetic["yes_needed"] == 90
    if state == "passed":
        assert case.passed_document == case.draft and case.passed_sha256 == case.draft.sha256
    else:
        assert case.passed_sha256 == "" and case_events(case).last().action == "fail_congress"


def test_both_chiefs_must_confirm_the_same_version(walk, people, upload):
    case = walk("round")
    svc.contract_sign_minutes(case=case, actor=people.employer1)
    v1 = upload(case, people.chair, "草案 v1")
    v2 = upload(case, people.employer1, "草案 v2", previous=v1)
    case = svc.contract_agree_draft(case=case, actor=people.chair, document=v1)
    assert Contract.objects.get(pk=case.pk).state == "negotiating"
    case = svc.contract_agree_draft(case=case, actor=people.employer1, document=v2)
    assert Contract.objects.get(pk=case.pk).state == "negotiating"  # a different version: the union must confirm v2
    case = svc.contract_agree_draft(case=case, actor=people.chair, document=v2)
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "draft_agreed" and case.draft == v2


def test_a_draft_is_agreed_only_after_both_chiefs_signed_a_rounds_minutes(walk, people, upload, api):
    """第三十四条: with the round's minutes signed by one chief only, confirming a draft is a 409 and changes
    nothing; once the other chief signs them, the same call is taken."""
    case = walk("round")  # the chair recorded (and signed) the minutes; the employer's chief has not signed
    v1 = upload(case, people.chair, "草案 v1")
    url = f"/api/v1/contracts/{case.pk}/transitions/agree_draft/"
    before = (case.version, case_events(case).count())
    r = api(people.chair).post(url, {"document": v1.pk}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "contract.minutes_signed"
    assert r.json()["detail"] == str(NO_SIGNED_MINUTES)
    fresh = Contract.objects.get(pk=case.pk)
    assert (fresh.version, case_events(fresh).count()) == before and fresh.union_agreed_sha256 == ""
    svc.contract_sign_minutes(case=case, actor=people.employer1)
    r = api(people.chair).post(url, {"document": v1.pk}, format="json")
    assert r.status_code == 200 and Contract.objects.get(pk=case.pk).union_agreed_sha256 == v1.sha256


def test_a_draft_needs_signed_minutes_even_with_no_round_at_all(walk, people, upload):
    case = walk("negotiating")
    with pytest.raises(GuardFailed) as exc:
        svc.contract_agree_draft(case=case, actor=people.chair, document=upload(case, people.chair))
    assert exc.value.rule == "contract.minutes_signed"


def test_signing_a_version_other_than_the_one_passed_is_refused(walk, people, upload, api):
    case = walk("passed")
    changed = upload(case, people.employer1, "草案 v2（会后改动）", previous=case.draft)
    r = api(people.employer1).post(f"/api/v1/contracts/{case.pk}/transitions/sign/", {"document": changed.pk},
                                   format="json")
    assert r.status_code == 409 and r.json()["rule"] == "contract.sign_passed_version"
    assert "第三十七条" in r.json()["detail"]
    fresh = Contract.objects.get(pk=case.pk)
    assert fresh.employer_signed_at is None and fresh.version == case.version
    assert not Signature.objects.filter(document__case_id=case.pk).exists()


def test_signed_on_the_day_of_the_second_signature(walk, people, clock, api):
    case = walk("passed")
    r = api(people.chair).post(f"/api/v1/contracts/{case.pk}/transitions/sign/", {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "passed"
    r = api(people.chair).post(f"/api/v1/contracts/{case.pk}/transitions/sign/", {}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "contract.sign_once"
    clock.set(clock.today + dt.timedelta(days=2))
    r = api(people.employer1).post(f"/api/v1/contracts/{case.pk}/transitions/sign/",
                                   {"document": case.passed_document_id}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "signed"
    case = Contract.objects.get(pk=case.pk)
    # Day 10 is Saturday 14 March: the period ends on the next working day.
    assert case.signed_on == dt.date(2026, 3, 4) and case.filing_due_on == dt.date(2026, 3, 16)
    sigs = Signature.objects.filter(document=case.passed_document).order_by("signed_at")
    assert [(s.signer.username, s.role, s.document_sha256) for s in sigs] == [
        ("chair", "union_chief", case.passed_sha256), ("employer1", "employer_chief", case.passed_sha256)]


@pytest.mark.parametrize("who", ["rep1", "committee", "member", "auditor"])
def test_only_the_chiefs_sign(walk, people, api, who):
    case = walk("passed")
    r = api(getattr(people, who)).post(f"/api/v1/contracts/{case.pk}/transitions/sign/", {}, format="json")
    assert r.status_code in (403, 404)
    assert Contract.objects.get(pk=case.pk).version == case.version


def test_the_congress_vote_is_opened_by_the_union_leadership_only(walk, people, api):
    case = walk("draft_agreed")
    r = api(people.employer1).post(f"/api/v1/contracts/{case.pk}/transitions/submit_to_congress/", {},
                                   format="json")
    assert r.status_code == 403 and Contract.objects.get(pk=case.pk).state == "draft_agreed"
    r = api(people.committee).post(f"/api/v1/contracts/{case.pk}/transitions/submit_to_congress/", {},
                                   format="json")
    assert r.status_code == 200 and r.json()["state"] == "congress_vote"
