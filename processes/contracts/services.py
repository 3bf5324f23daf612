"""Typed, keyword-only services of the contracts process.

Each calls the one gate (:mod:`workflow.services`), so role, actor, guards, audit and the
flow are handled the same way whatever the interface (UI, API, task, demo seed).
"""

from __future__ import annotations

import datetime as dt

from workflow import services as gate
from workflow.audit import RequestMeta

from .models import Contract

PROCESS = "contracts"


def _do(name: str, *, case: Contract, actor, data: dict | None = None, now: dt.datetime | None = None,
        meta: RequestMeta | None = None, system: bool = False, expected_version: int | None = None) -> Contract:
    return gate.perform_transition(
        process=PROCESS, case_id=case.pk, name=name, user=actor, data=data or {}, now=now, meta=meta,
        system=system, expected_version=expected_version,
    )


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _doc(document) -> int | None:
    return document.pk if document is not None else None


def contract_create(*, organisation, actor, kind: str, renewal_of: Contract | None = None,
                    now: dt.datetime | None = None, meta: RequestMeta | None = None) -> Contract:
    data = {"organisation": organisation.pk, "kind": kind}
    if renewal_of is not None:
        data["renewal_of"] = renewal_of.pk
    return gate.create_case(process=PROCESS, user=actor, now=now, meta=meta, data=data)


def contract_set_teams(*, case: Contract, actor, union_team: list, employer_team: list, union_chief: str,
                       employer_chief: str, delegation=None, record_keeper: str = "", now=None) -> Contract:
    """``union_team`` / ``employer_team``: lists of ``{"name", "username", "expert", "woman"}``; chiefs by username;
    ``record_keeper``: the neutral record keeper (第三十三条第（五）项)."""
    data = {"union_team": union_team, "employer_team": employer_team, "union_chief": union_chief,
            "employer_chief": employer_chief, "record_keeper": record_keeper}
    if delegation is not None:
        data["delegation"] = delegation.pk
    return _do("set_teams", case=case, actor=actor, data=data, now=now)


def contract_send_offer(*, case: Contract, actor, topics: str, delivered_on: dt.date,
                        proposed_on: dt.date | None = None, document=None, now=None) -> Contract:
    data = {"topics": topics, "delivered_on": _day(delivered_on)}
    if proposed_on:
        data["proposed_on"] = _day(proposed_on)
    if document is not None:
        data["document"] = document.pk
    return _do("send_offer", case=case, actor=actor, data=data, now=now)


def contract_lapse_offer(*, case: Contract, now=None) -> Contract:
    """第三十二条: no reply within 20 days of receipt (a system transition, fired by the sweep)."""
    return _do("lapse_offer", case=case, actor=None, now=now, system=True)


def contract_escalate(*, case: Contract, actor, to: str, note: str = "", now=None) -> Contract:
    return _do("escalate", case=case, actor=actor, data={"to": to, "note": note}, now=now)


def contract_record_reply(*, case: Contract, actor, received_on: dt.date, document=None, now=None) -> Contract:
    data = {"received_on": _day(received_on)}
    if document is not None:
        data["document"] = document.pk
    return _do("record_reply", case=case, actor=actor, data=data, now=now)


def contract_record_round(*, case: Contract, actor, minutes: str, positions: str = "", union_present=(),
                          employer_present=(), document=None, record_keeper: str = "", now=None) -> Contract:
    data = {"minutes": minutes, "positions": positions, "union_present": list(union_present),
            "employer_present": list(employer_present), "record_keeper": record_keeper}
    if document is not None:
        data["document"] = document.pk
    return _do("record_round", case=case, actor=actor, data=data, now=now)


def contract_sign_minutes(*, case: Contract, actor, now=None) -> Contract:
    """The other chief signs every round's minutes their side has not signed yet."""
    return _do("sign_minutes", case=case, actor=actor, now=now)


def contract_suspend(*, case: Contract, actor, resume_on: dt.date, now=None) -> Contract:
    return _do("suspend", case=case, actor=actor, data={"resume_on": _day(resume_on)}, now=now)


def contract_resume(*, case: Contract, actor, now=None) -> Contract:
    return _do("resume", case=case, actor=actor, now=now)


def contract_request_coordination(*, case: Contract, actor, reason: str, now=None) -> Contract:
    return _do("request_coordination", case=case, actor=actor, data={"reason": reason}, now=now)


def contract_end_coordination(*, case: Contract, actor, result: str, now=None) -> Contract:
    return _do("end_coordination", case=case, actor=actor, data={"result": result}, now=now)


def contract_agree_draft(*, case: Contract, actor, document, term_years: int | None = None, now=None) -> Contract:
    data = {"document": document.pk}
    if term_years is not None:
        data["term_years"] = term_years
    return _do("agree_draft", case=case, actor=actor, data=data, now=now)


def contract_submit_to_congress(*, case: Contract, actor, method: str = "electronic", now=None) -> Contract:
    return _do("submit_to_congress", case=case, actor=actor, data={"method": method}, now=now)


def contract_sign(*, case: Contract, actor, document=None, now=None) -> Contract:
    return _do("sign", case=case, actor=actor, data={"document": document.pk} if document else {}, now=now)


def contract_file(*, case: Contract, actor, filed_on: dt.date, receipt=None, now=None) -> Contract:
    data = {"filed_on": _day(filed_on)}
    if receipt is not None:
        data["receipt"] = receipt.pk
    return _do("file", case=case, actor=actor, data=data, now=now)


def contract_object(*, case: Contract, actor, items: list[str], now=None) -> Contract:
    return _do("object", case=case, actor=actor, data={"items": list(items)}, now=now)


def contract_renegotiate(*, case: Contract, actor, now=None) -> Contract:
    return _do("renegotiate", case=case, actor=actor, now=now)


def contract_take_effect(*, case: Contract, now=None) -> Contract:
    """第四十七条: no objection within 15 days of receipt (a system transition, fired by the sweep)."""
    return _do("take_effect", case=case, actor=None, now=now, system=True)


def contract_publish(*, case: Contract, actor, channel: str, published_on: dt.date, now=None) -> Contract:
    return _do("publish", case=case, actor=actor, data={"channel": channel, "published_on": _day(published_on)},
               now=now)


def contract_vary(*, case: Contract, actor, grounds: str, document, now=None) -> Contract:
    return _do("vary", case=case, actor=actor, data={"grounds": grounds, "document": document.pk}, now=now)


def contract_terminate(*, case: Contract, actor, grounds: str, reason: str = "", now=None) -> Contract:
    return _do("terminate", case=case, actor=actor, data={"grounds": grounds, "reason": reason}, now=now)
