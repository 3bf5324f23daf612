"""Roles a user may hold in an organisation.

Stored codes never change; labels are zh-Hans with English.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("会员 Member")
    REPRESENTATIVE = "representative", _("职工代表 Representative")
    REVIEW_COMMITTEE = "review_committee", _("提案审查委员会 Review committee")
    DEPARTMENT = "department", _("承办部门 Department")
    UNION_COMMITTEE = "union_committee", _("工会委员会 Union committee")
    CHAIR = "chair", _("工会主席 Chair")
    VERIFIER = "verifier", _("核查人 Verifier")
    FINANCE = "finance", _("财务 Finance")
    MEDIATOR = "mediator", _("调解员 Mediator")
    #: Chairs the enterprise labour-dispute mediation committee (《劳动争议调解仲裁法》第十条): a role of its
    #: own, not the union chair's, though one person may hold both.
    MEDIATION_CHAIR = "mediation_chair", _("调解委员会主任 Mediation committee chair")
    EMPLOYER_REP = "employer_rep", _("企业方代表 Employer representative")
    AID_CENTRE = "aid_centre", _("帮扶中心 Aid centre")
    AUDITOR = "auditor", _("经费审查 Auditor")
    ADMIN = "admin", _("管理员 Administrator")


#: Roles that, held at an organisation, also cover every organisation below it.
SUBTREE_ROLES = frozenset({Role.AUDITOR, Role.AID_CENTRE, Role.ADMIN})

#: Roles that only read: they never act on a case.
READ_ONLY_ROLES = frozenset({Role.AUDITOR})

#: Roles that may open restricted personal data (ID number, phone, income).
RESTRICTED_DATA_ROLES = frozenset({Role.AID_CENTRE, Role.VERIFIER, Role.CHAIR, Role.ADMIN})
