"""Congress votes: open (freeze the electorate), cast a secret ballot, record a paper tally, close.

Every change locks the subject case row first, then the vote row, and is audited on
the subject case with :func:`workflow.audit.record_event` in the same transaction.
An electronic ballot is counted in the vote's ballot box (see :mod:`workflow.votes.models`
for why counters and not a row per ballot). Closing applies
:func:`workflow.votes.rules.decide` and moves the case through
:func:`workflow.services.perform_transition`.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, F, PositiveIntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import policy, services
from ..api.parsing import MAX_DB_INT, parse_id, strict_int
from ..audit import Actor, RequestMeta, record_event
from ..errors import ActionForbidden, GuardFailed, InvalidInput, NotVisible, TransitionNotAllowed
from ..models import CongressTerm, case_content_type
from ..roles import Role
from .models import BallotBoxCount, Choice, Elector, Turnout, Vote, VoteMethod, VoteRule, VoteStatus
from .rules import Result, decide

__all__ = [
    "Result", "decide", "vote_open", "vote_cast", "vote_record_tally", "vote_close", "get_visible_vote",
    "visible_votes", "is_elector", "has_voted", "may_secretary", "vote_cancel",
]

VOTE_NOT_FOUND = _("未找到该表决 Vote not found.")
NO_TERM = _("本组织没有当前届次的职工代表大会 The organisation has no current congress term.")
NO_ELECTORATE = _("当前届次没有职工代表 The current congress term has no representatives.")
ALREADY_OPEN = _("该案件已有进行中的表决 This case already has an open vote.")
NOT_OPEN = _("表决已结束 The vote is closed.")
NOT_ELECTOR = _("您不在本次表决的代表名单中 You are not in this vote's electorate.")
ALREADY_VOTED = _("您已投过票 You have already voted.")
WRONG_METHOD_BALLOT = _("本次表决采用纸质计票，不能电子投票 This vote is tallied on paper; no electronic ballots.")
WRONG_METHOD_TALLY = _("本次表决为电子投票，不能录入纸质计票 This is an electronic vote; no paper tally.")
NOT_SECRETARY = _("只有工会委员会成员或主席可以执行此操作 Only the union committee or the chair may do this.")
NO_TALLY = _("尚未录入计票结果 The paper tally has not been entered.")
TALLY_SUM = _("赞成、反对、弃权、无效票之和必须等于出席人数 Yes, no, abstain and invalid must add up to those present.")
TALLY_OVER_N = _("出席人数不能超过应到代表人数 Those present cannot exceed the electorate.")

BALLOT_BOX_INCOMPLETE = _("票箱计数不完整，无法计票 The ballot box of this vote is incomplete; the ballot cannot be counted.")
BALLOT_BOX_UNBALANCED = _(
    "票箱计数与投票人数不符，不能结束表决，请联系系统管理员 The ballot box count does not match the turnout; "
    "the vote cannot be closed. Contact the system administrator."
)

log = logging.getLogger(__name__)

SECRETARY_ROLES = frozenset({Role.UNION_COMMITTEE, Role.CHAIR})


def _lock_case(vote: Vote):
    model = ContentType.objects.get_for_id(vote.case_type_id).model_class()
    return model.objects.select_for_update().get(pk=vote.case_id)


def _lock_vote(vote: Vote) -> Vote:
    return Vote.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=vote.pk)


def _secretary_actor(user, vote: Vote) -> Actor:
    """The congress secretary: a union-committee member or the chair at the vote's organisation."""
    grant = policy.grant_for(user, vote.organisation, SECRETARY_ROLES)
    if grant is None:
        raise ActionForbidden(str(NOT_SECRETARY))
    behalf = get_user_model().objects.get(pk=grant.on_behalf_of_id) if grant.on_behalf_of_id else None
    return Actor(user=user, role=grant.role, on_behalf_of=behalf)


def _lock_open_vote_for_secretary(vote: Vote, user):
    """Lock the subject case then the vote (the service's lock order), and check that the
    vote is visible, still open, and that ``user`` acts as its secretary."""
    case = _lock_case(vote)
    vote = _lock_vote(vote)
    if not may_see(user, vote):
        raise NotVisible(str(VOTE_NOT_FOUND))
    actor = _secretary_actor(user, vote)
    if vote.status != VoteStatus.OPEN:
        raise TransitionNotAllowed(str(NOT_OPEN))
    return case, vote, actor


# Reading ---------------------------------------------------------------------------


def may_see(user, vote: Vote) -> bool:
    """Anyone holding a role at (or above, for subtree roles) the vote's organisation sees the vote."""
    return bool(policy.roles_at(user, vote.organisation))


def visible_votes(user):
    orgs = {g.organisation_id for g in policy.grants(user) if not g.subtree}
    qs = Vote.objects.filter(organisation_id__in=orgs)
    for g in policy.grants(user):
        if g.subtree:
            qs = qs | Vote.objects.filter(organisation__path__startswith=g.path)
    return qs.select_related("organisation").distinct().order_by("-opened_at", "-pk")


def get_visible_vote(*, vote_id, user) -> Vote:
    try:
        vote = Vote.objects.select_related("organisation").get(pk=parse_id(vote_id))
    except Vote.DoesNotExist:
        raise NotVisible(str(VOTE_NOT_FOUND)) from None
    if not may_see(user, vote):
        raise NotVisible(str(VOTE_NOT_FOUND))
    return vote


def is_elector(vote: Vote, user) -> bool:
    return bool(user and user.is_authenticated) and Elector.objects.filter(vote=vote, user=user).exists()


def has_voted(vote: Vote, user) -> bool:
    return bool(user and user.is_authenticated) and Turnout.objects.filter(vote=vote, user=user).exists()


def may_secretary(vote: Vote, user) -> bool:
    return policy.grant_for(user, vote.organisation, SECRETARY_ROLES) is not None


def electronic_counts(vote: Vote) -> dict:
    """The counts of an electronic vote: turnout, and the ballot box's count per choice.

    Every turnout row was written together with exactly one increment of the ballot
    box, so the counts must add up to the turnout. If they ever do not (a counter changed
    outside :func:`vote_cast`), no result is computed from them: :class:`GuardFailed` (409).
    """
    box = dict(BallotBoxCount.objects.filter(vote=vote).values_list("choice", "count"))
    counts = {
        "present": Turnout.objects.filter(vote=vote).count(),
        "yes": box.get(Choice.YES, 0),
        "no": box.get(Choice.NO, 0),
        "abstain": box.get(Choice.ABSTAIN, 0),
        "invalid": 0,
    }
    if not counts["yes"] + counts["no"] + counts["abstain"] == sum(box.values()) == counts["present"]:
        # Never publish a result from a ballot box that does not add up; someone must look.
        log.error("Ballot box of vote %s does not match its turnout: %s, box %s", vote.pk, counts, box)
        raise GuardFailed(str(BALLOT_BOX_UNBALANCED), rule="vote.ballot_box_balanced")
    return counts


# Changing ---------------------------------------------------------------------------


def vote_open(
    *,
    process: str,
    case,
    title: str,
    rule: str,
    opened_by,
    pass_transition: str,
    fail_transition: str,
    method: str = VoteMethod.ELECTRONIC,
    meta: RequestMeta | None = None,
    now: dt.datetime | None = None,
) -> Vote:
    """Open a vote on ``case`` and freeze its electorate.

    Called from a transition effect, inside the transaction that already holds the
    case row lock. The electorate is every active user holding the role
    ``representative`` today at the case's organisation for the organisation's current
    congress term; it does not change afterwards (a representative added later cannot vote).
    """
    if rule not in VoteRule.values:
        raise InvalidInput("输入有误 Invalid input.", fields={"rule": [str(rule)]})
    if method not in VoteMethod.values:
        raise InvalidInput("输入有误 Invalid input.", fields={"method": [str(method)]})
    now = now or timezone.now()
    organisation = case.organisation
    today = timezone.localtime(now).date()
    # Inside the transition's transaction, whose failure undoes it all: no savepoint of its own.
    with transaction.atomic(savepoint=False):
        case_type = case_content_type(case)
        if Vote.objects.filter(case_type=case_type, case_id=case.pk, status=VoteStatus.OPEN).exists():
            raise GuardFailed(str(ALREADY_OPEN), rule="vote.one_open")
        term = CongressTerm.current_for(organisation, on=today)
        if term is None:
            raise GuardFailed(str(NO_TERM), rule="vote.current_term")
        user_ids = sorted(term.representative_ids(on=today))
        if not user_ids:
            raise GuardFailed(str(NO_ELECTORATE), rule="vote.electorate")
        vote = Vote.objects.create(
            process_key=process, case_type=case_type, case_id=case.pk, case_ref=getattr(case, "reference", "") or "",
            organisation=organisation, term=term, title=title[:200], rule=rule, method=method, n=len(user_ids),
            pass_transition=pass_transition, fail_transition=fail_transition, opened_by=opened_by, opened_at=now,
        )
        Elector.objects.bulk_create([Elector(vote=vote, user_id=uid) for uid in user_ids])
        if method == VoteMethod.ELECTRONIC:
            # The empty ballot box: every counter exists before the first ballot.
            BallotBoxCount.objects.bulk_create([BallotBoxCount(vote=vote, choice=c, count=0) for c in Choice.values])
        record_event(
            case=case, action="vote_open", actor=Actor(user=opened_by), from_state=case.state, to_state=case.state,
            payload={"vote": vote.pk, "title": vote.title, "rule": rule, "method": method, "n": vote.n, "term": term.number},
            meta=meta, now=now,
        )
    return vote


def vote_cast(*, vote: Vote, user, choice: str, meta: RequestMeta | None = None, now: dt.datetime | None = None) -> None:
    """Cast an electronic secret ballot.

    Only a member of the frozen electorate, once. The turnout row (who, when) is written
    and the ballot box counts the choice in one transaction, under the vote's row lock;
    no row for the ballot itself is written. The audit event names the voter and the vote
    but never the choice.
    """
    if choice not in Choice.values:
        raise InvalidInput("输入有误 Invalid input.", fields={"choice": ["yes / no / abstain"]})
    now = now or timezone.now()
    with transaction.atomic():
        case = _lock_case(vote)
        vote = _lock_vote(vote)
        if not may_see(user, vote):
            raise NotVisible(str(VOTE_NOT_FOUND))
        if not Elector.objects.filter(vote=vote, user=user).exists():
            raise ActionForbidden(str(NOT_ELECTOR))
        if vote.status != VoteStatus.OPEN:
            raise TransitionNotAllowed(str(NOT_OPEN))
        if vote.method != VoteMethod.ELECTRONIC:
            raise TransitionNotAllowed(str(WRONG_METHOD_BALLOT))
        if Turnout.objects.filter(vote=vote, user=user).exists():
            raise TransitionNotAllowed(str(ALREADY_VOTED), code="already_voted")
        Turnout.objects.create(vote=vote, user=user, voted_at=now)
        # Rewrite every counter of the vote, +1 for the choice and +0 for the others: on
        # PostgreSQL each counter then carries this transaction's id, so the id shared with
        # the turnout row does not single out the counter that was chosen.
        counted = BallotBoxCount.objects.filter(vote=vote).update(
            count=F("count") + Case(When(choice=choice, then=Value(1)), default=Value(0), output_field=PositiveIntegerField())
        )
        if counted != len(Choice.values):
            raise GuardFailed(str(BALLOT_BOX_INCOMPLETE), rule="vote.ballot_box_complete")
        record_event(
            case=case, action="ballot_cast", actor=Actor(user=user, role=Role.REPRESENTATIVE),
            from_state=case.state, to_state=case.state, payload={"vote": vote.pk}, meta=meta, now=now,
        )


def _count(name: str, value) -> int:
    """A whole number ≥ 0, given as an int or a string of digits (never a bool or a float)."""
    number = strict_int(value.strip() if isinstance(value, str) else value)
    if number is None or not 0 <= number <= MAX_DB_INT:
        raise InvalidInput("输入有误 Invalid input.", fields={name: ["必须是非负整数 Must be a whole number ≥ 0."]})
    return number


def vote_record_tally(
    *, vote: Vote, user, present, yes, no, abstain, invalid,
    meta: RequestMeta | None = None, now: dt.datetime | None = None,
) -> Vote:
    """Record the paper tally, as counted at the congress and entered by its secretary.

    ``yes + no + abstain + invalid`` must equal ``present``, and ``present ≤ N``.
    It may be corrected while the vote is open; every entry is audited.
    """
    counts = {
        "present": _count("present", present), "yes": _count("yes", yes), "no": _count("no", no),
        "abstain": _count("abstain", abstain), "invalid": _count("invalid", invalid),
    }
    now = now or timezone.now()
    with transaction.atomic():
        case, vote, actor = _lock_open_vote_for_secretary(vote, user)
        if vote.method != VoteMethod.PAPER:
            raise TransitionNotAllowed(str(WRONG_METHOD_TALLY))
        if counts["present"] > vote.n:
            raise InvalidInput(str(TALLY_OVER_N), fields={"present": [str(TALLY_OVER_N)]})
        if counts["yes"] + counts["no"] + counts["abstain"] + counts["invalid"] != counts["present"]:
            raise InvalidInput(str(TALLY_SUM), fields={"present": [str(TALLY_SUM)]})
        vote.tally_present, vote.tally_yes, vote.tally_no = counts["present"], counts["yes"], counts["no"]
        vote.tally_abstain, vote.tally_invalid = counts["abstain"], counts["invalid"]
        vote.tally_by, vote.tally_at = user, now
        vote.save()
        record_event(
            case=case, action="vote_tally", actor=actor, from_state=case.state, to_state=case.state,
            payload={"vote": vote.pk, **counts}, meta=meta, now=now,
        )
    return vote


def vote_close(*, vote: Vote, user, meta: RequestMeta | None = None, now: dt.datetime | None = None) -> Vote:
    """Close the vote, apply its rule, store the arithmetic and move the case on.

    The chair or a union-committee member closes. The result (see
    :func:`workflow.votes.rules.decide`) selects the vote's pass or fail transition,
    performed as a system step in the same transaction.
    """
    meta = meta or RequestMeta()
    now = now or timezone.now()
    with transaction.atomic():
        case, vote, actor = _lock_open_vote_for_secretary(vote, user)
        if vote.method == VoteMethod.PAPER:
            if vote.tally_present is None:
                raise TransitionNotAllowed(str(NO_TALLY))
            counts = {
                "present": vote.tally_present, "yes": vote.tally_yes, "no": vote.tally_no,
                "abstain": vote.tally_abstain, "invalid": vote.tally_invalid,
            }
        else:
            counts = electronic_counts(vote)
        result = decide(vote.rule, vote.n, counts["present"], counts["yes"])
        vote.status = VoteStatus.CLOSED
        vote.passed, vote.quorum_met = result.passed, result.quorum_met
        vote.arithmetic = {**result.arithmetic, "no": counts["no"], "abstain": counts["abstain"],
                           "invalid": counts["invalid"], "method": vote.method}
        vote.closed_by, vote.closed_at = user, now
        vote.save()
        record_event(
            case=case, action="vote_close", actor=actor, from_state=case.state, to_state=case.state,
            payload={"vote": vote.pk, "result": vote.arithmetic}, meta=meta, now=now,
        )
        services.perform_transition(
            process=vote.process_key, case_id=vote.case_id,
            name=vote.pass_transition if result.passed else vote.fail_transition,
            user=user, system=True, meta=meta, now=now,
        )
    return vote


def vote_cancel(*, vote_id: int, reason: str, now: dt.datetime | None = None) -> bool:
    """Close an open vote as cancelled, uncounted: what it would decide is gone (the contract a variation would
    change has ended). Nothing is passed or failed and no transition follows; ballots, a tally and the close are
    refused from then on (:data:`NOT_OPEN`).

    Called by the transition that ends the vote's case, inside its transaction and under its case row lock (the
    lock order every vote change takes, so no close or ballot runs meanwhile); that transition's audit event
    records the cancellation. One conditional UPDATE; returns False when the vote was no longer open.
    """
    arithmetic = {"cancelled": True, "reason": str(reason)}
    changed = Vote.objects.filter(pk=vote_id, status=VoteStatus.OPEN).update(
        status=VoteStatus.CLOSED, passed=None, quorum_met=None, arithmetic=arithmetic, closed_at=now or timezone.now()
    )
    return bool(changed)
