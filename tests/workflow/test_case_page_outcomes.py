"""A step's outcomes on the case page: a transition whose target is computed (django-fsm's
``RETURN_VALUE``) is an outcome of a decision when none of its possible states is the current one
(it always moves the case on), and a single action when it may keep the case where it is."""

from types import SimpleNamespace

import pytest
from django_fsm import RETURN_VALUE

from workflow.ui.case_page import changes_state


def case_in(state, target):
    """A case in ``state`` whose transition ``go`` leads to ``target`` from there."""
    transition = SimpleNamespace(target=target)
    method = SimpleNamespace(_django_fsm=SimpleNamespace(get_transition=lambda source: transition))
    return type("StubCase", (), {"go": method, "state": state})()


GO = SimpleNamespace(method_name="go")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("rejected", True),  # a fixed other state
        ("review", False),  # keeps the state
        (RETURN_VALUE("rejected", "recovery_due"), True),  # computed, never back
        (RETURN_VALUE("review", "approved"), False),  # computed, may stay (a first of two approvals)
        (RETURN_VALUE(), False),  # computed, nothing declared
    ],
)
def test_a_transition_changes_the_state_when_every_target_is_another(target, expected):
    assert changes_state(case_in("review", target), GO) is expected
