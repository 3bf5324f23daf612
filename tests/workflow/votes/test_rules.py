"""The rule arithmetic of congress votes: quorum ⌈2N/3⌉, contracts yes ≥ ⌈N/2⌉, resolutions yes > N/2."""

import pytest

from workflow.votes.rules import decide


class TestDecide:
    @pytest.mark.parametrize(
        ("rule", "present", "yes", "passed", "quorum_met"),
        [
            ("contract", 120, 90, True, True),  # exactly half of 180 is "半数以上"
            ("resolution", 120, 90, False, True),  # exactly half is not "过半数"
            ("resolution", 120, 91, True, True),
            ("contract", 120, 89, False, True),
            ("contract", 119, 119, False, False),  # 119 < ⌈2×180/3⌉ = 120
            ("resolution", 119, 119, False, False),
        ],
    )
    def test_n_180(self, rule, present, yes, passed, quorum_met):
        result = decide(rule, 180, present, yes)
        assert (result.passed, result.quorum_met) == (passed, quorum_met)
        assert result.arithmetic["n"] == 180
        assert result.arithmetic["quorum"] == 120
        assert result.arithmetic["present"] == present
        assert result.arithmetic["yes"] == yes
        assert result.arithmetic["rule"] == rule

    def test_thresholds_for_odd_n(self):
        """N=181: ⌈2N/3⌉=121, contract ⌈N/2⌉=91, resolution > 90.5 → 91."""
        assert decide("contract", 181, 121, 91).arithmetic["yes_needed"] == 91
        assert decide("resolution", 181, 121, 91).arithmetic["yes_needed"] == 91
        assert decide("contract", 181, 121, 90).passed is False
        assert decide("contract", 181, 120, 120).quorum_met is False

    def test_thresholds_are_stored(self):
        arithmetic = decide("contract", 180, 120, 90).arithmetic
        assert arithmetic["yes_needed"] == 90
        assert decide("resolution", 180, 120, 90).arithmetic["yes_needed"] == 91
        assert "第三十六条" in arithmetic["source"]

    @pytest.mark.parametrize(("n", "present", "yes"), [(0, 0, 0), (10, 11, 1), (10, 5, 6), (10, -1, 0)])
    def test_impossible_counts_refused(self, n, present, yes):
        with pytest.raises(ValueError):
            decide("contract", n, present, yes)

    def test_unknown_rule_refused(self):
        with pytest.raises(ValueError):
            decide("unanimity", 10, 10, 10)
