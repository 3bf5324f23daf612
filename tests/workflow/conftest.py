"""Fixtures the engine's tests share; a test module that needs other people defines its own ``people``."""

import pytest

from workflow.roles import Role


@pytest.fixture
def people(orgs, make_user):
    """A member of acme who files example cases, and a union committee member who decides them."""
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
        },
    )
