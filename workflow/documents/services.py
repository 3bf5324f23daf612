"""Documents on cases: upload (with limits and an allow-list), versions, reading, text diff.

Anyone who sees a case may attach a document to it and read its documents. Every
upload is audited on the case (``document_upload``) in the transaction that stores it,
with the case row locked, which also serialises concurrent new versions of a chain.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import logging
import os

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.status import PROCESS

from .. import messages, policy, registry, services
from ..api.parsing import parse_id
from ..audit import Actor, RequestMeta, record_event
from ..errors import ActionForbidden, InvalidInput, NotVisible, ServiceError
from ..models import case_content_type
from ..roles import READ_ONLY_ROLES
from . import sniff
from .models import Document

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_DIFF_MAX_BYTES = 1024 * 1024

DOCUMENT_NOT_FOUND = _("未找到该文件 Document not found.")
NO_FILE = _("请选择要上传的文件 Choose a file to upload.")
EMPTY_FILE = _("文件为空 The file is empty.")
TOO_LARGE = _("文件超过大小上限 %(limit)s 字节 The file exceeds the size limit of %(limit)s bytes.")
BAD_NAME = _("文件名无效 Invalid file name.")
PREVIOUS_NOT_FOUND = _("上一版本不在本案件中 The previous version is not a document of this case.")
NOT_LATEST = _("只能在最新版本（第 %(version)s 版）之后上传新版本 A new version must follow the latest version (v%(version)s).")
DIFF_NOT_TEXT = _("只能比较纯文本文件 Only plain-text documents can be compared.")
DIFF_OTHER_CASE = _("只能比较同一案件的文件 Only documents of the same case can be compared.")
DIFF_TOO_LARGE = _("文件过大，无法比较 The documents are too large to compare.")
FILE_MISSING = _("文件内容缺失，请联系管理员恢复 The document's stored file is missing; ask an administrator to restore it.")


CASE_CLOSED = _("案件已结束，不能再上传文件 The case is closed; documents can no longer be uploaded.")


class NotLatestVersion(ServiceError):
    status = 409
    code = "not_latest_version"


class CaseClosed(ServiceError):
    status = 409
    code = "case_closed"


def case_closed(case) -> bool:
    """A case is closed once its workflow has ended, whatever the process:

    its viewflow process is done or cancelled (the flow reached its End), its state is one its
    process declares closed (``ProcessSpec.closed_states``), or its state has no transition out
    (a final state; also for a case that has no viewflow process).
    """
    if case.process_id and case.process.status in (PROCESS.DONE, PROCESS.CANCELED):
        return True
    spec = registry.for_model(type(case))
    if spec is not None and case.state in spec.closed_states:
        return True
    state = case.state
    for transition in type(case)._meta.get_field("state").get_all_transitions(type(case)):
        if transition.source in (state, "*") or (transition.source == "+" and transition.target != state):
            return False
    return True


def max_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _clean_name(name: str) -> str:
    # Keep only the last path component: a name never chooses where a file goes.
    cleaned = os.path.basename(str(name or "").replace("\\", "/")).strip().replace("\x00", "")
    if not cleaned or cleaned in (".", ".."):
        raise InvalidInput(str(BAD_NAME), fields={"name": [str(BAD_NAME)]})
    return cleaned[:255]


def _sha256(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    if hasattr(fileobj, "chunks"):
        for chunk in fileobj.chunks():
            digest.update(chunk)
    else:
        for chunk in iter(lambda: fileobj.read(65536), b""):
            digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def _file_size(fileobj) -> int:
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, os.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(0)
    return int(size)


def validate_upload(file, name: str | None, *, allowed_types=None, field: str = "file") -> tuple[str, str, int]:
    """Check one upload; returns (name, content type, size) or raises a 400 with the reason."""
    if file is None or not hasattr(file, "read"):
        raise InvalidInput(str(NO_FILE), fields={field: [str(NO_FILE)]})
    name = _clean_name(name or getattr(file, "name", ""))
    size = _file_size(file)
    if size == 0:
        raise InvalidInput(str(EMPTY_FILE), fields={field: [str(EMPTY_FILE)]})
    limit = max_bytes()
    if size > limit:
        reason = str(TOO_LARGE) % {"limit": limit}
        raise InvalidInput(reason, fields={field: [reason]})
    verdict = sniff.check(name, file)
    if verdict.ok and allowed_types is not None and verdict.content_type not in allowed_types:
        verdict = sniff.Verdict(reason=str(sniff.TYPE_NOT_ALLOWED))
    if not verdict.ok:
        raise InvalidInput(verdict.reason, fields={field: [verdict.reason]})
    return name, verdict.content_type, size


def store_document(
    *, case, process: str, user, file, name: str, content_type: str, size: int,
    previous: Document | None, meta: RequestMeta | None, now: dt.datetime, role: str = "",
) -> Document:
    """Store a checked upload on a locked case and audit it. Runs inside the caller's transaction."""
    doc = Document(
        process_key=process,
        case_type=case_content_type(case),
        case_id=case.pk,
        case_ref=getattr(case, "reference", "") or "",
        organisation_id=case.organisation_id,
        name=name,
        content_type=content_type,
        size=size,
        sha256=_sha256(file),
        version=previous.version + 1 if previous else 1,
        previous=previous,
        uploaded_by=user,
        uploaded_at=now,
    )
    doc.file.save(name, file, save=False)
    doc.save(force_insert=True)
    record_event(
        case=case, action="document_upload", actor=Actor(user=user, role=role),
        from_state=case.state, to_state=case.state,
        payload={
            "document": doc.pk, "name": doc.name, "sha256": doc.sha256, "size": doc.size,
            "content_type": doc.content_type, "version": doc.version, "previous": previous.pk if previous else None,
        },
        meta=meta, now=now,
    )
    return doc


def reads_only(case, user) -> bool:
    """An auditor reads the documents; attaching one would be acting on the case (unless they take part in it)."""
    held = policy.roles_at(user, case.organisation)
    return bool(held and held <= READ_ONLY_ROLES and user.pk not in case.participant_ids())


def may_upload(case, user) -> bool:
    """Whether the page offers ``user`` to upload to ``case``: what :func:`document_upload` checks first."""
    return not case_closed(case) and not reads_only(case, user)


def document_upload(
    *, process: str, case_id, user, file, name: str | None = None, previous_id=None,
    meta: RequestMeta | None = None, now: dt.datetime | None = None,
) -> Document:
    """Attach a document (or a new version of one) to a case the user can see (not as a read-only role).

    Refused with a 400 and the reason: no file, an empty file, a file above
    ``DOCUMENT_MAX_BYTES`` (10 MiB unless set), a type outside the allow-list, or
    content that does not match the extension. A new version must name the latest
    version of its chain on the same case (409 otherwise). A closed case (see
    :func:`case_closed`) takes no more documents (409 ``case_closed``).
    """
    now = now or timezone.now()
    name, content_type, size = validate_upload(file, name)
    with transaction.atomic():
        case = services.get_visible_case(process=process, case_id=case_id, user=user, lock=True)
        if case_closed(case):
            raise CaseClosed(str(CASE_CLOSED))
        if reads_only(case, user):
            raise ActionForbidden(str(messages.READ_ONLY))
        previous = None
        if previous_id not in (None, ""):
            case_type = case_content_type(case)
            try:
                previous = Document.objects.get(pk=parse_id(previous_id), case_type=case_type, case_id=case.pk)
            except Document.DoesNotExist:
                raise InvalidInput(str(PREVIOUS_NOT_FOUND), fields={"previous": [str(PREVIOUS_NOT_FOUND)]}) from None
            latest = latest_version(previous)
            if latest.pk != previous.pk:
                raise NotLatestVersion(str(NOT_LATEST) % {"version": latest.version})
        return store_document(
            case=case, process=process, user=user, file=file, name=name, content_type=content_type, size=size,
            previous=previous, meta=meta, now=now,
        )


# Reading ---------------------------------------------------------------------------


def latest_version(document: Document) -> Document:
    current = document
    while True:
        nxt = Document.objects.filter(previous=current).first()
        if nxt is None:
            return current
        current = nxt


def version_chain(document: Document) -> list[Document]:
    """Every version of the document's chain, oldest first."""
    first = document
    while first.previous_id:
        first = first.previous
    chain = [first]
    while True:
        nxt = Document.objects.filter(previous=chain[-1]).first()
        if nxt is None:
            return chain
        chain.append(nxt)


def get_visible_document(*, document_id, user) -> Document:
    """The document if its case is visible to ``user``; otherwise a 404."""
    try:
        doc = Document.objects.select_related("uploaded_by").get(pk=parse_id(document_id))
    except Document.DoesNotExist:
        raise NotVisible(str(DOCUMENT_NOT_FOUND)) from None
    try:
        services.get_visible_case(process=doc.process_key, case_id=doc.case_id, user=user)
    except NotVisible:
        raise NotVisible(str(DOCUMENT_NOT_FOUND)) from None
    return doc


def case_documents(*, process: str, case_id, user) -> list[Document]:
    case = services.get_visible_case(process=process, case_id=case_id, user=user)
    case_type = case_content_type(case)
    return list(
        Document.objects.filter(case_type=case_type, case_id=case.pk).select_related("uploaded_by", "next_version")
    )


logger = logging.getLogger(__name__)


class FileMissing(NotVisible):
    """The document's row is there but its stored file is not (a media volume lost or not
    restored with the database): a 404 that names the cause, logged for the operator, rather
    than a server error."""

    code = "file_missing"


def open_file(document: Document):
    try:
        return document.file.open("rb")
    except FileNotFoundError:
        logger.error("document %s: stored file %s is missing", document.pk, document.file.name)
        raise FileMissing(str(FILE_MISSING)) from None


def read_bytes(document: Document) -> bytes:
    with open_file(document) as handle:
        return handle.read()


def document_diff(*, document: Document, other: Document, user) -> str:
    """A unified diff (difflib) from ``document`` to ``other``: two plain-text documents of one case."""
    for doc in (document, other):
        get_visible_document(document_id=doc.pk, user=user)
    if (document.case_type_id, document.case_id) != (other.case_type_id, other.case_id):
        raise InvalidInput(str(DIFF_OTHER_CASE))
    if not (document.is_text and other.is_text):
        raise InvalidInput(str(DIFF_NOT_TEXT))
    limit = int(getattr(settings, "DOCUMENT_DIFF_MAX_BYTES", DEFAULT_DIFF_MAX_BYTES))
    if document.size > limit or other.size > limit:
        raise InvalidInput(str(DIFF_TOO_LARGE))
    old = sniff.decode_text(read_bytes(document)) or ""
    new = sniff.decode_text(read_bytes(other)) or ""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"{document.name} v{document.version}", tofile=f"{other.name} v{other.version}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
