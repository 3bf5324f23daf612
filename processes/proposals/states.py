"""States of a proposal (提案). Stored codes never change; labels are zh-Hans with English."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("草稿 Draft")
    COSIGNING = "cosigning", _("附议中 Collecting co-signers")
    SUBMITTED = "submitted", _("已提交 Submitted")
    UNDER_REVIEW = "under_review", _("审查中 Under review")
    RETURNED = "returned", _("退回修改 Returned for revision")
    ACCEPTED = "accepted", _("已立案 Accepted")
    CONVERTED = "converted", _("转为意见建议 Converted to a suggestion")
    REJECTED = "rejected", _("不予立案 Rejected")
    MERGED = "merged", _("已合并 Merged")
    WITHDRAWN = "withdrawn", _("已撤回 Withdrawn")
    ASSIGNED = "assigned", _("已交办 Assigned")
    IN_PROGRESS = "in_progress", _("办理中 In progress")
    REPLIED = "replied", _("已答复 Replied")
    REHANDLING = "rehandling", _("重新办理 Re-handling")
    CLOSED = "closed", _("已办结 Closed")
    ARCHIVED = "archived", _("已归档 Archived")
    ON_AGENDA = "on_agenda", _("列入议程 On the congress agenda")
    ADOPTED = "adopted", _("已通过 Adopted")
    NOT_ADOPTED = "not_adopted", _("未通过 Not adopted")


#: States in which the process has ended (the flow routes them to End).
TERMINAL_STATES = frozenset(
    {
        ProposalState.REJECTED,
        ProposalState.MERGED,
        ProposalState.WITHDRAWN,
        ProposalState.ARCHIVED,
        ProposalState.ADOPTED,
        ProposalState.NOT_ADOPTED,
    }
)


#: The lead department handles the proposal (between acknowledge and reply): co-departments countersign.
HANDLING_STATES = frozenset({ProposalState.IN_PROGRESS, ProposalState.REHANDLING})


class Category(models.TextChoices):
    """What the proposal is about (one matter per proposal, 一事一案)."""

    MANAGEMENT = "management", _("经营管理 Management")
    WAGES = "wages", _("工资福利 Wages and benefits")
    SAFETY = "safety", _("安全生产 Safety")
    WORKING_CONDITIONS = "conditions", _("劳动条件 Working conditions")
    TRAINING = "training", _("教育培训 Training")
    LIVING = "living", _("生活后勤 Living and services")
    OTHER = "other", _("其他 Other")


class CosignStatus(models.TextChoices):
    INVITED = "invited", _("待确认 Invited")
    CONFIRMED = "confirmed", _("已附议 Confirmed")
    DECLINED = "declined", _("已谢绝 Declined")
    WITHDRAWN = "withdrawn", _("已撤回附议 Withdrawn")
    LAPSED = "lapsed", _("未答复 Lapsed")


class Classification(models.TextChoices):
    """答复分类: A solved, B being solved, C cannot be solved now (with the explanation)."""

    A = "A", _("A 已解决 Solved")
    B = "B", _("B 正在解决 Being solved")
    C = "C", _("C 暂不能解决 Cannot be solved now")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意 Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意 Basically satisfied")
    UNSATISFIED = "unsatisfied", _("不满意 Unsatisfied")


class Closure(models.TextChoices):
    """How a closed proposal was closed; an unrated reply is never counted as satisfied."""

    RATED = "rated", _("已评价 Rated")
    NOT_RATED = "not_rated", _("未评价 Not rated")
    REHANDLING_EXHAUSTED = "rehandling_exhausted", _("重新办理后仍不满意 Unsatisfied after re-handling")
