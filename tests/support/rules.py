"""Deadline rules that exist only for the duration of a test."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from workflow.calendar import rules
from workflow.calendar.rules import DeadlineRule, register_rule


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
            rules._RULES.pop(rule.id, None)
