"""Transition effects: the rows around a contract, written in the service's transaction.

Each runs before the FSM method and may add to ``ctx.payload`` (what the audit event records);
what it returns is ``ctx.result`` for the model's method. Deadlines go through the engine
(:func:`workflow.deadlines.start_deadline`), so the sweep reminds and fires them.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from workflow.deadlines import close_all_deadlines, close_deadline, start_deadline
from workflow.deadlines.rules import add_months
from workflow.documents.models import Signature, SignatureMethod
from workflow.models import CaseDeadline
from workflow.notifications.deferred import safely

from . import deadlines as d
from . import notices, tasks
from .models import ContractRepresentative, ContractRound
from .states import IN_FORCE_STATES, Side
from .states import ContractState as S

EXPIRED = CaseDeadline.Status.EXPIRED
CANCELLED = CaseDeadline.Status.CANCELLED


def _doc(doc) -> dict | None:
    return {"id": doc.pk, "name": doc.name, "version": doc.version, "sha256": doc.sha256} if doc else None


def set_teams(ctx):
    """第十九条、第二十条: the two teams and their chiefs replace any earlier lists."""
    case, data = ctx.case, ctx.data
    case.representatives.all().delete()
    rows = []
    for side, team, chief in ((Side.UNION, data["union_team"], data["union_chief"]),
                              (Side.EMPLOYER, data["employer_team"], data["employer_chief"])):
        for i, m in enumerate(team, start=1):
            rows.append(ContractRepresentative(
                contract=case, side=side, position=i, name=m["name"], user=m["user"], expert=m["expert"],
                chief=m["user"] is not None and m["user"].pk == chief.pk, woman=m["woman"],
            ))
    ContractRepresentative.objects.bulk_create(rows)
    case.team_user_ids = sorted({r.user_id for r in rows if r.user_id})
    case.union_chief, case.employer_chief = data["union_chief"], data["employer_chief"]
    case.delegation = data.get("delegation")
    case.record_keeper = (data.get("record_keeper") or "").strip()
    ctx.payload["teams"] = {
        "union": [m["name"] for m in data["union_team"]], "employer": [m["name"] for m in data["employer_team"]],
        "union_chief": data["union_chief"].get_username(), "employer_chief": data["employer_chief"].get_username(),
        "record_keeper": case.record_keeper, "women": [m["name"] for m in data["union_team"] if m["woman"]],
    }


def send_offer(ctx):
    """第三十二条: the reply is due within 20 days of receipt (``delivered_on``)."""
    row = start_deadline(ctx.case, d.OFFER_REPLY.id, ctx.data["delivered_on"], payload=ctx.payload, replace=False)
    ctx.case.reply_due_on = row.due_on


def lapse_offer(ctx):
    close_deadline(ctx.case, d.OFFER_REPLY.id, EXPIRED)


def record_reply(ctx):
    close_deadline(ctx.case, d.OFFER_REPLY.id)
    due = ctx.case.reply_due_on
    ctx.payload["on_time"] = due is None or ctx.data["received_on"] <= due


def _side(ctx) -> str:
    return ctx.case.side_of(ctx.user)


def record_round(ctx):
    """The minutes of a round, signed by the chief who records them (the other signs with ``sign_minutes``),
    naming their record keeper (第三十三条第（五）项)."""
    case = ctx.case
    number = case.rounds.count() + 1
    keeper = (ctx.data.get("record_keeper") or "").strip() or case.record_keeper
    ContractRound.objects.create(
        contract=case, number=number, held_on=ctx.today, minutes=ctx.data["minutes"], record_keeper=keeper,
        positions=ctx.data.get("positions", ""), union_present=ctx.data.get("union_present", []),
        employer_present=ctx.data.get("employer_present", []), document=ctx.data.get("document"),
        recorded_by=ctx.user, recorded_at=ctx.now, **{f"{_side(ctx)}_signed_at": ctx.now},
    )
    ctx.payload["round"] = number
    ctx.payload["record_keeper"] = keeper


def unsigned_rounds(ctx):
    """The rounds whose minutes the acting chief's side has not signed yet."""
    return ctx.case.rounds.filter(**{f"{_side(ctx)}_signed_at": None})


def signed_rounds(ctx):
    """The rounds whose minutes both chiefs have signed (第三十四条)."""
    return ctx.case.rounds.filter(union_signed_at__isnull=False, employer_signed_at__isnull=False)


def sign_minutes(ctx):
    rounds = unsigned_rounds(ctx)
    ctx.payload["rounds"] = list(rounds.values_list("number", flat=True))
    rounds.update(**{f"{_side(ctx)}_signed_at": ctx.now})


def _consent(ctx, agreed: bool) -> bool:
    """Record in the audit event whether this consent completes the pair or waits for the other chief."""
    if agreed:
        ctx.payload["agreed"] = True
    else:
        ctx.payload["proposed_by"] = _side(ctx)
    return agreed


def suspend(ctx):
    """第三十五条: once both sides agree, the date to resume is a timer; both chiefs are reminded the day before."""
    case = ctx.case
    if _consent(ctx, case.other_side_consented("suspension_proposed_by", ctx.user)
                and case.resume_on == ctx.data["resume_on"]):
        start_deadline(case, d.SUSPENSION.id, ctx.today, payload=ctx.payload, due_on=ctx.data["resume_on"],
                       replace=False)


def resume(ctx) -> bool:
    """第三十五条: the talks resume by mutual agreement: the first chief's consent waits for the other's."""
    if _consent(ctx, ctx.case.other_side_consented("resume_proposed_by", ctx.user)):
        close_deadline(ctx.case, d.SUSPENSION.id)
        return True
    return False


def request_coordination(ctx):
    """第四十九条: the labour administration coordinates within 30 days (extendable once by ≤ 15)."""
    start_deadline(ctx.case, d.COORDINATION.id, ctx.today, payload=ctx.payload, replace=False)


def end_coordination(ctx) -> bool:
    """第五十条: the coordination agreement is signed by both chiefs: one records the result, the other confirms it
    (with no result, or the same one); a different result is a new proposal that waits for the first chief."""
    case, text = ctx.case, ctx.data.get("result") or ""
    same_result = text in ("", case.coordination_result)
    agreed = case.other_side_consented("coordination_end_proposed_by", ctx.user) and same_result
    if _consent(ctx, agreed):
        close_deadline(case, d.COORDINATION.id)
    return agreed


def agree_draft(ctx):
    ctx.payload["draft"] = _doc(ctx.data["document"])


def submit_to_congress(ctx) -> int:
    """第三十六条: a congress vote on the agreed version, with the contract rule; its close passes or fails it."""
    from workflow.votes.services import vote_open

    case = ctx.case
    vote = vote_open(
        process="contracts", case=case, title=f"{case.get_kind_display()} {case.reference}", rule="contract",
        opened_by=ctx.user, pass_transition="pass_congress", fail_transition="fail_congress",
        method=ctx.data.get("method") or "electronic", meta=ctx.meta, now=ctx.now,
    )
    ctx.payload["vote"] = vote.pk
    ctx.payload["draft"] = {"id": case.draft_id, "sha256": case.union_agreed_sha256}
    return vote.pk


def sign(ctx):
    """第三十七条: a chief's signature binds the exact version passed (engine signature, its SHA-256)."""
    case = ctx.case
    side = "union_chief" if ctx.user.pk == case.union_chief_id else "employer_chief"
    Signature.objects.create(
        document_id=case.passed_document_id, signer=ctx.user, role=side, document_sha256=case.passed_sha256,
        signed_at=ctx.now, method=SignatureMethod.PASSWORD,
    )
    ctx.payload["signed"] = {"as": side, "sha256": case.passed_sha256}
    other_signed = case.employer_signed_at if side == "union_chief" else case.union_signed_at
    if other_signed:
        _start_filing(ctx)


def _start_filing(ctx):
    """第四十二条: filed within 10 days of the signature (reminders T−3 and T−1, then flagged overdue)."""
    # The last filing deadline was closed when the contract was filed: nothing to replace.
    row = start_deadline(ctx.case, d.FILING.id, ctx.today, payload=ctx.payload, replace=False)
    ctx.case.filing_due_on = row.due_on


def file(ctx):
    """第四十三条、第四十五条: the review runs 15 days from receipt (the filing date)."""
    case = ctx.case
    due = case.filing_due_on
    on_time = due is None or ctx.data["filed_on"] <= due
    close_deadline(case, d.FILING.id)
    row = start_deadline(case, d.REVIEW.id, ctx.data["filed_on"], payload=ctx.payload, replace=False)
    case.review_due_on = row.due_on
    ctx.payload["on_time"] = on_time


def object_(ctx):
    close_deadline(ctx.case, d.REVIEW.id)


def take_effect(ctx):
    """第四十七条 and 第三十八条: effective the day after the review period; the term starts then.

    A varied contract (第四十条) keeps the term it already runs: its timers are left as they are.
    """
    case = ctx.case
    close_deadline(case, d.REVIEW.id, EXPIRED)
    if case.expires_on is not None:
        return
    case.effective_on = case.review_due_on + dt.timedelta(days=1)
    case.expires_on = add_months(case.effective_on, 12 * (case.term_years or 1)) - dt.timedelta(days=1)
    case.renewal_opens_on = add_months(case.expires_on, -d.RENEWAL_MONTHS) + dt.timedelta(days=1)
    start_deadline(case, d.TERM.id, case.effective_on, payload=ctx.payload, due_on=case.expires_on)


def publish(ctx):
    """第四十八条: published to all; the renewal window's timer runs to the day before it opens (第三十八条)."""
    case = ctx.case
    if case.renewal_opens_on is not None:
        start_deadline(
            case, d.RENEWAL.id, case.published_on or ctx.today, payload=ctx.payload,
            due_on=case.renewal_opens_on - dt.timedelta(days=1),
        )


def open_renewal(ctx):
    """第三十八条: the window is open; the union's negotiators get the renewal as their step (see flows)."""
    close_deadline(ctx.case, d.RENEWAL.id, EXPIRED)


def expire(ctx):
    """第三十八条: the term has ended, and so has the contract: every clock still open stops (the term's as expired).
    A variation still under way lapses with it: 第四十条 varies a contract in force, and an ended one has nothing
    left to vary (see :func:`_lapse_variation`)."""
    close_all_deadlines(ctx.case, CANCELLED, but={d.TERM.id: EXPIRED})
    if ctx.case.state not in IN_FORCE_STATES:
        _lapse_variation(ctx)


def _lapse_variation(ctx):
    """The variation lapses in whatever step it reached (its filing or review clock stopped with the others): an open
    congress vote on it is closed as cancelled, never counted, so it passes or fails nothing; both chiefs are told,
    by a worker after commit, that a renewal (续订, 第三十八条) is the way on. ``expire``'s audit event records it."""
    from workflow.votes.services import vote_cancel

    case = ctx.case
    ctx.payload["variation_lapsed"] = case.state
    if case.state == S.CONGRESS_VOTE and case.vote_id:
        if vote_cancel(vote_id=case.vote_id, reason=notices.vote_cancelled(case), now=ctx.now):
            ctx.payload["vote_cancelled"] = case.vote_id
    case_id = case.pk
    transaction.on_commit(safely(lambda: tasks.notify_variation_lapsed.delay(case_id)))


def vary(ctx):
    """第四十条: the varied text; once both chiefs confirm it, it goes to the congress like a first draft."""
    ctx.payload["document"] = _doc(ctx.data["document"])


def terminate(ctx):
    close_deadline(ctx.case, d.TERM.id, CANCELLED)
    close_deadline(ctx.case, d.RENEWAL.id, CANCELLED)
