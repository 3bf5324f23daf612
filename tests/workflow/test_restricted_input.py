"""Restricted input never reaches the audit trail, and only the roles a process names read it.

A process declares which input fields are restricted personal data (``ProcessSpec.restricted_fields``
for every input, ``TransitionSpec.restricted_input`` for one transition) and which roles may open
its restricted data (``ProcessSpec.restricted_roles``). Given the example process so declared:
the audit event records ``[restricted]`` in place of the value, the other input as given, and
the chain stays valid; a role the process names reads the data (audited), the engine's default
roles no longer do.
"""

import dataclasses
import json

import pytest

from workflow import registry, services
from workflow.audit import case_events, chain_valid
from workflow.errors import ActionForbidden
from workflow.personal_data import reveal_restricted
from workflow.registry import RESTRICTED_MARK
from workflow.roles import Role

pytestmark = pytest.mark.django_db

SECRET_TITLE = "身份证 110101199003071234"
SECRET_REASON = "家庭收入 1234.56 元"


@pytest.fixture
def restricted_examples(monkeypatch):
    """The example process with its title restricted everywhere, the reject reason on reject,
    and restricted data readable by the union committee only."""
    spec = registry.get("examples")
    transitions = dict(spec.transitions)
    transitions["reject"] = dataclasses.replace(transitions["reject"], restricted_input=("reason",))
    changed = dataclasses.replace(
        spec, transitions=transitions, restricted_fields=frozenset({"title"}),
        restricted_roles=frozenset({Role.UNION_COMMITTEE}),
    )
    monkeypatch.setitem(registry._REGISTRY, "examples", changed)
    return changed


@pytest.fixture
def people(orgs, make_user):
    return type("People", (), {
        "member": make_user("m1", Role.MEMBER, org=orgs.acme),
        "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
        "chair": make_user("chair", Role.CHAIR, Role.MEMBER, org=orgs.acme),
    })


def test_restricted_input_is_recorded_as_restricted(restricted_examples, people):
    case = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": SECRET_TITLE, "amount": 7}
    )
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    services.perform_transition(
        process="examples", case_id=case.pk, name="reject", user=people.committee, data={"reason": SECRET_REASON}
    )
    created, submitted, rejected = case_events(case)
    assert created.payload["input"]["title"] == RESTRICTED_MARK and created.payload["input"]["amount"] == 7
    assert rejected.payload["input"] == {"reason": RESTRICTED_MARK}
    stored = json.dumps([e.payload for e in case_events(case)], ensure_ascii=False)
    assert SECRET_TITLE not in stored and SECRET_REASON not in stored
    case.refresh_from_db()
    assert case.title == SECRET_TITLE and case.reason == SECRET_REASON  # the case keeps the values
    assert chain_valid(case)


def test_unflagged_input_is_recorded_as_given(people):
    """Without the declaration nothing changes: the example process records its input."""
    case = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "Lamp", "amount": 7}
    )
    assert case_events(case).first().payload["input"]["title"] == "Lamp"


def test_only_the_roles_the_process_names_read_restricted_data(restricted_examples, people):
    case = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "T", "amount": 7}
    )
    before = case_events(case).count()
    with pytest.raises(ActionForbidden):
        reveal_restricted(process="examples", case_id=case.pk, user=people.chair, fields=["id_number"])
    assert case_events(case).count() == before
    assert reveal_restricted(process="examples", case_id=case.pk, user=people.committee, fields=["phone"]) == {"phone": ""}
    last = case_events(case).last()
    assert last.action == "restricted_read" and last.actor_role == Role.UNION_COMMITTEE
