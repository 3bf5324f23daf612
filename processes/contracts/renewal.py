"""Renewal (续订, 《集体合同规定》第三十八条): a new case that starts from the old one."""

from __future__ import annotations

from django.core.files.base import ContentFile

from workflow.documents.models import Document
from workflow.documents.services import read_bytes

from .models import ContractRepresentative


def prefill_from(ctx, case, old) -> None:
    """Copy the teams, the chiefs and the last text (as a document of the new case, same SHA-256).

    Runs inside the creating transaction; the copy is recorded in the ``create`` event's payload
    (one audit event for the creation).
    """
    ContractRepresentative.objects.bulk_create([
        ContractRepresentative(contract=case, side=r.side, position=r.position, name=r.name, user_id=r.user_id,
                               expert=r.expert, chief=r.chief, woman=r.woman)
        for r in old.representatives.all()
    ])
    case.union_chief_id, case.employer_chief_id = old.union_chief_id, old.employer_chief_id
    case.team_user_ids = list(old.team_user_ids)
    case.record_keeper = old.record_keeper
    text = old.passed_document or old.draft
    if text is not None:
        copy = Document(
            process_key="contracts", case_type_id=text.case_type_id, case_id=case.pk, case_ref=case.reference,
            organisation_id=case.organisation_id, name=text.name, content_type=text.content_type, size=text.size,
            sha256=text.sha256, version=1, uploaded_by=ctx.user, uploaded_at=ctx.now,
        )
        copy.file.save(text.name, ContentFile(read_bytes(text)), save=False)
        copy.save(force_insert=True)
        case.draft = copy
        ctx.payload["copied_text"] = {"from": text.pk, "document": copy.pk, "sha256": copy.sha256}
    case.save(update_fields=["union_chief", "employer_chief", "team_user_ids", "record_keeper", "draft"])
    ctx.payload["renewal_of"] = old.reference
