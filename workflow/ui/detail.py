"""The case page: fields, deadlines, the actions the reader may take now, and the audit timeline.

Every action form posts to :class:`TransitionView`, which calls
:func:`workflow.services.perform_transition`; a refused action changes nothing and the
page is shown again with the reader's input and the reason.
"""

from __future__ import annotations

import json
import zoneinfo

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import audit, services
from ..calendar import rules
from ..deadlines import case_deadlines
from ..errors import InvalidInput, NotVisible, ServiceError
from ..models import CaseDeadline
from ..roles import Role
from . import forms
from .views import ProcessView, state_choices

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SUMMARY_LENGTH = 160
DONE = _("已执行“%(action)s” Done: %(action)s.")
CREATE_LABEL = _("新建 Create")
EXTEND_LABEL = _("延长期限 Deadline extended")
RECOMPUTED_LABEL = _("按节假日安排重算期限 Deadline recomputed on the holiday notice")
EXTENSION_LABELS = {
    "deadline_extension_request": _("申请延长期限 Extension requested"),
    "deadline_extension_consent": _("同意延长期限 Extension consented"),
    "deadline_extension_decline": _("拒绝延长期限 Extension declined"),
    "deadline_extension_withdraw": _("撤回延长申请 Extension request withdrawn"),
    "deadline_extension_lapse": _("延长申请失效 Extension request lapsed"),
}
BAD_VERSION = _("版本号必须是整数 The version must be an integer.")


def case_fields(case, spec, request) -> list[dict]:
    """The common case fields, then the process's own (``spec.detail_serializer``)."""
    rows = [
        {"label": "编号 Reference", "value": case.reference},
        {"label": "状态 State", "value": case.state_label, "translatable": True},
        {"label": "组织 Organisation", "value": f"{case.organisation.code} · {case.organisation.name}"},
        {"label": "创建人 Created by", "value": case.created_by.get_full_name() or case.created_by.get_username()},
        {"label": "版本 Version", "value": case.version},
    ]
    if spec.detail_serializer is not None:
        serializer = spec.detail_serializer(case, context={"request": request})
        labels = {name: str(f.label or name) for name, f in serializer.fields.items()}
        data = serializer.data
        for name, value in data.items():
            if name.endswith("_label") and name[: -len("_label")] in data:
                continue  # shown in place of its code below
            label_value = data.get(name + "_label")
            rows.append(
                {
                    "label": labels.get(name, name),
                    "value": forms.display_value(label_value or value),
                    # Choice labels are ours and bilingual; what people typed is shown as typed.
                    "translatable": bool(label_value),
                }
            )
    return rows


def _rule_source(rule_id: str) -> str:
    try:
        return str(rules.get_rule(rule_id).source)
    except KeyError:
        return ""


def deadline_rows(case) -> list[dict]:
    status_labels = dict(CaseDeadline.Status.choices)
    return [
        {**d, "status_label": str(status_labels.get(d["status"], d["status"])), "source": _rule_source(d["rule_id"])}
        for d in case_deadlines(case)
    ]


def payload_summary(payload: dict) -> str:
    """A one-line digest of what the actor submitted and what the service computed."""
    payload = payload or {}
    parts = [f"{k}: {forms.display_value(v)}" for k, v in (payload.get("input") or {}).items()]
    parts += [f"{k}: {forms.display_value(v)}" for k, v in payload.items() if k != "input"]
    text = "; ".join(parts)
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def timeline(case, spec) -> dict:
    """The case's audit events, oldest first, with the result of verifying its hash chain."""
    events = list(audit.case_events(case))
    actions = {
        "create": CREATE_LABEL, "deadline_extend": EXTEND_LABEL, "deadline_recomputed": RECOMPUTED_LABEL,
        **EXTENSION_LABELS,
        **{name: t.label for name, t in spec.transitions.items()},
    }
    states = dict(state_choices(type(case)))
    roles = {str(k): str(v) for k, v in Role.choices}
    rows = [
        {
            "seq": e.seq,
            "action": e.action,
            "action_label": actions.get(e.action, e.action),
            "from_label": states.get(e.from_state, e.from_state),
            "to_label": states.get(e.to_state, e.to_state),
            "actor": e.actor_name,
            "role": roles.get(e.actor_role, e.actor_role),
            "on_behalf_of": e.on_behalf_of_name,
            "at": e.created_at.astimezone(SHANGHAI),
            "channel": e.channel,
            "summary": payload_summary(e.payload),
            "payload": json.dumps(e.payload, ensure_ascii=False, indent=2, sort_keys=True),
        }
        for e in events
    ]
    return {"events": rows, "chain_valid": audit.verify_events(events) is None}


def action_forms(spec, case, user) -> list[dict]:
    return [
        {
            "name": t.name,
            "label": t.label,
            "description": t.description,
            "fields": forms.describe(t.input, forms.form_context(case=case, user=user)),
            "url": reverse(f"ui:{spec.key}:transition", kwargs={"pk": case.pk, "name": t.name}),
            "errors": [],
        }
        for t in services.available_transitions(process=spec, case=case, user=user)
    ]


class CaseDetailView(ProcessView):
    template_name = "workflow/ui/case_detail.html"

    def load(self, pk):
        try:
            return services.get_visible_case(process=self.spec, case_id=pk, user=self.request.user)
        except NotVisible:
            raise Http404 from None

    def render_case(
        self, case, *, bound: dict | None = None, error: str = "", status: int = 200, extra: dict | None = None
    ):
        """The case page; ``bound`` replaces the fresh form of the action that just failed;
        ``extra`` adds what one response alone may show (restricted values just read)."""
        # Imported here: the step panel's views build on this module.
        from .assignment import restricted_panel, step_panel
        from .extensions import with_extension_forms

        spec = self.spec
        actions = action_forms(spec, case, self.request.user)
        if bound is not None:
            actions = [bound if a["name"] == bound["name"] else a for a in actions]
        context = {
            "spec": spec,
            "case": case,
            "fields": case_fields(case, spec, self.request),
            "deadlines": with_extension_forms(spec, case, self.request.user, deadline_rows(case)),
            "actions": actions,
            "history": timeline(case, spec),
            "error": error,
            "detail_template": spec.detail_template,
            "list_url": reverse(f"ui:{spec.key}:index"),
            "step": step_panel(spec, case, self.request.user),
            "restricted": restricted_panel(spec, case, self.request.user),
            **(extra or {}),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_case(self.load(pk))


class TransitionView(CaseDetailView):
    """Perform one action from its form, through the service; on refusal show why and change nothing."""

    def get(self, request, pk, name):
        return redirect(reverse(f"ui:{self.spec.key}:detail", kwargs={"pk": pk}))

    def post(self, request, pk, name):
        spec = self.spec
        tspec = spec.transition(name)
        # The form is read as it was shown: the input's fields may depend on the case
        # (e.g. a multi-select of the case's departments), so describe it with the case.
        fields = forms.describe(tspec.input if tspec else None, forms.form_context(case=self.load(pk), user=request.user))
        data = forms.read_post(fields, request.POST)
        bound = {
            "name": name,
            "label": tspec.label if tspec else name,
            "description": tspec.description if tspec else "",
            "fields": fields,
            "url": request.path,
            "errors": [],
        }
        try:
            expected = request.POST.get("expected_version", "").strip()
            try:
                expected = int(expected) if expected else None
            except ValueError:
                raise InvalidInput(str(BAD_VERSION), fields={"expected_version": [str(BAD_VERSION)]}) from None
            services.perform_transition(
                process=spec, case_id=pk, name=name, user=request.user, data=data,
                expected_version=expected, meta=self.meta(),
            )
        except NotVisible:
            raise Http404 from None
        except ServiceError as exc:
            bound["errors"] = forms.attach_errors(fields, exc.fields)
            if exc.status != 400:
                messages.error(request, exc.detail)
            return self.render_case(self.load(pk), bound=bound, error=exc.detail, status=exc.status)
        messages.success(request, DONE % {"action": tspec.label})
        return redirect(reverse(f"ui:{spec.key}:detail", kwargs={"pk": pk}))
