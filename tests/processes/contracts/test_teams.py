"""set_teams: 《集体合同规定》第十九条–第二十四条 at their boundaries; refusals are 409 naming the article."""

import pytest

from processes.contracts.models import Contract

from .conftest import EMPLOYER, RECORD_KEEPER, UNION, team

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


# 第三十三条第（五）项: the record keeper; [local] a woman worker for a women's special contract -------------
def test_a_womens_special_contract_needs_a_woman_on_the_union_side(api, people, walk):
    """A women's contract with no woman among the union's representatives is a 409 and changes nothing; one woman
    (by the API flag or the form line's ``woman``) is enough; other kinds need none."""
    case = walk("preparing", kind="women")
    r = post(api, people.chair, case, teams())
    assert r.status_code == 409 and r.json()["rule"] == "contract.women_rep" and "女职工" in r.json()["detail"]
    assert unchanged(case)
    union = team(*UNION)
    union[2]["woman"] = True
    r = post(api, people.chair, case, {**teams(), "union_team": union})
    assert r.status_code == 200, r.json()
    assert list(Contract.objects.get(pk=case.pk).representatives.filter(woman=True).values_list("name", flat=True)) == [
        "代表rep2"]
    other = walk("preparing", kind="women")
    lines = ["高主席|chair", "代表一|rep1", "代表二|rep2|woman"]
    assert post(api, people.chair, other, {**teams(), "union_team": lines}).status_code == 200
    assert post(api, people.chair, walk("preparing", kind="wage"), teams()).status_code == 200


def test_a_woman_flag_that_is_not_a_boolean_is_a_400(api, people, walk):
    case = walk("preparing", kind="women")
    union = team(*UNION)
    union[0]["woman"] = "yes"
    r = post(api, people.chair, case, {**teams(), "union_team": union})
    assert r.status_code == 400 and "union_team" in r.json()["fields"]
    assert unchanged(case)


@pytest.mark.parametrize("keeper", ["rep1", "代表employer2"])
def test_the_record_keeper_is_no_representative(api, people, walk, keeper):
    """第三十三条第（五）项: a representative (by username or by name) cannot keep the record."""
    case = walk("preparing")
    r = post(api, people.chair, case, teams(record_keeper=keeper))
    assert r.status_code == 409 and r.json()["rule"] == "contract.record_keeper" and "第三十三条" in r.json()["detail"]
    assert unchanged(case)
    r = post(api, people.chair, case, teams(record_keeper="记录员王"))
    assert r.status_code == 200 and Contract.objects.get(pk=case.pk).record_keeper == "记录员王"


def test_the_minutes_name_the_record_keeper(api, people, walk):
    """A round takes the record keeper named with the teams, or its own; with none at all, or a representative,
    recording the round is a 409 that records nothing."""
    case = walk("negotiating")  # the walk names RECORD_KEEPER with the teams
    url = f"/api/v1/contracts/{case.pk}/transitions/record_round/"
    r = api(people.chair).post(url, {"minutes": "第一轮 Round 1"}, format="json")
    assert r.status_code == 200 and case.rounds.get().record_keeper == RECORD_KEEPER
    r = api(people.chair).post(url, {"minutes": "第二轮 Round 2", "record_keeper": "employer3"}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "contract.record_keeper"
    r = api(people.chair).post(url, {"minutes": "第二轮 Round 2", "record_keeper": "李记录"}, format="json")
    assert r.status_code == 200 and case.rounds.get(number=2).record_keeper == "李记录"
    Contract.objects.filter(pk=case.pk).update(record_keeper="")
    r = api(people.employer1).post(url, {"minutes": "第三轮 Round 3"}, format="json")
    assert r.status_code == 409 and "记录员" in r.json()["detail"] and case.rounds.count() == 2
