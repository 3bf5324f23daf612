"""Deadline rules that exist only for the duration of a test."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from workflow.deadlines.rules import DeadlineRule, Extension, Unit, register_rule, unregister_rule


@contextmanager
def rules_registered(test_rules: Iterable[DeadlineRule]) -> Iterator[None]:
    """Register ``test_rules`` for the block and remove them afterwards, so the registry the
    next test sees holds only the rules the processes declare."""
    test_rules = list(test_rules)
    for rule in test_rules:
        register_rule(rule)
    try:
        yield
    finally:
        for rule in test_rules:
            unregister_rule(rule.id)


#: One rule per extension policy, for the deadline-extension tests.
EXTENSION_TEST_RULES = (
    DeadlineRule("t.never", "测试：法定不可延长 Test: statutory, fixed", 10, Unit.CALENDAR_DAYS, "submit"),
    DeadlineRule(
        "t.agreed", "测试：双方同意可延长 Test: both parties", 10, Unit.CALENDAR_DAYS, "submit",
        extension=Extension.CONSENT_BOTH, max_extension=5,
    ),
    DeadlineRule(
        "t.approved", "测试：主席批准可延长 Test: chair approves", 5, Unit.WORKING_DAYS, "submit",
        extension=Extension.APPROVAL, max_extension=10,
    ),
)
