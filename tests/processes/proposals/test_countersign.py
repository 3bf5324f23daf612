"""会签 and 督办: co-departments countersign each reply round before the lead department replies;
a supervising leader named at assignment receives the overdue-reply escalation."""

import datetime as dt

import pytest
from django.urls import reverse

from processes.proposals import services as svc
from processes.proposals.lifecycle import ALREADY_COUNTERSIGNED
from processes.proposals.models import Proposal, ProposalCountersign
from processes.proposals.serializers import SUPERVISOR_NOT_ELIGIBLE
from tests.support.pdf import text_of
from workflow.audit import case_events, chain_valid
from workflow.deadlines.timers import sweep
from workflow.models import Organisation, OrgKind, RoleAssignment
from workflow.notifications.models import Notification
from workflow.roles import Role

from .conftest import at


@pytest.fixture
def logistics(orgs):
    return Organisation.objects.create(code="acme-logistics", name="后勤保障部", kind=OrgKind.DEPARTMENT, parent=orgs.acme)


@pytest.fixture
def dept3(make_user, logistics):
    return make_user("dept3", (Role.DEPARTMENT, logistics))


@pytest.fixture
def committee1(make_user, orgs):
    return make_user("committee1", Role.UNION_COMMITTEE, org=orgs.acme)


@pytest.fixture
def handled(people, orgs, walk, logistics, dept3):
    """handled() → a proposal of rep1 in progress at the office, with 人力资源部 and 后勤保障部 as co-departments."""

    def go(supervisor=None, co_departments=None):
        case = walk("accepted")
        co = [people.dept2_org, logistics] if co_departments is None else co_departments
        case = svc.proposal_assign(case=case, actor=people.review1, lead_department=orgs.dept, co_departments=co,
                                   supervisor=supervisor)
        return svc.proposal_acknowledge(case=case, actor=people.dept1)

    return go


def url(case, name):
    return f"/api/v1/proposals/{case.pk}/transitions/{name}/"


REPLY = {"text": "已落实 Done.", "classification": "A"}


def snapshot(case):
    case = Proposal.objects.get(pk=case.pk)
    return case.state, case.version, case_events(case).count(), ProposalCountersign.objects.filter(proposal=case).count()


def test_the_reply_waits_until_both_co_departments_have_countersigned(people, dept3, handled, api):
    case = handled()
    r = api(people.dept2).post(url(case, "countersign"), {"opinion": "同意 Agreed."}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "in_progress"

    before = snapshot(case)
    r = api(people.dept1).post(url(case, "reply"), REPLY, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "proposal.countersign"
    # The department still missing is named; the one that signed is not.
    assert "后勤保障部" in r.json()["detail"] and "人力资源部" not in r.json()["detail"]
    assert snapshot(case) == before and not case.replies.exists()

    assert api(dept3).post(url(case, "countersign"), {}, format="json").status_code == 200
    r = api(people.dept1).post(url(case, "reply"), REPLY, format="json")
    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert case.state == "replied"
    reply_event = case_events(case).last()
    assert [d["code"] for d in reply_event.payload["countersigned_by"]] == ["acme-hr", "acme-logistics"]


def test_without_co_departments_the_reply_needs_no_countersign(people, handled, api):
    case = handled(co_departments=[])
    assert case.awaiting_countersign() == []
    assert api(people.dept1).post(url(case, "reply"), REPLY, format="json").status_code == 200


def test_only_co_department_staff_countersign(people, orgs, handled, make_user, api):
    case = handled()
    finance = Organisation.objects.create(code="acme-finance", name="财务部", kind=OrgKind.DEPARTMENT, parent=orgs.acme)
    outsider = make_user("dept9", (Role.DEPARTMENT, finance))
    before = snapshot(case)
    # The lead department, the proposer (a member and representative) and the chair see the case but may not countersign.
    for user in (people.dept1, people.rep1, people.chair):
        r = api(user).post(url(case, "countersign"), {"opinion": "同意"}, format="json")
        assert r.status_code == 403, (user.username, r.content)
    # A plain member and another department's staff do not even see it.
    for user in (people.member, outsider):
        assert api(user).post(url(case, "countersign"), {}, format="json").status_code == 404
    assert snapshot(case) == before


def test_countersigning_waits_for_the_lead_department_to_acknowledge(people, orgs, walk, api):
    case = walk("accepted")
    case = svc.proposal_assign(case=case, actor=people.review1, lead_department=orgs.dept,
                               co_departments=[people.dept2_org])
    r = api(people.dept2).post(url(case, "countersign"), {}, format="json")
    assert r.status_code == 409
    assert not ProposalCountersign.objects.filter(proposal=case).exists()


def test_a_department_countersigns_once_per_round(people, handled, api):
    case = handled()
    assert api(people.dept2).post(url(case, "countersign"), {}, format="json").status_code == 200
    before = snapshot(case)
    r = api(people.dept2).post(url(case, "countersign"), {"opinion": "再签 Again."}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "proposal.countersign_once"
    assert r.json()["detail"] == str(ALREADY_COUNTERSIGNED % {"name": "人力资源部"})
    assert snapshot(case) == before


def test_staff_of_both_co_departments_sign_for_each_in_turn(people, logistics, handled, api):
    RoleAssignment.objects.create(user=people.dept2, organisation=logistics, role=Role.DEPARTMENT,
                                  valid_from=dt.date(2000, 1, 1))
    case = handled()
    # Naming a department they do not act for is bad input.
    r = api(people.dept2).post(url(case, "countersign"), {"department": "acme-office"}, format="json")
    assert r.status_code == 400 and "department" in r.json()["fields"]
    r = api(people.dept2).post(url(case, "countersign"), {"department": "acme-logistics"}, format="json")
    assert r.status_code == 200
    assert api(people.dept2).post(url(case, "countersign"), {}, format="json").status_code == 200
    assert api(people.dept2).post(url(case, "countersign"), {}, format="json").status_code == 409
    assert set(case.countersigns.values_list("department__code", flat=True)) == {"acme-hr", "acme-logistics"}
    assert api(people.dept1).post(url(case, "reply"), REPLY, format="json").status_code == 200


def test_a_failed_countersign_request_is_logged_and_the_acknowledgement_stands(
    people, handled, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("mail server down")

    monkeypatch.setattr("processes.proposals.notices.notify", broken)
    with django_capture_on_commit_callbacks(execute=True):
        case = handled()
    assert Proposal.objects.get(pk=case.pk).state == "in_progress"
    # The worker's task that sends the request failed, and said so in its log.
    assert "send_notice" in caplog.text and "mail server down" in caplog.text


def test_a_rehandling_round_needs_fresh_countersigns(people, dept3, handled, clock, django_capture_on_commit_callbacks):
    asked = Notification.objects.filter(kind="new_task", title__contains="待会签")
    with django_capture_on_commit_callbacks(execute=True):
        case = handled()
    assert set(asked.values_list("user__username", flat=True)) == {"dept2", "dept3"}
    for user in (people.dept2, dept3):
        svc.proposal_countersign(case=case, actor=user)
    svc.proposal_reply(case=case, actor=people.dept1, **REPLY)
    clock.set(clock.today + dt.timedelta(days=1))  # the proposer rates the reply a day later
    with django_capture_on_commit_callbacks(execute=True):
        case = svc.proposal_rate(case=case, actor=people.rep1, rating="unsatisfied", comment="未落实 Not done.")
    assert case.state == "rehandling"
    # Each co-department is asked again for the new round.
    assert asked.filter(user=people.dept2).count() == 2 and asked.filter(user=dept3).count() == 2

    from workflow.errors import GuardFailed

    with pytest.raises(GuardFailed) as refused:
        svc.proposal_reply(case=case, actor=people.dept1, text="再次答复 Again.", classification="B")
    assert refused.value.rule == "proposal.countersign"
    assert "人力资源部" in refused.value.detail and "后勤保障部" in refused.value.detail

    for user in (people.dept2, dept3):
        svc.proposal_countersign(case=case, actor=user, opinion="第二轮 Round two.")
    case = svc.proposal_reply(case=case, actor=people.dept1, text="再次答复 Again.", classification="B")
    assert case.state == "replied"
    assert sorted(case.countersigns.values_list("round", "department__code")) == [
        (1, "acme-hr"), (1, "acme-logistics"), (2, "acme-hr"), (2, "acme-logistics"),
    ]


def test_a_countersign_is_one_audit_event_naming_department_and_round(people, handled, api):
    case = handled()
    before = case_events(case).count()
    api(people.dept2).post(url(case, "countersign"), {"opinion": "同意主办意见"}, format="json")
    events = list(case_events(case))[before:]
    assert len(events) == 1
    event = events[0]
    assert (event.action, event.from_state, event.to_state, event.actor_name) == (
        "countersign", "in_progress", "in_progress", "dept2",
    )
    assert event.payload["department"] == {"code": "acme-hr", "name": "人力资源部"}
    assert event.payload["round"] == 1 and event.payload["input"]["opinion"] == "同意主办意见"
    assert chain_valid(case)


def test_countersigns_show_on_the_api_the_page_and_the_form_pdf(people, handled, api, client):
    from processes.proposals.pdf import proposal_form_pdf

    case = handled()
    svc.proposal_countersign(case=case, actor=people.dept2, opinion="人事方面无异议")
    body = api(people.rep1).get(f"/api/v1/proposals/{case.pk}/").json()
    assert [(c["department"]["code"], c["round"], c["opinion"]) for c in body["countersigns"]] == [
        ("acme-hr", 1, "人事方面无异议")
    ]
    assert [d["code"] for d in body["countersign_missing"]] == ["acme-logistics"]

    client.force_login(people.rep1)
    html = client.get(reverse("ui:proposals:detail", kwargs={"pk": case.pk})).content.decode()
    assert 'id="uf-countersigns"' in html and "人事方面无异议" in html
    missing = html.split('id="uf-countersign-missing"')[1].split("</p>")[0]
    assert "后勤保障部" in missing and "人力资源部" not in missing
    assert "人事方面无异议" in text_of(proposal_form_pdf(Proposal.objects.get(pk=case.pk)))


def test_countersigning_from_the_case_page(people, handled, client):
    case = handled()
    client.force_login(people.dept2)
    html = client.get(reverse("ui:proposals:detail", kwargs={"pk": case.pk})).content.decode()
    assert 'data-action="countersign"' in html
    client.post(reverse("ui:proposals:transition", kwargs={"pk": case.pk, "name": "countersign"}),
                {"opinion": "同意 Agreed."})
    sign = ProposalCountersign.objects.get(proposal=case)
    assert (sign.department.code, sign.signed_by, sign.opinion) == ("acme-hr", people.dept2, "同意 Agreed.")
    assert case_events(case).last().channel == "ui"


# 督办 ----------------------------------------------------------------------------------------------
def test_the_supervisor_must_be_the_chair_or_a_union_committee_member(people, orgs, walk, committee1, make_user, api):
    case = walk("accepted")
    beta_chair = make_user("bchair", Role.CHAIR, org=orgs.beta)
    data = {"lead_department": "acme-office"}
    for who in (people.rep2, people.dept1, beta_chair):
        r = api(people.review1).post(url(case, "assign"), {**data, "supervisor": who.pk}, format="json")
        assert r.status_code == 400, who.username
        assert r.json()["fields"]["supervisor"] == [str(SUPERVISOR_NOT_ELIGIBLE)]
    for bad in (999999, "abc"):
        assert api(people.review1).post(url(case, "assign"), {**data, "supervisor": bad}, format="json").status_code == 400
    assert Proposal.objects.get(pk=case.pk).state == "accepted"

    r = api(people.review1).post(url(case, "assign"), {**data, "supervisor": committee1.pk}, format="json")
    assert r.status_code == 200, r.content
    assert Proposal.objects.get(pk=case.pk).supervisor == committee1
    assert api(people.rep1).get(f"/api/v1/proposals/{case.pk}/").json()["supervisor"]["username"] == "committee1"


def test_the_chair_may_supervise_and_the_page_names_the_supervisor(people, orgs, walk, client):
    case = walk("accepted")
    case = svc.proposal_assign(case=case, actor=people.review1, lead_department=orgs.dept, supervisor=people.chair)
    client.force_login(people.rep1)
    html = client.get(reverse("ui:proposals:detail", kwargs={"pk": case.pk})).content.decode()
    assert "chair" in html.split('id="uf-supervisor"')[1].split("</dd>")[0]


def test_an_overdue_reply_escalates_to_the_supervisor_not_the_chair(people, committee1, handled):
    case = handled(supervisor=committee1)  # reply due Wednesday 1 April 2026
    sweep(now=at(dt.date(2026, 4, 1), hour=23))
    assert not Notification.objects.filter(kind="overdue_escalation").exists()
    counts = sweep(now=at(dt.date(2026, 4, 2)))
    assert counts["escalated"] == 1
    assert Notification.objects.filter(user=committee1, kind="overdue_escalation").count() == 1
    assert not Notification.objects.filter(user=people.chair, kind="overdue_escalation").exists()
    assert Proposal.objects.get(pk=case.pk).state == "in_progress"


def test_a_supervisor_who_left_office_leaves_the_escalation_to_the_chair(people, committee1, handled, clock):
    case = handled(supervisor=committee1)
    RoleAssignment.objects.filter(user=committee1).update(valid_to=dt.date(2026, 3, 31))
    clock.set(dt.date(2026, 4, 2))
    sweep(now=clock.now)
    assert Notification.objects.filter(user=people.chair, kind="overdue_escalation").count() == 1
    assert not Notification.objects.filter(user=committee1, kind="overdue_escalation").exists()
    assert Proposal.objects.get(pk=case.pk).supervisor == committee1


def test_assigning_two_co_departments_from_the_case_page_keeps_both(people, orgs, walk, logistics, client):
    case = walk("accepted")
    client.force_login(people.review1)
    r = client.post(
        reverse("ui:proposals:transition", kwargs={"pk": case.pk, "name": "assign"}),
        {"lead_department": "acme-office", "co_departments": ["acme-hr", "acme-logistics"]},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    case = Proposal.objects.get(pk=case.pk)
    assert case.state == "assigned"
    assert sorted(case.co_departments.values_list("code", flat=True)) == ["acme-hr", "acme-logistics"]


def test_a_claimed_reply_step_still_takes_countersigns_but_not_a_reply_by_another(people, handled, make_user, orgs, api):
    """Claiming the lead department's step reserves the reply to its claimant; co-departments still
    countersign (it leaves the state, and so the step, as it is)."""
    case = handled()
    colleague = make_user("dept1b", (Role.DEPARTMENT, orgs.dept))
    assert api(people.dept1).post(f"/api/v1/proposals/{case.pk}/claim/", {}, format="json").status_code == 200
    listed = api(people.dept2).get(f"/api/v1/proposals/{case.pk}/transitions/").json()["transitions"]
    assert [t["name"] for t in listed] == ["countersign"]
    assert api(colleague).get(f"/api/v1/proposals/{case.pk}/transitions/").json()["transitions"] == []
    assert api(people.dept2).post(url(case, "countersign"), {}, format="json").status_code == 200
    assert api(colleague).post(url(case, "reply"), REPLY, format="json").status_code == 403  # claimed by dept1
    assert ProposalCountersign.objects.filter(proposal=case).count() == 1
