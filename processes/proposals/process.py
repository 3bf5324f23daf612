"""Registers the proposals process with the engine (API key ``proposals``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflow import registry
from workflow.errors import ActionForbidden
from workflow.models import CongressTerm
from workflow.registry import ProcessSpec
from workflow.roles import Role

from . import dashboard
from .deadlines import RULES
from .flows import ProposalFlow
from .inbox import countersigns_for
from .lifecycle import build_transitions
from .models import Proposal
from .report import REPORT_ROLES
from .serializers import LIST_RELATED, CreateInput, ProposalDetailSerializer
from .states import ProposalState

NOT_REPRESENTATIVE = _(
    "只有本届职工代表可以提出提案 Only a representative of the current congress term may file a proposal."
)


def create(ctx) -> Proposal:
    """∅ → draft: a formal representative of the organisation's current term (proposal-work practice: who may propose)."""
    organisation = ctx.data["organisation"]
    term = CongressTerm.represented_by(ctx.user, organisation, on=ctx.today)
    if term is None:
        raise ActionForbidden(str(NOT_REPRESENTATIVE))
    return Proposal(term=term, title=ctx.data["title"], body=ctx.data["body"], category=ctx.data["category"])


def _seed_demo(orgs, users):
    from .demo import seed

    return seed(orgs, users)


def register() -> ProcessSpec:
    return registry.register(
        ProcessSpec(
            key="proposals",
            label=_("职代会提案 Congress proposals"),
            model=Proposal,
            flow=ProposalFlow,
            transitions=build_transitions(),
            create_input=CreateInput,
            create=create,
            create_roles=frozenset({Role.REPRESENTATIVE}),
            viewer_roles=frozenset({Role.REVIEW_COMMITTEE, Role.CHAIR, Role.UNION_COMMITTEE}),
            detail_serializer=ProposalDetailSerializer,
            list_related=LIST_RELATED,
            search_fields=("reference", "title"),
            deadline_rules=RULES,
            # 已办结: only the committee's note and the archiving remain; the file is complete.
            closed_states=frozenset({ProposalState.CLOSED}),
            # 会签: a co-department's countersign is in its staff's inbox (the step is the lead's).
            inbox_sources=(countersigns_for,),
            # The session report, with an organisation picker (the reader's own by default).
            menu=({"label": _("提案工作报告 Proposal report"), "url_name": "proposals-report-page", "roles": REPORT_ROLES},),
            seed_demo=_seed_demo,
            detail_template="proposals/detail.html",
            # Process-specific routes (the session report, PDFs), mounted by the engine.
            api_urls="processes.proposals.api_urls",
            ui_urls="processes.proposals.ui_urls",
            dashboard=dashboard.figures,  # the proposers' satisfaction rate on /audit/dashboard/
        )
    )
