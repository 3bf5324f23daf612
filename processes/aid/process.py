"""Registers the hardship-aid process with the engine (API key ``aid``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflow import policy, registry
from workflow.errors import ActionForbidden
from workflow.registry import ProcessSpec
from workflow.roles import Role

from . import dashboard
from .deadlines import RULES
from .flows import AidFlow
from .ledger import READ_ROLES
from .lifecycle import build_transitions
from .models import AidCase
from .serializers import LIST_RELATED, AidDetailSerializer, CreateInput
from .states import AidState

FILING_ROLES = frozenset({Role.UNION_COMMITTEE, Role.CHAIR})
ONLY_FOR_ONESELF = _(
    "会员只能为本人申请；代办须由工会委员或主席办理 A member applies for themselves; a union official files for others."
)
#: Restricted personal data of an applicant (issue: "visible only to verifiers, approvers, finance and auditors").
RESTRICTED_FIELDS = frozenset({"id_number", "bank_account", "household_income", "rigid_expenses", "address",
                               "medical_details"})
RESTRICTED_ROLES = frozenset({Role.VERIFIER, Role.UNION_COMMITTEE, Role.CHAIR, Role.AID_CENTRE, Role.FINANCE,
                              Role.AUDITOR})


def create(ctx) -> AidCase:
    """∅ → draft: the member in hardship, or a union official filing for a member (rules.md "Process 2")."""
    data = ctx.data
    applicant = data.get("applicant") or ctx.user
    if applicant.pk != ctx.user.pk and not policy.roles_at(ctx.user, data["organisation"], own_only=True) & FILING_ROLES:
        raise ActionForbidden(str(ONLY_FOR_ONESELF))
    fields = ("aid_type", "cause", "household_size", "household_income", "rigid_expenses", "requested_amount",
              "id_number", "bank_account", "financial_check_consent", "accident", "address", "medical_details")
    return AidCase(applicant=applicant, **{f: data[f] for f in fields})


def _seed_demo(orgs, users):
    from .demo import seed

    return seed(orgs, users)


def register() -> ProcessSpec:
    return registry.register(
        ProcessSpec(
            key="aid",
            label=_("困难职工帮扶 Hardship aid"),
            model=AidCase,
            flow=AidFlow,
            transitions=build_transitions(),
            create_input=CreateInput,
            create=create,
            create_roles=frozenset({Role.MEMBER, *FILING_ROLES}),
            viewer_roles=frozenset({Role.VERIFIER, Role.UNION_COMMITTEE, Role.CHAIR, Role.FINANCE, Role.AID_CENTRE}),
            detail_serializer=AidDetailSerializer,
            list_related=LIST_RELATED,
            search_fields=("reference",),
            deadline_rules=RULES,
            closed_states=frozenset({AidState.ARCHIVED, AidState.CONTINUED, AidState.RECOVERED}),
            menu=(
                {"label": _("帮扶公示 Aid notices"), "url_name": "aid-notices-page", "roles": frozenset({Role.MEMBER})},
                {"label": _("帮扶资金台账 Aid fund ledger"), "url_name": "aid-ledger-page", "roles": READ_ROLES},
            ),
            seed_demo=_seed_demo,
            detail_template="aid/detail.html",
            api_urls="processes.aid.api_urls",
            ui_urls="processes.aid.ui_urls",
            dashboard=dashboard.figures,  # paid per month and type, against the budget
            restricted_fields=RESTRICTED_FIELDS,
            restricted_roles=RESTRICTED_ROLES,
        )
    )
