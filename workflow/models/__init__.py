from .anchor import AuditAnchor
from .audit import AuditEvent
from .case import Case, ReferenceCounter, case_content_type
from .congress import CongressSession, CongressTerm
from .deadline import CaseDeadline
from .delegation import Delegation
from .export import AuditExport, ExportStatus
from .extension import ExtensionConsent, ExtensionRequest
from .organisations import MemberProfile, Organisation, OrgKind, RoleAssignment
from .work import WorkItem

__all__ = [
    "AuditAnchor",
    "AuditEvent",
    "AuditExport",
    "Case",
    "CaseDeadline",
    "CongressSession",
    "CongressTerm",
    "Delegation",
    "ExportStatus",
    "ExtensionConsent",
    "ExtensionRequest",
    "MemberProfile",
    "Organisation",
    "OrgKind",
    "ReferenceCounter",
    "RoleAssignment",
    "WorkItem",
    "case_content_type",
]
