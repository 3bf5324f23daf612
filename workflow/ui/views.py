"""Web UI pages: inbox, queue, case list and case creation.

Views are thin: they read the request, call a service or selector, and render. A case
outside the reader's scope is a 404 (the service says so), never a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from .. import registry, services
from ..audit import RequestMeta
from ..errors import NotVisible, ServiceError
from ..models import AuditEvent
from . import forms
from .calendar_banner import calendar_warnings

ME = _("本人 Me")
CREATED = _("已创建 %(reference)s Created %(reference)s.")
CANNOT_CREATE = _("您不能在任何组织新建此类案件 You may not open this kind of case in any organisation.")


def case_url(process_key: str, case_id) -> str | None:
    try:
        return reverse(f"ui:{process_key}:detail", kwargs={"pk": case_id})
    except NoReverseMatch:
        return None


def state_choices(model) -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in model._meta.get_field("state").flatchoices]


class ProcessView(View):
    """A page of one registered process; ``process_key`` is given by the site."""

    process_key: str = ""

    @property
    def spec(self) -> registry.ProcessSpec:
        spec = registry.get(self.process_key)
        if spec is None:
            raise Http404
        return spec

    def meta(self) -> RequestMeta:
        return RequestMeta.from_request(self.request, "ui")


class ArchiveView(View):
    """What the reader has done lately: their own audit events, newest first (已办)."""

    template_name = "workflow/ui/archive.html"
    limit = 100

    def get(self, request):
        events = AuditEvent.objects.filter(actor=request.user).select_related("case_type").order_by("-created_at", "-pk")
        rows = []
        for e in events[: self.limit]:
            spec = registry.for_model(e.case_type.model_class()) if e.case_type.model_class() else None
            actions = {"create": "新建 Create", **({n: t.label for n, t in spec.transitions.items()} if spec else {})}
            states = dict(state_choices(spec.model)) if spec else {}
            rows.append(
                {
                    "process_label": spec.label if spec else e.case_type.model,
                    "reference": e.case_ref,
                    "url": case_url(spec.key, e.case_id) if spec else None,
                    "action_label": actions.get(e.action, e.action),
                    "from_label": states.get(e.from_state, e.from_state),
                    "to_label": states.get(e.to_state, e.to_state),
                    "on_behalf_of": e.on_behalf_of_name,
                    "at": e.created_at,
                }
            )
        return TemplateResponse(request, self.template_name, {"events": rows})


class CaseCreateView(ProcessView):
    """Open a new case through :func:`workflow.services.create_case`."""

    template_name = "workflow/ui/case_create.html"

    def _fields(self):
        spec = self.spec
        fields = [f for f in forms.describe(spec.create_input, {"user": self.request.user}) if f.name != "organisation"]
        organisations = list(services.creatable_organisations(process=spec, user=self.request.user).order_by("code"))
        org_field = forms.UIField(
            name="organisation",
            label="组织 Organisation",
            kind="select",
            required=True,
            choices=[(str(o.pk), f"{o.code} · {o.name}") for o in organisations],
            value=str(organisations[0].pk) if len(organisations) == 1 else "",
        )
        return [org_field, *fields], organisations

    def _render(self, fields, *, error: str = "", non_field: list | None = None, status: int = 200):
        context = {
            "spec": self.spec,
            "fields": fields,
            "error": error,
            "non_field_errors": non_field or [],
            "list_url": reverse(f"ui:{self.spec.key}:index"),
            # Creating may start a deadline: whoever is about to sees a calendar that is not loaded.
            "calendar_warnings": calendar_warnings(self.spec) if fields else [],
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        fields, organisations = self._fields()
        if not organisations:
            return self._render([], error=str(CANNOT_CREATE), status=403)
        return self._render(fields)

    def post(self, request):
        fields, organisations = self._fields()
        if not organisations:
            return self._render([], error=str(CANNOT_CREATE), status=403)
        data = forms.read_post(fields, request.POST)
        try:
            case = services.create_case(process=self.spec, user=request.user, data=data, meta=self.meta())
        except NotVisible:
            raise Http404 from None
        except ServiceError as exc:
            rest = forms.attach_errors(fields, exc.fields)
            return self._render(fields, error=exc.detail, non_field=rest, status=exc.status)
        messages.success(request, CREATED % {"reference": case.reference})
        return redirect(case_url(self.spec.key, case.pk))
