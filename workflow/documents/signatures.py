"""Signing a document version: in-app with the password re-entered, or with a scan of a wet signature.

A signature binds the signer, the role they sign as, and the SHA-256 of the exact
version. The caller states the hash that was approved; signing a version whose hash
differs from the approved one is refused (409), so nobody signs a document that
changed after approval.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import policy, services
from ..audit import Actor, RequestMeta, record_event
from ..errors import ActionForbidden, InvalidInput, ServiceError
from ..models import case_content_type
from ..roles import Role
from . import sniff
from .models import Document, Signature, SignatureMethod
from .services import store_document, validate_upload

NOT_YOUR_ROLE = _("您在本组织不具有该签署身份 You do not hold this role in the organisation.")
BAD_ROLE = _("签署身份无效 Unknown role.")
BAD_METHOD = _("签署方式无效 Unknown signing method.")
WRONG_PASSWORD = _("密码错误，未签署 Wrong password; nothing was signed.")
HASH_MISMATCH = _("文件版本与批准的版本不一致，拒绝签署 This version differs from the approved one; signing refused.")
ALREADY_SIGNED = _("您已以该身份签署此文件 You have already signed this document in this role.")
NEED_SCAN = _("请上传签字或盖章的扫描件 Upload the scan of the signature or seal.")
SCAN_NOT_FOUND = _("扫描件不是本案件的文件 The scan is not a document of this case.")


class HashMismatch(ServiceError):
    status = 409
    code = "hash_mismatch"


class AlreadySigned(ServiceError):
    status = 409
    code = "already_signed"


def document_sign(
    *,
    document: Document,
    user,
    role: str,
    method: str,
    password: str | None = None,
    scan=None,
    approved_sha256: str,
    meta: RequestMeta | None = None,
    now: dt.datetime | None = None,
) -> Signature:
    """Sign ``document`` as ``role``.

    Refused, with nothing written: a case the user cannot see (404); a role the user
    does not hold themselves at the case's organisation — a signature is personal, so a
    delegated role does not count (403); a wrong password (403); an approved hash that
    is not this version's (409); a second signature in the same role (409). With
    ``method="scan"``, ``scan`` is an uploaded PDF/PNG/JPEG (stored as a document of the
    case) or an existing document of the case.
    """
    scan_upload = _checked_input(role, method, scan)
    now = now or timezone.now()
    with transaction.atomic():
        case = services.get_visible_case(process=document.process_key, case_id=document.case_id, user=user, lock=True)
        if role not in policy.roles_at(user, case.organisation, own_only=True):
            raise ActionForbidden(str(NOT_YOUR_ROLE))
        if method == SignatureMethod.PASSWORD and not (password and user.check_password(password)):
            raise ActionForbidden(str(WRONG_PASSWORD), code="wrong_password")
        if (approved_sha256 or "").strip().lower() != document.sha256:
            raise HashMismatch(str(HASH_MISMATCH))
        if Signature.objects.filter(document=document, signer=user, role=role).exists():
            raise AlreadySigned(str(ALREADY_SIGNED))
        scan_document = _scan_document(
            case=case, document=document, user=user, role=role, scan=scan, scan_upload=scan_upload, meta=meta, now=now
        )
        signature = Signature.objects.create(
            document=document, signer=user, role=role, document_sha256=document.sha256, signed_at=now,
            method=method, scan_document=scan_document,
        )
        record_event(
            case=case, action="document_sign", actor=Actor(user=user, role=role),
            from_state=case.state, to_state=case.state,
            payload={
                "document": document.pk, "name": document.name, "version": document.version,
                "sha256": document.sha256, "role": role, "method": method,
                "scan_document": scan_document.pk if scan_document else None,
            },
            meta=meta, now=now,
        )
    return signature


def _checked_input(role: str, method: str, scan):
    """Refuse a bad role, method or missing scan (400) before anything is locked; the upload
    checked as a scan (name, content type, size) when ``scan`` is a new file, else None."""
    if role not in Role.values:
        raise InvalidInput(str(BAD_ROLE), fields={"role": [str(BAD_ROLE)]})
    if method not in SignatureMethod.values:
        raise InvalidInput(str(BAD_METHOD), fields={"method": [str(BAD_METHOD)]})
    if method != SignatureMethod.SCAN:
        return None
    if scan is None:
        raise InvalidInput(str(NEED_SCAN), fields={"scan": [str(NEED_SCAN)]})
    if isinstance(scan, Document):
        return None
    return validate_upload(scan, None, allowed_types=sniff.SCAN_TYPES, field="scan")


def _scan_document(*, case, document, user, role, scan, scan_upload, meta, now) -> Document | None:
    """The scanned signature: an existing document of this case, or the upload stored as one."""
    if isinstance(scan, Document):
        case_type = case_content_type(case)
        if (scan.case_type_id, scan.case_id) != (case_type.pk, case.pk) or scan.content_type not in sniff.SCAN_TYPES:
            raise InvalidInput(str(SCAN_NOT_FOUND), fields={"scan": [str(SCAN_NOT_FOUND)]})
        return scan
    if scan_upload is None:
        return None
    name, content_type, size = scan_upload
    return store_document(
        case=case, process=document.process_key, user=user, file=scan, name=name,
        content_type=content_type, size=size, previous=None, meta=meta, now=now, role=role,
    )
