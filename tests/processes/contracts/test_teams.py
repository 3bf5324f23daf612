"""set_teams: 《集体合同规定》第十九条–第二十四条 at their boundaries; refusals are 409 naming the article."""

import pytest

from processes.contracts.models import Contract

from .conftest import EMPLOYER, UNION, team

pytestmark = pytest.mark.django_db


def post(api, user, case, data):
    return api(user).post(f"/api/v1/contracts/{case.pk}/transitions/set_teams/", data, format="json")


def teams(union=UNION, employer=EMPLOYER, **extra):
    return {"union_team": team(*union, experts=extra.pop("union_experts", ())),
            "employer_team": team(*employer, experts=extra.pop("employer_experts", ())),
            "union_chief": "chair", "employer_chief": "employer1", **extra}


def unchanged(case):
    fresh = Contract.objects.get(pk=case.pk)
    return fresh.version == case.version and not fresh.representatives.exists() and fresh.union_chief_id is None


def test_three_a_side_is_enough(api, people, walk):
    case = walk("preparing")
    r = post(api, people.chair, case, teams())
    assert r.status_code == 200, r.json()
    case = Contract.objects.get(pk=case.pk)
    assert case.union_chief == people.chair and case.employer_chief == people.employer1
    assert case.representatives.count() == 6 and case.representatives.filter(chief=True).count() == 2


def test_two_a_side_is_refused_citing_article_19(api, people, walk):
    case = walk("preparing")
    r = post(api, people.chair, case, teams(union=["chair", "rep1"], employer=["employer1", "employer2"]))
    assert r.status_code == 409
    assert "第十九条" in r.json()["detail"] and r.json()["rule"] == "contract.team_size"
    assert unchanged(case)


def test_unequal_teams_are_refused(api, people, walk):
    case = walk("preparing")
    r = post(api, people.chair, case, teams(union=["chair", "rep1", "rep2", "rep3"]))
    assert r.status_code == 409 and r.json()["rule"] == "contract.team_equal"
    assert "第十九条" in r.json()["detail"]
    assert unchanged(case)


def test_one_expert_in_three_passes_two_in_six_pass_but_two_in_three_fail(api, people, walk):
    case = walk("preparing")
    r = post(api, people.chair, case, teams(union_experts=("rep2",)))
    assert r.status_code == 200
    case2 = walk("preparing")
    r = post(api, people.chair, case2, teams(union_experts=("rep1", "rep2")))
    assert r.status_code == 409 and r.json()["rule"] == "contract.experts" and "第二十三条" in r.json()["detail"]
    assert unchanged(case2)


def test_the_chief_cannot_be_an_outside_expert(api, people, walk):
    case = walk("preparing")
    r = post(api, people.chair, case, teams(employer_experts=("employer1",)))
    assert r.status_code == 409 and r.json()["rule"] == "contract.experts"


def test_nobody_may_sit_on_both_sides(api, people, walk):
    case = walk("preparing")
    r = post(api, people.chair, case, teams(employer=["employer1", "employer2", "rep2"]))
    assert r.status_code == 409 and r.json()["rule"] == "contract.both_sides"
    assert "rep2" in r.json()["detail"] and "第二十四条" in r.json()["detail"]
    assert unchanged(case)


def test_a_union_chief_other_than_the_chair_needs_a_written_delegation(api, people, walk, upload):
    case = walk("preparing")
    r = post(api, people.chair, case, {**teams(), "union_chief": "rep1"})
    assert r.status_code == 409 and r.json()["rule"] == "contract.union_chief" and "第二十条" in r.json()["detail"]
    letter = upload(case, people.chair, "委托书：主席委托 rep1 担任首席代表", name="delegation.txt")
    r = post(api, people.chair, case, {**teams(), "union_chief": "rep1", "delegation": letter.pk})
    assert r.status_code == 200, r.json()
    assert Contract.objects.get(pk=case.pk).union_chief == people.rep1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"employer_team": team(*EMPLOYER), "union_chief": "chair", "employer_chief": "employer1"}, "union_team"),
        ({**teams(), "union_chief": "nobody"}, "union_chief"),
        ({**teams(), "union_team": [{"name": "", "expert": False}] * 3}, "union_team"),
        ({**teams(), "union_team": [{"name": "甲", "username": "ghost", "expert": False}] * 3}, "union_team"),
        ({**teams(), "employer_chief": "rep3"}, "employer_chief"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, people, walk, data, field):
    case = walk("preparing")
    r = post(api, people.chair, case, data)
    assert r.status_code == 400 and field in r.json()["fields"], r.json()
    assert unchanged(case)


@pytest.mark.parametrize("who", ["employer1", "rep1", "member", "committee", "auditor"])
def test_only_the_chair_names_the_teams(api, people, walk, who):
    case = walk("preparing")
    r = post(api, getattr(people, who), case, teams())
    assert r.status_code in (403, 404)
    assert unchanged(case)


def test_another_organisation_sees_nothing(api, people, walk):
    case = walk("preparing")
    assert post(api, people.beta_chair, case, teams()).status_code == 404
    assert api(people.beta_chair).get(f"/api/v1/contracts/{case.pk}/").status_code == 404
