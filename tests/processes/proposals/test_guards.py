"""Each guard of the proposal process at its boundary; a refusal changes nothing."""

import datetime as dt

import pytest

from processes.proposals import services as svc
from processes.proposals.lifecycle import MERGE_SCOPE, TOO_FEW_COSIGNERS
from processes.proposals.models import Proposal
from processes.proposals.serializers import merge_targets
from workflow.audit import case_events
from workflow.errors import ActionForbidden, GuardFailed, InvalidInput
from workflow.models import CongressSession, CongressTerm, RoleAssignment

from .conftest import DAY0, at


def url(case, name):
    return f"/api/v1/proposals/{case.pk}/transitions/{name}/"


def snapshot(case):
    case = Proposal.objects.get(pk=case.pk)
    return case.state, case.version, case_events(case).count()


# Who may propose ------------------------------------------------------------------------
def test_a_member_who_is_not_a_representative_is_refused(people, api):
    data = {"organisation": "acme", "title": "T", "body": "B", "category": "other"}
    r = api(people.member).post("/api/v1/proposals/", data, format="json")
    assert r.status_code == 403
    assert Proposal.objects.count() == 0


def test_a_representative_of_a_past_term_is_refused(people, orgs, term, make_user, api):
    old = CongressTerm.objects.create(
        organisation=orgs.acme, number=4, starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2023, 12, 31)
    )
    former = make_user("former", "representative", org=orgs.acme, term=old)
    data = {"organisation": "acme", "title": "T", "body": "B", "category": "other"}
    r = api(former).post("/api/v1/proposals/", data, format="json")
    assert r.status_code == 403 and "本届职工代表" in r.json()["detail"]
    assert Proposal.objects.count() == 0


def test_a_representative_of_another_organisation_cannot_file_here(people, api):
    data = {"organisation": "acme", "title": "T", "body": "B", "category": "other"}
    assert api(people.beta_rep).post("/api/v1/proposals/", data, format="json").status_code == 403


# Invitations ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cosigners",
    [["rep2", "rep2", "rep3"], ["rep1", "rep2"], ["rep2", "member1"], ["rep2", "brep1"], ["rep2", "ghost"]],
    ids=["duplicate", "proposer", "not-a-representative", "other-organisation", "unknown"],
)
def test_invitees_must_be_distinct_representatives_of_the_term_other_than_the_proposer(cosigners, people, walk, api):
    case = walk("draft")
    before = snapshot(case)
    r = api(people.rep1).post(url(case, "invite_cosigners"), {"cosigners": cosigners}, format="json")
    assert r.status_code == 400 and "cosigners" in r.json()["fields"]
    assert snapshot(case) == before and not case.cosigners.exists()


def test_a_representative_whose_term_ended_cannot_be_invited(people, walk, api):
    RoleAssignment.objects.filter(user=people.rep3).update(valid_to=DAY0 - dt.timedelta(days=1))
    case = walk("draft")
    r = api(people.rep1).post(url(case, "invite_cosigners"), {"cosigners": ["rep2", "rep3"]}, format="json")
    assert r.status_code == 400


def test_fewer_invitees_than_the_minimum_is_refused_naming_the_rule(people, walk, api):
    case = walk("draft")
    r = api(people.rep1).post(url(case, "invite_cosigners"), {"cosigners": ["rep2"]}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "proposal.min_cosigners"
    assert snapshot(case)[0] == "draft"


def test_invitations_close_seven_days_before_the_congress(people, walk, term, api):
    CongressSession.objects.create(term=term, number=1, opens_on=DAY0 + dt.timedelta(days=6))
    case = walk("draft")
    r = api(people.rep1).post(url(case, "invite_cosigners"), {"cosigners": ["rep2", "rep3"]}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "proposal.cosign_window"


def test_the_window_ends_at_the_earlier_of_fourteen_days_and_a_week_before_the_congress(people, walk, term):
    assert walk("cosigning").cosign_closes_on == DAY0 + dt.timedelta(days=14)
    CongressSession.objects.create(term=term, number=1, opens_on=DAY0 + dt.timedelta(days=10))
    assert walk("cosigning").cosign_closes_on == DAY0 + dt.timedelta(days=3)


# Co-signing and submission ----------------------------------------------------------------
def test_one_confirmed_cosigner_is_not_enough_two_are(people, walk, api):
    case = walk("cosigning")
    api(people.rep2).post(url(case, "cosign"), {}, format="json")
    before = snapshot(case)
    r = api(people.rep1).post(url(case, "submit"), {}, format="json")
    assert r.status_code == 409
    body = r.json()
    assert body["rule"] == "proposal.min_cosigners"
    assert body["detail"] == str(TOO_FEW_COSIGNERS % {"k": 2, "n": 1})
    assert snapshot(case) == before

    assert api(people.rep3).post(url(case, "cosign"), {}, format="json").status_code == 200
    r = api(people.rep1).post(url(case, "submit"), {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    consent = [e for e in case_events(case) if e.action == "cosign"]
    assert [e.payload["cosigner"]["username"] for e in consent] == ["rep2", "rep3"]
    assert all(e.payload["cosigner"]["at"] for e in consent)


@pytest.mark.parametrize(("setting", "needed"), [(3, 3), (1, 2), (9, 3)])
def test_the_minimum_is_an_organisation_setting_between_two_and_three(setting, needed, people, orgs, walk, api):
    orgs.acme.settings = {"proposal.min_cosigners": setting}
    orgs.acme.save()
    case = walk("draft")
    api(people.rep1).post(url(case, "invite_cosigners"), {"cosigners": ["rep2", "rep3", "rep4"]}, format="json")
    for i, who in enumerate([people.rep2, people.rep3, people.rep4], start=1):
        api(who).post(url(case, "cosign"), {}, format="json")
        r = api(people.rep1).post(url(case, "submit"), {}, format="json")
        if i < needed:
            assert r.status_code == 409 and f"{needed}" in r.json()["detail"]
        else:
            assert r.status_code == 200
            break


def test_a_withdrawn_cosignature_no_longer_counts(people, walk, api):
    case = walk("cosigned")
    assert api(people.rep3).post(url(case, "withdraw_cosign"), {}, format="json").status_code == 200
    assert api(people.rep1).post(url(case, "submit"), {}, format="json").status_code == 409


def test_a_cosigner_answers_once(people, walk, api):
    case = walk("cosigning")
    assert api(people.rep2).post(url(case, "decline_cosign"), {}, format="json").status_code == 200
    before = snapshot(case)
    r = api(people.rep2).post(url(case, "cosign"), {}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "proposal.cosign_once"
    assert api(people.rep3).post(url(case, "cosign"), {}, format="json").status_code == 200
    assert api(people.rep3).post(url(case, "cosign"), {}, format="json").status_code == 409
    assert snapshot(case)[1] == before[1] + 1


def test_cosigning_on_day_14_counts_on_day_15_it_is_refused(people, walk, clock, api):
    case = walk("cosigning")
    clock.set(DAY0 + dt.timedelta(days=14))
    assert api(people.rep2).post(url(case, "cosign"), {}, format="json").status_code == 200
    clock.set(DAY0 + dt.timedelta(days=15))
    r = api(people.rep3).post(url(case, "cosign"), {}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "proposal.cosign_window"


def test_submission_after_the_window_is_refused(people, walk, clock, api):
    case = walk("cosigned")
    clock.set(DAY0 + dt.timedelta(days=15))
    r = api(people.rep1).post(url(case, "submit"), {}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "proposal.cosign_window"


def test_a_cosignature_cannot_be_withdrawn_after_submission(people, walk, api):
    case = walk("submitted")
    assert api(people.rep2).post(url(case, "withdraw_cosign"), {}, format="json").status_code == 409


# Reasons are mandatory --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "source", "who"),
    [("convert", "under_review", "review1"), ("reject", "under_review", "review1"),
     ("return_for_revision", "under_review", "review1"), ("withdraw", "submitted", "rep1"),
     ("return_assignment", "assigned", "dept1")],
)
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_written_reason_is_required(name, source, who, reason, people, walk, api):
    case = walk(source)
    before = snapshot(case)
    data = {} if reason is None else {"reason": reason}
    r = api(getattr(people, who)).post(url(case, name), data, format="json")
    assert r.status_code == 400 and "reason" in r.json()["fields"]
    assert snapshot(case) == before


# Merge ---------------------------------------------------------------------------------------
def test_merge_lists_the_merged_proposal_and_its_proposers_on_the_target(people, walk, api):
    target = walk("under_review", title="食堂 A")
    source = svc.proposal_create(
        organisation=target.organisation, actor=people.rep4, title="食堂 B", body="B", category="living",
        now=at(DAY0),
    )
    source = svc.proposal_invite_cosigners(case=source, actor=people.rep4, cosigners=["rep2", "rep5"], now=at(DAY0))
    svc.proposal_cosign(case=source, actor=people.rep2, now=at(DAY0))
    svc.proposal_cosign(case=source, actor=people.rep5, now=at(DAY0))
    svc.proposal_submit(case=source, actor=people.rep4, now=at(DAY0))
    svc.proposal_start_review(case=source, actor=people.review1, now=at(DAY0))
    version = target.version

    r = api(people.review2).post(url(source, "merge"), {"into": target.pk}, format="json")

    assert r.status_code == 200, r.content
    assert r.json()["merged_into"]["reference"] == target.reference
    detail = api(people.review1).get(f"/api/v1/proposals/{target.pk}/").json()
    assert [m["reference"] for m in detail["merged_from"]] == [source.reference]
    assert [u["username"] for u in detail["co_proposers"]] == ["rep4"]
    target.refresh_from_db()
    assert target.version == version + 1 and case_events(target).last().action == "merge_in"
    # The merged proposer now sees the target proposal.
    assert api(people.rep4).get(f"/api/v1/proposals/{target.pk}/").status_code == 200


def test_merge_offers_the_proposals_of_its_scope_under_review_or_accepted(people, orgs, walk):
    """The merge form's choices: what the guards would accept, never the proposal itself."""
    target = walk("under_review", title="食堂 A")
    accepted = walk("accepted", title="食堂 C")
    submitted = walk("submitted")
    elsewhere = walk("under_review")
    Proposal.objects.filter(pk=elsewhere.pk).update(organisation=orgs.beta, term=people.beta_term)
    source = walk("under_review")
    offered = [p.pk for p in merge_targets(source, None)]
    assert offered == [target.pk, accepted.pk]
    assert not {submitted.pk, elsewhere.pk, source.pk} & set(offered)


def test_a_merge_across_organisations_is_refused(people, orgs, walk, api):
    target = walk("under_review")
    Proposal.objects.filter(pk=target.pk).update(organisation=orgs.beta, term=people.beta_term)
    source = walk("under_review")
    before = snapshot(source)
    r = api(people.review1).post(url(source, "merge"), {"into": target.pk}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "proposal.merge_scope"
    assert r.json()["detail"] == str(MERGE_SCOPE)
    assert snapshot(source) == before


def test_a_merge_into_a_proposal_not_under_review_or_accepted_is_refused(people, walk, api):
    target = walk("submitted")
    source = walk("under_review")
    r = api(people.review1).post(url(source, "merge"), {"into": target.pk}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "proposal.merge_target_state"
    r = api(people.review1).post(url(source, "merge"), {"into": source.pk}, format="json")
    assert r.status_code == 400
    r = api(people.review1).post(url(source, "merge"), {"into": 999999}, format="json")
    assert r.status_code == 400


# Assignment --------------------------------------------------------------------------------
def test_assign_sets_a_thirty_day_reply_deadline_with_reminders_and_escalation(people, walk, api):
    from workflow.deadlines.rules import get_rule

    case = walk("assigned")
    assert case.reply_due_on == dt.date(2026, 4, 1)
    rule = get_rule("proposal.reply")
    assert rule.reminders == (7, 1) and rule.on_expiry == "escalate" and rule.escalate_to == "chair"
    deadlines = {d["rule_id"]: d["due_on"] for d in api(people.rep1).get(f"/api/v1/proposals/{case.pk}/").json()["deadlines"]}
    assert deadlines["proposal.reply"] == "2026-04-01"
    assert deadlines["proposal.assignment_return"] == "2026-03-11"


def test_the_reply_period_is_organisation_adjustable(people, orgs, walk):
    orgs.acme.settings = {"deadline.proposal.reply": 20}
    orgs.acme.save()
    # Day 20 is Sunday 22 March: a calendar-day period ending on a rest day ends on the next working day.
    assert walk("assigned").reply_due_on == dt.date(2026, 3, 23)


@pytest.mark.parametrize(("due", "status"), [("2026-03-20", 200), ("2026-04-01", 200), ("2026-04-02", 400), ("2026-03-02", 400)])
def test_a_due_date_may_only_shorten_the_rule(due, status, people, walk, api):
    case = walk("accepted")
    r = api(people.review1).post(url(case, "assign"), {"lead_department": "acme-office", "due_date": due}, format="json")
    assert r.status_code == status, r.content
    if status == 200:
        assert r.json()["reply_due_on"] == due


def test_only_a_department_of_the_same_organisation_can_be_assigned(people, orgs, walk, api):
    from workflow.models import Organisation, OrgKind

    Organisation.objects.create(code="beta-office", name="BETA 办公室", kind=OrgKind.DEPARTMENT, parent=orgs.beta)
    case = walk("accepted")
    for lead in ("beta-office", "acme-g1", "nope"):
        r = api(people.review1).post(url(case, "assign"), {"lead_department": lead}, format="json")
        assert r.status_code == 400 and "lead_department" in r.json()["fields"]
    r = api(people.review1).post(
        url(case, "assign"), {"lead_department": "acme-office", "co_departments": ["acme-office"]}, format="json"
    )
    assert r.status_code == 400 and "co_departments" in r.json()["fields"]


def test_return_assignment_on_working_day_7_yes_on_day_8_no(people, walk, clock, api):
    # Assigned Monday 2 March 2026: working day 7 is Wednesday 11 March, day 8 Thursday 12 March.
    first, second = walk("assigned"), walk("assigned")
    clock.set(dt.date(2026, 3, 11), hour=23)
    r = api(people.dept1).post(url(first, "return_assignment"), {"reason": "不属本部门 Not ours."}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "accepted" and r.json()["lead_department"] is None
    clock.set(dt.date(2026, 3, 12), hour=8)
    before = snapshot(second)
    r = api(people.dept1).post(url(second, "return_assignment"), {"reason": "不属本部门 Not ours."}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "proposal.assignment_return"
    assert snapshot(second) == before


def test_a_returned_assignment_of_a_suggestion_goes_back_to_converted(people, orgs, walk, clock, api):
    """A converted suggestion handed back by the department stays a suggestion, never a filed proposal."""
    case = walk("under_review")
    case = svc.proposal_convert(case=case, actor=people.review1, reason="属意见建议 A suggestion.", now=at(DAY0))
    case = svc.proposal_assign(case=case, actor=people.review1, lead_department=orgs.dept, now=at(DAY0))
    clock.set(DAY0 + dt.timedelta(days=1), hour=9)
    r = api(people.dept1).post(url(case, "return_assignment"), {"reason": "不属本部门 Not ours."}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "converted"
    assert case_events(case).last().to_state == "converted"


# Rating, feedback window and re-handling ------------------------------------------------------
def test_rating_on_day_15_is_accepted(people, walk, clock, api):
    case = walk("replied")
    clock.set(DAY0 + dt.timedelta(days=15), hour=23)
    r = api(people.rep1).post(url(case, "rate"), {"rating": "basically_satisfied"}, format="json")
    assert r.status_code == 200 and r.json()["closure"] == "rated"


def test_rating_on_day_16_is_refused_and_the_system_closes_it_as_not_rated(people, walk, clock, api):
    case = walk("replied")
    clock.set(DAY0 + dt.timedelta(days=16), hour=0)
    before = snapshot(case)
    r = api(people.rep1).post(url(case, "rate"), {"rating": "satisfied"}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "proposal.feedback"
    assert snapshot(case) == before

    case = svc.proposal_close_unrated(case=case)
    assert case.state == "closed" and case.closure == "not_rated"
    assert not case.ratings.exists()
    event = case_events(case).last()
    assert event.action == "close_unrated" and event.actor_role == "system"


def test_the_system_cannot_close_unrated_while_the_window_is_open(people, walk, clock):
    case = walk("replied")
    clock.set(DAY0 + dt.timedelta(days=15), hour=23)
    with pytest.raises(GuardFailed) as info:
        svc.proposal_close_unrated(case=case)
    assert info.value.rule == "proposal.feedback"
    assert Proposal.objects.get(pk=case.pk).state == "replied"


def test_nobody_may_close_unrated_by_hand(people, walk, clock, api):
    case = walk("replied")
    clock.set(DAY0 + dt.timedelta(days=16))
    for who in (people.rep1, people.review1, people.chair):
        assert api(who).post(url(case, "close_unrated"), {}, format="json").status_code == 403
    with pytest.raises(ActionForbidden):
        svc._do("close_unrated", case=case, actor=people.review1)


def test_unsatisfied_needs_a_reason(people, walk, api):
    case = walk("replied")
    r = api(people.rep1).post(url(case, "rate"), {"rating": "unsatisfied"}, format="json")
    assert r.status_code == 400 and "comment" in r.json()["fields"]


def _rate(api, people, case, rating):
    return api(people.rep1).post(url(case, "rate"), {"rating": rating, "comment": "仍未解决 Still open."}, format="json")


def test_a_second_rehandling_is_refused_the_proposal_closes_with_the_committee_note(people, walk, clock, api):
    case = walk("replied")
    clock.set(DAY0 + dt.timedelta(days=2))
    r = _rate(api, people, case, "unsatisfied")
    assert r.status_code == 200 and r.json()["state"] == "rehandling" and r.json()["rehandling_count"] == 1
    # A new 30-day reply deadline from the rating day (4 March + 30 = Friday 3 April).
    assert r.json()["reply_due_on"] == "2026-04-03"
    svc.proposal_reply(case=case, actor=people.dept1, text="再次答复 Again.", classification="B")

    r = _rate(api, people, case, "unsatisfied")

    assert r.status_code == 200
    body = r.json()
    assert body["state"] == "closed" and body["closure"] == "rehandling_exhausted"
    assert body["rehandling_count"] == 1 and "重新办理 1 次" in body["committee_note"]
    assert [x["rating"] for x in body["ratings"]] == ["unsatisfied", "unsatisfied"]
    r = api(people.review1).post(url(case, "add_note"), {"note": "已当面沟通 Discussed in person."}, format="json")
    assert r.status_code == 200 and r.json()["committee_note"] == "已当面沟通 Discussed in person."


def test_with_two_rehandlings_allowed_the_second_unsatisfied_rating_rehandles_again(people, orgs, walk, api):
    orgs.acme.settings = {"proposal.max_rehandlings": 2}
    orgs.acme.save()
    case = walk("replied")
    _rate(api, people, case, "unsatisfied")
    svc.proposal_reply(case=case, actor=people.dept1, text="再次答复", classification="B")
    r = _rate(api, people, case, "unsatisfied")
    assert r.json()["state"] == "rehandling" and r.json()["rehandling_count"] == 2


def test_a_reply_records_whether_it_was_on_time(people, walk, clock):
    case = walk("in_progress")
    clock.set(dt.date(2026, 4, 2))
    case = svc.proposal_reply(case=case, actor=people.dept1, text="迟到的答复 Late.", classification="C")
    assert case.replies.get().on_time is False


def test_bad_input_is_400(people, walk, api):
    case = walk("in_progress")
    r = api(people.dept1).post(url(case, "reply"), {"text": "x", "classification": "D"}, format="json")
    assert r.status_code == 400 and set(r.json()["fields"]) == {"text", "classification"}
    with pytest.raises(InvalidInput):
        svc.proposal_reply(case=case, actor=people.dept1, text="", classification="A")


def test_how_long_before_the_congress_collection_stops_is_an_organisation_setting(people, orgs, walk, term):
    orgs.acme.settings = {"proposal.cosign_close_before_congress_days": 3}
    orgs.acme.save()
    CongressSession.objects.create(term=term, number=1, opens_on=DAY0 + dt.timedelta(days=10))
    assert walk("cosigning").cosign_closes_on == DAY0 + dt.timedelta(days=7)


def test_a_reply_attaches_documents_of_this_proposal_only(people, walk, api, tmp_path, settings):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    case, other = walk("in_progress"), walk("in_progress")

    def upload(target, name, content):
        r = api(people.dept1).post(
            f"/api/v1/documents/?process=proposals&case={target.pk}",
            {"file": SimpleUploadedFile(name, content)}, format="multipart",
        )
        assert r.status_code == 201, r.content
        return r.json()["id"]

    mine = upload(case, "落实方案.txt", "一、制定方案\n".encode())
    foreign = upload(other, "other.txt", b"other")
    url_ = url(case, "reply")
    r = api(people.dept1).post(url_, {"text": "见附件 See attached.", "classification": "A", "attachments": [foreign]},
                               format="json")
    assert r.status_code == 400 and "attachments" in r.json()["fields"]
    r = api(people.dept1).post(url_, {"text": "见附件 See attached.", "classification": "A", "attachments": [mine]},
                               format="json")
    assert r.status_code == 200, r.content
    [attachment] = r.json()["replies"][0]["attachments"]
    assert attachment["name"] == "落实方案.txt" and attachment["version"] == 1
    assert attachment["sha256"] == hashlib.sha256("一、制定方案\n".encode()).hexdigest()
