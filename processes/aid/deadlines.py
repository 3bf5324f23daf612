"""Deadline rules of the hardship-aid process (rules.md A4 and the "Process 2" table).

None is statutory: the lengths are union practice, so an organisation may adjust them
(``Organisation.settings["deadline.<rule id>"]``); the notice period only within
:data:`NOTICE_DAYS_RANGE`. The process spec hands them to the engine.
"""

from workflow.deadlines.rules import DeadlineRule, Unit

PRACTICE = "帮扶工作惯例 Aid-work practice (rules.md A4)"

PRECHECK = DeadlineRule(
    id="aid.precheck",
    title="初审期限 Pre-check",
    source=PRACTICE + ": 基层工会初审 5 个工作日 the union group pre-checks within 5 working days",
    n=5, unit=Unit.WORKING_DAYS, starts_from="submit", on_expiry="flag", reminders=(1,), adjustable=True,
)

VISIT = DeadlineRule(
    id="aid.visit",
    title="入户核实期限 Home visit",
    source=PRACTICE + ": 入户调查至少两人，10 日内完成 two visitors, within 10 days",
    n=10, unit=Unit.CALENDAR_DAYS, starts_from="precheck", on_expiry="flag", reminders=(3, 1), adjustable=True,
)

NOTICE = DeadlineRule(
    id="aid.notice",
    title="公示期 Public notice",
    source=PRACTICE + ": 公示 5 个工作日（无法定来源，组织可在 5–10 日内调整） notice of 5 working days, adjustable 5–10",
    n=5, unit=Unit.WORKING_DAYS, starts_from="publish_notice", on_expiry="transition:close_notice", reminders=(),
    adjustable=True,
)

OBJECTION_REVIEW = DeadlineRule(
    id="aid.objection_review",
    title="异议复核期限 Objection review",
    source=PRACTICE + ": 异议复核 5 日 review an objection within 5 days",
    n=5, unit=Unit.CALENDAR_DAYS, starts_from="object", on_expiry="escalate", escalate_to="chair", reminders=(1,),
    adjustable=True,
)

APPROVAL = DeadlineRule(
    id="aid.approval",
    title="审批期限 Approval",
    source=PRACTICE + ": 每级审批 10 日 10 days per approval level",
    n=10, unit=Unit.CALENDAR_DAYS, starts_from="close_notice", on_expiry="escalate", escalate_to="chair",
    reminders=(3, 1), adjustable=True,
)

POST_NOTICE = DeadlineRule(
    id="aid.post_notice",
    title="事后公示期 Notice after payment",
    source=PRACTICE + ": 紧急救助先批后公示 emergencies are approved first and published afterwards",
    n=5, unit=Unit.WORKING_DAYS, starts_from="post_notice", on_expiry="flag", reminders=(), adjustable=True,
)

RULES = (PRECHECK, VISIT, NOTICE, OBJECTION_REVIEW, APPROVAL, POST_NOTICE)

#: The notice period an organisation may set (working days).
NOTICE_DAYS_RANGE = (5, 10)
