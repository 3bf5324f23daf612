"""Extending an open deadline, as its rule allows.

A :class:`~workflow.deadlines.rules.DeadlineRule` declares whether it may be extended
(``extension``): never (``"none"`` — e.g. the statutory reply period of
《集体合同规定》第三十二条), by agreement of both parties (``"consent_both"``, requested and consented in
:mod:`workflow.deadlines.extension_requests`), or with the
approval of a holder of one of ``extension_roles`` at the case's organisation
(``"approval"``; never on a case the approver takes part in). An extension adds at most ``max_extension`` units of the rule's own
unit, counted from the current due date (working days through the holiday calendar).

Processes only declare the rule; this module is the one gate. Each extension runs in one
transaction with the case row locked: the old deadline row is kept as ``extended``, a new
open row carries the new due date with fresh reminders, one audit event
``deadline_extend`` records who, why and whose consent, and the inbox shows the new date.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import flowkit, messages, policy, registry
from ..api.parsing import strict_int
from ..audit import Actor, RequestMeta, record_event
from ..errors import ActionForbidden, GuardFailed, InvalidInput, NotVisible, TransitionNotAllowed
from ..models import CaseDeadline, case_content_type
from ..services import get_visible_case
from . import rules
from .rules import Extension
from .store import replace_due_date, sync_case_field

ACTION = "deadline_extend"
#: Without a cap in the rule, an extension is still bounded (about ten years of days).
HARD_LIMIT = 3650
MAX_REASON = 2000

NO_OPEN_DEADLINE = _("该案件没有进行中的此项期限 There is no open deadline for this rule on the case.")
NOT_EXTENDABLE = _("期限“%(rule)s”不可延长（依据：%(source)s） The time limit %(rule)s may not be extended (%(source)s).")
NOT_A_PARTY = _("只有当事双方可以约定延长期限 Only the parties may agree to extend this time limit.")
NO_EXTENSION_ROLE = _("您无权批准延长此期限 You may not approve extending this time limit.")
DAYS_INVALID = _("延长数量须为 1 至 %(max)s 之间的整数 The extension must be a whole number from 1 to %(max)s.")
REASON_REQUIRED = _("请说明延长理由 Give the reason for the extension.")
REASON_TOO_LONG = _("理由过长 The reason is too long.")
EXTENDED_ENOUGH = _(
    "期限“%(rule)s”只能延长 %(max)s 次，已经延长过（依据：%(source)s） The time limit %(rule)s may be extended "
    "%(max)s time(s) only and has been already (%(source)s)."
)
CONSENT_REQUIRED = _(
    "此期限须经当事各方本人同意方可延长，请提出延长申请 "
    "This time limit is extended only with every party's own consent: request an extension instead."
)


def _open_row(case, rule_id: str) -> CaseDeadline | None:
    if not isinstance(rule_id, str) or not rule_id or len(rule_id) > 60:
        return None
    case_type = case_content_type(case)
    return (
        CaseDeadline.objects.select_for_update()
        .filter(case_type=case_type, case_id=case.pk, rule_id=rule_id, status=CaseDeadline.Status.OPEN)
        .order_by("-created_at", "-pk")
        .first()
    )


def _rule(rule_id: str):
    try:
        return rules.get_rule(rule_id)
    except KeyError:
        return None


def may_extend(*, case, rule, user) -> bool:
    """Could ``user`` extend a deadline of ``rule`` on ``case`` (given the other party's consent)?

    The question the case page asks before showing the extension form.
    """
    if rule is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if rule.extension == Extension.CONSENT_BOTH:
        return user.pk in case.parties()
    if rule.extension == Extension.APPROVAL:
        grant = policy.grant_for(user, case.organisation, rule.extension_roles)
        return grant is not None and not _own_case(case, user, grant)
    return False


def _own_case(case, user, grant) -> bool:
    """Nobody approves more time on a case they take part in (nor for someone who does)."""
    involved = case.participant_ids()
    return user.pk in involved or bool(grant.on_behalf_of_id and grant.on_behalf_of_id in involved)


def _parse_days(days, rule) -> int:
    limit = rule.max_extension if rule.max_extension is not None else HARD_LIMIT
    value = strict_int(days.strip() if isinstance(days, str) else days)
    if value is None or not 1 <= value <= limit:
        text = str(DAYS_INVALID % {"max": limit})
        raise InvalidInput(text, fields={"days": [text]})
    return value


def _parse_reason(reason) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or "\x00" in text:
        raise InvalidInput(str(REASON_REQUIRED), fields={"reason": [str(REASON_REQUIRED)]})
    if len(text) > MAX_REASON:
        raise InvalidInput(str(REASON_TOO_LONG), fields={"reason": [str(REASON_TOO_LONG)]})
    return text


def _actor(user, case, rule) -> Actor:
    """Who extends, and in which capacity; refuses (403) whoever the rule does not allow."""
    if rule.extension == Extension.CONSENT_BOTH:
        if user.pk not in case.parties():
            raise ActionForbidden(str(NOT_A_PARTY))
        return Actor(user=user, role="party")
    grant = policy.grant_for(user, case.organisation, rule.extension_roles)
    if grant is None:
        raise ActionForbidden(str(NO_EXTENSION_ROLE))
    if _own_case(case, user, grant):
        raise ActionForbidden(str(messages.OWN_CASE))
    behalf = get_user_model().objects.get(pk=grant.on_behalf_of_id) if grant.on_behalf_of_id else None
    return Actor(user=user, role=grant.role, on_behalf_of=behalf)


def deadline_extend(
    *,
    process: str,
    case_id: int,
    rule_id: str,
    user,
    days: int,
    reason: str,
    meta: RequestMeta | None = None,
    now: dt.datetime | None = None,
) -> CaseDeadline:
    """Extend the open deadline of ``rule_id`` on a case by ``days`` units of the rule's unit,
    on the approval of a holder of the rule's ``extension_roles``.

    Refusals change nothing: a case the user cannot see is a 404; no open deadline for
    the rule, or a rule that may not be extended, a 409 naming the rule and its source; a
    rule extended only by the parties' agreement the 409 ``consent_required`` (each party
    consents for themself through :func:`deadline_extension_request`); a caller without
    an ``extension_roles`` role a 403; a length outside 1…``max_extension`` or a missing
    reason a 400; a working-day count with no holiday calendar for the year the 409
    ``calendar_missing``. Returns the new open deadline row.
    """
    spec = _spec(process)
    meta = meta or RequestMeta()
    now = now or timezone.now()
    with transaction.atomic():
        case = get_visible_case(process=spec, case_id=case_id, user=user, lock=True)
        row, rule = _extendable(case, rule_id)
        if rule.extension == Extension.CONSENT_BOTH:
            raise GuardFailed(str(CONSENT_REQUIRED), code="consent_required", rule=rule.id)
        actor = _actor(user, case, rule)
        length = _parse_days(days, rule)
        text = _parse_reason(reason)
        return _apply(spec=spec, case=case, row=row, rule=rule, actor=actor, days=length, reason=text, meta=meta, now=now)


def _spec(process):
    spec = registry.get(process) if isinstance(process, str) else process
    if spec is None:
        raise NotVisible(str(messages.NOT_FOUND))
    return spec


def _extendable(case, rule_id):
    """The open row and its rule; 409 when there is none or the rule allows no extension."""
    row = _open_row(case, rule_id)
    rule = _rule(rule_id) if row is not None else None
    if row is None or rule is None:
        raise TransitionNotAllowed(str(NO_OPEN_DEADLINE), code="no_open_deadline", rule=str(rule_id)[:60])
    if rule.extension not in (Extension.CONSENT_BOTH, Extension.APPROVAL):
        raise GuardFailed(
            str(NOT_EXTENDABLE % {"rule": rule.id, "source": rule.source}), code="not_extendable", rule=rule.id
        )
    if rule.max_extensions is not None and _times_extended(row, rule.max_extensions) >= rule.max_extensions:
        raise GuardFailed(
            str(EXTENDED_ENOUGH % {"rule": rule.id, "max": rule.max_extensions, "source": rule.source}),
            code="extended_enough", rule=rule.id,
        )
    return row, rule


def _times_extended(row: CaseDeadline, limit: int) -> int:
    """How many extensions led to ``row`` (each kept the row it replaced as ``extended_from``), up to ``limit``."""
    times = 0
    while row.extended_from_id is not None and times < limit:
        row = row.extended_from
        times += 1
    return times


def _apply(*, spec, case, row, rule, actor, days, reason, meta, now, consents=None, request_id=None) -> CaseDeadline:
    """Move the due date (the case row is locked by the caller): the one place an extension is applied.

    ``consents``: ``[{"user", "at"}]`` of every party under "both parties' consent", empty
    under approval; ``request_id`` the agreed :class:`ExtensionRequest`.
    """
    # Counted from the current due date, in the rule's unit (the due day itself not counted).
    new_due = rules.compute_due(rule.id, row.due_on, case.organisation, n=days)
    old_due = row.due_on
    new_row = replace_due_date(row, due_on=new_due)
    sync_case_field(case, rule, new_due)
    payload = {
        "rule_id": rule.id,
        "old_due_on": old_due.isoformat(),
        "new_due_on": new_due.isoformat(),
        "days": days,
        "unit": rule.unit,
        "reason": reason,
        "extension": rule.extension,
        "consents": consents or [],
        "source": rule.source,
        "provisional": new_row.provisional,
    }
    if request_id is not None:
        payload["request_id"] = request_id
    record_event(
        case=case, action=ACTION, actor=actor, from_state=case.state, to_state=case.state,
        payload=payload, meta=meta, now=now,
    )
    # Nobody new is addressed: only the due date the inbox shows moves.
    flowkit.rebuild_work_items(spec.flow, case, notify=False)
    return new_row


def deadline_as_dict(row: CaseDeadline) -> dict:
    return {
        "rule_id": row.rule_id,
        "starts_on": row.starts_on.isoformat(),
        "due_on": row.due_on.isoformat(),
        "status": row.status,
        "extended_from_due_on": row.extended_from.due_on.isoformat() if row.extended_from_id else None,
        "provisional": row.provisional,
    }
