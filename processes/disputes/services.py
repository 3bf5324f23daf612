"""Typed, keyword-only services of the dispute process.

Each calls the one gate (:mod:`workflow.services`), so role, actor, guards, audit and the flow
are handled the same way whatever the interface (UI, API, task, demo seed).
"""

from __future__ import annotations

import datetime as dt

from workflow import services as gate
from workflow.audit import RequestMeta

from .models import Dispute

PROCESS = "disputes"


def _do(name: str, *, case: Dispute, actor, data: dict | None = None, now: dt.datetime | None = None,
        meta: RequestMeta | None = None, system: bool = False) -> Dispute:
    return gate.perform_transition(
        process=PROCESS, case_id=case.pk, name=name, user=actor, data=data or {}, now=now, meta=meta, system=system,
    )


def dispute_apply(*, organisation, actor, category: str, claims: list[dict], facts: str, arose_on: dt.date,
                  respondent: str, received_on: dt.date | None = None, oral: bool = False, applicant=None,
                  workers: list[str] = (), representatives: list[str] = (), now=None,
                  meta: RequestMeta | None = None) -> Dispute:
    """A worker applies (or a mediator records an oral application for ``applicant``)."""
    data = {"organisation": organisation.pk, "category": category, "claims": list(claims), "facts": facts,
            "arose_on": arose_on.isoformat(), "respondent": respondent, "oral": oral}
    if received_on is not None:
        data["received_on"] = received_on.isoformat()
    if applicant is not None:
        data["applicant"] = applicant.get_username()
    if workers:
        data["workers"] = list(workers)
    if representatives:
        data["representatives"] = list(representatives)
    return gate.create_case(process=PROCESS, user=actor, data=data, now=now, meta=meta)


def dispute_confirm_application(*, case: Dispute, actor, now=None) -> Dispute:
    return _do("confirm_application", case=case, actor=actor, now=now)


def dispute_consent_to_mediation(*, case: Dispute, actor, now=None) -> Dispute:
    return _do("consent_to_mediation", case=case, actor=actor, now=now)


def dispute_accept(*, case: Dispute, actor, now=None) -> Dispute:
    return _do("accept", case=case, actor=actor, now=now)


def dispute_decline(*, case: Dispute, actor, reason: str, note: str = "", now=None) -> Dispute:
    return _do("decline", case=case, actor=actor, data={"reason": reason, "note": note}, now=now)


def dispute_assign_mediators(*, case: Dispute, actor, mediators: list, now=None) -> Dispute:
    return _do("assign_mediators", case=case, actor=actor, data={"mediators": [u.get_username() for u in mediators]},
               now=now)


def dispute_declare_no_conflict(*, case: Dispute, actor, now=None) -> Dispute:
    return _do("declare_no_conflict", case=case, actor=actor, now=now)


def dispute_request_recusal(*, case: Dispute, actor, mediator, grounds: str, now=None) -> Dispute:
    return _do("request_recusal", case=case, actor=actor, data={"mediator": mediator.get_username(), "grounds": grounds},
               now=now)


def dispute_decide_recusal(*, case: Dispute, actor, granted: bool, reason: str, now=None) -> Dispute:
    return _do("decide_recusal", case=case, actor=actor, data={"granted": granted, "reason": reason}, now=now)


def dispute_record_session(*, case: Dispute, actor, attendance: str, minutes: str, now=None) -> Dispute:
    return _do("record_session", case=case, actor=actor, data={"attendance": attendance, "minutes": minutes}, now=now)


def dispute_draft_agreement(*, case: Dispute, actor, terms: str, performance_due: dt.date, now=None) -> Dispute:
    return _do("draft_agreement", case=case, actor=actor,
               data={"terms": terms, "performance_due": performance_due.isoformat()}, now=now)


def dispute_sign_agreement(*, case: Dispute, actor, sha256: str, password: str, now=None) -> Dispute:
    return _do("sign_agreement", case=case, actor=actor, data={"sha256": sha256, "password": password}, now=now)


def dispute_record_performance(*, case: Dispute, actor, now=None) -> Dispute:
    return _do("record_performance", case=case, actor=actor, now=now)


def dispute_close(*, case: Dispute, actor, now=None) -> Dispute:
    return _do("close", case=case, actor=actor, now=now)


def dispute_report_breach(*, case: Dispute, actor, details: str, now=None) -> Dispute:
    return _do("report_breach", case=case, actor=actor, data={"details": details}, now=now)


def dispute_fail(*, case: Dispute, actor, reason: str, now=None) -> Dispute:
    return _do("fail", case=case, actor=actor, data={"reason": reason}, now=now)


def dispute_expire(*, case: Dispute, now=None) -> Dispute:
    """The mediation period ran out without agreement (a system transition, as the timer sweep does)."""
    return _do("expire", case=case, actor=None, now=now, system=True)


def dispute_withdraw(*, case: Dispute, actor, reason: str = "", now=None) -> Dispute:
    return _do("withdraw", case=case, actor=actor, data={"reason": reason}, now=now)


def dispute_refer_to_arbitration(*, case: Dispute, actor, body: str, now=None) -> Dispute:
    return _do("refer_to_arbitration", case=case, actor=actor, data={"body": body}, now=now)


def dispute_record_review(*, case: Dispute, actor, applied_on: dt.date, body: str, outcome: str = "pending",
                          decided_on: dt.date | None = None, route: str = "arbitration", papers=(),
                          now=None) -> Dispute:
    """``route``: ``arbitration`` (仲裁审查) or ``judicial`` (司法确认); ``papers``: documents of the case."""
    data = {"applied_on": applied_on.isoformat(), "body": body, "outcome": outcome, "route": route,
            "papers": [doc.pk for doc in papers]}
    if decided_on is not None:
        data["decided_on"] = decided_on.isoformat()
    return _do("record_review", case=case, actor=actor, data=data, now=now)


def dispute_apply_payment_order(*, case: Dispute, actor, matter: str, court: str, applied_on: dt.date,
                                papers=(), now=None) -> Dispute:
    """``papers``: the court's documents, already uploaded to the case."""
    data = {"matter": matter, "court": court, "applied_on": applied_on.isoformat(), "papers": [doc.pk for doc in papers]}
    return _do("apply_payment_order", case=case, actor=actor, data=data, now=now)
