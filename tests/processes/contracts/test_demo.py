"""The demo data: contracts in every state, moved there through the services, one in its renewal window."""

import pytest
from django.core.management import call_command

from processes.contracts.models import Contract
from processes.contracts.states import ContractState
from workflow.audit import chain_valid

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """The demo counts back from the real today: the package's fixed clock is not used here."""


def test_the_demo_has_a_contract_in_every_state_and_is_idempotent():
    call_command("seed_demo")
    states = set(Contract.objects.values_list("state", flat=True))
    assert states == set(ContractState.values)
    window = Contract.objects.get(state="renewal_window")
    assert window.renewal_opens_on <= window.expires_on
    varied = Contract.objects.get(state="draft_agreed", effective_on__isnull=False)  # a variation (第四十条)
    assert varied.published_document_id and varied.draft_id != varied.published_document_id
    assert Contract.objects.filter(Contract.in_force_q(), pk=varied.pk).exists()
    assert all(chain_valid(c) for c in Contract.objects.all())
    count = Contract.objects.count()
    call_command("seed_demo")
    assert Contract.objects.count() == count
