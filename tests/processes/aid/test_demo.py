"""The demo has an aid case in every state, funds with a budget, and notices without restricted data."""

import io

import pytest
from django.core.management import call_command

from processes.aid.models import AidCase, AidFund
from processes.aid.states import AidState
from workflow.audit import chain_valid

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())


def test_every_state_has_a_demo_case_and_every_fund_a_budget(demo):
    assert set(AidCase.objects.values_list("state", flat=True)) == set(AidState.values)
    assert all(chain_valid(c) for c in AidCase.objects.all())
    assert AidFund.objects.filter(organisation__code="beta").exists()
    assert not AidFund.objects.filter(budget__lte=0).exists()


def test_no_restricted_value_of_any_demo_applicant_on_the_notice_page_or_api(demo, client, api):
    from django.contrib.auth import get_user_model

    member = get_user_model().objects.get(username="member2")
    client.force_login(member)
    html = client.get("/aid/notices/").content.decode()
    body = api(member).get("/api/v1/aid/notices/").content.decode()
    assert "ACME-BF" in html and "ACME-BF" in body
    for case in AidCase.objects.all():
        for value in case.restricted_data().values():
            if value and len(value) > 3:
                assert value not in html and value not in body, value
