"""A process's case list: each case with its title, current step, whom it waits for and its
due date (overdue highlighted); filters by due, creation date and the model's choice fields;
sorting by due; two queries for the steps and deadlines of a whole page."""

import datetime as dt

from django.utils import timezone

from tests.example_process.flows import ExampleFlow
from tests.example_process.models import ExampleRequest
from workflow import services
from workflow.deadlines import set_deadline
from workflow.flowkit import rebuild_work_items
from workflow.ui.case_list import choice_filters

LIST = "/examples/"


def submitted(user, orgs, title="Lamp", due_in_days=None):
    case = services.create_case(
        process="examples", user=user, data={"organisation": orgs.acme.pk, "title": title, "amount": 100}
    )
    case = services.perform_transition(process="examples", case_id=case.pk, name="submit", user=user)
    if due_in_days is not None:
        today = timezone.localdate()
        set_deadline(
            case, rule_id="example.decide", starts_on=today - dt.timedelta(days=30),
            due_on=today + dt.timedelta(days=due_in_days),
        )
        rebuild_work_items(ExampleFlow, case, notify=False)
    return case


def page(client, user, **params):
    client.force_login(user)
    return client.get(LIST, params).content.decode()


def test_each_case_shows_title_step_waiting_for_and_due(people, orgs, client):
    late = submitted(people.member, orgs, title="Repair the roof", due_in_days=-1)
    body = page(client, people.member)
    assert "Repair the roof" in body and "审批 Decide" in body and "工会委员会" in body
    assert "uf-due--overdue" in body and "已逾期 Overdue" in body
    assert late.reference in body


def test_overdue_only_and_sorting_by_due(people, orgs, client):
    late = submitted(people.member, orgs, due_in_days=-1)
    later = submitted(people.member, orgs, due_in_days=9)
    soon = submitted(people.member, orgs, due_in_days=2)
    draft = services.create_case(
        process="examples", user=people.member, data={"organisation": orgs.acme.pk, "title": "Draft", "amount": 1}
    )
    body = page(client, people.committee, due="overdue")
    assert late.reference in body and later.reference not in body and soon.reference not in body
    body = page(client, people.committee, sort="due")
    positions = [body.index(c.reference) for c in (late, soon, later)]
    assert positions == sorted(positions)
    assert draft.reference not in body or body.index(draft.reference) > positions[-1]


def test_filter_by_creation_date(people, orgs, client):
    old = submitted(people.member, orgs)
    ExampleRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    new = submitted(people.member, orgs)
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    body = page(client, people.committee, **{"from": since})
    assert new.reference in body and old.reference not in body
    body = page(client, people.committee, to=since)
    assert old.reference in body and new.reference not in body


def test_choice_fields_become_filters():
    """A category-like field of the model (any field with fixed choices, state aside) is a filter."""
    names = [name for name, _label, _choices in choice_filters(ExampleRequest)]
    assert "state" not in names
    from processes.proposals.models import Proposal

    assert "category" in [name for name, _label, _choices in choice_filters(Proposal)]


def test_a_page_reads_its_steps_in_a_fixed_number_of_queries(people, orgs, client, django_assert_max_num_queries):
    for _ in range(25):
        submitted(people.member, orgs, due_in_days=3)
    client.force_login(people.committee)
    client.get(LIST)
    with django_assert_max_num_queries(20):
        body = client.get(LIST).content.decode()
    assert body.count('class="uf-case-row') == 25
