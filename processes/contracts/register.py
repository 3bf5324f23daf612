"""The contract register (集体合同台账) of an organisation and the federation's roll-up.

In force, expiring within 90 days, expired; for a federation, per enterprise below it: whether a
contract is in force and how many members (workers) it covers. Read-only: writes no audit.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow import policy
from workflow.errors import ActionForbidden
from workflow.models import MemberProfile, Organisation, OrgKind

from .models import Contract
from .permissions import REGISTER_ROLES
from .states import ContractState, Kind

NOT_ALLOWED = _("无权查看该组织的集体合同台账 You may not read this organisation's contract register.")
EXPIRING_DAYS = 90
CSV_HEADER = ["reference", "organisation", "kind", "state", "effective_on", "expires_on", "status"]


def _row(c: Contract, today: dt.date) -> dict:
    if c.state == ContractState.EXPIRED:
        status = "expired"
    elif c.expires_on and c.expires_on <= today + dt.timedelta(days=EXPIRING_DAYS):
        status = "expiring"
    else:
        status = "in_force"
    return {
        "id": c.pk, "reference": c.reference, "organisation": c.organisation.code, "kind": c.kind,
        "kind_label": str(c.get_kind_display()), "state": c.state, "state_label": c.state_label,
        "effective_on": c.effective_on, "expires_on": c.expires_on, "status": status,
    }


def contract_register(*, organisation: Organisation, user, today: dt.date | None = None) -> dict:
    """The register of ``organisation`` and everything below it, for a reader holding a register role there."""
    if not policy.roles_at(user, organisation) & (REGISTER_ROLES | {"auditor", "admin"}):
        raise ActionForbidden(str(NOT_ALLOWED))
    today = today or timezone.localdate()
    scope = Q(organisation__path__startswith=organisation.path)
    listed = (
        Contract.objects.filter(scope).filter(Contract.in_force_q() | Q(state=ContractState.EXPIRED))
        .select_related("organisation").order_by("expires_on", "reference")
    )
    rows = [_row(c, today) for c in listed]
    enterprises = Organisation.objects.filter(path__startswith=organisation.path, kind=OrgKind.ENTERPRISE)
    covered_ids = set(
        Contract.objects.filter(Contract.in_force_q(), scope).values_list("organisation_id", flat=True)
    )
    covered = [o for o in enterprises if o.pk in covered_ids]
    workers = MemberProfile.objects.filter(_under_any(covered)).count() if covered else 0
    by_kind = dict(
        Contract.objects.filter(Contract.in_force_q(), scope).values_list("kind").annotate(n=Count("pk"))
    )
    return {
        "organisation": {"code": organisation.code, "name": organisation.name},
        "today": today,
        "in_force": [r for r in rows if r["status"] == "in_force"],
        "expiring": [r for r in rows if r["status"] == "expiring"],
        "expired": [r for r in rows if r["status"] == "expired"],
        "rollup": {
            "enterprises": enterprises.count(),
            "enterprises_with_contract": len(covered),
            "workers_covered": workers,
            "by_kind": [{"kind": k, "label": str(label), "count": by_kind.get(k, 0)} for k, label in Kind.choices],
        },
    }


def _under_any(orgs) -> Q:
    q = Q(pk__in=[])
    for o in orgs:
        q |= Q(organisation__path__startswith=o.path)
    return q


def register_csv_rows(register: dict) -> list[list]:
    rows = register["in_force"] + register["expiring"] + register["expired"]
    return [[r["reference"], r["organisation"], r["kind"], r["state"], r["effective_on"] or "", r["expires_on"] or "",
             r["status"]] for r in rows]


NOT_PUBLISHED = _("该合同未在履行中，或您不是该组织的成员 The contract is not in force, or you are not a member here.")


def published_contract(*, contract_id, user) -> dict:
    """第四十八条: a contract in force is shown to every member of its organisation (text, term, hash).

    Anyone else, or a contract not (or no longer) in force, is a 404 (nothing is said about it).
    """
    from workflow.api.parsing import parse_id
    from workflow.documents.services import read_bytes
    from workflow.errors import NotVisible

    pk = parse_id(contract_id)
    case = (
        Contract.objects.select_related("organisation", "published_document").filter(Contract.in_force_q(), pk=pk).first()
        if pk is not None else None
    )
    if case is None or not (
        policy.roles_at(user, case.organisation) & (REGISTER_ROLES | {"auditor", "admin"})
    ):
        raise NotVisible(str(NOT_PUBLISHED))
    doc = case.published_document
    text = read_bytes(doc).decode("utf-8", errors="replace") if doc is not None and doc.is_text else ""
    return {
        "id": case.pk, "reference": case.reference, "organisation": case.organisation.name,
        "kind": case.kind, "kind_label": str(case.get_kind_display()), "effective_on": case.effective_on,
        "expires_on": case.expires_on, "published_on": case.published_on,
        "document": {"name": doc.name, "version": doc.version, "sha256": doc.sha256} if doc else None, "text": text,
    }
