"""Registers the collective-contracts process with the engine (API key ``contracts``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflow import registry
from workflow.errors import GuardFailed
from workflow.registry import ProcessSpec

from . import dashboard
from . import permissions as p
from .deadlines import RULES
from .flows import ContractFlow
from .lifecycle import build_transitions
from .models import Contract
from .serializers import LIST_RELATED, ContractDetailSerializer, CreateInput
from .states import ContractState

RENEWAL_NOT_OPEN = _(
    "《集体合同规定》第三十八条：续订自原合同期满前3个月（续订期）起发起，期满后亦可 Art. 38: a renewal starts from a "
    "contract in its renewal window (the 3 months before expiry) or one that has expired."
)
#: 第三十八条: where a renewal may start from. An expired contract too: one whose variation was still under way when
#: its term ended never reached its window (the variation lapsed, and the renewal is the way on).
RENEWABLE_STATES = frozenset({ContractState.RENEWAL_WINDOW, ContractState.EXPIRED})
RENEWAL_EXISTS = _("该合同已发起续订：%(ref)s This contract is already being renewed: %(ref)s")
RENEWAL_OTHER_ORG = _("续订须为本单位的合同 A renewal continues a contract of the same organisation.")


def create(ctx) -> Contract:
    """∅ → preparing: the union chair starts a contract (or the renewal of one in its window or expired, 第三十八条)."""
    organisation = ctx.data["organisation"]
    old = None
    if ctx.data.get("renewal_of") is not None:
        # Locked: two renewals of one contract started at once leave exactly one.
        old = Contract.objects.select_for_update(of=("self",)).filter(pk=ctx.data["renewal_of"]).first()
        if old is None or old.organisation_id != organisation.pk:
            raise GuardFailed(str(RENEWAL_OTHER_ORG), rule="contract.renewal_scope")
        if old.state not in RENEWABLE_STATES:
            raise GuardFailed(str(RENEWAL_NOT_OPEN), rule="contract.renewal_window")
        existing = old.renewals.first()
        if existing is not None:
            raise GuardFailed(str(RENEWAL_EXISTS % {"ref": existing.reference}), rule="contract.renewal_once")
    return Contract(kind=ctx.data["kind"], renewed_from=old)


def after_create(ctx, case: Contract) -> None:
    """A renewal starts with the old contract's teams, chiefs and last text (a copy, same hash)."""
    from .renewal import prefill_from

    if case.renewed_from_id:
        prefill_from(ctx, case, case.renewed_from)


def _seed_demo(orgs, users):
    from .demo import seed

    return seed(orgs, users)


def register() -> ProcessSpec:
    return registry.register(
        ProcessSpec(
            key="contracts",
            label=_("集体合同 Collective contracts"),
            model=Contract,
            flow=ContractFlow,
            transitions=build_transitions(),
            create_input=CreateInput,
            create=create,
            after_create=after_create,
            create_roles=p.CREATE_ROLES,
            viewer_roles=p.VIEWER_ROLES,
            detail_serializer=ContractDetailSerializer,
            list_related=LIST_RELATED,
            search_fields=("reference",),
            deadline_rules=RULES,
            closed_states=frozenset(),
            menu=({"label": _("集体合同台账 Contract register"), "url_name": "contracts-register-page",
                   "roles": p.REGISTER_ROLES},),
            seed_demo=_seed_demo,
            detail_template="contracts/detail.html",
            api_urls="processes.contracts.api_urls",
            ui_urls="processes.contracts.ui_urls",
            dashboard=dashboard.figures,  # in force, expiring within 90 days
        )
    )
