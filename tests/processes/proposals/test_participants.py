"""Who takes part in a proposal sees it: read in one statement under the row lock of every action."""

import pytest

from processes.proposals import services as svc

pytestmark = pytest.mark.django_db


def test_proposer_cosigners_co_proposers_and_both_departments_staff_take_part(
    people, orgs, walk, make_user, django_assert_num_queries
):
    outsider = make_user("outsider", ("department", orgs.beta))
    case = walk("accepted")  # rep1 proposes, rep2 and rep3 co-sign
    case = svc.proposal_assign(case=case, actor=people.review1, lead_department=orgs.dept, co_departments=[people.dept2_org])
    case.co_proposers.add(people.rep4)  # as a merge adds the merged proposal's proposer
    with django_assert_num_queries(1):
        ids = case.participant_ids()
    expected = {people.rep1, people.rep2, people.rep3, people.rep4, people.dept1, people.dept2}
    assert ids == {u.pk for u in expected}
    assert outsider.pk not in ids and people.rep5.pk not in ids


def test_the_same_statement_tells_whether_there_are_co_departments(people, orgs, walk, django_assert_num_queries):
    lead_only = svc.proposal_assign(case=walk("accepted"), actor=people.review1, lead_department=orgs.dept)
    shared = svc.proposal_assign(
        case=walk("accepted"), actor=people.review1, lead_department=orgs.dept, co_departments=[people.dept2_org]
    )
    for case, expected in ((lead_only, False), (shared, True)):
        case = type(case).objects.get(pk=case.pk)
        with django_assert_num_queries(1):
            case.participant_ids()
            assert case.has_co_departments() is expected
        assert type(case).objects.get(pk=case.pk).has_co_departments() is expected  # asked alone, it reads them


def test_co_departments_taken_back_are_known_gone(people, orgs, walk):
    case = svc.proposal_assign(
        case=walk("accepted"), actor=people.review1, lead_department=orgs.dept, co_departments=[people.dept2_org]
    )
    case.participant_ids()
    case.set_co_departments([])
    assert case.has_co_departments() is False
