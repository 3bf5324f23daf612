"""An organisation named in client input by id or by code, the one way for every endpoint and process."""

import pytest

from workflow.api.parsing import CHOOSE_ORGANISATION, organisation_from_input
from workflow.errors import InvalidInput


def test_an_organisation_is_found_by_id_or_by_code(orgs):
    assert organisation_from_input("acme") == orgs.acme
    assert organisation_from_input(orgs.acme.pk) == orgs.acme
    assert organisation_from_input(str(orgs.acme.pk)) == orgs.acme


@pytest.mark.parametrize("value", ["nope", "", None, True, [1], 1.0, "0", "9" * 30, "a\x00b"])
def test_anything_else_is_a_400_naming_the_field(orgs, value):
    with pytest.raises(InvalidInput) as exc:
        organisation_from_input(value, field="org")
    assert exc.value.status == 400 and exc.value.fields == {"org": [str(CHOOSE_ORGANISATION)]}
