"""Typed, keyword-only services of the proposals process.

Each calls the one gate (:mod:`workflow.services`), so role, actor, guards, audit and
the flow are handled the same way whatever the interface (UI, API, task, demo seed).
"""

from __future__ import annotations

import datetime as dt

from workflow import services as gate
from workflow.audit import RequestMeta

from .models import Proposal

PROCESS = "proposals"


def _do(name: str, *, case: Proposal, actor, data: dict | None = None, now: dt.datetime | None = None,
        meta: RequestMeta | None = None, system: bool = False, expected_version: int | None = None) -> Proposal:
    return gate.perform_transition(
        process=PROCESS, case_id=case.pk, name=name, user=actor, data=data or {}, now=now, meta=meta,
        system=system, expected_version=expected_version,
    )


def proposal_create(*, organisation, actor, title: str, body: str, category: str,
                    now: dt.datetime | None = None, meta: RequestMeta | None = None) -> Proposal:
    return gate.create_case(
        process=PROCESS, user=actor, now=now, meta=meta,
        data={"organisation": organisation.pk, "title": title, "body": body, "category": category},
    )


def proposal_invite_cosigners(*, case: Proposal, actor, cosigners: list[str], now=None) -> Proposal:
    return _do("invite_cosigners", case=case, actor=actor, data={"cosigners": list(cosigners)}, now=now)


def proposal_cosign(*, case: Proposal, actor, now=None) -> Proposal:
    return _do("cosign", case=case, actor=actor, now=now)


def proposal_decline_cosign(*, case: Proposal, actor, reason: str = "", now=None) -> Proposal:
    return _do("decline_cosign", case=case, actor=actor, data={"reason": reason}, now=now)


def proposal_withdraw_cosign(*, case: Proposal, actor, now=None) -> Proposal:
    return _do("withdraw_cosign", case=case, actor=actor, now=now)


def proposal_submit(*, case: Proposal, actor, now=None) -> Proposal:
    return _do("submit", case=case, actor=actor, now=now)


def proposal_withdraw(*, case: Proposal, actor, reason: str, now=None) -> Proposal:
    return _do("withdraw", case=case, actor=actor, data={"reason": reason}, now=now)


def proposal_start_review(*, case: Proposal, actor, now=None) -> Proposal:
    return _do("start_review", case=case, actor=actor, now=now)


def proposal_accept(*, case: Proposal, actor, reason: str = "", now=None) -> Proposal:
    return _do("accept", case=case, actor=actor, data={"reason": reason}, now=now)


def proposal_convert(*, case: Proposal, actor, reason: str, now=None) -> Proposal:
    return _do("convert", case=case, actor=actor, data={"reason": reason}, now=now)


def proposal_reject(*, case: Proposal, actor, reason: str, now=None) -> Proposal:
    return _do("reject", case=case, actor=actor, data={"reason": reason}, now=now)


def proposal_return_for_revision(*, case: Proposal, actor, reason: str, now=None) -> Proposal:
    return _do("return_for_revision", case=case, actor=actor, data={"reason": reason}, now=now)


def proposal_resubmit(*, case: Proposal, actor, title: str | None = None, body: str | None = None,
                      category: str | None = None, now=None) -> Proposal:
    data = {k: v for k, v in {"title": title, "body": body, "category": category}.items() if v}
    return _do("resubmit", case=case, actor=actor, data=data, now=now)


def proposal_merge(*, case: Proposal, actor, into: Proposal, now=None) -> Proposal:
    return _do("merge", case=case, actor=actor, data={"into": into.pk}, now=now)


def proposal_assign(*, case: Proposal, actor, lead_department, co_departments=(), due_date: dt.date | None = None,
                    supervisor=None, now=None) -> Proposal:
    data = {"lead_department": lead_department.code, "co_departments": [o.code for o in co_departments]}
    if due_date is not None:
        data["due_date"] = due_date.isoformat()
    if supervisor is not None:
        data["supervisor"] = supervisor.pk
    return _do("assign", case=case, actor=actor, data=data, now=now)


def proposal_return_assignment(*, case: Proposal, actor, reason: str, now=None) -> Proposal:
    return _do("return_assignment", case=case, actor=actor, data={"reason": reason}, now=now)


def proposal_acknowledge(*, case: Proposal, actor, now=None) -> Proposal:
    return _do("acknowledge", case=case, actor=actor, now=now)


def proposal_countersign(*, case: Proposal, actor, opinion: str = "", department=None, now=None) -> Proposal:
    """会签 for one of the actor's co-departments (``department`` only if they act for several)."""
    data = {"opinion": opinion}
    if department is not None:
        data["department"] = department.code
    return _do("countersign", case=case, actor=actor, data=data, now=now)


def proposal_reply(*, case: Proposal, actor, text: str, classification: str, attachments: list[int] = (),
                   now=None) -> Proposal:
    data = {"text": text, "classification": classification, "attachments": list(attachments)}
    return _do("reply", case=case, actor=actor, data=data, now=now)


def proposal_rate(*, case: Proposal, actor, rating: str, comment: str = "", now=None) -> Proposal:
    return _do("rate", case=case, actor=actor, data={"rating": rating, "comment": comment}, now=now)


def proposal_close_unrated(*, case: Proposal, actor=None, now=None) -> Proposal:
    """The feedback window expired: closed as not rated (a system transition, never "satisfied")."""
    return _do("close_unrated", case=case, actor=actor, now=now, system=True)


def proposal_add_note(*, case: Proposal, actor, note: str, now=None) -> Proposal:
    return _do("add_note", case=case, actor=actor, data={"note": note}, now=now)


def proposal_archive(*, case: Proposal, actor, now=None) -> Proposal:
    return _do("archive", case=case, actor=actor, now=now)


def proposal_put_to_vote(*, case: Proposal, actor, title: str | None = None, now=None) -> Proposal:
    return _do("put_to_vote", case=case, actor=actor, data={"title": title} if title else {}, now=now)
