"""States of a collective contract (集体合同) case. Stored codes never change; labels are zh-Hans with English."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractState(models.TextChoices):
    PREPARING = "preparing", _("协商准备 Preparing")
    OFFER_SENT = "offer_sent", _("已发出要约 Offer sent")
    NO_REPLY = "no_reply", _("逾期未答复 No reply")
    NEGOTIATING = "negotiating", _("协商中 Negotiating")
    SUSPENDED = "suspended", _("协商中止 Suspended")
    COORDINATION = "coordination", _("协调处理中 In coordination")
    DRAFT_AGREED = "draft_agreed", _("草案已确认 Draft agreed")
    CONGRESS_VOTE = "congress_vote", _("职代会审议中 Congress vote")
    PASSED = "passed", _("职代会通过 Passed")
    SIGNED = "signed", _("已签字 Signed")
    FILED = "filed", _("已报送审查 Filed")
    OBJECTED = "objected", _("审查有异议 Objected")
    EFFECTIVE = "effective", _("已生效 Effective")
    IN_FORCE = "in_force", _("已公布履行中 In force")
    RENEWAL_WINDOW = "renewal_window", _("续订期 Renewal window")
    EXPIRED = "expired", _("已期满 Expired")
    TERMINATED = "terminated", _("已解除 Terminated")


#: States in which the process has ended (the flow routes them to End).
TERMINAL_STATES = frozenset({ContractState.EXPIRED, ContractState.TERMINATED})

#: The contract is in force (the register's "in force"): published and not yet expired.
IN_FORCE_STATES = frozenset({ContractState.IN_FORCE, ContractState.RENEWAL_WINDOW})


class Kind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合集体合同 Comprehensive")
    WAGE = "wage", _("工资专项集体合同 Wage")
    WOMEN = "women", _("女职工权益保护专项集体合同 Women workers' rights")
    SAFETY = "safety", _("劳动安全卫生专项集体合同 Occupational safety and health")


class Side(models.TextChoices):
    UNION = "union", _("职工方 Union side")
    EMPLOYER = "employer", _("企业方 Employer side")


class EscalateTo(models.TextChoices):
    HIGHER_UNION = "higher_union", _("上级工会 The higher union")
    LABOUR_ADMIN = "labour_admin", _("劳动保障行政部门 The labour administration")


class Grounds(models.TextChoices):
    """《集体合同规定》第四十条: grounds to vary or end a contract."""

    MERGER = "merger", _("兼并、解散、破产等 Merger, dissolution or bankruptcy")
    FORCE_MAJEURE = "force_majeure", _("不可抗力 Force majeure")
    AGREED = "agreed", _("约定的变更或解除条件出现 An agreed condition occurred")
    OTHER_LEGAL = "other_legal", _("法律法规规定的其他情形 Other legal grounds")


class Channel(models.TextChoices):
    NOTICE_BOARD = "notice_board", _("公告栏 Notice board")
    CONGRESS = "congress", _("职代会 At the congress")
    INTRANET = "intranet", _("内部网站 Intranet")
    HANDBOOK = "handbook", _("印发文本 Printed copies")
