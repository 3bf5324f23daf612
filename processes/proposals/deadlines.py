"""Deadline rules of the proposals process (proposal-work practice of unions and schools).

All are practice, not statute, so an organisation may adjust their length
(``Organisation.settings["deadline.<rule id>"]``), except the 7-working-day return window.
The process spec hands them to the engine (``ProcessSpec.deadline_rules``).
"""

from workflow.deadlines.rules import DeadlineRule, Unit

PRACTICE = "提案工作惯例 Proposal-work practice"

COSIGN_WINDOW = DeadlineRule(
    id="proposal.cosign_window",
    title="附议征集期 Co-signing window",
    source=PRACTICE + ": 附议征集期 co-signing window; closes 7 days before the congress at the latest",
    n=14,
    unit=Unit.CALENDAR_DAYS,
    starts_from="invite_cosigners",
    on_expiry="flag",
    reminders=(3, 1),
    adjustable=True,
)

REPLY = DeadlineRule(
    id="proposal.reply",
    title="答复期限 Reply deadline",
    source=PRACTICE + ": 承办部门答复期限 reply within 30 days (practice 20 days to 1 month)",
    n=30,
    unit=Unit.CALENDAR_DAYS,
    starts_from="assign",
    on_expiry="escalate",
    reminders=(7, 1),
    escalate_to="chair",
    adjustable=True,
)

ASSIGNMENT_RETURN = DeadlineRule(
    id="proposal.assignment_return",
    title="交办退回期 Return of a wrong assignment",
    source=PRACTICE + ": 交办有误可在7个工作日内退回 a wrong assignment may be returned within 7 working days",
    n=7,
    unit=Unit.WORKING_DAYS,
    starts_from="assign",
    on_expiry="flag",
    reminders=(),
)

FEEDBACK = DeadlineRule(
    id="proposal.feedback",
    title="评价反馈期 Feedback window",
    source=PRACTICE + ": 提案人15日内反馈评价，逾期记为未评价 rate within 15 days; afterwards closed as not rated",
    n=15,
    unit=Unit.CALENDAR_DAYS,
    starts_from="reply",
    on_expiry="transition:close_unrated",
    reminders=(3, 1),
    adjustable=True,
)

#: Registered with the engine's calendar by ``ProcessSpec.deadline_rules``.
RULES = (COSIGN_WINDOW, REPLY, ASSIGNMENT_RETURN, FEEDBACK)

#: Defaults of the organisation settings this process reads.
MIN_COSIGNERS_DEFAULT = 2
MIN_COSIGNERS_RANGE = (2, 3)
MAX_REHANDLINGS_DEFAULT = 1
COSIGN_CLOSE_BEFORE_CONGRESS_DAYS = 7
