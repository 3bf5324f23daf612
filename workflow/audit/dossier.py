"""A case's dossier: one zip that anyone can verify offline with ``python -m workflow.audit.verify``.

It holds ``events.jsonl`` (the case's audit events, one JSON object a line: exactly the fields
the chain hashes, plus ``hash``), ``documents/`` (every version of every document of the case),
``manifest.json`` (the case, event count, chain head hash, each document's SHA-256, the latest
checkpoint that covers the case with its inclusion proof, the software version) and
``dossier.pdf``, the same timeline for people (actor, role, time, reason, hashes).

Who may download it: the readers of the audit log (:data:`.search.SEARCH_ROLES` — auditors and
administrators over their subtree, a chair over their own organisation) for a case they may see:
the events carry every field their hashes cover, the actors' addresses and browsers included.
A case's own participants (applicant, proposer, parties, mediators… ``Case.participant_ids``) get
it with the addresses and browsers left out (``manifest.redacted``): each such event carries only
the salted commitments its hash covers (:func:`.hashing.redact`), so the chain still verifies
offline; restricted and sealed input never reached the audit trail in the first place. An event
written before events had a salt cannot be redacted and still verify: a case with such an event
that carries an address is refused to participants (403) rather than given unverifiable. A case
handler who is neither gets 403; whoever may not see the case is told it does not exist (404).
Building it only reads.
"""

from __future__ import annotations

import io
import json
import tomllib
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import policy
from ..errors import ActionForbidden
from ..services import get_visible_case
from .anchor import anchor_values
from .chain import _json_default, case_events, event_values
from .checkpoint import case_inclusion
from .hashing import REDACTABLE_FIELDS, redact
from .search import SEARCH_ROLES
from .verify import EVENTS, FORMAT, MANIFEST


def software_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _event_line(event, *, redacted: bool = False) -> str:
    values = {**event_values(event), "hash": event.hash}
    if redacted and values.get("salt"):
        values = redact(values)
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default)


def _documents(case):
    from ..documents.models import Document

    case_type = ContentType.objects.get_for_model(case, for_concrete_model=True)
    return list(Document.objects.filter(case_type=case_type, case_id=case.pk).order_by("uploaded_at", "pk"))


def _checkpoint(case) -> dict | None:
    case_type = ContentType.objects.get_for_model(case, for_concrete_model=True)
    found = case_inclusion(case_type.pk, case.pk)
    if found is None:
        return None
    return {
        "anchor_hash": found.anchor.anchor_hash,
        "anchor": anchor_values(found.anchor),
        "leaf_index": found.leaf_index,
        "head_seq": found.head_seq,
        "proof": found.proof,
    }


NOT_A_READER = _(
    "只有经费审查、管理员、工会主席或案件当事人可以下载案件卷宗 "
    "Only an auditor, an administrator, the chair or the case's own participants may download a case dossier."
)
OLDER_EVENTS = _(
    "该案件有早于可脱敏校验的审计事件，卷宗只能由审计人员下载 This case has audit events recorded before "
    "addresses could be left out verifiably: only the audit readers may download its dossier."
)
FULL, REDACTED = "full", "redacted"


def may_take_dossier(user, case) -> str:
    """``full`` for an audit reader's role covering the case's organisation, ``redacted`` for a
    participant of the case, "" for anyone else (the case must be visible as well)."""
    if policy.grant_for(user, case.organisation, SEARCH_ROLES) is not None:
        return FULL
    return REDACTED if user.pk in case.participant_ids() else ""


def _redactable(events) -> bool:
    """Every event either has a salt or has nothing to leave out."""
    return all(e.salt or not any(getattr(e, name) for name in REDACTABLE_FIELDS) for e in events)


def build_dossier(*, process, case_id, user) -> tuple[object, bytes]:
    """The case (404 unless ``user`` may see it) and its dossier zip's bytes."""
    case = get_visible_case(process=process, case_id=case_id, user=user)
    kind = may_take_dossier(user, case)
    if not kind:
        raise ActionForbidden(str(NOT_A_READER))
    events = list(case_events(case))
    redacted = kind == REDACTED
    if redacted and not _redactable(events):
        raise ActionForbidden(str(OLDER_EVENTS))
    documents = _documents(case)
    manifest = {
        "format": FORMAT,
        "process": process if isinstance(process, str) else process.key,
        "case_id": case.pk,
        "case_ref": case.reference,
        "organisation": case.organisation.code,
        "state": case.state,
        "event_count": len(events),
        "chain_head_hash": events[-1].hash if events else "",
        "redacted": list(REDACTABLE_FIELDS) if redacted else [],
        "documents": [],
        "checkpoint": _checkpoint(case),
        "software_version": software_version(),
        "generated_at": timezone.now().isoformat(),
        "verify": "python -m workflow.audit.verify <this zip>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(EVENTS, "".join(_event_line(e, redacted=redacted) + "\n" for e in events))
        for number, doc in enumerate(documents, start=1):
            path = f"documents/{number:03d}-v{doc.version}-{Path(doc.name).name}"
            with doc.file.open("rb") as handle:
                archive.writestr(path, handle.read())
            manifest["documents"].append(
                {"path": path, "name": doc.name, "version": doc.version, "sha256": doc.sha256, "size": doc.size}
            )
        archive.writestr("dossier.pdf", _pdf(case, events, manifest))
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, default=_json_default))
    return case, buffer.getvalue()


def _pdf(case, events, manifest) -> bytes:
    from .dossier_pdf import dossier_pdf

    return dossier_pdf(case, events, manifest)
