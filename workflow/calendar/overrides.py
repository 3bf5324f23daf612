"""An organisation's own length for an adjustable deadline rule, set by its chair or administrator.

A rule declared ``adjustable`` (a practice default such as a reply period or a public
notice length) may be set per organisation; a statutory rule never (the refusal is a
400 naming the rule). The chair (工会主席) or an administrator of the organisation
(an administrator higher up covers it too) decides, and every change is one audit
event on the organisation's own chain, with the length before and after. A new
length applies to deadlines started from then on; deadlines already running keep the
end they were given (extending one is :mod:`workflow.deadlines.extensions`' business).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import policy
from ..audit import Actor, RequestMeta, record_event
from ..deadlines.rules import effective_n, get_rule, rule_as_dict, rule_override_set
from ..errors import ActionForbidden
from ..models import Organisation
from ..roles import Role

OVERRIDE_ROLES = frozenset({Role.CHAIR, Role.ADMIN})
NOT_ALLOWED = _(
    "只有本组织的工会主席或管理员可以调整期限 Only the organisation's chair or an administrator may adjust its time limits."
)


def organisations_to_adjust(user) -> list[Organisation]:
    """The organisations where the user holds the chair or administrator role directly (for the form)."""
    ids = {g.organisation_id for g in policy.grants(user) if g.on_behalf_of_id is None and g.role in OVERRIDE_ROLES}
    return list(Organisation.objects.filter(pk__in=ids).order_by("path"))


def deadline_override(
    *, user, organisation: Organisation, rule_id: str, n: int | None, meta: RequestMeta | None = None
) -> dict:
    """Set (``n``) or clear (``None``) the organisation's length for ``rule_id``; the rule as now in force.

    Raises :class:`ActionForbidden` (403) for anyone but the chair or an administrator,
    :class:`InvalidInput` (400) for an unknown or statutory rule or a length outside 1–3650.
    """
    grant = policy.grant_for_own(user, organisation, OVERRIDE_ROLES)
    if grant is None:
        raise ActionForbidden(str(NOT_ALLOWED))
    with transaction.atomic():
        # The organisation row is the subject of its own audit chain: lock it like a case.
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = None
        try:
            before = effective_n(get_rule(rule_id), locked)
        except KeyError:
            pass  # rule_override_set refuses an unknown rule with a 400
        after = rule_override_set(organisation=locked, rule_id=rule_id, n=n)
        record_event(
            case=locked, action="deadline_override", actor=Actor(user=user, role=grant.role),
            payload={"rule_id": rule_id, "from": before, "to": after, "restored_default": n is None},
            meta=meta,
        )
    return rule_as_dict(get_rule(rule_id), locked)
