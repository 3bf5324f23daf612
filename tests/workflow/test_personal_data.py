"""Restricted personal data is released only to the roles that need it, and every read is audited.

Given a member's example case (the member's profile holds an ID number and a phone):
a chair of the organisation reads the values and one ``restricted_read`` event records
which fields — never the values; a role that sees the case but may not read restricted
data gets 403 and nothing is recorded; someone outside the organisation gets 404.
"""

import json

import pytest

from workflow import services
from workflow.audit import RequestMeta, case_events, chain_valid
from workflow.errors import ActionForbidden, InvalidInput, NotVisible
from workflow.personal_data import reveal_restricted
from workflow.roles import Role

ID_NUMBER = "110101199003071234"
PHONE = "13812345678"


@pytest.fixture
def people(orgs, make_user):
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    member.profile.id_number = ID_NUMBER
    member.profile.phone = PHONE
    member.profile.save()
    return type(
        "People",
        (),
        {
            "member": member,
            "chair": make_user("chair", Role.CHAIR, Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "auditor": make_user("aud", (Role.AUDITOR, orgs.fed)),
            "beta_chair": make_user("bchair", Role.CHAIR, org=orgs.beta),
        },
    )


@pytest.fixture
def case(people):
    return services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "Aid", "amount": 10}
    )


def reveal(case, user, fields):
    return reveal_restricted(
        process="examples", case_id=case.pk, user=user, fields=fields, meta=RequestMeta(channel="api", ip="10.0.0.7")
    )


def test_chair_reads_and_the_read_is_audited_without_values(case, people):
    assert reveal(case, people.chair, ["id_number"]) == {"id_number": ID_NUMBER}
    assert reveal(case, people.chair, ["phone", "id_number"]) == {"phone": PHONE, "id_number": ID_NUMBER}

    reads = list(case_events(case).filter(action="restricted_read"))
    assert len(reads) == 2
    first, second = reads
    assert first.actor_id == people.chair.pk and first.actor_role == Role.CHAIR
    assert first.payload == {"fields": ["id_number"]}
    assert second.payload == {"fields": ["phone", "id_number"]}
    assert first.channel == "api" and first.ip == "10.0.0.7"
    for event in reads:
        stored = json.dumps(event.payload)
        assert ID_NUMBER not in stored and PHONE not in stored
    assert chain_valid(case)
    case.refresh_from_db()
    assert case.version == 1 and case.state == "draft"  # a read changes nothing on the case


@pytest.mark.parametrize("who", ["committee", "auditor", "member"])
def test_visible_but_not_allowed_gets_403_and_nothing_is_audited(case, people, who):
    before = case_events(case).count()
    with pytest.raises(ActionForbidden) as err:
        reveal(case, getattr(people, who), ["id_number"])
    assert err.value.status == 403
    assert case_events(case).count() == before


def test_outsider_gets_404_even_with_a_restricted_role_elsewhere(case, people):
    before = case_events(case).count()
    with pytest.raises(NotVisible) as err:
        reveal(case, people.beta_chair, ["id_number"])
    assert err.value.status == 404
    assert case_events(case).count() == before


@pytest.mark.parametrize("fields", [[], ["income"], "id_number", [None]])
def test_bad_field_names_are_400_and_nothing_is_audited(case, people, fields):
    before = case_events(case).count()
    with pytest.raises(InvalidInput) as err:
        reveal(case, people.chair, fields)
    assert "fields" in err.value.fields
    assert case_events(case).count() == before


def test_restricted_read_over_the_api_is_audited(orgs, make_user, api):
    """POST …/restricted/ returns the values to the chair and records who read which fields."""
    from workflow import services as svc
    from workflow.audit import case_events as events

    member = make_user("api_m", Role.MEMBER, org=orgs.acme)
    member.profile.id_number = "110101199001011234"
    member.profile.save()
    chair = make_user("api_chair", Role.CHAIR, org=orgs.acme)
    case = svc.create_case(process="examples", user=member, data={"organisation": "acme", "title": "T", "amount": 1})
    r = api(chair).post(f"/api/v1/examples/{case.pk}/restricted/", {"fields": ["id_number"]}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["fields"] == {"id_number": "110101199001011234"}
    last = events(case).last()
    assert last.action == "restricted_read" and last.payload == {"fields": ["id_number"]}
    denied = api(member).post(f"/api/v1/examples/{case.pk}/restricted/", {"fields": ["id_number"]}, format="json")
    assert denied.status_code == 403
