"""States and codes of the hardship-aid process (困难职工帮扶). Stored codes never change."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AidState(models.TextChoices):
    DRAFT = "draft", _("草稿 Draft")
    SUBMITTED = "submitted", _("已提交 Submitted")
    RETURNED = "returned", _("退回补充 Returned for information")
    PRECHECKED = "prechecked", _("初审通过 Pre-checked")
    VERIFIED = "verified", _("已入户核实 Verified by a home visit")
    ASSESSED = "assessed", _("已评定档次 Tier assessed")
    PUBLIC_NOTICE = "public_notice", _("公示中 On public notice")
    OBJECTION_REVIEW = "objection_review", _("异议复核 Objection under review")
    PENDING_APPROVAL = "pending_approval", _("待审批 Awaiting approval")
    PENDING_CENTRE = "pending_centre", _("待帮扶中心审批 Awaiting the aid centre")
    APPROVED = "approved", _("已批准 Approved")
    REJECTED = "rejected", _("未批准 Rejected")
    DISBURSED = "disbursed", _("已发放 Paid")
    POST_NOTICE = "post_notice", _("事后公示 Notice after payment")
    POST_OBJECTION_REVIEW = "post_objection_review", _("事后公示异议复核 Objection to the notice after payment")
    RECOVERY_DUE = "recovery_due", _("待追回 Aid to be recovered")
    RECOVERED = "recovered", _("已追回 Aid recovered")
    ARCHIVED = "archived", _("已建档 Filed")
    ANNUAL_REVIEW = "annual_review", _("年度复核中 Annual review")
    CONTINUED = "continued", _("继续建档 File continued")
    EXITED = "exited", _("已脱困撤档 Exited")


#: States in which the process has ended (the flow routes them to End).
TERMINAL_STATES = frozenset({AidState.REJECTED, AidState.EXITED})

#: States in which the case's notice is public (on the notice page).
NOTICE_STATES = frozenset({AidState.PUBLIC_NOTICE, AidState.POST_NOTICE})


class AidType(models.TextChoices):
    LIVING = "living", _("生活救助 Living aid")
    MEDICAL = "medical", _("医疗救助 Medical aid")
    EDUCATION = "education", _("金秋助学 Education aid")
    EMERGENCY = "emergency", _("突发困难 Emergency")


class Tier(models.TextChoices):
    EXTREME = "extreme", _("深度困难 Extreme hardship")
    RELATIVE = "relative", _("相对困难 Relative hardship")
    ACCIDENT = "accident", _("意外致困 Hardship by accident")
    INELIGIBLE = "ineligible", _("不符合条件 Not eligible")


class EntryKind(models.TextChoices):
    ALLOCATION = "allocation", _("拨入 Allocation")
    DISBURSEMENT = "disbursement", _("发放 Disbursement")
    REVERSAL = "reversal", _("冲回 Reversal")
    #: The aid paid back after an upheld objection to the notice published after payment (追回).
    RECOVERY = "recovery", _("追回 Recovery")
