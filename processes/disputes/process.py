"""Registers the labour-dispute mediation process with the engine (API key ``disputes``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflow import policy, registry
from workflow.deadlines import compute_due, start_deadline
from workflow.errors import ActionForbidden, InvalidInput
from workflow.registry import ProcessSpec
from workflow.roles import Role

from . import dashboard
from . import deadlines as d
from .detail import LIST_RELATED, DisputeDetailSerializer
from .flows import DisputeFlow
from .lifecycle import build_transitions
from .models import Dispute, DisputeWorker
from .notices import limitation_end
from .report import REPORT_ROLES
from .serializers import CreateInput
from .states import Category, DisputeState

ONLY_MEDIATOR_RECORDS = _(
    "只有调解员可以代为记录他人的口头申请 Only a mediator records someone else's oral application."
)
RECORD_IS_ORAL = _(
    "代为记录的申请须为口头申请（第十二条） An application recorded for someone else is an oral one (Art.12)."
)


def _applicant(ctx):
    """The applicant applies in writing themselves, or a mediator records their oral application on the spot (第十二条)."""
    applicant = ctx.data.get("applicant") or ctx.user
    if applicant.pk != ctx.user.pk:
        if Role.MEDIATOR not in policy.roles_at(ctx.user, ctx.data["organisation"], own_only=True):
            raise ActionForbidden(str(ONLY_MEDIATOR_RECORDS))
        if not ctx.data.get("oral"):
            raise InvalidInput(str(RECORD_IS_ORAL), fields={"oral": [str(RECORD_IS_ORAL)]})
    return applicant


def limitation_may_have_expired(category: str, arose_on, received_on) -> bool:
    """第二十七条: one year from when the party knew of the infringement. Wage arrears during employment
    are not time-barred, so they are never flagged. A flag is for the committee to look at, not a refusal."""
    return category != Category.ARREARS and limitation_end(arose_on) < received_on


def create(ctx) -> Dispute:
    """∅ → applied: a worker's written application, or an oral one recorded by a mediator."""
    data = ctx.data
    workers = data.get("workers", [])
    return Dispute(
        applicant=_applicant(ctx), respondent=data["respondent"], category=data["category"], claims=data["claims"],
        facts=data["facts"], arose_on=data["arose_on"], received_on=data["received_on"], oral=bool(data.get("oral")),
        group=len(workers) >= d.GROUP_THRESHOLD,
        limitation_ends_on=limitation_end(data["arose_on"]),
        limitation_flag=limitation_may_have_expired(data["category"], data["arose_on"], data["received_on"]),
        # 第十四条: the day either party may go to arbitration, known before the case is saved.
        arbitration_open_on=compute_due(d.ARBITRATION_RIGHT.id, data["received_on"], data["organisation"]),
    )


def after_create(ctx, case: Dispute) -> None:
    """The workers (the applicant first) and the two clocks counted from the receipt date."""
    reps = set(ctx.data.get("representatives", []))
    DisputeWorker.objects.bulk_create(
        [
            DisputeWorker(dispute=case, position=i, name=name, representative=name in reps,
                          user=case.applicant if i == 1 else None)
            for i, name in enumerate(ctx.data.get("workers", []), start=1)
        ]
    )
    # A new case has no deadline to replace (replace=False: no statement spent looking).
    start_deadline(case, d.ACCEPTANCE.id, case.received_on, payload=ctx.payload, replace=False)
    start_deadline(case, d.ARBITRATION_RIGHT.id, case.received_on, payload=ctx.payload,
                   due_on=case.arbitration_open_on, replace=False)
    ctx.payload["group"] = case.group
    ctx.payload["limitation_flag"] = case.limitation_flag


def _seed_demo(orgs, users):
    from .demo import seed

    return seed(orgs, users)


def register() -> ProcessSpec:
    return registry.register(
        ProcessSpec(
            key="disputes",
            label=_("劳动争议调解 Labour-dispute mediation"),
            model=Dispute,
            flow=DisputeFlow,
            transitions=build_transitions(),
            create_input=CreateInput,
            create=create,
            after_create=after_create,
            create_roles=frozenset({Role.MEMBER, Role.MEDIATOR}),
            viewer_roles=frozenset({Role.MEDIATOR, Role.MEDIATION_CHAIR, Role.EMPLOYER_REP}),
            detail_serializer=DisputeDetailSerializer,
            list_related=LIST_RELATED,
            search_fields=("reference", "respondent"),
            deadline_rules=d.RULES,
            closed_states=frozenset({DisputeState.CLOSED, DisputeState.REFERRED}),
            # The weekly report of open group disputes (第七条), with its CSV.
            menu=({"label": _("集体争议周报 Group-dispute report"), "url_name": "disputes-group-report-page",
                   "roles": REPORT_ROLES},),
            seed_demo=_seed_demo,
            detail_template="disputes/detail.html",
            api_urls="processes.disputes.api_urls",
            ui_urls="processes.disputes.ui_urls",
            dashboard=dashboard.figures,  # disputes by category and outcome
        )
    )
