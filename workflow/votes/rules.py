"""The arithmetic of a congress vote, as a pure function.

Quorum (both rules): at least two thirds of the representatives present,
``present ≥ ⌈2N/3⌉`` (职代会须有全体职工代表三分之二以上出席).

- ``resolution`` — 职代会决议 pass with more than half of all representatives,
  ``yes > N/2`` ("过半数", exactly half is not enough), i.e. ``yes ≥ ⌊N/2⌋ + 1``.
- ``contract`` — 集体合同草案: 《集体合同规定》第三十六条 "经全体职工代表半数以上同意"; "以上"
  includes the number itself, so ``yes ≥ ⌈N/2⌉``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RULE_SOURCES = {
    "resolution": "职代会决议须经全体职工代表过半数通过 (yes > N/2)",
    "contract": "《集体合同规定》第三十六条：经全体职工代表半数以上同意 (yes ≥ ⌈N/2⌉)",
}
QUORUM_SOURCE = "职工代表大会须有全体职工代表三分之二以上出席 (present ≥ ⌈2N/3⌉)"


@dataclass(frozen=True)
class Result:
    passed: bool
    quorum_met: bool
    quorum: int
    yes_needed: int
    arithmetic: dict = field(default_factory=dict)


def quorum_for(n: int) -> int:
    """⌈2N/3⌉ in integers (no floating point)."""
    return (2 * n + 2) // 3


def yes_needed_for(rule: str, n: int) -> int:
    if rule == "contract":
        return (n + 1) // 2  # ⌈N/2⌉
    if rule == "resolution":
        return n // 2 + 1  # smallest integer > N/2
    raise ValueError(f"unknown vote rule: {rule!r}")


def decide(rule: str, n: int, present: int, yes: int) -> Result:
    """Apply ``rule`` to an electorate of ``n`` with ``present`` attending and ``yes`` votes in favour.

    Thresholds are counted against the whole electorate ``n``, not against those
    present: an absent representative counts as not in favour.
    """
    if n < 1:
        raise ValueError("the electorate must not be empty")
    if present < 0 or yes < 0 or yes > present or present > n:
        raise ValueError("need 0 ≤ yes ≤ present ≤ n")
    quorum = quorum_for(n)
    needed = yes_needed_for(rule, n)
    quorum_met = present >= quorum
    yes_met = yes >= needed
    passed = quorum_met and yes_met
    arithmetic = {
        "rule": rule,
        "n": n,
        "present": present,
        "yes": yes,
        "quorum": quorum,
        "quorum_met": quorum_met,
        "quorum_formula": f"⌈2×{n}/3⌉ = {quorum}; {present} {'≥' if quorum_met else '<'} {quorum}",
        "yes_needed": needed,
        "yes_met": yes_met,
        "yes_formula": (
            f"⌈{n}/2⌉ = {needed}; {yes} {'≥' if yes_met else '<'} {needed}"
            if rule == "contract"
            else f"> {n}/2 → ≥ {needed}; {yes} {'≥' if yes_met else '<'} {needed}"
        ),
        "passed": passed,
        "source": RULE_SOURCES[rule],
        "quorum_source": QUORUM_SOURCE,
    }
    return Result(passed=passed, quorum_met=quorum_met, quorum=quorum, yes_needed=needed, arithmetic=arithmetic)
