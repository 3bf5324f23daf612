"""Extending a deadline with both parties' consent: each party agrees for themself.

For a rule whose ``extension`` is ``"consent_both"`` a party *requests* an extension (their
own consent is recorded with it), every other party (``case.parties()``) consents, declines,
or the requester withdraws. The last consent applies the extension through the same code as
:func:`workflow.deadlines.extensions.deadline_extend`, in the same transaction, and its
``deadline_extend`` audit event lists every consent with its time. A request whose deadline
is no longer open lapses when touched. Each step is one audit event under the case row lock.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import registry
from ..api.parsing import parse_id
from ..audit import Actor, RequestMeta, record_event
from ..errors import ActionForbidden, GuardFailed, InvalidInput, NotVisible
from ..models import CaseDeadline, ExtensionConsent, ExtensionRequest, case_content_type
from ..notifications.models import NotificationKind
from ..notifications.services import notify
from ..services import get_visible_case
from .extensions import (
    MAX_REASON,
    NOT_A_PARTY,
    REASON_TOO_LONG,
    _actor,
    _apply,
    _extendable,
    _parse_days,
    _parse_reason,
    _rule,
    _spec,
)
from .rules import Extension

REQUEST_ACTION = "deadline_extension_request"
CONSENT_ACTION = "deadline_extension_consent"
DECLINE_ACTION = "deadline_extension_decline"
WITHDRAW_ACTION = "deadline_extension_withdraw"
LAPSE_ACTION = "deadline_extension_lapse"
PENDING = ExtensionRequest.Status.PENDING
BY_APPROVAL = _(
    "此期限经批准延长，无需当事方同意 This time limit is extended by approval, not by the parties' consent."
)
REQUEST_PENDING = _(
    "此期限已有待同意的延长申请 An extension request for this deadline is already awaiting consent."
)
REQUEST_NOT_FOUND = _("未找到该延长申请 Extension request not found.")
REQUEST_CLOSED = _("该延长申请已结束（%(status)s） This extension request is no longer pending (%(status)s).")
REQUEST_LAPSED = _(
    "期限已不再进行中（%(status)s），延长申请已失效 "
    "The deadline is no longer open (%(status)s): the extension request has lapsed."
)
ALREADY_CONSENTED = _("您已同意该延长申请 You have already consented to this extension request.")
REQUESTER_WITHDRAWS = _("申请人不能拒绝自己的申请，请撤回 The requester withdraws their request rather than declining it.")
ONLY_REQUESTER = _("只有申请人可以撤回延长申请 Only the requester may withdraw an extension request.")
NOTIFY_REQUESTED = _("延长期限申请待您同意 A deadline extension awaits your consent")
NOTIFY_ENDED = _("延长期限申请已结束 A deadline extension request has ended")
NOTIFY_APPLIED = _("当事各方已同意，期限已延长 Every party consented: the deadline is extended")


def deadline_extension_request(
    *,
    process: str,
    case_id: int,
    rule_id: str,
    user,
    days: int,
    reason: str,
    meta: RequestMeta | None = None,
    now: dt.datetime | None = None,
) -> ExtensionRequest:
    """A party proposes extending an open deadline whose rule allows it only by agreement.

    The proposal records the requester's own consent; every other party (``case.parties()``)
    consents, declines or lets it lapse for themself (:func:`deadline_extension_consent`).
    The same refusals as :func:`deadline_extend` (404, 409 ``no_open_deadline`` /
    ``not_extendable``, 403 for a non-party, 400 for the length or reason); a rule extended
    by approval is the 409 ``extension_by_approval``; a second proposal while one is
    pending the 409 ``extension_pending``. Audited ``deadline_extension_request``; the
    other parties are notified after commit.
    """
    spec = _spec(process)
    meta = meta or RequestMeta()
    now = now or timezone.now()
    with transaction.atomic():
        case = get_visible_case(process=spec, case_id=case_id, user=user, lock=True)
        row, rule = _extendable(case, rule_id)
        if rule.extension != Extension.CONSENT_BOTH:
            raise GuardFailed(str(BY_APPROVAL), code="extension_by_approval", rule=rule.id)
        actor = _actor(user, case, rule)
        length = _parse_days(days, rule)
        text = _parse_reason(reason)
        if ExtensionRequest.objects.filter(deadline=row, status=PENDING).exists():
            raise GuardFailed(str(REQUEST_PENDING), code="extension_pending", rule=rule.id)
        req = ExtensionRequest.objects.create(
            case_type=row.case_type, case_id=row.case_id, case_ref=row.case_ref,
            organisation_id=row.organisation_id, rule_id=rule.id, deadline=row, days=length,
            reason=text, requested_by=user, created_at=now,
        )
        ExtensionConsent.objects.create(request=req, user=user, consented_at=now)
        record_event(
            case=case, action=REQUEST_ACTION, actor=actor, from_state=case.state, to_state=case.state,
            payload={
                "request_id": req.pk, "rule_id": rule.id, "due_on": row.due_on.isoformat(),
                "days": length, "unit": rule.unit, "reason": text,
            },
            meta=meta, now=now,
        )
        _notify_after_commit(case, case.parties() - {user.pk}, NOTIFY_REQUESTED)
        _apply_if_agreed(spec=spec, case=case, req=req, actor=actor, meta=meta, now=now)
    return req


def deadline_extension_consent(*, request_id, user, meta: RequestMeta | None = None, now=None) -> ExtensionRequest:
    """Another party consents to a pending request; once every party has, it is applied.

    404 when the case is invisible to ``user``, 403 for a non-party, 409
    ``already_consented`` the second time, 409 ``extension_closed`` once the request has
    ended, 409 ``extension_lapsed`` (the request becomes lapsed) when its deadline is no
    longer open. The last consent extends the deadline in the same transaction: one
    ``deadline_extend`` event carrying the request id and every consent with its time.
    """
    meta = meta or RequestMeta()
    now = now or timezone.now()
    with transaction.atomic():
        spec, case, req = _load_request(request_id, user)
        actor = _party(case, user)
        refusal = _ended(req, case, actor, meta, now)
        if refusal is None:
            if req.consents.filter(user=user).exists():
                raise GuardFailed(str(ALREADY_CONSENTED), code="already_consented", rule=req.rule_id)
            ExtensionConsent.objects.create(request=req, user=user, consented_at=now)
            record_event(
                case=case, action=CONSENT_ACTION, actor=actor, from_state=case.state, to_state=case.state,
                payload={"request_id": req.pk, "rule_id": req.rule_id, "days": req.days},
                meta=meta, now=now,
            )
            _apply_if_agreed(spec=spec, case=case, req=req, actor=actor, meta=meta, now=now)
    if refusal is not None:
        # Raised after the commit: the request stays lapsed.
        raise refusal
    return req


def deadline_extension_decline(
    *, request_id, user, reason: str = "", meta: RequestMeta | None = None, now=None
) -> ExtensionRequest:
    """Another party refuses a pending request: it ends declined and nothing is extended.

    The requester withdraws instead (403); otherwise the refusals of
    :func:`deadline_extension_consent`. The reason is optional (at most 2,000 characters).
    """
    return _end(request_id=request_id, user=user, reason=reason, withdraw=False, meta=meta, now=now)


def deadline_extension_withdraw(*, request_id, user, meta: RequestMeta | None = None, now=None) -> ExtensionRequest:
    """The requester takes back a pending request: it ends withdrawn and nothing is extended.

    Anyone else who sees the case is refused (403); otherwise the refusals of
    :func:`deadline_extension_consent`.
    """
    return _end(request_id=request_id, user=user, reason="", withdraw=True, meta=meta, now=now)


def _end(*, request_id, user, reason, withdraw: bool, meta, now) -> ExtensionRequest:
    meta = meta or RequestMeta()
    now = now or timezone.now()
    with transaction.atomic():
        _, case, req = _load_request(request_id, user)
        if withdraw:
            if user.pk != req.requested_by_id:
                raise ActionForbidden(str(ONLY_REQUESTER))
            actor = Actor(user=user, role="party")
        else:
            actor = _party(case, user)
            if user.pk == req.requested_by_id:
                raise ActionForbidden(str(REQUESTER_WITHDRAWS))
        text = reason.strip() if isinstance(reason, str) else ""
        if len(text) > MAX_REASON or "\x00" in text:
            raise InvalidInput(str(REASON_TOO_LONG), fields={"reason": [str(REASON_TOO_LONG)]})
        refusal = _ended(req, case, actor, meta, now)
        if refusal is None:
            status = ExtensionRequest.Status.WITHDRAWN if withdraw else ExtensionRequest.Status.DECLINED
            _close(req, status, now)
            payload = {"request_id": req.pk, "rule_id": req.rule_id, "days": req.days}
            if text:
                payload["reason"] = text
            record_event(
                case=case, action=WITHDRAW_ACTION if withdraw else DECLINE_ACTION, actor=actor,
                from_state=case.state, to_state=case.state, payload=payload, meta=meta, now=now,
            )
            _notify_after_commit(case, case.parties() - {user.pk}, NOTIFY_ENDED)
    if refusal is not None:
        raise refusal
    return req


def _load_request(request_id, user):
    """(spec, locked case, locked request); 404 unless ``user`` sees the request's case."""
    pk = parse_id(request_id)
    req = ExtensionRequest.objects.select_related("case_type").filter(pk=pk).first() if pk is not None else None
    model = req.case_type.model_class() if req is not None else None
    spec = registry.for_model(model) if model is not None else None
    if spec is None:
        raise NotVisible(str(REQUEST_NOT_FOUND))
    try:
        case = get_visible_case(process=spec, case_id=req.case_id, user=user, lock=True)
    except NotVisible:
        raise NotVisible(str(REQUEST_NOT_FOUND)) from None
    # Locked after the case, like every other writer, so two consents cannot interleave.
    req = ExtensionRequest.objects.select_for_update(of=("self",)).select_related("deadline").get(pk=req.pk)
    return spec, case, req


def _party(case, user) -> Actor:
    if user is None or user.pk not in case.parties():
        raise ActionForbidden(str(NOT_A_PARTY))
    return Actor(user=user, role="party")


def _ended(req, case, actor, meta, now):
    """The 409 to answer when ``req`` is no longer pending, else None.

    A pending request whose deadline stopped being open (expired, met, extended another
    way) lapses now, audited, and the 409 names the deadline's status.
    """
    if req.status != PENDING:
        label = ExtensionRequest.Status(req.status).label
        return GuardFailed(str(REQUEST_CLOSED % {"status": label}), code="extension_closed", rule=req.rule_id)
    deadline = req.deadline
    if deadline.status == CaseDeadline.Status.OPEN and _rule(req.rule_id) is not None:
        return None
    _close(req, ExtensionRequest.Status.LAPSED, now)
    record_event(
        case=case, action=LAPSE_ACTION, actor=actor, from_state=case.state, to_state=case.state,
        payload={"request_id": req.pk, "rule_id": req.rule_id, "deadline_status": deadline.status},
        meta=meta, now=now,
    )
    label = CaseDeadline.Status(deadline.status).label if deadline.status in CaseDeadline.Status.values else ""
    return GuardFailed(str(REQUEST_LAPSED % {"status": label}), code="extension_lapsed", rule=req.rule_id)


def _close(req, status, now) -> None:
    req.status = status
    req.decided_at = now
    req.save(update_fields=["status", "decided_at"])


def _apply_if_agreed(*, spec, case, req, actor, meta, now) -> CaseDeadline | None:
    """Apply ``req`` once every party has consented (nothing otherwise)."""
    consents = list(req.consents.select_related("user").order_by("consented_at", "pk"))
    if not case.parties() <= {c.user_id for c in consents}:
        return None
    rule = _rule(req.rule_id)
    row = CaseDeadline.objects.select_for_update().get(pk=req.deadline_id)
    new_row = _apply(
        spec=spec, case=case, row=row, rule=rule, actor=actor, days=req.days, reason=req.reason,
        consents=[{"user": c.user.get_username(), "at": c.consented_at.isoformat()} for c in consents],
        request_id=req.pk, meta=meta, now=now,
    )
    _close(req, ExtensionRequest.Status.APPLIED, now)
    _notify_after_commit(case, case.parties() - {actor.user.pk}, NOTIFY_APPLIED)
    return new_row


def _notify_after_commit(case, user_ids, title) -> None:
    """Tell the other parties (only the case reference and a label: no personal data)."""
    if not user_ids:
        return
    users = list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))
    transaction.on_commit(
        lambda: notify(users=users, kind=NotificationKind.NEW_TASK, title=str(title), case=case)
    )


def extension_request_list(*, process, case_id, user) -> list[ExtensionRequest]:
    """The extension requests of a case ``user`` may see (404 otherwise), newest first."""
    case = get_visible_case(process=_spec(process), case_id=case_id, user=user)
    case_type = case_content_type(case)
    return list(
        ExtensionRequest.objects.filter(case_type=case_type, case_id=case.pk)
        .select_related("requested_by", "deadline")
        .prefetch_related("consents__user")
        .order_by("-created_at", "-pk")
    )


def extension_request_as_dict(req: ExtensionRequest) -> dict:
    return {
        "id": req.pk,
        "rule_id": req.rule_id,
        "due_on": req.deadline.due_on.isoformat(),
        "deadline_status": req.deadline.status,
        "days": req.days,
        "reason": req.reason,
        "requested_by": req.requested_by.get_username(),
        "status": req.status,
        "created_at": req.created_at.isoformat(),
        "decided_at": req.decided_at.isoformat() if req.decided_at else None,
        "consents": [
            {"user": c.user.get_username(), "at": c.consented_at.isoformat()}
            for c in sorted(req.consents.all(), key=lambda c: (c.consented_at, c.pk))
        ],
    }
