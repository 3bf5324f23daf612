"""Delegation and substitution.

A role holder (A) lets another holder of the same role (B) act in A's place at one
organisation for a period — e.g. a committee member on leave. While it is active,
:func:`workflow.policy.grants` gives B the role there *on behalf of A*; the transition
service then records "B on behalf of A" in the audit event. Delegation never lets B act
on B's own case nor on a case A is involved in, and person-specific steps (the proposer,
an invited co-signer) are never delegated (``policy.may_perform``).

Creating and ending a delegation are audited, with the delegation row as the chain
subject (its own hash chain, like a case).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import policy
from .audit import Actor, RequestMeta, record_event
from .errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from .models import Delegation, Organisation, RoleAssignment
from .roles import Role

#: Who besides the delegator may end a delegation: the organisation's chair, or an administrator above it.
END_ROLES = frozenset({Role.CHAIR, Role.ADMIN})

INVALID = _("输入有误 Invalid input.")
NOT_ROLE_HOLDER = _("您在该组织没有此角色，不能委托 You do not hold this role in this organisation.")
DELEGATE_NOT_HOLDER = _("受托人必须同样担任此角色 The delegate must hold the same role.")
NOT_TO_SELF = _("不能委托给本人 You cannot delegate to yourself.")
ENDS_BEFORE_START = _("结束时间必须晚于开始时间 The end must be after the start.")
ALREADY_OVER = _("结束时间已过 The end is already in the past.")
OVERLAPS = _("同一期间已委托给此人 A delegation to this person already covers that period.")
ALREADY_ENDED = _("该委托已结束 This delegation has already ended.")
MAY_NOT_END = _("只有委托人、工会主席或管理员可以结束委托 Only the delegator, the chair or an administrator may end it.")
REASON_MAX = 200


def _invalid(field: str, message) -> InvalidInput:
    return InvalidInput(str(INVALID), fields={field: [str(message)]})


def _holds(user, organisation: Organisation, role: str, on: dt.date) -> bool:
    return RoleAssignment.objects.current(on).filter(user=user, organisation=organisation, role=role).exists()


def _delegate_holds_role(user, role: str, on: dt.date) -> bool:
    """The delegate holds the same role in their own right (at any organisation).

    If B already held the role at A's organisation, B would act under B's own role and the
    delegation would change nothing; the useful case is a holder of the same office elsewhere.
    """
    return RoleAssignment.objects.current(on).filter(user=user, role=role).exists()


def _audit_payload(delegation: Delegation) -> dict:
    return {
        "delegation": {
            "id": delegation.pk,
            "delegator": delegation.delegator.get_username(),
            "delegate": delegation.delegate.get_username(),
            "organisation": delegation.organisation.code,
            "role": delegation.role,
            "starts_at": delegation.starts_at.isoformat(),
            "ends_at": delegation.ends_at.isoformat(),
            "reason": delegation.reason,
        }
    }


def _check_delegation(delegator, delegate, organisation, role, starts_at, ends_at, now) -> None:
    """The rules of :func:`delegation_create` that need no lock; each refusal names its field (400)."""
    today = timezone.localtime(now).date()
    if role not in Role.values:
        raise _invalid("role", NOT_ROLE_HOLDER)
    if organisation is None:
        raise _invalid("organisation", INVALID)
    if delegate is None or not delegate.is_active:
        raise _invalid("delegate", DELEGATE_NOT_HOLDER)
    if delegate.pk == delegator.pk:
        raise _invalid("delegate", NOT_TO_SELF)
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise _invalid("ends_at", ENDS_BEFORE_START)
    if ends_at <= now:
        raise _invalid("ends_at", ALREADY_OVER)
    if not _holds(delegator, organisation, role, today):
        raise _invalid("role", NOT_ROLE_HOLDER)
    if not _delegate_holds_role(delegate, role, today):
        raise _invalid("delegate", DELEGATE_NOT_HOLDER)


def delegation_create(
    *,
    delegator,
    delegate,
    organisation: Organisation,
    role: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str = "",
    meta: RequestMeta | None = None,
    now: dt.datetime | None = None,
) -> Delegation:
    """A delegates ``role`` at ``organisation`` to B from ``starts_at`` to ``ends_at``.

    Rules: A holds the role there in their own right (a delegated role cannot be passed
    on); B is another active user who holds the same role; the period ends after it starts
    and has not already ended; no second delegation to B overlaps it. Bad input is a 400.
    """
    now = now or timezone.now()
    _check_delegation(delegator, delegate, organisation, role, starts_at, ends_at, now)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise _invalid("reason", INVALID)
    with transaction.atomic():
        overlapping = (
            Delegation.objects.select_for_update()
            .filter(delegator=delegator, delegate=delegate, organisation=organisation, role=role)
            .filter(revoked_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at)
        )
        if list(overlapping):
            raise _invalid("starts_at", OVERLAPS)
        delegation = Delegation.objects.create(
            delegator=delegator, delegate=delegate, organisation=organisation, role=role,
            starts_at=starts_at, ends_at=ends_at, reason=reason,
        )
        # The new row is the chain subject: lock it like a case before appending.
        delegation = Delegation.objects.select_for_update(of=("self",)).select_related(
            "delegator", "delegate", "organisation"
        ).get(pk=delegation.pk)
        record_event(
            case=delegation, action="delegation_create", actor=Actor(user=delegator, role=role),
            payload=_audit_payload(delegation), meta=meta, now=now,
        )
    return delegation


def may_end(user, delegation: Delegation) -> bool:
    if user.pk == delegation.delegator_id:
        return True
    return bool(policy.roles_at(user, delegation.organisation, own_only=True) & END_ROLES)


def delegation_end(
    *, delegation: Delegation, user, meta: RequestMeta | None = None, now: dt.datetime | None = None
) -> Delegation:
    """End a delegation now (or cancel one not yet started): the delegator, the chair or an administrator.

    Ending twice, or ending one whose period is already over, is refused (409).
    """
    now = now or timezone.now()
    with transaction.atomic():
        delegation = (
            Delegation.objects.select_for_update()
            .select_related("delegator", "delegate", "organisation")
            .get(pk=delegation.pk)
        )
        if not may_end(user, delegation):
            raise ActionForbidden(str(MAY_NOT_END))
        if delegation.revoked_at is not None or delegation.ends_at <= now:
            raise TransitionNotAllowed(str(ALREADY_ENDED))
        delegation.revoked_at = now
        delegation.save(update_fields=["revoked_at"])
        if user.pk == delegation.delegator_id:
            role = delegation.role
        else:
            role = sorted(policy.roles_at(user, delegation.organisation, own_only=True) & END_ROLES)[0]
        record_event(
            case=delegation, action="delegation_end", actor=Actor(user=user, role=role),
            payload={**_audit_payload(delegation), "ended_at": now.isoformat()}, meta=meta, now=now,
        )
    return delegation


def active_delegates(*, organisation_id: int, role: str, now: dt.datetime | None = None) -> list:
    """Users acting in ``role`` at the organisation under a delegation right now (their inbox shows its items).

    As in :func:`workflow.policy.grants`, a delegation counts only while the delegator still holds the role.
    """
    from django.contrib.auth import get_user_model

    today = timezone.localtime(now or timezone.now()).date()
    holders = RoleAssignment.objects.current(today).filter(organisation_id=organisation_id, role=role)
    delegate_ids = (
        Delegation.objects.active(now)
        .filter(organisation_id=organisation_id, role=role, delegator_id__in=holders.values("user_id"))
        .values("delegate_id")
    )
    return list(get_user_model().objects.filter(pk__in=delegate_ids, is_active=True))


def delegations_visible_q(user) -> Q:
    """Delegations a user may see: their own (given or received), and those at organisations they chair or administer."""
    q = Q(delegator=user) | Q(delegate=user)
    for grant in policy.grants(user, include_delegations=False):
        if grant.role not in END_ROLES:
            continue
        if grant.subtree:
            q |= Q(organisation__path__startswith=grant.path)
        else:
            q |= Q(organisation_id=grant.organisation_id)
    return q


def delegation_list(*, user, active_only: bool = False, now: dt.datetime | None = None):
    qs = Delegation.objects.filter(delegations_visible_q(user)).select_related("delegator", "delegate", "organisation")
    if active_only:
        qs = qs.active(now)
    return qs.order_by("-starts_at", "-pk")
