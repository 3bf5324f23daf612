"""The transition table as declared, who may take each step (denied roles change nothing), and the
side paths: suspension, coordination (with its one extension of at most 15 days), variation, termination."""

import datetime as dt

import pytest

from processes.contracts import services as svc
from processes.contracts.lifecycle import build_transitions
from processes.contracts.models import Contract
from workflow.audit import case_events
from workflow.deadlines.timers import sweep
from workflow.documents.models import Signature
from workflow.models import CaseDeadline
from workflow.notifications.models import Notification

from .conftest import DAY0, at, close_vote

pytestmark = pytest.mark.django_db
D = dt.timedelta

TABLE = {
    "set_teams": (["preparing"], None),
    "send_offer": (["preparing"], "offer_sent"),
    "lapse_offer": (["offer_sent"], "no_reply"),
    "escalate": (["no_reply"], None),
    "record_reply": (["offer_sent", "no_reply"], "negotiating"),
    "record_round": (["negotiating"], None),
    "sign_minutes": (["negotiating", "suspended", "coordination"], None),
    "suspend": (["negotiating"], ("negotiating", "suspended")),
    "resume": (["suspended"], ("suspended", "negotiating")),
    "request_coordination": (["negotiating"], "coordination"),
    "end_coordination": (["coordination"], ("coordination", "negotiating")),
    "agree_draft": (["negotiating"], ("negotiating", "draft_agreed")),
    "submit_to_congress": (["draft_agreed"], "congress_vote"),
    "pass_congress": (["congress_vote"], "passed"),
    "fail_congress": (["congress_vote"], ("negotiating", "in_force", "renewal_window")),
    "sign": (["passed"], ("passed", "signed")),
    "file": (["signed"], "filed"),
    "object": (["filed"], "objected"),
    "renegotiate": (["objected"], "negotiating"),
    "take_effect": (["filed"], "effective"),
    "publish": (["effective"], "in_force"),
    "open_renewal": (["in_force"], "renewal_window"),
    "expire": (["negotiating", "objected", "draft_agreed", "congress_vote", "passed", "signed", "filed", "effective",
                "in_force", "renewal_window"], "expired"),
    "vary": (["in_force", "renewal_window"], ("in_force", "renewal_window", "draft_agreed")),
    "terminate": (["in_force", "renewal_window"], "terminated"),
}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_transition_is_declared_once_with_its_source_and_target(name):
    spec = build_transitions()[name]
    sources, target = TABLE[name]
    assert sorted(spec.sources) == sorted(sources)
    allowed = getattr(spec.target, "allowed_states", None)
    assert (tuple(sorted(allowed)) if allowed else spec.target) == (tuple(sorted(target)) if isinstance(
        target, tuple) else target)


def test_the_engine_alone_takes_the_clock_and_vote_steps():
    specs = build_transitions()
    assert {n for n, s in specs.items() if s.system_only} == {
        "lapse_offer", "pass_congress", "fail_congress", "take_effect", "open_renewal", "expire"}


@pytest.mark.parametrize(
    "state, action, data, who",
    [
        ("teams", "send_offer", {"topics": "工资", "delivered_on": "2026-03-02"}, ["employer1", "rep1", "committee"]),
        ("negotiating", "record_round", {"minutes": "记录"}, ["rep1", "committee", "member", "auditor"]),
        ("round", "agree_draft", {"document": 1}, ["rep1", "committee", "auditor"]),
        ("signed", "file", {"filed_on": "2026-03-02"}, ["rep1", "member", "auditor"]),
        ("effective", "publish", {"channel": "notice_board", "published_on": "2026-03-02"}, ["rep2", "committee"]),
    ],
)
def test_denied_people_change_nothing(walk, people, api, state, action, data, who):
    case = walk(state)
    before = (case.state, case.version, case_events(case).count())
    for username in who:
        r = api(getattr(people, username)).post(f"/api/v1/contracts/{case.pk}/transitions/{action}/", data,
                                                format="json")
        assert r.status_code in (403, 404), (username, r.status_code)
        fresh = Contract.objects.get(pk=case.pk)
        assert (fresh.state, fresh.version, case_events(fresh).count()) == before


def test_the_transitions_list_offers_the_chair_the_teams_form(walk, people, api):
    case = walk("preparing")
    r = api(people.chair).get(f"/api/v1/contracts/{case.pk}/transitions/")
    assert r.status_code == 200
    body = r.json()
    rows = body["transitions"] if isinstance(body, dict) else body
    names = {t["name"]: t for t in rows}
    assert "set_teams" in names
    fields = {f["name"] for f in names["set_teams"]["fields"]}
    assert {"union_team", "employer_team", "union_chief", "employer_chief", "delegation"} <= fields


def test_suspension_reminds_the_day_before_resuming_and_resume_reopens_talks(walk, people, clock):
    case = walk("negotiating")
    svc.contract_suspend(case=case, actor=people.employer1, resume_on=DAY0 + D(10))
    assert Contract.objects.get(pk=case.pk).state == "negotiating"  # 第三十五条: the union must agree
    svc.contract_suspend(case=case, actor=people.chair, resume_on=DAY0 + D(11))
    assert Contract.objects.get(pk=case.pk).state == "negotiating"  # another date: now the employer must agree
    svc.contract_suspend(case=case, actor=people.employer1, resume_on=DAY0 + D(10))
    svc.contract_suspend(case=case, actor=people.chair, resume_on=DAY0 + D(10))
    assert Contract.objects.get(pk=case.pk).state == "suspended"
    sweep(now=at(DAY0 + D(9)))
    assert Notification.objects.filter(user=people.chair, kind="deadline_approaching").exists()
    clock.set(DAY0 + D(10))
    svc.contract_resume(case=case, actor=people.chair)
    svc.contract_resume(case=case, actor=people.employer1)
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "negotiating" and case.resume_on is None
    assert CaseDeadline.objects.get(case_id=case.pk, rule_id="contract.suspension").status == "met"


def suspended(walk, people):
    case = walk("negotiating")
    for who in (people.employer1, people.chair):
        svc.contract_suspend(case=case, actor=who, resume_on=DAY0 + D(10))
    return Contract.objects.get(pk=case.pk)


def snapshot(case):
    fresh = Contract.objects.get(pk=case.pk)
    return fresh.state, fresh.version, case_events(fresh).count()


def test_resuming_needs_both_chiefs_consent(walk, people, api):
    """第三十五条: one chief's consent to resume is recorded and leaves the talks suspended; the same chief again is a
    409 that changes nothing; a negotiator is refused; the other chief's consent resumes the talks."""
    case = suspended(walk, people)
    url = f"/api/v1/contracts/{case.pk}/transitions/resume/"
    r = api(people.chair).post(url, {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "suspended"
    assert case_events(case).last().payload["proposed_by"] == "union"
    assert CaseDeadline.objects.get(case_id=case.pk, rule_id="contract.suspension").status == "open"
    before = snapshot(case)
    r = api(people.chair).post(url, {}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "contract.mutual" and "第三十五条" in r.json()["detail"]
    r = api(people.rep1).post(url, {}, format="json")
    assert r.status_code in (403, 404)
    assert snapshot(case) == before
    r = api(people.employer1).post(url, {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "negotiating"
    assert case_events(case).last().payload["agreed"] is True
    assert Contract.objects.get(pk=case.pk).resume_proposed_by == ""


def test_ending_coordination_needs_both_chiefs_consent_to_one_result(walk, people, api):
    """第五十条: the coordination agreement is signed by both chiefs. The first chief records the result (without one,
    a 400 and nothing changes); the other confirms it (empty or the same text). A different text is a new proposal
    that the first chief must confirm."""
    case = walk("negotiating")
    svc.contract_request_coordination(case=case, actor=people.chair, reason="工资增幅分歧")
    url = f"/api/v1/contracts/{case.pk}/transitions/end_coordination/"
    before = snapshot(case)
    r = api(people.employer1).post(url, {}, format="json")
    assert r.status_code == 400 and "result" in r.json()["fields"]
    assert snapshot(case) == before
    r = api(people.employer1).post(url, {"result": "增幅4% Agreed on 4%"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "coordination"
    r = api(people.chair).post(url, {"result": "增幅5% Agreed on 5%"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "coordination"  # another result: the employer must agree
    assert Contract.objects.get(pk=case.pk).coordination_end_proposed_by == "union"
    r = api(people.employer1).post(url, {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "negotiating"
    case = Contract.objects.get(pk=case.pk)
    assert case.coordination_result == "增幅5% Agreed on 5%" and case.coordination_end_proposed_by == ""
    assert CaseDeadline.objects.get(case_id=case.pk, rule_id="contract.coordination").status == "met"


def test_coordination_runs_30_days_and_is_extended_once_by_at_most_15(walk, people, clock, api):
    """第四十九–五十条: 30 days from the request, extendable once by at most 15 days: 16 days is a 400, 15 days are
    taken, a second extension (even of 1 day) is a 409 naming the rule; refusals change nothing."""
    case = walk("negotiating")
    svc.contract_request_coordination(case=case, actor=people.chair, reason="工资增幅分歧")
    row = CaseDeadline.objects.get(case_id=case.pk, rule_id="contract.coordination", status="open")
    assert row.due_on == dt.date(2026, 4, 1)  # 2 March + 30 days, a Wednesday
    url = f"/api/v1/contracts/{case.pk}/deadlines/contract.coordination/extend/"
    before = case_events(case).count()
    r = api(people.committee).post(url, {"days": 16, "reason": "案情复杂"}, format="json")
    assert r.status_code == 400 and "days" in r.json()["fields"] and "15" in r.json()["detail"]
    r = api(people.committee).post(url, {"days": 15, "reason": "案情复杂"}, format="json")
    assert r.status_code == 200, r.json()
    row = CaseDeadline.objects.get(case_id=case.pk, rule_id="contract.coordination", status="open")
    assert row.due_on == dt.date(2026, 4, 16)  # 1 April + 15 days
    r = api(people.committee).post(url, {"days": 1, "reason": "仍需时间"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "extended_enough"
    assert "第五十条" in r.json()["detail"] and r.json()["rule"] == "contract.coordination"
    assert case_events(case).count() == before + 1
    assert CaseDeadline.objects.get(case_id=case.pk, rule_id="contract.coordination", status="open").pk == row.pk
    svc.contract_end_coordination(case=case, actor=people.employer1, result="双方同意增幅5% Agreed on 5%")
    svc.contract_end_coordination(case=case, actor=people.chair, result="")
    assert Contract.objects.get(pk=case.pk).state == "negotiating"


def _propose_variation(case, people, upload, text="变更后文本 v2"):
    """Both chiefs confirm the varied text (第四十条): the first confirmation leaves the contract in force."""
    varied = upload(case, people.chair, text, previous=case.passed_document)
    before = Contract.objects.get(pk=case.pk).state
    svc.contract_vary(case=case, actor=people.employer1, grounds="agreed", document=varied)
    assert Contract.objects.get(pk=case.pk).state == before
    svc.contract_vary(case=case, actor=people.chair, grounds="agreed", document=varied)
    return varied


def test_a_variation_goes_through_a_new_congress_vote_signing_and_refiling_within_10_days(walk, people, upload, clock):
    """第四十条 (the procedure of conclusion): both chiefs confirm the varied version → a congress vote with the legal
    thresholds (N = 6: 4 present / 3 yes passes) → both chiefs sign that version (the old signatures do not count)
    → re-filed within 10 days of the second signature → effective with the term running on → published."""
    case = walk("in_force")
    expires, old_sha = case.expires_on, case.passed_sha256
    clock.set(DAY0 + D(40))
    varied = _propose_variation(case, people, upload)
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "draft_agreed" and case.draft == varied and case.passed_sha256 == old_sha
    assert case.end_grounds == "agreed" and not CaseDeadline.objects.filter(
        case_id=case.pk, rule_id="contract.filing", status="open").exists()
    svc.contract_submit_to_congress(case=case, actor=people.chair, method="paper")
    case = close_vote(case, people.committee, present=4, yes=3)
    assert case.state == "passed" and case.passed_sha256 == varied.sha256
    assert case.union_signed_at is None and case.employer_signed_at is None
    clock.set(DAY0 + D(41))
    for who in (people.chair, people.employer1):
        svc.contract_sign(case=case, actor=who)
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "signed" and case.signed_on == DAY0 + D(41)
    assert case.filing_due_on == DAY0 + D(51)  # Wednesday 22 April 2026
    assert Signature.objects.filter(document=varied, document_sha256=varied.sha256).count() == 2
    clock.set(DAY0 + D(51))
    svc.contract_file(case=case, actor=people.employer1, filed_on=DAY0 + D(51))
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "filed" and not case.filed_late
    sweep(now=at(case.review_due_on + D(1), hour=1))
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "effective" and case.expires_on == expires
    assert CaseDeadline.objects.get(case_id=case.pk, rule_id="contract.term", status="open").due_on == expires
    clock.set(case.review_due_on + D(2))
    svc.contract_publish(case=case, actor=people.chair, channel="notice_board", published_on=clock.today)
    assert Contract.objects.get(pk=case.pk).state == "in_force"


def test_a_variation_the_congress_does_not_pass_leaves_the_contract_in_force_unchanged(walk, people, upload, clock):
    """第三十六条: with N = 6, 3 present is below ⌈2N/3⌉ = 4: the variation fails and the text in force stays."""
    case = walk("in_force")
    old = (case.passed_document_id, case.passed_sha256, case.union_signed_at, case.signed_on)
    clock.set(DAY0 + D(40))
    _propose_variation(case, people, upload)
    svc.contract_submit_to_congress(case=case, actor=people.chair, method="paper")
    case = close_vote(case, people.committee, present=3, yes=3)
    assert case.state == "in_force" and case_events(case).last().action == "fail_congress"
    assert (case.passed_document_id, case.passed_sha256, case.union_signed_at, case.signed_on) == old
    assert case.draft_id == case.passed_document_id


def test_a_variation_failing_in_the_renewal_window_returns_there(walk, people, upload, clock):
    case = walk("in_force")  # the renewal window opens on 18 December 2026
    sweep(now=at(dt.date(2026, 12, 18), hour=1))
    clock.set(dt.date(2026, 12, 21))
    _propose_variation(case, people, upload)
    svc.contract_submit_to_congress(case=case, actor=people.chair, method="paper")
    assert close_vote(case, people.committee, present=6, yes=2).state == "renewal_window"


def test_a_variation_must_change_the_text_in_force_and_vary_alone_changes_nothing(walk, people, api):
    case = walk("in_force")
    url = f"/api/v1/contracts/{case.pk}/transitions/vary/"
    r = api(people.chair).post(url, {"grounds": "agreed", "document": case.passed_document_id}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "contract.variation" and "第四十条" in r.json()["detail"]
    r = api(people.rep1).post(url, {"grounds": "agreed", "document": case.passed_document_id}, format="json")
    assert r.status_code in (403, 404)
    fresh = Contract.objects.get(pk=case.pk)
    assert (fresh.state, fresh.version) == (case.state, case.version)


def test_termination_ends_the_contract_and_its_timers(walk, people, api):
    case = walk("in_force")
    r = api(people.chair).post(f"/api/v1/contracts/{case.pk}/transitions/terminate/", {"grounds": "nonsense"},
                               format="json")
    assert r.status_code == 400 and "grounds" in r.json()["fields"]
    r = api(people.chair).post(f"/api/v1/contracts/{case.pk}/transitions/terminate/",
                               {"grounds": "merger", "reason": "企业被兼并"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "terminated"
    assert not CaseDeadline.objects.filter(case_id=case.pk, status="open").exists()


def test_both_chiefs_sign_the_minutes_of_a_round(walk, people, api):
    """第三十四条: the recording chief signs with the record; the other signs once, a second time is refused."""
    case = walk("round")  # recorded by the chair
    rnd = case.rounds.get()
    assert rnd.union_signed_at is not None and rnd.employer_signed_at is None
    r = api(people.chair).post(f"/api/v1/contracts/{case.pk}/transitions/sign_minutes/", {}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "contract.minutes"
    r = api(people.employer1).post(f"/api/v1/contracts/{case.pk}/transitions/sign_minutes/", {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "negotiating"
    assert case.rounds.get().employer_signed_at is not None
    assert case_events(case).last().payload["rounds"] == [1]
    r = api(people.employer1).post(f"/api/v1/contracts/{case.pk}/transitions/sign_minutes/", {}, format="json")
    assert r.status_code == 409
