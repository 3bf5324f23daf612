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

from .. import audit, progress, services
from ..acting import role_labels
from ..api.parsing import parse_id
from ..errors import InvalidInput, NotVisible, ServiceError
from . import forms
from .calendar_banner import case_calendar_warnings
from .case_page import ActionForm, actions, deadline_rows, field_groups, upload_chosen_files
from .extension_panel import with_extension_forms
from .language import pick_language
from .step_panel import restricted_panel, step_panel
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
NO_OUTCOME = _("请选择一个决定 Choose an outcome.")


def choice_labels(serializer_class) -> dict[str, dict[str, str]]:
    """``{field: {code: label}}`` for the choice fields of an input serializer (codes the audit stores),
    each label in the reader's language."""
    if serializer_class is None:
        return {}
    result = {}
    for name, f in serializer_class(context={}).fields.items():
        choices = getattr(f, "choices", None) or getattr(getattr(f, "child", None), "choices", None)
        if choices:
            result[name] = {str(k): pick_language(v) for k, v in choices.items()}
    return result


def _labelled(value, labels: dict):
    if isinstance(value, (list, tuple)):
        return [_labelled(v, labels) for v in value]
    return labels.get(str(value), value) if isinstance(value, (str, int)) else value


def payload_summary(payload: dict, labels: dict | None = None) -> str:
    """A one-line digest of what the actor submitted and what the service computed; stored
    codes (category, classification, rating, role) shown by their labels."""
    payload = payload or {}
    labels = labels or {}
    parts = [
        f"{k}: {forms.display_value(_labelled(v, labels.get(k, {})))}" for k, v in (payload.get("input") or {}).items()
    ]
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
    roles = role_labels()
    inputs = {"create": choice_labels(spec.create_input)}
    inputs.update({name: choice_labels(t.input) for name, t in spec.transitions.items()})
    in_words = {code: pick_language(label) for code, label in roles.items()}
    inputs = {name: {**by_field, "role": in_words} for name, by_field in inputs.items()}
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
            "summary": payload_summary(e.payload, inputs.get(e.action)),
            "payload": json.dumps(e.payload, ensure_ascii=False, indent=2, sort_keys=True),
        }
        for e in events
    ]
    return {"events": rows, "chain_valid": audit.verify_events(events) is None}


class CaseDetailView(ProcessView):
    template_name = "workflow/ui/case_detail.html"

    def load(self, pk):
        try:
            return services.get_visible_case(process=self.spec, case_id=pk, user=self.request.user)
        except NotVisible:
            raise Http404 from None

    def render_case(
        self, case, *, bound: ActionForm | None = None, error: str = "", status: int = 200, extra: dict | None = None
    ):
        """The case page; ``bound`` replaces the fresh form of the action that just failed;
        ``extra`` adds what one response alone may show (restricted values just read)."""
        spec = self.spec
        offered = actions(spec, case, self.request.user)
        if bound is not None:
            offered["single"] = [bound if a.name == bound.name else a for a in offered["single"]]
            decision = offered["decision"]
            if decision and any(o.name == bound.name for o in decision["outcomes"]):
                decision["outcomes"] = [bound if o.name == bound.name else o for o in decision["outcomes"]]
                decision["chosen"], decision["errors"] = bound.name, bound.errors
        deadlines = deadline_rows(case)
        context = {
            "spec": spec,
            "case": case,
            "calendar_warnings": case_calendar_warnings(
                spec, deadlines, acting=bool(offered["single"] or offered["decision"])
            ),
            "progress": progress.stepper(case),
            "groups": field_groups(case, spec, self.request),
            "deadlines": with_extension_forms(spec, case, self.request.user, deadlines),
            "actions": offered["single"],
            "decision": offered["decision"],
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
        return self.perform(request, pk, name)

    def perform(self, request, pk, name, *, prefix: str = ""):
        """Read the action's form (its fields named ``prefix`` + name) and perform it."""
        spec = self.spec
        tspec = spec.transition(name)
        # The form is read as it was shown: the input's fields may depend on the case
        # (e.g. a multi-select of the case's departments), so describe it with the case.
        fields = forms.describe(tspec.input if tspec else None, forms.form_context(case=self.load(pk), user=request.user))
        data = forms.read_post(fields, request.POST, prefix=prefix)
        bound = ActionForm(
            name=name, label=tspec.label if tspec else name, description=tspec.description if tspec else "",
            url=request.path, fields=fields,
        )
        try:
            raw = request.POST.get("expected_version", "").strip()
            expected = parse_id(raw) if raw else None  # versions count from 1, as ids do
            if raw and expected is None:
                raise InvalidInput(str(BAD_VERSION), fields={"expected_version": [str(BAD_VERSION)]})
            upload_chosen_files(spec, pk, request, fields, data, prefix=prefix, meta=self.meta())
            services.perform_transition(
                process=spec, case_id=pk, name=name, user=request.user, data=data,
                expected_version=expected, meta=self.meta(),
            )
        except NotVisible:
            raise Http404 from None
        except ServiceError as exc:
            bound.errors = forms.attach_errors(fields, exc.fields)
            if exc.status != 400:
                messages.error(request, exc.detail)
            return self.render_case(self.load(pk), bound=bound, error=exc.detail, status=exc.status)
        messages.success(request, DONE % {"action": tspec.label})
        return redirect(reverse(f"ui:{spec.key}:detail", kwargs={"pk": pk}))


class DecisionView(TransitionView):
    """The decision form: the chosen ``outcome`` is performed as its own transition, and only it."""

    def get(self, request, pk):
        return redirect(reverse(f"ui:{self.spec.key}:detail", kwargs={"pk": pk}))

    def post(self, request, pk):
        outcome = request.POST.get("outcome", "")
        if self.spec.transition(outcome) is None:
            case = self.load(pk)
            return self.render_case(case, error=str(NO_OUTCOME), status=400)
        return self.perform(request, pk, outcome, prefix=outcome + "-")
