"""Case page: the POSTs of the open step panel (claim, release, reassign) and the restricted-data form
(the panel itself: :mod:`workflow.ui.step_panel`).

The rules live in :mod:`workflow.assignment` and :mod:`workflow.personal_data`; these
views turn a POST into one service call with the request's metadata (channel ``ui``)
and show what the service answers. A refused request changes nothing and the case page
says why. Restricted values are shown once, in the response to the POST that read them,
and never put in the session or a flash message: every read is one audit event
(《个人信息保护法》第二十八条).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import assignment, personal_data
from ..errors import NotVisible, ServiceError
from .detail import CaseDetailView
from .step_panel import RESTRICTED_LABELS

CLAIMED = _("已认领此步骤 You claimed this step.")
RELEASED = _("已释放此步骤 The step is open to everyone it is addressed to again.")
REASSIGNED = _("已改派给 %(username)s Reassigned to %(username)s.")


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
