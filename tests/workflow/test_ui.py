"""The web UI: login, inbox, case list, case page, action forms and the audit timeline.

Driven through the Django test client against the example process in tests/example_process.
"""

import datetime as dt

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from tests.example_process.models import ExampleRequest
from tests.support.db import audit_trigger_bypassed
from workflow import services
from workflow.audit import case_events
from workflow.deadlines import set_deadline
from workflow.models import AuditEvent, Delegation
from workflow.roles import Role
from workflow.templatetags.unionflow_ui import pick_language
from workflow.ui import case_list, forms


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "member2": make_user("m2", Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "outsider": make_user("b1", Role.MEMBER, org=orgs.beta),
            "auditor": make_user("aud", (Role.AUDITOR, orgs.fed)),
        },
    )


def new_case(user, orgs, submit=False, **data):
    case = services.create_case(
        process="examples", user=user, data={"organisation": orgs.acme.pk, "title": "Lamp", "amount": 100, **data}
    )
    if submit:
        case = services.perform_transition(process="examples", case_id=case.pk, name="submit", user=user)
    return case


def detail_url(case):
    return reverse("ui:examples:detail", kwargs={"pk": case.pk})


def action_url(case, name):
    return reverse("ui:examples:transition", kwargs={"pk": case.pk, "name": name})


def test_anonymous_is_sent_to_login_and_login_works(people, client):
    r = client.get("/examples/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=/examples/")
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "登录 Log in" in page.content.decode()
    bad = client.post("/accounts/login/", {"username": "m1", "password": "wrong"})
    assert bad.status_code == 200 and "_auth_user_id" not in client.session
    r = client.post("/accounts/login/", {"username": "m1", "password": "pw-secret-1", "next": "/examples/"})
    assert r.status_code == 302 and r["Location"] == "/examples/"
    assert client.get("/examples/").status_code == 200


def test_root_opens_the_inbox_which_lists_awaiting_items(people, orgs, client):
    case = new_case(people.member, orgs, submit=True)
    client.force_login(people.committee)
    r = client.get("/", follow=True)
    assert r.redirect_chain[-1][0] == reverse("ui:inbox:index")
    body = r.content.decode()
    assert case.reference in body and detail_url(case) in body
    assert "审批 Decide" in body
    client.force_login(people.member2)
    assert case.reference not in client.get(reverse("ui:inbox:index")).content.decode()


def test_list_shows_only_visible_cases_and_filters(people, orgs, make_user, client):
    mine = new_case(people.member, orgs, title="Desk lamp")
    other = new_case(people.member2, orgs, title="Chair", submit=True)
    client.force_login(people.member)
    body = client.get("/examples/").content.decode()
    assert mine.reference in body and other.reference not in body

    client.force_login(people.committee)
    body = client.get("/examples/").content.decode()
    assert mine.reference in body and other.reference in body
    body = client.get("/examples/", {"state": "submitted"}).content.decode()
    assert other.reference in body and mine.reference not in body
    body = client.get("/examples/", {"q": "desk"}).content.decode()
    assert mine.reference in body and other.reference not in body
    body = client.get("/examples/", {"organisation": "beta"}).content.decode()
    assert mine.reference not in body and other.reference not in body

    client.force_login(people.outsider)
    body = client.get("/examples/").content.decode()
    assert mine.reference not in body and other.reference not in body


def test_outsider_gets_404_on_the_case_page_and_its_actions(people, orgs, client):
    case = new_case(people.member, orgs)
    client.force_login(people.outsider)
    assert client.get(detail_url(case)).status_code == 404
    assert client.post(action_url(case, "submit"), {"expected_version": 1}).status_code == 404
    case.refresh_from_db()
    assert case.state == "draft" and case_events(case).count() == 1


def test_create_through_the_form_opens_a_case(people, orgs, client):
    client.force_login(people.member)
    page = client.get(reverse("ui:examples:create")).content.decode()
    assert 'name="title"' in page and 'name="amount"' in page and "acme" in page and "beta" not in page
    r = client.post(reverse("ui:examples:create"), {"organisation": orgs.acme.pk, "title": "Fan", "amount": "40"})
    case = ExampleRequest.objects.get(title="Fan")
    assert r.status_code == 302 and r["Location"] == detail_url(case)
    assert case.created_by == people.member and case.amount == 40


def test_create_with_bad_input_keeps_the_input_and_creates_nothing(people, orgs, client):
    client.force_login(people.member)
    r = client.post(reverse("ui:examples:create"), {"organisation": orgs.acme.pk, "title": "Fan", "amount": "abc"})
    assert r.status_code == 400
    body = r.content.decode()
    assert 'value="Fan"' in body and 'class="uf-errors"' in body
    r = client.post(reverse("ui:examples:create"), {"organisation": orgs.beta.pk, "title": "Fan", "amount": "1"})
    assert r.status_code == 403
    assert ExampleRequest.objects.count() == 0


def test_transition_form_changes_state_and_writes_one_audit_event(people, orgs, client):
    case = new_case(people.member, orgs)
    client.force_login(people.member)
    page = client.get(detail_url(case)).content.decode()
    assert f'action="{action_url(case, "submit")}"' in page
    assert 'name="expected_version" value="1"' in page
    r = client.post(action_url(case, "submit"), {"expected_version": "1"})
    assert r.status_code == 302 and r["Location"] == detail_url(case)
    case.refresh_from_db()
    assert case.state == "submitted" and case.version == 2
    events = list(case_events(case))
    assert [e.action for e in events] == ["create", "submit"] and events[-1].channel == "ui"


def decide_url(case):
    return reverse("ui:examples:decide", kwargs={"pk": case.pk})


def test_reject_with_input_through_the_decision_form(people, orgs, client):
    """Approve, reject and put to vote are one decision with the outcome as a choice; rejecting,
    which leaves the way, is marked destructive; the chosen outcome alone is performed."""
    case = new_case(people.member, orgs, submit=True)
    client.force_login(people.committee)
    page = client.get(detail_url(case)).content.decode()
    decision = page[page.index('id="uf-decision"'):page.index("</form>", page.index('id="uf-decision"'))]
    assert f'action="{decide_url(case)}"' in page
    for outcome in ("approve", "reject", "put_to_vote"):
        assert f'name="outcome" value="{outcome}"' in decision
    assert 'value="reject" required data-destructive="1"' in decision
    assert 'value="approve" required data-destructive="0"' in decision
    assert '<textarea id="reject-reason" name="reject-reason"' in decision
    assert 'data-action="reject"' not in page  # no second, separate reject form
    r = client.post(decide_url(case), {"expected_version": "2", "outcome": "reject", "reject-reason": "No budget"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "rejected" and case.reason == "No budget"
    assert case_events(case).last().payload["input"] == {"reason": "No budget"}
    assert [e.action for e in case_events(case)] == ["create", "submit", "reject"]


def test_a_decision_without_an_outcome_changes_nothing(people, orgs, client):
    case = new_case(people.member, orgs, submit=True)
    client.force_login(people.committee)
    r = client.post(decide_url(case), {"expected_version": "2", "reject-reason": "No budget"})
    assert r.status_code == 400 and "Choose an outcome" in r.content.decode()
    case.refresh_from_db()
    assert case.state == "submitted" and case_events(case).count() == 2


def test_bad_input_rerenders_with_the_field_error_and_changes_nothing(people, orgs, client):
    case = new_case(people.member, orgs, submit=True)
    client.force_login(people.committee)
    r = client.post(decide_url(case), {"expected_version": "2", "outcome": "reject", "reject-reason": "x"})
    assert r.status_code == 400
    body = r.content.decode()
    assert ">x</textarea>" in body  # the typed reason is kept
    assert 'value="reject" required checked' in body  # and the chosen outcome
    field = body[body.index('<div class="uf-field uf-field--invalid">'):]
    assert field.index('name="reject-reason"') < field.index('<ul class="uf-errors"><li>') < field.index("</div>")
    case.refresh_from_db()
    assert case.state == "submitted" and case.version == 2 and case_events(case).count() == 2


def test_stale_version_shows_the_conflict_and_changes_nothing(people, orgs, client):
    case = new_case(people.member, orgs)
    client.force_login(people.member)
    r = client.post(action_url(case, "submit"), {"expected_version": "7"})
    assert r.status_code == 409
    assert 'id="uf-error"' in r.content.decode()
    case.refresh_from_db()
    assert case.state == "draft" and case_events(case).count() == 1


def test_guard_failure_is_shown_and_changes_nothing(people, orgs, client):
    case = new_case(people.member, orgs, submit=True, amount=6000)
    client.force_login(people.committee)
    r = client.post(action_url(case, "approve"), {"expected_version": "2"})
    assert r.status_code == 409 and "example.limit" in r.content.decode()
    case.refresh_from_db()
    assert case.state == "submitted" and case_events(case).count() == 2


def test_denied_role_sees_no_form_and_a_forged_post_changes_nothing(people, orgs, client):
    case = new_case(people.member, orgs)
    client.force_login(people.committee)
    page = client.get(detail_url(case)).content.decode()
    assert 'class="uf-action"' not in page and action_url(case, "submit") not in page
    r = client.post(action_url(case, "submit"), {"expected_version": "1"})
    assert r.status_code == 403
    case.refresh_from_db()
    assert case.state == "draft" and case.version == 1 and case_events(case).count() == 1

    client.force_login(people.auditor)
    assert client.get(detail_url(case)).status_code == 200
    r = client.post(action_url(case, "approve"), {})
    assert r.status_code in (403, 409)
    case.refresh_from_db()
    assert case.state == "draft" and case_events(case).count() == 1


def test_unknown_action_is_refused_without_error(people, orgs, client):
    case = new_case(people.member, orgs)
    client.force_login(people.member)
    r = client.post(action_url(case, "explode"), {"expected_version": "x"})
    assert r.status_code in (400, 409)
    case.refresh_from_db()
    assert case.state == "draft" and case_events(case).count() == 1


def test_language_switch_renders_english_labels(people, client):
    client.force_login(people.member)
    zh = client.get(reverse("ui:inbox:index")).content.decode()
    assert "待办事项 Inbox" in zh
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/inbox/"})
    assert r.status_code == 302
    en = client.get(reverse("ui:inbox:index")).content.decode()
    assert "Inbox" in en and "待办事项" not in en
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/inbox/"})
    assert "待办事项 Inbox" in client.get(reverse("ui:inbox:index")).content.decode()


def test_case_page_shows_fields_deadlines_and_the_timeline_with_chain_badge(people, orgs, client):
    case = new_case(people.member, orgs, submit=True)
    client.force_login(people.committee)
    body = client.get(detail_url(case)).content.decode()
    assert case.reference in body and "Lamp" in body and "已提交 Submitted" in body
    assert "链完整 Chain valid" in body and "链已损坏" not in body
    assert body.count('class="uf-event"') == 2
    assert "草稿 Draft → 已提交 Submitted" in body


def test_case_page_lists_deadlines(people, orgs, client):
    case = new_case(people.member, orgs, submit=True)
    set_deadline(case, rule_id="example.decide", starts_on=dt.date(2026, 3, 2), due_on=dt.date(2026, 3, 16))
    client.force_login(people.committee)
    body = client.get(detail_url(case)).content.decode()
    assert "example.decide" in body and "2026-03-16" in body and "进行中 Open" in body


def test_tampered_chain_shows_the_broken_badge(people, orgs, client):
    case = new_case(people.member, orgs, submit=True)
    with audit_trigger_bypassed():
        AuditEvent.objects.filter(pk=case_events(case).last().pk).update(actor_name="someone else")
    client.force_login(people.committee)
    body = client.get(detail_url(case)).content.decode()
    assert "链已损坏 Chain broken" in body and "链完整" not in body


def test_every_registered_process_has_working_list_and_create_pages(people, client):
    """A process plugs into the UI through the registry alone; its pages render for any reader."""
    from workflow import registry

    for user in (people.member, people.outsider, people.auditor):
        client.force_login(user)
        for spec in registry.all_processes():
            assert client.get(reverse(f"ui:{spec.key}:index")).status_code == 200, spec.key
            assert client.get(reverse(f"ui:{spec.key}:create")).status_code in (200, 403), spec.key
            assert client.get(reverse(f"ui:{spec.key}:detail", kwargs={"pk": 999999})).status_code == 404


def test_done_by_me_lists_the_readers_own_actions_only(people, orgs, client):
    mine = new_case(people.member, orgs, submit=True)
    other = new_case(people.member2, orgs)
    client.force_login(people.member)
    body = client.get(reverse("ui:inbox:archive")).content.decode()
    assert body.count('class="uf-archive-item"') == 2
    assert mine.reference in body and other.reference not in body
    assert "草稿 Draft → 已提交 Submitted" in body


def test_inbox_names_whom_a_delegate_acts_for(people, orgs, client):
    case = new_case(people.member, orgs, submit=True)
    now = timezone.now()
    Delegation.objects.create(
        delegator=people.committee, delegate=people.member2, organisation=orgs.acme, role=Role.UNION_COMMITTEE,
        starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1),
    )
    client.force_login(people.member2)
    body = client.get(reverse("ui:inbox:index")).content.decode()
    row = body[body.index('class="uf-inbox-item"'):]
    row = row[: row.index("</tr>")]
    assert case.reference in row and "c1" in row and "工会委员会 Union committee" in row


class EveryKindInput(serializers.Serializer):
    note = serializers.CharField(max_length=50)
    reason = serializers.CharField()
    outcome = serializers.ChoiceField(choices=[("yes", "同意 Yes"), ("no", "反对 No")])
    topics = serializers.MultipleChoiceField(choices=[("a", "甲 A"), ("b", "乙 B")], required=False)
    names = serializers.ListField(child=serializers.CharField(), required=False)
    count = serializers.IntegerField(min_value=0, required=False)
    amount = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    day = serializers.DateField(required=False)
    urgent = serializers.BooleanField(required=False)


def test_form_controls_follow_the_serializer_field_types():
    kinds = {f.name: f.kind for f in forms.describe(EveryKindInput)}
    assert kinds == {
        "note": "text", "reason": "textarea", "outcome": "select", "topics": "multiselect", "names": "list",
        "count": "number", "amount": "number", "day": "date", "urgent": "checkbox",
    }


def test_a_submitted_form_becomes_the_dict_the_serializer_validates():
    fields = forms.describe(EveryKindInput)
    post = QueryDict(mutable=True)
    post.update({"note": "n", "reason": "r", "outcome": "yes", "names": "王伟，李娜, Zhang", "count": "", "day": "2026-03-02"})
    post.setlist("topics", ["a", "b"])
    data = forms.read_post(fields, post)
    assert data == {
        "note": "n", "reason": "r", "outcome": "yes", "topics": ["a", "b"], "names": ["王伟", "李娜", "Zhang"],
        "day": "2026-03-02", "urgent": False,
    }
    serializer = EveryKindInput(data=data)
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["day"] == dt.date(2026, 3, 2) and "count" not in serializer.validated_data
    lines = QueryDict(mutable=True)
    lines.update({"names": "a, b\nc"})
    assert forms.read_post(fields, lines)["names"] == ["a, b", "c"]


def test_the_list_pages(people, orgs, client):
    for n in range(case_list.PAGE_SIZE + 1):
        new_case(people.member, orgs, title=f"Item {n}")
    client.force_login(people.member)
    first = client.get("/examples/").content.decode()
    second = client.get("/examples/", {"page": 2}).content.decode()
    assert first.count('class="uf-case-row"') == case_list.PAGE_SIZE and second.count('class="uf-case-row"') == 1
    assert client.get("/examples/", {"page": "nonsense"}).status_code == 200


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("提交 Submit", "Submit"),
        ("时间（北京时间） Time (Asia/Shanghai)", "Time (Asia/Shanghai)"),
        ("第三十二条 Article 32 of 《集体合同规定》", "Article 32 of 《集体合同规定》"),
        ("ACME 工会", "ACME 工会"),
        ("食堂", "食堂"),
        ("Plain English", "Plain English"),
    ],
)
def test_bilingual_labels_show_the_english_part_to_english_readers(text, english):
    assert pick_language(text, "en") == english
    assert pick_language(text, "zh-hans") == text
