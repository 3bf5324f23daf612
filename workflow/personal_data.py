"""Reading restricted personal data: allowed to few roles, and every read is audited.

ID numbers, phones and (in hardship aid) income are restricted personal data (《个人信息
保护法》第二十八条: sensitive personal information is processed only where necessary and
with strict protection). Lists and detail pages show them masked; the unmasked values are
released one request at a time, to a role in ``RESTRICTED_DATA_ROLES`` at the case's
organisation, and each release writes one ``restricted_read`` audit event naming the
fields (never their values) — so the log answers "who opened this applicant's ID".
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from . import messages, policy
from .audit import Actor, RequestMeta, record_event
from .errors import ActionForbidden, InvalidInput
from .roles import RESTRICTED_DATA_ROLES
from .services import get_visible_case

ACTION = "restricted_read"
NOT_ALLOWED = _("您无权查看受限个人信息 You may not view restricted personal data.")
UNKNOWN_FIELD = _("没有此项受限信息 No such restricted field.")
NO_FIELDS = _("请指明要查看的信息 Name the fields to view.")


def _clean_fields(fields, available: dict) -> list[str]:
    if not isinstance(fields, (list, tuple)) or not fields:
        raise InvalidInput("输入有误 Invalid input.", fields={"fields": [str(NO_FIELDS)]})
    unknown = [f for f in fields if not isinstance(f, str) or f not in available]
    if unknown:
        raise InvalidInput("输入有误 Invalid input.", fields={"fields": [str(UNKNOWN_FIELD)]})
    # Keep the caller's order, drop repeats: the audit names each field once.
    return list(dict.fromkeys(fields))


def reveal_restricted(*, process: str, case_id: int, user, fields: list[str], meta: RequestMeta | None = None) -> dict:
    """Return the unmasked values of ``fields`` of a case's restricted data, and audit the read.

    Outside the caller's scope: 404 (:class:`NotVisible`). Visible, but no role allowed to
    read restricted data at the case's organisation: 403 (:class:`ActionForbidden`) and
    nothing is recorded. Unknown field names: 400. Otherwise one audit event
    ``restricted_read`` with payload ``{"fields": [...]}`` in the same transaction.
    """
    with transaction.atomic():
        case = get_visible_case(process=process, case_id=case_id, user=user, lock=True)
        roles = restricted_roles(process)
        if not policy.can_read_restricted(user, case.organisation, roles):
            raise ActionForbidden(str(NOT_ALLOWED))
        grant = policy.grant_for(user, case.organisation, roles)
        if grant is None:  # can_read_restricted said yes, so only a policy change can get here
            raise ActionForbidden(str(messages.NO_ROLE))
        values = case.restricted_data()
        names = _clean_fields(fields, values)
        behalf = None
        payload: dict = {"fields": names}
        if grant.on_behalf_of_id:
            behalf = type(user).objects.get(pk=grant.on_behalf_of_id)
            payload["delegation"] = {"on_behalf_of": behalf.get_username()}
        record_event(
            case=case,
            action=ACTION,
            actor=Actor(user=user, role=grant.role, on_behalf_of=behalf),
            payload=payload,
            meta=meta,
        )
    return {name: values[name] for name in names}


def restricted_roles(process) -> frozenset:
    """The roles that may open a process's restricted data: its ``ProcessSpec.restricted_roles``,
    else the engine's :data:`RESTRICTED_DATA_ROLES`."""
    from . import registry

    spec = registry.get(process) if isinstance(process, str) else process
    roles = getattr(spec, "restricted_roles", None)
    return frozenset(RESTRICTED_DATA_ROLES if roles is None else roles)
