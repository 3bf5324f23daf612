"""Deadlines: rules as data with their legal source (:mod:`.rules`), deadlines stored on cases
(:mod:`.store`), the timer sweep (:mod:`.timers`) and extending an open deadline (:mod:`.extensions`,
with both parties' consent :mod:`.extension_requests`).

The names of :mod:`.store` and :mod:`.rules` are importable from here (``from workflow.deadlines import
close_deadline``).
"""

from .rules import (
    DeadlineRule,
    Extension,
    Unit,
    all_rules,
    compute_due,
    find_rule,
    get_rule,
    register_rule,
)
from .store import (
    case_deadlines,
    close_all_deadlines,
    close_deadline,
    deadlines_by_case,
    due_at_for,
    end_of_day,
    open_deadline,
    open_deadlines_on_non_working_days,
    provisional_due,
    replace_due_date,
    set_deadline,
    start_deadline,
    sync_case_field,
)

__all__ = [
    "DeadlineRule",
    "Extension",
    "Unit",
    "all_rules",
    "case_deadlines",
    "close_all_deadlines",
    "close_deadline",
    "compute_due",
    "deadlines_by_case",
    "due_at_for",
    "end_of_day",
    "find_rule",
    "get_rule",
    "open_deadline",
    "open_deadlines_on_non_working_days",
    "provisional_due",
    "register_rule",
    "replace_due_date",
    "set_deadline",
    "start_deadline",
    "sync_case_field",
]
