"""Deadline rules of labour-dispute mediation, each with its legal source.

Two clocks run at once (rules.md A2): the 2011 rule counts the mediation period from
**acceptance**, the law (第十四条) lets a party go to arbitration 15 days after the
committee **received** the application. Both dates are stored on the case and shown.
"""

from workflow.deadlines.rules import DeadlineRule, Extension, Unit

LAW = "《劳动争议调解仲裁法》"
RULE_2011 = "《企业劳动争议协商调解规定》"

ACCEPTANCE = DeadlineRule(
    id="dispute.acceptance",
    title="受理期限 Acceptance",
    source=RULE_2011 + ": 调解委员会收到申请之日起3个工作日内决定是否受理 decide within 3 working days of receipt",
    n=3,
    unit=Unit.WORKING_DAYS,
    starts_from="create",
    on_expiry="flag",
    reminders=(1,),
    statutory=True,
)

MEDIATION = DeadlineRule(
    id="dispute.mediation",
    title="调解期限 Mediation period",
    source=RULE_2011 + ": 自受理之日起15日内结束调解，双方同意可以延长；逾期未达成协议视为调解不成 "
    "mediation ends within 15 days of acceptance; extended only if both parties agree; otherwise it has failed",
    n=15,
    unit=Unit.CALENDAR_DAYS,
    starts_from="accept",
    on_expiry="transition:expire",
    reminders=(3, 1),
    extension=Extension.CONSENT_BOTH,
    max_extension=15,
    statutory=True,
    case_field="mediation_ends_on",
)

ARBITRATION_RIGHT = DeadlineRule(
    id="dispute.arbitration_right",
    title="可申请仲裁之日 Arbitration open to the parties",
    source=LAW + "第十四条: 自劳动争议调解组织收到调解申请之日起15日内未达成调解协议的，当事人可以依法申请仲裁 "
    "no agreement within 15 days of receipt: either party may apply for arbitration",
    n=15,
    unit=Unit.CALENDAR_DAYS,
    starts_from="create",
    # Both parties are told then, even while the committee's own period still runs (rules A2).
    on_expiry="transition:arbitration_open",
    reminders=(),
    statutory=True,
    # The day from which a party may go to arbitration: it is not moved to a working day.
    roll_to_working_day=False,
)

#: Registered with the engine's calendar by ``ProcessSpec.deadline_rules``.
RULES = (ACCEPTANCE, MEDIATION, ARBITRATION_RIGHT)

#: 《劳动争议调解仲裁法》第七条: 10 or more workers with a common claim.
GROUP_THRESHOLD = 10
#: 《劳动人事争议仲裁办案规则》: a group elects 3 to 5 representatives.
REPRESENTATIVES_RANGE = (3, 5)
#: 《企业劳动争议协商调解规定》: both parties may jointly ask the arbitration commission to review the
#: agreement (仲裁审查) within 15 days of its taking effect.
REVIEW_WINDOW_DAYS = 15
#: 《劳动争议调解仲裁法》第二十七条: the limitation period is one year.
LIMITATION_YEARS = 1
