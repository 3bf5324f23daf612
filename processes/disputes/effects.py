"""Transition effects: the rows around a dispute, written in the service's transaction.

Each runs before the FSM method and may add to ``ctx.payload`` (what the audit event records);
what it returns is ``ctx.result`` for the model's method. Minutes and passwords never reach the
payload: the transitions seal them (``TransitionSpec.sealed``).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from workflow.deadlines import close_deadline, open_deadline, start_deadline
from workflow.documents.models import Document, Signature, SignatureMethod
from workflow.documents.services import store_document
from workflow.documents.signatures import WRONG_PASSWORD
from workflow.errors import ActionForbidden, GuardFailed
from workflow.models import CaseDeadline

from . import deadlines as d
from . import notices
from .models import DisputeMediator, DisputeRecusal, DisputeSession, paper_refs
from .permissions import signatory_capacity
from .states import DeclineReason, Party

WRONG_VERSION = _(
    "协议书已更新为第 %(version)s 版，请核对后签署该版本 The agreement changed to version %(version)s: check and "
    "sign that version."
)
ALREADY_SIGNED = _("您已签署该版本协议书 You have already signed this version of the agreement.")

CANCELLED = CaseDeadline.Status.CANCELLED
EXPIRED = CaseDeadline.Status.EXPIRED
EXPIRED_REASON = "调解期限届满未达成协议 No agreement within the mediation period"


def _name(user) -> str:
    return user.get_username()


def confirm_application(ctx):
    """第十二条: the applicant confirms the record a mediator made of their oral application."""
    ctx.case.oral_confirmed_at = ctx.now
    ctx.payload["confirmed_at"] = ctx.now.isoformat()


def consent_to_mediation(ctx):
    """The employer party agrees to mediation; its representative is a party from now on."""
    ctx.case.respondent_rep = ctx.user
    ctx.case.respondent_consented_at = ctx.now
    ctx.case.forget_participants()
    ctx.payload["respondent_rep"] = _name(ctx.user)


def accept(ctx):
    """Accepted: the 3-working-day acceptance limit is met (or recorded late) and the 15-day
    mediation period starts (《企业劳动争议协商调解规定》)."""
    case = ctx.case
    row = open_deadline(case, d.ACCEPTANCE.id)
    on_time = row is None or ctx.today <= row.due_on
    close_deadline(case, d.ACCEPTANCE.id, CaseDeadline.Status.MET if on_time else EXPIRED)
    case.accepted_on_time = on_time
    started = start_deadline(case, d.MEDIATION.id, ctx.today, payload=ctx.payload)
    case.mediation_ends_on = started.due_on
    ctx.payload["on_time"] = on_time


def decline(ctx):
    """Not accepted: recorded, and the applicant is told in writing (《企业劳动争议协商调解规定》)."""
    case = ctx.case
    _close_open(case, CANCELLED, (d.ACCEPTANCE, d.ARBITRATION_RIGHT))
    case.notice = notices.decline_notice(case, reason_label=str(DeclineReason(ctx.data["reason"]).label))
    notices.send_to_parties_after_commit(ctx, case.notice)


def assign_mediators(ctx):
    """The chair assigns the mediators (each then declares no conflict of interest)."""
    case = ctx.case
    current = set(case.active_mediator_ids())
    undeclared = set(case.undeclared_mediator_ids())
    added = [u for u in ctx.data["mediators"] if u.pk not in current]
    DisputeMediator.objects.bulk_create(
        [DisputeMediator(dispute=case, user=u, assigned_by=ctx.user, assigned_at=ctx.now) for u in added]
    )
    case.forget_participants()
    # The work items of the next step go to these mediators: known here, not read back.
    case._active_mediators = [*current, *(u.pk for u in added)]
    case._undeclared_mediators = undeclared | {u.pk for u in added}
    ctx.payload["mediators"] = [_name(u) for u in added]


def declare_no_conflict(ctx):
    ctx.case.mediators.filter(user=ctx.user).update(declared_at=ctx.now)
    ctx.case.undeclared_mediator_ids().discard(ctx.user.pk)
    ctx.payload["declared"] = _name(ctx.user)


def request_recusal(ctx):
    """A party asks that a mediator withdraw (回避); the chair decides."""
    mediator = ctx.data["mediator"]
    DisputeRecusal.objects.create(
        dispute=ctx.case, mediator=mediator, grounds=ctx.data["grounds"], requested_by=ctx.user, requested_at=ctx.now
    )
    ctx.payload["mediator"] = _name(mediator)


def decide_recusal(ctx):
    """The chair decides the oldest pending request; a mediator recused can no longer act or read."""
    case = ctx.case
    request = case.recusals.select_for_update().filter(granted__isnull=True).order_by("requested_at", "pk").first()
    request.granted = ctx.data["granted"]
    request.decision_reason = ctx.data["reason"]
    request.decided_by = ctx.user
    request.decided_at = ctx.now
    request.save(update_fields=["granted", "decision_reason", "decided_by", "decided_at"])
    if request.granted:
        case.mediators.filter(user_id=request.mediator_id).update(recused_at=ctx.now)
        case.forget_participants()
    ctx.payload["recusal"] = {"mediator": _name(request.mediator), "granted": request.granted}


def record_session(ctx):
    """A session's minutes are kept on the case, never in the audit payload (sealed)."""
    case = ctx.case
    number = case.sessions.count() + 1
    evidence = [{"id": doc.pk, "name": doc.name, "version": doc.version, "sha256": doc.sha256}
                for doc in ctx.data.get("evidence", [])]
    DisputeSession.objects.create(
        dispute=case, number=number, held_at=ctx.now, attendance=ctx.data["attendance"],
        minutes=ctx.data["minutes"], evidence=evidence, recorded_by=ctx.user,
    )
    ctx.payload["session"] = number
    ctx.payload["evidence"] = [e["id"] for e in evidence]


def draft_agreement(ctx):
    """调解协议书: a new version of the agreement PDF; signatures on an earlier version do not count."""
    from django.contrib.auth import get_user_model

    from .pdf import agreement_pdf

    case = ctx.case
    previous = case.agreement_document
    version = previous.version + 1 if previous else 1
    mediator_ids = case.active_mediator_ids()
    # The mediators and both parties' people, read in one statement for the document.
    people = get_user_model().objects.in_bulk([pk for pk in (*mediator_ids, case.applicant_id, case.respondent_rep_id) if pk])
    case.applicant = people[case.applicant_id]
    if case.respondent_rep_id:
        case.respondent_rep = people[case.respondent_rep_id]
    mediators = sorted((people[pk] for pk in mediator_ids), key=lambda u: u.get_username())
    content = agreement_pdf(case, terms=ctx.data["terms"], performance_due=ctx.data["performance_due"],
                            mediators=mediators, version=version)
    name = f"{case.reference}-agreement.pdf"
    doc = store_document(
        case=case, process="disputes", user=ctx.user, file=ContentFile(content, name=name), name=name,
        content_type="application/pdf", size=len(content), previous=previous, meta=ctx.meta, now=ctx.now,
        role="mediator",
    )
    case.agreement_document = doc
    case._agreement_signed = {}  # nobody has signed the new version yet: everyone is asked to
    # The creator (the applicant) finds the agreement to sign in their inbox, announced to them.
    ctx.creator_notified = case.created_by_id in case.party_ids()
    ctx.payload["agreement"] = {"document": doc.pk, "version": doc.version, "sha256": doc.sha256}


def _agreement_as_it_stands(case) -> tuple[str, int, dict[str, list[int]]]:
    """The current agreement's hash and version and who signed it, by capacity, in one statement."""
    rows = list(Document.objects.filter(pk=case.agreement_document_id).values_list(
        "sha256", "version", "signatures__role", "signatures__signer_id"
    ))
    signed: dict[str, list[int]] = {}
    for _sha, _version, role, signer in rows:
        if signer is not None:
            signed.setdefault(role, []).append(signer)
    sha256, version = rows[0][:2] if rows else ("", 0)
    return sha256, version, signed


def sign_agreement(ctx) -> bool:
    """Sign the exact current version (its SHA-256 given) with the password re-entered.

    Returns whether both parties and a mediator have now signed it (第十四条): then it is agreed.
    """
    case, user = ctx.case, ctx.user
    sha256, version, signed = _agreement_as_it_stands(case)
    if ctx.data["sha256"].lower() != sha256:
        raise GuardFailed(str(WRONG_VERSION % {"version": version}), code="hash_mismatch",
                          rule="dispute.sign_version")
    if not user.check_password(ctx.data["password"]):
        raise ActionForbidden(str(WRONG_PASSWORD), code="wrong_password")
    if any(user.pk in signers for signers in signed.values()):
        raise GuardFailed(str(ALREADY_SIGNED), code="already_signed", rule="dispute.sign_version")
    capacity = signatory_capacity(case, user)
    Signature.objects.create(document_id=case.agreement_document_id, signer=user, role=capacity,
                             document_sha256=sha256, signed_at=ctx.now, method=SignatureMethod.PASSWORD)
    signed.setdefault(capacity, []).append(user.pk)
    case._agreement_signed = signed  # whose inbox still holds the agreement, without reading it back
    complete = all(signed.get(p) for p in (Party.APPLICANT, Party.RESPONDENT, Party.MEDIATOR))
    ctx.payload["signature"] = {"as": capacity, "document": case.agreement_document_id, "version": version,
                                "sha256": sha256}
    if complete:
        _close_open(case, CaseDeadline.Status.MET, (d.MEDIATION, d.ARBITRATION_RIGHT))
        ctx.payload["agreed"] = True
    return complete


def record_performance(ctx):
    ctx.payload["performance_due"] = ctx.case.performance_due.isoformat() if ctx.case.performance_due else None
    ctx.payload["on_time"] = ctx.case.performance_due is None or ctx.today <= ctx.case.performance_due


def report_breach(ctx):
    """第十五条: one party did not perform the agreement; the other may go to arbitration."""
    ctx.payload["performance_due"] = ctx.case.performance_due.isoformat() if ctx.case.performance_due else None


def _failed(ctx, reason: str, status: str) -> None:
    """Mediation ended without agreement: the notice of the right to arbitrate and of the limitation date."""
    case = ctx.case
    close_deadline(case, d.MEDIATION.id, status)
    case.failure_reason = reason
    case.failed_on = ctx.today
    case.limitation_ends_on = notices.limitation_end(ctx.today)
    case.notice = notices.failure_notice(case, on=ctx.today, reason=reason)
    ctx.payload["notice"] = case.notice
    notices.send_to_parties_after_commit(ctx, case.notice)


def arbitration_open(ctx):
    """第十四条: 15 days after receipt without agreement, either party may apply for arbitration: both are
    told in writing (the committee's own period may still run)."""
    case = ctx.case
    text = notices.arbitration_open_notice(case)
    ctx.payload["notice"] = text
    notices.send_to_parties_after_commit(ctx, text)


def fail(ctx):
    _failed(ctx, ctx.data["reason"], CANCELLED)


def expire(ctx):
    """Day 16: the mediation period ended without agreement, so mediation has failed (system)."""
    _failed(ctx, EXPIRED_REASON, EXPIRED)
    ctx.case.failure_reason = EXPIRED_REASON


def _close_open(case, status: str, rules=d.RULES) -> None:
    """Close every open deadline of ``rules`` on the case at once (one statement)."""
    CaseDeadline.objects.filter(
        case_type=ContentType.objects.get_for_model(case, for_concrete_model=True), case_id=case.pk,
        rule_id__in=[r.id for r in rules], status=CaseDeadline.Status.OPEN,
    ).update(status=status)


def withdraw(ctx):
    _close_open(ctx.case, CANCELLED)


def case_documents(case) -> list:
    case_type = ContentType.objects.get_for_model(case, for_concrete_model=True)
    return list(Document.objects.filter(case_type=case_type, case_id=case.pk).order_by("uploaded_at", "pk"))


def refer_to_arbitration(ctx):
    """The papers go with the referral: every document of the case, each with its hash."""
    ctx.payload["papers"] = [{"id": doc.pk, "name": doc.name, "sha256": doc.sha256} for doc in case_documents(ctx.case)]
    _close_open(ctx.case, CANCELLED)


def record_review(ctx):
    """仲裁审查 (or 司法确认) as a party records it: when both parties applied, to which commission or
    court, its outcome, and the papers attached (each exact version with its hash, like a referral's)."""
    data = ctx.data
    ctx.payload["review"] = {
        "route": data["route"],
        "applied_on": data["applied_on"].isoformat(), "body": data["body"], "outcome": data["outcome"],
        "decided_on": data["decided_on"].isoformat() if data.get("decided_on") else None,
        "papers": paper_refs(data.get("papers", [])),
    }


def apply_payment_order(ctx):
    """第十六条: the worker applied to the people's court for a payment order on the agreement not performed
    (the court's papers attached, if any, each with its hash)."""
    ctx.payload["payment_order"] = {
        "matter": ctx.data["matter"], "court": ctx.data["court"], "applied_on": ctx.data["applied_on"].isoformat(),
        "performance_due": ctx.case.performance_due.isoformat() if ctx.case.performance_due else None,
        "agreement": ctx.case.agreement_document_id,
        "papers": paper_refs(ctx.data.get("papers", [])),
    }
