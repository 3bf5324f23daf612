"""An organisation's adjustable whole-number setting: a mistyped value never stops a process."""

import pytest

KEY = "proposal.min_cosigners"


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({}, 2),  # not set: the default
        ({KEY: 3}, 3),
        ({KEY: "3"}, 3),  # typed in the admin as text
        ({KEY: 9}, 3),  # above the allowed range: its upper bound
        ({KEY: -1}, 2),  # below it: its lower bound
        ({KEY: "two"}, 2),  # not a number: the default
        ({KEY: None}, 2),
        ({KEY: [3]}, 2),
    ],
)
def test_a_bounded_setting_is_the_stored_number_kept_within_its_range(orgs, stored, expected):
    orgs.acme.settings = stored
    assert orgs.acme.int_setting(KEY, 2, minimum=2, maximum=3) == expected


def test_a_setting_bounded_on_one_side_only(orgs):
    orgs.acme.settings = {"days": -4, "count": 40}
    assert orgs.acme.int_setting("days", 7, minimum=0) == 0
    assert orgs.acme.int_setting("count", 1, minimum=0) == 40
