"""Case page: the open step panel (claim, release, reassign) and the restricted-data form.

The rules live in :mod:`workflow.assignment` and :mod:`workflow.personal_data`; these
views turn a POST into one service call with the request's metadata (channel ``ui``)
and show what the service answers. A refused request changes nothing and the case page
says why. Restricted values are shown once, in the response to the POST that read them,
and never put in the session or a flash message: every read is one audit event
(《个人信息保护法》第二十八条).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import assignment, flowkit, personal_data, policy
from ..errors import NotVisible, ServiceError
from ..models import Organisation
from ..roles import Role
from .detail import CaseDetailView

CLAIMED = _("已认领此步骤 You claimed this step.")
RELEASED = _("已释放此步骤 The step is open to everyone it is addressed to again.")
REASSIGNED = _("已改派给 %(username)s Reassigned to %(username)s.")

#: Labels of the restricted fields a process may hold; an unknown name is shown as is.
RESTRICTED_LABELS = {
    "id_number": _("身份证号 ID number"),
    "phone": _("电话 Phone"),
    "income": _("收入 Income"),
    "household_income": _("家庭年收入 Household income"),
    "rigid_expenses": _("刚性支出 Rigid expenses"),
    "bank_account": _("银行账户 Bank account"),
    "address": _("住址 Address"),
    "medical_details": _("病情 Medical details"),
}


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _addressed_to(case, task) -> list[dict]:
    """Who the step waits on, as people read it: a role at an organisation, or a name."""
    assignees = task.flow_task.assignees(case)
    roles = {str(k): str(v) for k, v in Role.choices}
    orgs = Organisation.objects.in_bulk({a.organisation_id for a in assignees if a.organisation_id})
    users = get_user_model().objects.in_bulk({a.user_id for a in assignees if a.user_id})
    labels = []
    for a in assignees:
        if a.role:
            org = orgs.get(a.organisation_id) or case.organisation
            labels.append({"label": roles.get(a.role, a.role), "organisation": org.code, "translatable": True})
        elif a.user_id in users:
            labels.append({"label": _person(users[a.user_id]), "organisation": "", "translatable": False})
    return labels


def _reassign_choices(case, task) -> list[tuple[str, str]]:
    """Whom the step could be given to, by name: the holders of the role it is addressed to at that
    organisation, and the people it names. The service still checks the one chosen."""
    from ..models import RoleAssignment
    from ..pickers import person_label

    assignees = task.flow_task.assignees(case)
    by_role = Q(pk__in=[])
    for a in assignees:
        if a.role:
            by_role |= Q(role=a.role, organisation_id=a.organisation_id or case.organisation_id)
    holders = RoleAssignment.objects.current().filter(by_role).values("user_id")
    named = {a.user_id for a in assignees if a.user_id}
    people = get_user_model().objects.filter(Q(pk__in=named) | Q(pk__in=holders), is_active=True)
    return [(u.get_username(), person_label(u)) for u in people.order_by("first_name", "username")]


def step_panel(spec, case, user) -> dict | None:
    """What the case page shows of the open step, and which buttons the services would accept.

    Claim: the step is unclaimed, addressed to a role, and ``user`` could take it
    (:func:`workflow.assignment.addressed_actor`). Release: ``user`` owns it, or is the
    chair or union committee of the case's organisation. Reassign: the chair or union
    committee in their own right (not by delegation).
    """
    task = flowkit.open_step_task(case)
    if task is None:
        return None
    manager = policy.grant_for_own(user, case.organisation, assignment.MANAGER_ROLES) is not None
    by_role = any(a.role for a in task.flow_task.assignees(case))
    owner = task.owner if task.owner_id else None
    can_claim = owner is None and by_role and assignment.addressed_actor(case, task, user, spec) is not None

    def url(name):
        return reverse(f"ui:{spec.key}:{name}", kwargs={"pk": case.pk})

    return {
        "title": str(task.flow_task.task_title),
        "addressed_to": _addressed_to(case, task),
        "owner": _person(owner) if owner else "",
        "can_claim": can_claim,
        "can_release": owner is not None and (owner.pk == user.pk or manager),
        "can_reassign": manager,
        "reassign_choices": _reassign_choices(case, task) if manager else [],
        "claim_url": url("claim"),
        "release_url": url("release"),
        "reassign_url": url("reassign"),
    }


def restricted_panel(spec, case, user) -> dict | None:
    """The names of the case's restricted fields, for a reader the policy allows; else None."""
    if not policy.can_read_restricted(user, case.organisation, personal_data.restricted_roles(spec)):
        return None
    names = list(case.restricted_data())
    return {
        "fields": [{"name": n, "label": RESTRICTED_LABELS.get(n, n)} for n in names],
        "url": reverse(f"ui:{spec.key}:restricted", kwargs={"pk": case.pk}),
    }


class StepActionView(CaseDetailView):
    """POST only: call one service; on refusal show the case page with the reason."""

    success_message = ""

    def get(self, request, pk):
        return redirect(reverse(f"ui:{self.spec.key}:detail", kwargs={"pk": pk}))

    def call(self, request, pk):
        raise NotImplementedError

    def post(self, request, pk):
        try:
            message = self.call(request, pk)
        except NotVisible:
            raise Http404 from None
        except ServiceError as exc:
            return self.render_case(
                self.load(pk), error=exc.detail, status=exc.status, extra={"panel_errors": exc.fields or {}}
            )
        messages.success(request, message)
        return redirect(reverse(f"ui:{self.spec.key}:detail", kwargs={"pk": pk}))


class StepClaimView(StepActionView):
    def call(self, request, pk):
        assignment.step_claim(process=self.spec, case_id=pk, user=request.user, meta=self.meta())
        return CLAIMED


class StepReleaseView(StepActionView):
    def call(self, request, pk):
        assignment.step_release(process=self.spec, case_id=pk, user=request.user, meta=self.meta())
        return RELEASED


class StepReassignView(StepActionView):
    def call(self, request, pk):
        username = request.POST.get("username", "").strip()[:150]
        task = assignment.step_reassign(
            process=self.spec, case_id=pk, user=request.user, to_user=username, meta=self.meta()
        )
        return REASSIGNED % {"username": task.owner.get_username()}


class RestrictedRevealView(StepActionView):
    """Show the chosen restricted fields once, in this response only; the read is audited."""

    def post(self, request, pk):
        fields = [f for f in request.POST.getlist("fields") if f][:20]
        try:
            values = personal_data.reveal_restricted(
                process=self.process_key, case_id=pk, user=request.user, fields=fields, meta=self.meta()
            )
        except NotVisible:
            raise Http404 from None
        except ServiceError as exc:
            return self.render_case(
                self.load(pk), error=exc.detail, status=exc.status, extra={"panel_errors": exc.fields or {}}
            )
        revealed = [{"name": n, "label": RESTRICTED_LABELS.get(n, n), "value": v} for n, v in values.items()]
        response = self.render_case(self.load(pk), extra={"revealed": revealed})
        # The values must not linger in a shared or browser cache.
        response["Cache-Control"] = "no-store"
        return response
