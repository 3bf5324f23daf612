"""The case page as an office worker reads it: where the case stands, what they may do now and why not,
people and proposals chosen by name, and an audit trail in words."""

import datetime as dt

from django.urls import reverse

from processes.proposals import services as svc
from processes.proposals.models import Proposal
from workflow.audit import case_events

from .conftest import at


def page(client, case) -> str:
    r = client.get(reverse("ui:proposals:detail", kwargs={"pk": case.pk}))
    assert r.status_code == 200
    return r.content.decode()


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start:html.index("</form>" if element_id == "uf-decision" else "</div>", start)]


def test_the_stepper_shows_the_way_where_the_case_is_and_what_comes_next(people, walk, client, clock):
    clock.set(dt.date(2026, 3, 3))
    case = walk("submitted")
    client.force_login(people.rep1)
    stepper = section(page(client, case), "uf-progress")
    states = ["draft", "cosigning", "submitted", "under_review", "accepted", "assigned", "in_progress", "replied",
              "closed", "archived"]
    positions = [stepper.index(f'data-state="{s}"') for s in states]
    assert positions == sorted(positions)
    assert 'data-state="submitted" data-status="current" aria-current="step"' in stepper
    assert 'data-state="cosigning" data-status="done"' in stepper
    assert 'data-state="replied" data-status="todo"' in stepper
    assert "rejected" not in stepper  # an early ending is not on the way


def test_a_case_off_the_way_is_shown_in_place_of_the_way_at_its_step(people, walk, client, clock):
    clock.set(dt.date(2026, 3, 3))
    case = walk("under_review")
    svc.proposal_reject(case=case, actor=people.review1, reason="不属于提案范围 Out of scope.", now=at(dt.date(2026, 3, 3)))
    client.force_login(people.rep1)
    html = page(client, case)
    stepper = section(html, "uf-progress")
    assert 'data-state="rejected" data-status="current"' in stepper and "accepted" not in stepper
    assert "已结束 This case has ended." in html


def test_fields_are_grouped_and_empty_ones_hidden(people, walk, client, clock):
    clock.set(dt.date(2026, 3, 3))
    case = walk("draft")
    client.force_login(people.rep1)
    html = page(client, case)
    card = html[html.index('id="uf-progress"'):]
    card = card[:card.index('class="uf-card"')]
    assert "案件 Case" in card and "详情 Details" in card and "类别 Category" in card
    # A draft has no supervisor, replies or closing date yet: those rows are left out.
    for empty in ("督办领导 Supervising leader", "答复 Replies", "办结日期", "—</dd>"):
        assert empty not in card


def test_deadlines_are_named_in_words(people, walk, client, clock):
    clock.set(dt.date(2026, 3, 3))
    case = walk("cosigning", on=dt.date(2026, 3, 3))
    client.force_login(people.rep1)
    html = page(client, case)
    table = html[html.index("期限 Deadlines"):]
    assert "附议征集期 Co-signing window" in table
    assert ">proposal.cosign_window<" not in table


def test_a_submit_a_guard_would_refuse_is_shown_disabled_with_the_reason(people, walk, client, api, clock):
    """One co-signer of two: submit is listed, disabled, saying why (the guard the service runs)."""
    clock.set(dt.date(2026, 3, 3))
    case = walk("cosigning", on=dt.date(2026, 3, 3))
    svc.proposal_cosign(case=case, actor=people.rep2, now=at(dt.date(2026, 3, 3)))
    client.force_login(people.rep1)
    form = section(page(client, case), "uf-actions")
    submit = form[form.index('data-action="submit"'):]
    submit = submit[:submit.index("</form>")]
    assert "disabled" in submit and "At least 2 confirmed co-signers are required" in submit and "1 confirmed" in submit
    listed = api(people.rep1).get(f"/api/v1/proposals/{case.pk}/transitions/").json()["transitions"]
    blocked = {t["name"]: t["blocked"] for t in listed}
    assert "1 confirmed" in blocked["submit"] and blocked["withdraw"] is None
    # With the second co-signature the same button is enabled.
    svc.proposal_cosign(case=case, actor=people.rep3, now=at(dt.date(2026, 3, 3)))
    form = section(page(client, case), "uf-actions")
    submit = form[form.index('data-action="submit"'):]
    assert "disabled" not in submit[:submit.index("</form>")]


def test_the_review_is_one_decision_with_destructive_outcomes_marked(people, walk, client, clock):
    clock.set(dt.date(2026, 3, 3))
    case = walk("under_review")
    client.force_login(people.review1)
    decision = section(page(client, case), "uf-decision")
    for outcome in ("accept", "convert", "reject", "return_for_revision", "merge"):
        assert f'name="outcome" value="{outcome}"' in decision
    assert 'value="reject" required data-destructive="1"' in decision
    assert 'value="accept" required data-destructive="0"' in decision
    r = client.post(
        reverse("ui:proposals:decide", kwargs={"pk": case.pk}),
        {"outcome": "return_for_revision", "return_for_revision-reason": "请补充措施 Add measures.",
         "reject-reason": "ignored"},
    )
    assert r.status_code == 302
    case = Proposal.objects.get(pk=case.pk)
    assert case.state == "returned" and case_events(case).last().payload["input"] == {"reason": "请补充措施 Add measures."}


def test_cosigners_are_picked_by_name_and_the_api_takes_usernames_or_ids(people, walk, client, api, clock):
    people.rep2.first_name, people.rep2.last_name = "芳", "李"
    people.rep2.save()
    clock.set(dt.date(2026, 3, 3))
    case = walk("draft")
    client.force_login(people.rep1)
    form = section(page(client, case), "uf-actions")
    assert '<option value="rep2">' in form and ("李芳 (rep2)" in form or "芳 李 (rep2)" in form)
    assert '<option value="rep1">' not in form  # not the proposer
    r = api(people.rep1).post(
        f"/api/v1/proposals/{case.pk}/transitions/invite_cosigners/",
        {"cosigners": [people.rep2.pk, "rep3"]}, format="json",
    )
    assert r.status_code == 200, r.content
    assert sorted(Proposal.objects.get(pk=case.pk).cosigners.values_list("user__username", flat=True)) == ["rep2", "rep3"]


def test_an_unknown_cosigner_is_named_in_a_sentence_not_a_structure(people, walk, api, clock):
    clock.set(dt.date(2026, 3, 3))
    case = walk("draft")
    r = api(people.rep1).post(
        f"/api/v1/proposals/{case.pk}/transitions/invite_cosigners/", {"cosigners": ["rep2", "nobody"]}, format="json"
    )
    assert r.status_code == 400
    assert r.json()["fields"]["cosigners"] == ["未知用户 Unknown users: nobody"]


def test_merge_target_is_picked_by_reference(people, walk, client, api, clock):
    clock.set(dt.date(2026, 3, 3))
    target = walk("under_review", title="食堂 A")
    case = walk("under_review", title="食堂 B")
    client.force_login(people.review1)
    decision = section(page(client, case), "uf-decision")
    assert f'<option value="{target.reference}">' in decision and f"{target.reference} · 食堂 A" in decision
    r = api(people.review1).post(
        f"/api/v1/proposals/{case.pk}/transitions/merge/", {"into": target.reference}, format="json"
    )
    assert r.status_code == 200, r.content
    assert Proposal.objects.get(pk=case.pk).merged_into_id == target.pk


def test_the_supervisor_is_picked_by_name_and_accepted_by_username(people, walk, api, clock, orgs):
    clock.set(dt.date(2026, 3, 3))
    case = walk("accepted")
    r = api(people.review1).post(
        f"/api/v1/proposals/{case.pk}/transitions/assign/",
        {"lead_department": orgs.dept.code, "supervisor": "chair"}, format="json",
    )
    assert r.status_code == 200, r.content
    assert Proposal.objects.get(pk=case.pk).supervisor == people.chair


def test_the_audit_trail_names_every_role_and_choice_in_words(people, walk, client, clock):
    clock.set(dt.date(2026, 3, 3))
    case = walk("submitted")
    roles = [e.actor_role for e in case_events(case)]
    assert roles == ["representative", "proposer", "cosigner", "cosigner", "proposer"]
    client.force_login(people.rep1)
    timeline = page(client, case)
    timeline = timeline[timeline.index('id="uf-timeline"'):]
    assert timeline.count("<td>提案人 Proposer</td>") == 2 and timeline.count("<td>附议人 Co-signer</td>") == 2
    assert "category: 生活后勤 Living and services" in timeline
    assert "<td>—</td>\n        <td>—</td>" not in timeline.split("uf-event")[2]


def test_a_reply_attaches_a_document_chosen_or_uploaded_in_the_same_form(people, walk, client, clock):
    """The reply form offers the proposal's documents by name and takes a new file too; both are attached."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workflow.documents.services import document_upload

    clock.set(dt.date(2026, 3, 3))
    case = walk("in_progress")
    earlier = document_upload(
        process="proposals", case_id=case.pk, user=people.dept1,
        file=SimpleUploadedFile("方案.txt", "改造方案\n".encode(), content_type="text/plain"),
    )
    client.force_login(people.dept1)
    html = page(client, case)
    form = html[html.index('data-action="reply"'):html.index('id="uf-timeline"')]
    assert f'<option value="{earlier.pk}">方案.txt (v1)</option>' in form and 'name="attachments__upload"' in form
    r = client.post(
        reverse("ui:proposals:transition", kwargs={"pk": case.pk, "name": "reply"}),
        {"text": "已落实 Done.", "classification": "A", "attachments": [str(earlier.pk)],
         "attachments__upload": SimpleUploadedFile("验收.txt", "验收记录\n".encode(), content_type="text/plain")},
    )
    assert r.status_code == 302
    reply = Proposal.objects.get(pk=case.pk).replies.get()
    assert [a["name"] for a in reply.attachments] == ["方案.txt", "验收.txt"]


def test_an_english_reader_sees_audit_details_and_roles_in_english(people, walk, client, clock):
    clock.set(dt.date(2026, 3, 3))
    case = walk("submitted")
    client.force_login(people.rep1)
    client.cookies["django_language"] = "en"
    timeline = page(client, case)
    timeline = timeline[timeline.index('id="uf-timeline"'):]
    assert "category: Living and services" in timeline and "生活后勤" not in timeline
    assert "<td>Proposer</td>" in timeline
