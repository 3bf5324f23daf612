"""The collective-contract process as data: every transition declared once, with its source and
target, who takes it, guards, input, effect and what it writes (see :mod:`workflow.registry`).

Source: 《集体合同规定》(2004, 劳动和社会保障部令第22号); the article is named in each rule id's
error text. Guards return *why not* (a 409 naming the article).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE

from workflow.models import RoleAssignment
from workflow.registry import TransitionSpec, guard, transitions
from workflow.roles import Role

from . import effects
from . import permissions as p
from .models import Contract
from .serializers import (
    AgreeDraftInput,
    CoordinationInput,
    CoordinationResultInput,
    EscalateInput,
    FileInput,
    ObjectInput,
    PublishInput,
    RecordReplyInput,
    RoundInput,
    SendOfferInput,
    SetTeamsInput,
    SignInput,
    SubmitInput,
    SuspendInput,
    TerminateInput,
    VaryInput,
)
from .states import ContractState, Kind

S = ContractState
T = TransitionSpec
CHIEF = {"actor": p.is_chief}
LEADERSHIP = frozenset({Role.CHAIR, Role.UNION_COMMITTEE})

# Error texts (module constants so tests assert them verbatim) -------------------------
TEAM_TOO_SMALL = _(
    "《集体合同规定》第十九条：每方协商代表不少于3人（%(side)s %(n)s 人） Art. 19: each side needs at least 3 "
    "representatives (%(side)s has %(n)s)."
)
TEAMS_UNEQUAL = _(
    "《集体合同规定》第十九条：双方代表人数应当对等（%(u)s 对 %(e)s） Art. 19: both sides must have the same number "
    "of representatives (%(u)s vs %(e)s)."
)
TOO_MANY_EXPERTS = _(
    "《集体合同规定》第二十三条：外聘代表不得超过本方代表的三分之一（%(side)s） Art. 23: outside experts may be at "
    "most one third of a side (%(side)s)."
)
CHIEF_IS_EXPERT = _("《集体合同规定》第二十三条：首席代表不得由外聘人员担任 Art. 23: a chief cannot be an outside expert.")
ON_BOTH_SIDES = _(
    "《集体合同规定》第二十四条：任何人不得同时作为双方协商代表：%(names)s Art. 24: nobody may represent both sides: "
    "%(names)s"
)
NEEDS_DELEGATION = _(
    "《集体合同规定》第二十条：职工方首席代表由工会主席担任，主席书面委托其他代表的须附委托书 Art. 20: the union chair is "
    "the union's chief unless a written delegation is attached."
)
KEEPER_IS_REPRESENTATIVE = _(
    "《集体合同规定》第三十三条第（五）项：记录员须为非协商代表的中立人员（%(name)s 是协商代表） Art. 33(5): the record "
    "keeper is a neutral person who is not a representative (%(name)s is one)."
)
NO_RECORD_KEEPER = _(
    "《集体合同规定》第三十三条第（五）项：协商会议须有记录员，请在协商代表或本次会议中指定 Art. 33(5): a round needs a "
    "record keeper: name one with the teams or for this round."
)
NO_WOMAN_REPRESENTATIVE = _(
    "女职工权益保护专项集体合同的职工方协商代表中应有女职工代表（地方规定） A women's special contract needs at least one "
    "woman worker among the union side's representatives (local rule)."
)
NO_TEAMS = _("须先确定双方协商代表 Name both negotiating teams first (Art. 19).")
REPLY_BEFORE_OFFER = _("答复日期不能早于要约送达日期 The reply cannot be received before the offer was delivered.")
DELIVERED_IN_FUTURE = _("送达日期不能晚于今天 The delivery date cannot be in the future.")
NOT_THE_PASSED_VERSION = _(
    "《集体合同规定》第三十七条：只能签署职代会通过的版本，该版本哈希不一致，拒绝签署 Art. 37: only the version the "
    "congress passed may be signed; this version's hash differs, signing refused."
)
ALREADY_SIGNED = _("您已签署该合同 You have already signed this contract.")
REVIEW_OVER = _(
    "《集体合同规定》第四十五条：审查期限已于 %(day)s 届满，合同已生效 Art. 45: the review period ended on %(day)s; "
    "no objection can be raised now."
)
REVIEW_OPEN = _("审查期限至 %(day)s 尚未届满 The review period runs until %(day)s.")
REPLY_OPEN = _("答复期限至 %(day)s 尚未届满 The reply period runs until %(day)s.")
WINDOW_NOT_OPEN = _("续订期自 %(day)s 开始 The renewal window opens on %(day)s.")
TERM_NOT_OVER = _("合同期限至 %(day)s 尚未届满 The contract runs until %(day)s.")
NO_SIGNED_MINUTES = _(
    "《集体合同规定》第三十四条：须有至少一轮协商记录经双方首席代表签字，方可确认草案 Art. 34: a draft is agreed only "
    "once the minutes of at least one round are signed by both chiefs."
)
AWAITING_OTHER_CHIEF = _(
    "《集体合同规定》第三十五条：您已同意恢复协商，须由对方首席代表确认 Art. 35: you have consented to resume; the other "
    "chief must confirm."
)
SAME_TEXT = _(
    "《集体合同规定》第四十条：变更后文本与现行合同文本相同 Art. 40: the varied text is the same as the text in force."
)
NOTHING_TO_SIGN = _("没有待您签字的协商记录 There are no minutes waiting for your signature.")
FILED_BEFORE_SIGNING = _("报送日期不能早于签字日期 The filing date cannot be before the signing date.")


# Guards: the teams (第十九条–第二十四条) -------------------------------------------------------
def _names(team) -> list[str]:
    return [m["user"].get_username() if m["user"] else m["name"] for m in team]


@guard("contract.team_size")
def teams_large_enough(ctx):
    """第十九条: at least 3 representatives a side."""
    for side, key in ((_("职工方 union side"), "union_team"), (_("企业方 employer side"), "employer_team")):
        if len(ctx.data[key]) < 3:
            return str(TEAM_TOO_SMALL % {"side": side, "n": len(ctx.data[key])})


@guard("contract.team_equal")
def teams_equal(ctx):
    """第十九条: the two sides are equal in number."""
    u, e = len(ctx.data["union_team"]), len(ctx.data["employer_team"])
    if u != e:
        return str(TEAMS_UNEQUAL % {"u": u, "e": e})


@guard("contract.experts")
def experts_within_third(ctx):
    """第二十三条: outside experts at most 1/3 of a side, and never the chief."""
    for side, key, chief in (("union", "union_team", "union_chief"), ("employer", "employer_team", "employer_chief")):
        team = ctx.data[key]
        if 3 * sum(1 for m in team if m["expert"]) > len(team):
            return str(TOO_MANY_EXPERTS % {"side": side})
        if any(m["expert"] and m["user"] is not None and m["user"].pk == ctx.data[chief].pk for m in team):
            return str(CHIEF_IS_EXPERT)


@guard("contract.both_sides")
def nobody_on_both_sides(ctx):
    """第二十四条: no person represents both sides."""
    both = set(_names(ctx.data["union_team"])) & set(_names(ctx.data["employer_team"]))
    if both:
        return str(ON_BOTH_SIDES % {"names": "、".join(sorted(both))})


@guard("contract.record_keeper")
def record_keeper_not_a_representative(ctx):
    """第三十三条第（五）项: the record keeper named with the teams is none of the representatives."""
    keeper = (ctx.data.get("record_keeper") or "").strip()
    named = set()
    for key in ("union_team", "employer_team"):
        named |= set(_names(ctx.data[key])) | {m["name"] for m in ctx.data[key]}
    if keeper in named:
        return str(KEEPER_IS_REPRESENTATIVE % {"name": keeper})


@guard("contract.women_rep")
def woman_on_the_union_side(ctx):
    """[local] A women's special contract (女职工权益保护专项集体合同) is negotiated with at least one woman worker
    on the union side (rules.md: "a women's representative where required")."""
    if ctx.case.kind == Kind.WOMEN and not any(m["woman"] for m in ctx.data["union_team"]):
        return str(NO_WOMAN_REPRESENTATIVE)


@guard("contract.union_chief")
def chair_or_delegation(ctx):
    """第二十条: the union chair is the union's chief unless a written delegation is attached."""
    chief = ctx.data["union_chief"]
    is_chair = RoleAssignment.objects.current(ctx.today).filter(
        user=chief, role=Role.CHAIR, organisation_id=ctx.case.organisation_id
    ).exists()
    if not is_chair and ctx.data.get("delegation") is None:
        return str(NEEDS_DELEGATION)


@guard("contract.teams")
def teams_named(ctx):
    if ctx.case.union_chief_id is None or ctx.case.employer_chief_id is None:
        return str(NO_TEAMS)


# Guards: dates and versions -----------------------------------------------------------------
@guard("contract.record_keeper")
def round_has_record_keeper(ctx):
    """第三十三条第（五）项: the minutes name a record keeper (this round's, else the one named with the teams) who
    is no representative."""
    keeper = (ctx.data.get("record_keeper") or "").strip()
    if not keeper and not ctx.case.record_keeper:
        return str(NO_RECORD_KEEPER)
    if keeper and keeper in ctx.case.representative_names():
        return str(KEEPER_IS_REPRESENTATIVE % {"name": keeper})


@guard("contract.minutes")
def minutes_to_sign(ctx):
    """第三十四条: both chiefs sign the minutes; this one has signed every round already."""
    if not effects.unsigned_rounds(ctx).exists():
        return str(NOTHING_TO_SIGN)


@guard("contract.minutes_signed")
def minutes_signed_by_both(ctx):
    """第三十四条: the talks that led to the draft are on record, signed by both chiefs, before it is agreed."""
    if not effects.signed_rounds(ctx).exists():
        return str(NO_SIGNED_MINUTES)


@guard("contract.mutual")
def resume_not_consented_yet(ctx):
    """第三十五条: one chief's consent to resume is recorded once; the other chief's completes it."""
    if ctx.case.resume_proposed_by == ctx.case.side_of(ctx.user):
        return str(AWAITING_OTHER_CHIEF)


@guard("contract.variation")
def varies_the_text(ctx):
    """第四十条: a variation changes the text in force (a new version, its own hash)."""
    if ctx.data["document"].sha256 == ctx.case.passed_sha256:
        return str(SAME_TEXT)


@guard("contract.offer_delivered")
def delivered_not_future(ctx):
    if ctx.data["delivered_on"] > ctx.today:
        return str(DELIVERED_IN_FUTURE)


@guard("contract.reply_date")
def reply_after_offer(ctx):
    if ctx.case.delivered_on and ctx.data["received_on"] < ctx.case.delivered_on:
        return str(REPLY_BEFORE_OFFER)


@guard("contract.offer_reply")
def reply_period_over(ctx):
    """第三十二条: no reply by day 20 after receipt; the case lapses from day 21."""
    if ctx.case.reply_due_on and ctx.today <= ctx.case.reply_due_on:
        return str(REPLY_OPEN % {"day": ctx.case.reply_due_on.isoformat()})


@guard("contract.sign_passed_version")
def signs_passed_version(ctx):
    """第三十七条: the chiefs sign the text the congress passed (SHA-256 match), nothing else."""
    doc = ctx.data.get("document")
    if ctx.case.passed_document_id is None or (doc is not None and doc.sha256 != ctx.case.passed_sha256):
        return str(NOT_THE_PASSED_VERSION)


@guard("contract.sign_once")
def not_yet_signed(ctx):
    case = ctx.case
    signed = case.union_signed_at if ctx.user.pk == case.union_chief_id else case.employer_signed_at
    if signed is not None:
        return str(ALREADY_SIGNED)


@guard("contract.filed_on")
def filed_after_signing(ctx):
    if ctx.case.signed_on and ctx.data["filed_on"] < ctx.case.signed_on:
        return str(FILED_BEFORE_SIGNING)


@guard("contract.review")
def review_open(ctx):
    """第四十五条: an objection is raised within 15 days of receipt (up to day 15 inclusive)."""
    due = ctx.case.review_due_on
    if due is not None and ctx.today > due:
        return str(REVIEW_OVER % {"day": due.isoformat()})


@guard("contract.review")
def review_over(ctx):
    """第四十七条: effective once day 15 after receipt has passed without objection."""
    due = ctx.case.review_due_on
    if due is None or ctx.today <= due:
        return str(REVIEW_OPEN % {"day": due.isoformat() if due else "?"})


@guard("contract.renewal_window")
def renewal_window_reached(ctx):
    """第三十八条: the window opens 3 months before expiry."""
    opens = ctx.case.renewal_opens_on
    if opens is None or ctx.today < opens:
        return str(WINDOW_NOT_OPEN % {"day": opens.isoformat() if opens else "?"})


@guard("contract.term")
def term_over(ctx):
    ends = ctx.case.expires_on
    if ends is None or ctx.today <= ends:
        return str(TERM_NOT_OVER % {"day": ends.isoformat() if ends else "?"})


# The transitions: each declared once -----------------------------------------------------------
def build_transitions() -> dict[str, TransitionSpec]:
    """Every contract transition: source → target, who, guards, input, effect and what it writes."""
    ended = [S.IN_FORCE, S.RENEWAL_WINDOW]
    varying = [S.NEGOTIATING, S.OBJECTED, S.DRAFT_AGREED, S.CONGRESS_VOTE, S.PASSED, S.SIGNED, S.FILED, S.EFFECTIVE]
    return transitions(
        T("set_teams", _("确定协商代表 Name the teams"), S.PREPARING, None, roles=frozenset({Role.CHAIR}),
          input=SetTeamsInput, effect=effects.set_teams,
          guards=(teams_large_enough, teams_equal, experts_within_third, nobody_on_both_sides, chair_or_delegation,
                  record_keeper_not_a_representative, woman_on_the_union_side)),
        T("send_offer", _("发出要约 Send the offer"), S.PREPARING, S.OFFER_SENT, actor=p.is_union_chief,
          input=SendOfferInput, guards=(teams_named, delivered_not_future), effect=effects.send_offer,
          apply=Contract.send_offer),
        T("lapse_offer", _("逾期未答复 No reply in time"), S.OFFER_SENT, S.NO_REPLY, system_only=True,
          guards=(reply_period_over,), effect=effects.lapse_offer),
        T("escalate", _("报请处理 Escalate"), S.NO_REPLY, None, actor=p.is_union_chief, input=EscalateInput,
          apply=Contract.escalate,
          description=_("报请上级工会或劳动保障行政部门处理 Ask the higher union or the labour administration to act.")),
        T("record_reply", _("登记书面答复 Record the reply"), [S.OFFER_SENT, S.NO_REPLY], S.NEGOTIATING,
          input=RecordReplyInput, guards=(reply_after_offer,), effect=effects.record_reply,
          apply=Contract.record_reply, **CHIEF),
        T("record_round", _("记录协商会议 Record a round"), S.NEGOTIATING, None, input=RoundInput,
          guards=(round_has_record_keeper,), effect=effects.record_round, **CHIEF),
        T("sign_minutes", _("签署会议记录 Sign the minutes"), [S.NEGOTIATING, S.SUSPENDED, S.COORDINATION], None,
          guards=(minutes_to_sign,), effect=effects.sign_minutes, **CHIEF,
          description=_("另一方首席代表签署尚未签字的协商记录 The other chief signs the minutes not yet signed.")),
        T("suspend", _("中止协商 Suspend"), S.NEGOTIATING, RETURN_VALUE(S.NEGOTIATING, S.SUSPENDED),
          input=SuspendInput, effect=effects.suspend, apply=Contract.suspend, **CHIEF,
          description=_("双方首席代表确认同一恢复日期 Both chiefs name the same date to resume.")),
        T("resume", _("恢复协商 Resume"), S.SUSPENDED, RETURN_VALUE(S.SUSPENDED, S.NEGOTIATING),
          guards=(resume_not_consented_yet,), effect=effects.resume, apply=Contract.resume, **CHIEF,
          description=_("双方首席代表均同意后恢复协商 Talks resume once both chiefs consent.")),
        T("request_coordination", _("申请协调处理 Request coordination"), S.NEGOTIATING, S.COORDINATION,
          input=CoordinationInput, effect=effects.request_coordination, apply=Contract.request_coordination, **CHIEF),
        T("end_coordination", _("协调处理结束 Coordination concluded"), S.COORDINATION,
          RETURN_VALUE(S.COORDINATION, S.NEGOTIATING), input=CoordinationResultInput, effect=effects.end_coordination,
          apply=Contract.end_coordination, **CHIEF,
          description=_("一方首席代表记录协调结果，另一方确认 One chief records the result, the other confirms it.")),
        T("agree_draft", _("确认草案 Agree the draft"), S.NEGOTIATING, RETURN_VALUE(S.NEGOTIATING, S.DRAFT_AGREED),
          input=AgreeDraftInput, guards=(minutes_signed_by_both,), effect=effects.agree_draft,
          apply=Contract.agree_draft, **CHIEF,
          description=_("双方首席代表确认同一版本 Both chiefs confirm the same version.")),
        T("submit_to_congress", _("提交职代会审议 Put to the congress"), S.DRAFT_AGREED, S.CONGRESS_VOTE,
          roles=LEADERSHIP, input=SubmitInput, effect=effects.submit_to_congress, apply=Contract.submit_to_congress),
        T("pass_congress", _("职代会通过 Passed by the congress"), S.CONGRESS_VOTE, S.PASSED, system_only=True,
          apply=Contract.pass_congress),
        T("fail_congress", _("职代会未通过 Not passed"), S.CONGRESS_VOTE,
          RETURN_VALUE(S.NEGOTIATING, S.IN_FORCE, S.RENEWAL_WINDOW), system_only=True, apply=Contract.fail_congress),
        T("sign", _("首席代表签字 Sign"), S.PASSED, RETURN_VALUE(S.PASSED, S.SIGNED), input=SignInput,
          guards=(signs_passed_version, not_yet_signed), effect=effects.sign, apply=Contract.sign, **CHIEF),
        T("file", _("报送审查 File with the labour administration"), S.SIGNED, S.FILED, input=FileInput,
          guards=(filed_after_signing,), effect=effects.file, apply=Contract.file, **CHIEF),
        T("object", _("登记审查意见 Record an objection"), S.FILED, S.OBJECTED, input=ObjectInput,
          guards=(review_open,), effect=effects.object_, apply=Contract.raise_objection, method="raise_objection",
          destructive=True, **CHIEF),
        T("renegotiate", _("就异议重新协商 Renegotiate the objected items"), S.OBJECTED, S.NEGOTIATING, **CHIEF),
        T("take_effect", _("审查期满生效 Effective (no objection)"), S.FILED, S.EFFECTIVE, system_only=True,
          guards=(review_over,), effect=effects.take_effect),
        T("publish", _("公布 Publish"), S.EFFECTIVE, S.IN_FORCE, input=PublishInput, effect=effects.publish,
          apply=Contract.publish, **CHIEF),
        T("open_renewal", _("进入续订期 Renewal window opens"), S.IN_FORCE, S.RENEWAL_WINDOW, system_only=True,
          guards=(renewal_window_reached,), effect=effects.open_renewal),
        # The term of a contract being varied runs on: it may end whatever step the variation has reached.
        T("expire", _("期满终止 Expired"), [*varying, *ended], S.EXPIRED, system_only=True, guards=(term_over,),
          effect=effects.expire),
        T("vary", _("变更合同 Vary"), ended, RETURN_VALUE(*ended, S.DRAFT_AGREED), input=VaryInput,
          guards=(varies_the_text,), effect=effects.vary, apply=Contract.vary, **CHIEF,
          description=_("双方首席代表确认变更后文本，再经职代会审议、签字并报送 Both chiefs confirm the varied text; the "
                        "congress votes on it, both sign it and it is filed again.")),
        T("terminate", _("解除合同 Terminate"), ended, S.TERMINATED, input=TerminateInput, effect=effects.terminate,
          apply=Contract.terminate, destructive=True, **CHIEF),
    )
