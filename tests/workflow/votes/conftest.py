"""Fixtures of the vote tests: the people of ACME and an open electronic vote."""

import pytest

from tests.workflow.votes.helpers import add_representatives, case_put_to_vote
from workflow.roles import Role


@pytest.fixture
def people(orgs, make_user, term):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "chair": make_user("chair", Role.CHAIR, org=orgs.acme),
            "outsider": make_user("b1", Role.MEMBER, org=orgs.beta),
        },
    )


@pytest.fixture
def electronic(people, orgs, term, api):
    reps = add_representatives(orgs.acme, term, 3)
    case, vote = case_put_to_vote(api, people, rule="resolution", method="electronic")
    return type("E", (), {"reps": reps, "case": case, "vote": vote})


