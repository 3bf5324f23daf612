"""The case's creator: the only one who takes the steps that are theirs (submit, withdraw, rate)."""

from django.contrib.auth.models import AnonymousUser

from workflow import services
from workflow.policy import is_creator
from workflow.roles import Role


def test_only_the_creator_is_the_creator(orgs, make_user):
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    other = make_user("m2", Role.MEMBER, org=orgs.acme)
    case = services.create_case(
        process="examples", user=member, data={"organisation": "acme", "title": "t", "amount": 1}
    )
    assert is_creator(case, member)
    assert not is_creator(case, other)
    assert not is_creator(case, AnonymousUser())
