"""An extension request awaiting a party's consent is in that party's inbox until they answer it."""

import datetime as dt

import pytest

from tests.support.db import ensure_calendar_loaded
from tests.support.rules import EXTENSION_TEST_RULES, rules_registered
from tests.workflow.test_extension_consent import make_case, people, request  # noqa: F401  (fixtures)
from workflow.deadlines.extension_requests import deadline_extension_consent
from workflow.inbox import inbox_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setup_rules(db):
    ensure_calendar_loaded()
    with rules_registered(EXTENSION_TEST_RULES):
        yield


def _consents(user):
    return [i for i in inbox_for(user) if i["kind"] == "extension_consent"]


def test_the_other_party_is_asked_to_consent_until_they_do(people, monkeypatch, client):  # noqa: F811
    case = make_case(people, monkeypatch)
    req = request(case, people.member)
    assert _consents(people.member) == []  # the requester's own consent is recorded with the request
    [item] = _consents(people.other_side)
    assert item["reference"] == case.reference and item["due_at"].date() == dt.date(2025, 3, 13)
    client.force_login(people.other_side)
    assert "Consent to an extension" in client.get("/inbox/").content.decode()
    assert _consents(people.third) == []  # not a party
    deadline_extension_consent(request_id=req.pk, user=people.other_side)
    assert _consents(people.other_side) == []
