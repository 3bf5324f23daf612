"""Deadline rules of the collective-contract process, with their articles of 《集体合同规定》(2004).

The statutory periods (reply, coordination, filing, review) are not adjustable by an
organisation. The process spec hands them to the engine (``ProcessSpec.deadline_rules``);
the engine's sweep reminds, flags and fires the expiry transitions.
"""

from workflow.deadlines.rules import DeadlineRule, Extension, Unit

STATUTE = "《集体合同规定》"

OFFER_REPLY = DeadlineRule(
    id="contract.offer_reply",
    title="要约答复期限 Reply to the offer",
    source=STATUTE + "第三十二条：收到要约之日起20日内以书面形式回应 reply in writing within 20 days of receipt",
    n=20,
    unit=Unit.CALENDAR_DAYS,
    starts_from="send_offer (delivered_on)",
    on_expiry="transition:lapse_offer",
    reminders=(3, 1),
    statutory=True,
)

COORDINATION = DeadlineRule(
    id="contract.coordination",
    title="协调处理期限 Coordination by the labour administration",
    source=STATUTE + "第四十九条、第五十条：受理之日起30日内结束，可延期一次，延期不超过15日 "
    "30 days, extendable once by at most 15",
    n=30,
    unit=Unit.CALENDAR_DAYS,
    starts_from="request_coordination",
    on_expiry="flag",
    reminders=(3, 1),
    extension=Extension.APPROVAL,
    max_extension=15,
    # 第五十条: "延期最长不超过15日" — one extension, of at most 15 days.
    max_extensions=1,
    # A union committee member outside the teams records the labour administration's extension.
    extension_roles=("union_committee",),
    statutory=True,
)

FILING = DeadlineRule(
    id="contract.filing",
    title="报送审查期限 Filing with the labour administration",
    source=STATUTE + "第四十二条：双方首席代表签字之日起10日内报送 file within 10 days of the chiefs' signatures",
    n=10,
    unit=Unit.CALENDAR_DAYS,
    starts_from="sign (second signature)",
    on_expiry="flag",
    reminders=(3, 1),
    statutory=True,
)

REVIEW = DeadlineRule(
    id="contract.review",
    title="审查期限 Review by the labour administration",
    source=STATUTE + "第四十五条、第四十七条：收到文本之日起15日内未提出异议的即行生效 "
    "effective when no objection is raised within 15 days of receipt",
    n=15,
    unit=Unit.CALENDAR_DAYS,
    starts_from="file (filed_on)",
    on_expiry="transition:take_effect",
    reminders=(),
    statutory=True,
)

RENEWAL = DeadlineRule(
    id="contract.renewal_window",
    title="续订期开始 Renewal window opens",
    source=STATUTE + "第三十八条：期满前3个月内可提出续订要求 renewal may be asked within the 3 months before expiry",
    n=3,
    unit=Unit.MONTHS,
    starts_from="publish (the day before the window opens)",
    on_expiry="transition:open_renewal",
    reminders=(),
    statutory=True,
    roll_to_working_day=False,
)

TERM = DeadlineRule(
    id="contract.term",
    title="合同期限 Contract term",
    source=STATUTE + "第三十八条：集体合同期限一般为1至3年 the term is normally 1 to 3 years",
    n=3,
    unit=Unit.YEARS,
    starts_from="take_effect",
    on_expiry="transition:expire",
    reminders=(),
    statutory=True,
    roll_to_working_day=False,
)

SUSPENSION = DeadlineRule(
    id="contract.suspension",
    title="中止期限 Agreed resumption of talks",
    source=STATUTE + "第三十五条：双方协商确定中止期限及下次协商时间 the sides agree the suspension and the next meeting",
    n=30,
    unit=Unit.CALENDAR_DAYS,
    starts_from="suspend (resume_on)",
    on_expiry="flag",
    reminders=(1,),
    roll_to_working_day=False,
)

#: Registered with the engine's calendar by ``ProcessSpec.deadline_rules``.
RULES = (OFFER_REPLY, COORDINATION, FILING, REVIEW, RENEWAL, TERM, SUSPENSION)

#: 第三十八条: the term is 1–3 years; a wage contract is usually 1 year (local practice).
TERM_YEARS_RANGE = (1, 3)
RENEWAL_MONTHS = 3
