"""States and choices of a labour-dispute mediation case. Stored codes never change."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DisputeState(models.TextChoices):
    APPLIED = "applied", _("已申请 Applied")
    DECLINED = "declined", _("不予受理 Declined")
    ACCEPTED = "accepted", _("已受理 Accepted")
    MEDIATING = "mediating", _("调解中 Mediating")
    AGREEMENT_DRAFTED = "agreement_drafted", _("协议待签 Agreement drafted")
    AGREED = "agreed", _("已达成协议 Agreed")
    PERFORMED = "performed", _("已履行 Performed")
    CLOSED = "closed", _("已结案 Closed")
    BREACHED = "breached", _("未履行 Breached")
    FAILED = "failed", _("调解不成 Failed")
    REFERRED = "referred", _("已转仲裁 Referred to arbitration")
    WITHDRAWN = "withdrawn", _("已撤回 Withdrawn")


#: States in which the case has ended (the flow routes them to End).
TERMINAL_STATES = frozenset({DisputeState.DECLINED, DisputeState.CLOSED, DisputeState.REFERRED, DisputeState.WITHDRAWN})

#: The applicant may withdraw at any point before an agreement (《企业劳动争议协商调解规定》: mediation is voluntary).
BEFORE_AGREEMENT = (
    DisputeState.APPLIED, DisputeState.ACCEPTED, DisputeState.MEDIATING, DisputeState.AGREEMENT_DRAFTED,
)

#: The mediation period runs (rule ``dispute.mediation``).
MEDIATION_STATES = (DisputeState.ACCEPTED, DisputeState.MEDIATING, DisputeState.AGREEMENT_DRAFTED)


class Category(models.TextChoices):
    PAY = "pay", _("薪酬分配 Pay")
    ARREARS = "arrears", _("欠薪 Wage arrears")
    SOCIAL_INSURANCE = "social_insurance", _("欠保 Social insurance arrears")
    TERMINATION = "termination", _("解除劳动合同 Termination")
    INJURY = "injury", _("工伤 Work injury")
    OTHER = "other", _("其他 Other")


class DeclineReason(models.TextChoices):
    """Why the committee does not accept (《企业劳动争议协商调解规定》: not in scope, or a party refuses)."""

    OUT_OF_SCOPE = "out_of_scope", _("不属于调解范围 Out of scope")
    ALREADY_DECIDED = "already_decided", _("已经仲裁或判决 Already arbitrated or judged")
    RESPONDENT_REFUSES = "respondent_refuses", _("对方当事人拒绝调解 The other party refuses mediation")


class Party(models.TextChoices):
    """The capacity in which a person signs the agreement (《劳动争议调解仲裁法》第十四条)."""

    APPLICANT = "applicant", _("申请人 Applicant")
    RESPONDENT = "respondent", _("被申请人 Respondent")
    MEDIATOR = "mediator", _("调解员 Mediator")


class ReviewOutcome(models.TextChoices):
    """The arbitration commission's review of an agreement (仲裁审查), as a party records it."""

    PENDING = "pending", _("审查中 Under review")
    CONFIRMED = "confirmed", _("确认有效 Confirmed")
    NOT_CONFIRMED = "not_confirmed", _("不予确认 Not confirmed")


class ReviewRoute(models.TextChoices):
    """Where both parties took the agreement to have it reviewed: the arbitration commission (仲裁审查,
    《企业劳动争议协商调解规定》: within 15 days of the agreement taking effect) or a people's court for
    judicial confirmation (司法确认, 《民事诉讼法》 special procedure; not in the project's rules, see
    docs/disputes.md)."""

    ARBITRATION = "arbitration", _("仲裁审查 Review by the arbitration commission")
    JUDICIAL = "judicial", _("司法确认 Judicial confirmation by a court")


class PaymentOrderMatter(models.TextChoices):
    """The matters for which a worker may ask a court for a payment order (《劳动争议调解仲裁法》第十六条)."""

    WAGES = "wages", _("拖欠劳动报酬 Unpaid wages")
    INJURY_MEDICAL = "injury_medical", _("工伤医疗费 Work-injury medical costs")
    COMPENSATION = "compensation", _("经济补偿 Economic compensation")
    DAMAGES = "damages", _("赔偿金 Damages")
