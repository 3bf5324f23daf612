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
