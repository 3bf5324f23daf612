"""Typed, keyword-only services of the aid process.

Each calls the one gate (:mod:`workflow.services`), so role, scope, separation of duties,
guards, audit and the flow are handled the same way whatever the interface (UI, API, task, demo).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workflow import services as gate
from workflow.api.parsing import parse_id
from workflow.audit import RequestMeta
from workflow.errors import ActionForbidden, NotVisible
from workflow.models import Organisation, RoleAssignment
from workflow.roles import Role

from .models import AidCase
from .states import NOTICE_STATES

PROCESS = "aid"
NOT_A_MEMBER = _("只有本单位会员可以对公示提出异议 Only members of the organisation may object to its notice.")


def _do(name: str, *, case: AidCase, actor, data: dict | None = None, now: dt.datetime | None = None,
        meta: RequestMeta | None = None, system: bool = False) -> AidCase:
    return gate.perform_transition(
        process=PROCESS, case_id=case.pk, name=name, user=actor, data=data or {}, now=now, meta=meta, system=system,
    )


def aid_create(*, organisation, actor, aid_type: str, cause: str, household_size: int, household_income,
               rigid_expenses, requested_amount, id_number: str, bank_account: str, financial_check_consent: bool,
               accident: bool = False, applicant: str = "", address: str = "", medical_details: str = "",
               now=None, meta: RequestMeta | None = None) -> AidCase:
    data = {
        "organisation": organisation.code, "aid_type": aid_type, "cause": cause, "household_size": household_size,
        "household_income": str(household_income), "rigid_expenses": str(rigid_expenses),
        "requested_amount": str(requested_amount), "id_number": id_number, "bank_account": bank_account,
        "financial_check_consent": financial_check_consent, "accident": accident, "applicant": applicant,
        "address": address, "medical_details": medical_details,
    }
    return gate.create_case(process=PROCESS, user=actor, data=data, now=now, meta=meta)


def aid_submit(*, case, actor, now=None):
    return _do("submit", case=case, actor=actor, now=now)


def aid_precheck(*, case, actor, now=None):
    return _do("precheck", case=case, actor=actor, now=now)


def aid_return_for_info(*, case, actor, missing: str, now=None):
    return _do("return_for_info", case=case, actor=actor, data={"missing": missing}, now=now)


def aid_resubmit(*, case, actor, now=None):
    return _do("resubmit", case=case, actor=actor, now=now)


def aid_record_visit(*, case, actor, visitors: list[str], report: str, now=None):
    return _do("record_visit", case=case, actor=actor, data={"visitors": list(visitors), "report": report}, now=now)


def aid_assess_tier(*, case, actor, amount: Decimal | None = None, now=None):
    return _do("assess_tier", case=case, actor=actor, data={"amount": str(amount)} if amount else {}, now=now)


def aid_publish_notice(*, case, actor, now=None):
    return _do("publish_notice", case=case, actor=actor, now=now)


def aid_object(*, case_id, actor, grounds: str, now=None, meta: RequestMeta | None = None) -> AidCase:
    """A member of the organisation objects to a notice (公示异议).

    The objector does not see the case itself, only its redacted notice: the service checks that
    they are a member of the case's organisation (or a unit below it) and that the case is on
    notice, then takes the transition as the engine, so the audit trail records the objector as
    ``[restricted]`` (visible only to the committee and auditors, on the objection row).
    """
    pk = parse_id(case_id)
    found = AidCase.objects.filter(pk=pk, state__in=NOTICE_STATES).values_list("pk", "organisation_id").first()
    if pk is None or found is None:
        raise NotVisible("未找到该公示 No such notice.")
    if not actor.is_authenticated or not RoleAssignment.objects.current().filter(
        user=actor, role=Role.MEMBER, organisation_id__in=member_organisations(found[1])
    ).exists():
        raise ActionForbidden(str(NOT_A_MEMBER))
    return gate.perform_transition(
        process=PROCESS, case_id=found[0], name="object", user=None, system=True, now=now, meta=meta,
        data={"grounds": grounds, "objector": actor.pk},
    )


def member_organisations(organisation_id: int):
    """The case's union and its groups: a member of either may object to its notice (a subquery)."""
    return Organisation.objects.filter(Q(pk=organisation_id) | Q(parent_id=organisation_id)).values("pk")


def aid_uphold_objection(*, case, actor, reason: str, now=None):
    return _do("uphold_objection", case=case, actor=actor, data={"reason": reason}, now=now)


def aid_dismiss_objection(*, case, actor, reason: str, now=None):
    return _do("dismiss_objection", case=case, actor=actor, data={"reason": reason}, now=now)


def aid_close_notice(*, case, now=None):
    """The notice period ended with no open objection (the timer's expiry transition)."""
    return _do("close_notice", case=case, actor=None, now=now, system=True)


def aid_approve(*, case, actor, amount: Decimal, now=None):
    return _do("approve", case=case, actor=actor, data={"amount": str(amount)}, now=now)


def aid_escalate(*, case, actor, amount: Decimal, now=None):
    return _do("escalate", case=case, actor=actor, data={"amount": str(amount)}, now=now)


def aid_reject(*, case, actor, reason: str, now=None):
    return _do("reject", case=case, actor=actor, data={"reason": reason}, now=now)


def aid_approve_emergency(*, case, actor, amount: Decimal, justification: str, now=None):
    data = {"amount": str(amount), "justification": justification}
    return _do("approve_emergency", case=case, actor=actor, data=data, now=now)


def aid_disburse(*, case, actor, transaction_ref: str, paid_on: dt.date, now=None):
    data = {"transaction_ref": transaction_ref, "paid_on": paid_on.isoformat()}
    return _do("disburse", case=case, actor=actor, data=data, now=now)


def aid_recover(*, case, actor, transaction_ref: str, recovered_on: dt.date, now=None):
    """Finance records the aid paid back after an upheld objection to the notice after payment (追回)."""
    data = {"transaction_ref": transaction_ref, "recovered_on": recovered_on.isoformat()}
    return _do("recover", case=case, actor=actor, data=data, now=now)


def aid_post_notice(*, case, actor, now=None):
    return _do("post_notice", case=case, actor=actor, now=now)


def aid_archive(*, case, actor, now=None):
    return _do("archive", case=case, actor=actor, now=now)


def aid_annual_review(*, case, actor, now=None):
    return _do("annual_review", case=case, actor=actor, now=now)


def aid_continue_file(*, case, actor, reason: str = "", now=None):
    return _do("continue_file", case=case, actor=actor, data={"reason": reason} if reason else {}, now=now)


def aid_exit_file(*, case, actor, reason: str, now=None):
    return _do("exit_file", case=case, actor=actor, data={"reason": reason}, now=now)
