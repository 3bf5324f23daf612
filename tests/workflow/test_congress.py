"""The congress as every process sees it: the sitting term, its representatives and the next session."""

import datetime as dt

import pytest

from workflow.models import CongressSession, CongressTerm, RoleAssignment
from workflow.roles import Role

D = dt.date


@pytest.fixture
def reps(orgs, term, make_user):
    rep = make_user("rep", (Role.REPRESENTATIVE, orgs.acme), term=term)
    member = make_user("member", (Role.MEMBER, orgs.acme))
    left = make_user("left", (Role.REPRESENTATIVE, orgs.acme), term=term)
    RoleAssignment.objects.filter(user=left).update(valid_to=D(2026, 2, 28))
    return type("Reps", (), {"rep": rep, "member": member, "left": left})


def test_the_current_term_is_the_one_sitting_on_the_day(orgs, term):
    assert CongressTerm.current_for(orgs.acme, on=D(2026, 3, 1)) == term
    assert CongressTerm.current_for(orgs.acme, on=D(2029, 1, 1)) is None
    assert CongressTerm.current_for(orgs.beta, on=D(2026, 3, 1)) is None


def test_representatives_are_those_elected_for_the_term_and_still_serving(orgs, term, reps):
    assert term.representative_ids(on=D(2026, 3, 1)) == {reps.rep.pk}
    assert term.representative_ids(on=D(2026, 2, 1)) == {reps.rep.pk, reps.left.pk}
    assert CongressTerm.represented_by(reps.rep, orgs.acme, on=D(2026, 3, 1)) == term
    assert CongressTerm.represented_by(reps.member, orgs.acme, on=D(2026, 3, 1)) is None
    assert CongressTerm.represented_by(reps.left, orgs.acme, on=D(2026, 3, 1)) is None
    assert CongressTerm.represented_by(reps.rep, orgs.acme, on=D(2029, 1, 1)) is None  # between terms


def test_the_next_session_and_whether_one_was_held(orgs, term):
    CongressSession.objects.create(term=term, number=2, opens_on=D(2026, 9, 1))
    first = CongressSession.objects.create(term=term, number=1, opens_on=D(2026, 4, 1))
    assert CongressSession.next_for(orgs.acme, D(2026, 3, 1)) == first
    assert CongressSession.next_for(orgs.acme, D(2026, 9, 1)) is None  # opening on the day is not "next"
    assert CongressSession.next_for(orgs.beta, D(2026, 3, 1)) is None
    assert CongressSession.held_between(orgs.acme, D(2026, 3, 1), D(2026, 4, 1))
    assert not CongressSession.held_between(orgs.acme, D(2026, 4, 1), D(2026, 8, 31))
