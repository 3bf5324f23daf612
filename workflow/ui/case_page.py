"""What the case page shows, read from the registry: grouped fields, deadlines in words,
the actions the reader may take now (disabled with the reason where a guard would refuse),
and one decision form where a step has several outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import services
from ..deadlines import case_deadlines, rules
from ..models import CaseDeadline
from . import forms

LONG_TEXT = 80
GROUP_CASE = _("案件 Case")
GROUP_DETAILS = _("详情 Details")
GROUP_TEXT = _("正文与意见 Text")
GROUP_RECORDS = _("记录 Records")
DECIDE_LABEL = _("作出决定 Decide")
OUTCOME_LABEL = _("决定 Outcome")


def _empty(value) -> bool:
    return value in (None, "", [], {}, ()) or value == "—"


def field_groups(case, spec, request) -> list[dict]:
    """The case's fields in groups — the case itself, short details, long texts, lists of records — empty ones left out.

    Grouped by the shape of the value, so every process gets it without declaring anything.
    """
    head = [
        {"label": "编号 Reference", "value": case.reference},
        {"label": "组织 Organisation", "value": f"{case.organisation.code} · {case.organisation.name}"},
        {"label": "创建人 Created by", "value": case.created_by.get_full_name() or case.created_by.get_username()},
    ]
    details, texts, records = [], [], []
    if spec.detail_serializer is not None:
        serializer = spec.detail_serializer(case, context={"request": request})
        labels = {name: str(f.label or name) for name, f in serializer.fields.items()}
        data = serializer.data
        for name, value in data.items():
            if name.endswith("_label") and name[: -len("_label")] in data:
                continue  # shown in place of its code below
            label_value = data.get(name + "_label")
            shown = label_value or value
            if _empty(shown):
                continue
            row = {
                "name": name,
                "label": labels.get(name, name),
                "value": forms.display_value(shown),
                # Choice labels are ours and bilingual; what people typed is shown as typed.
                "translatable": bool(label_value),
            }
            if isinstance(shown, (list, tuple)):
                records.append(row)
            elif isinstance(shown, str) and (len(shown) > LONG_TEXT or "\n" in shown):
                texts.append({**row, "long": True})
            else:
                details.append(row)
    groups = [(GROUP_CASE, head), (GROUP_DETAILS, details), (GROUP_TEXT, texts), (GROUP_RECORDS, records)]
    return [{"title": title, "rows": rows} for title, rows in groups if rows]


def rule_title(rule_id: str) -> str:
    """A deadline rule's name in words; its id only for a rule no longer registered."""
    try:
        rule = rules.get_rule(rule_id)
    except KeyError:
        return rule_id
    return str(rule.title or rule.id)


def deadline_rows(case) -> list[dict]:
    status_labels = dict(CaseDeadline.Status.choices)
    rows = []
    for d in case_deadlines(case):
        try:
            source = str(rules.get_rule(d["rule_id"]).source)
        except KeyError:
            source = ""
        rows.append(
            {**d, "title": rule_title(d["rule_id"]), "status_label": str(status_labels.get(d["status"], d["status"])),
             "source": source}
        )
    return rows


@dataclass
class ActionForm:
    name: str
    label: object
    description: object
    url: str
    fields: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    #: Why the action can only be refused now (a guard); the button is shown disabled with it.
    blocked: str = ""
    #: The transition is declared destructive (it ends or sends back the case): styled as such.
    destructive: bool = False


def _action(spec, case, user, tspec) -> ActionForm:
    return ActionForm(
        name=tspec.name,
        label=tspec.label,
        description=tspec.description,
        url=reverse(f"ui:{spec.key}:transition", kwargs={"pk": case.pk, "name": tspec.name}),
        fields=forms.describe(tspec.input, forms.form_context(case=case, user=user)),
        blocked=services.blocked_reason(process=spec, case=case, tspec=tspec, user=user),
        destructive=tspec.destructive,
    )


def _target(case, tspec) -> str | None:
    """The state ``tspec`` leads to from the case's state; None when it keeps it or is computed."""
    transition = getattr(type(case), tspec.method_name)._django_fsm.get_transition(case.state)
    if transition is None or not isinstance(transition.target, str) or transition.target == case.state:
        return None
    return str(transition.target)


def changes_state(case, tspec) -> bool:
    """Whether ``tspec`` always moves the case out of its state: a fixed other target, or a computed
    one (django-fsm's ``RETURN_VALUE``) none of whose possible states is the current one (an
    objection upheld leads to one state or another, never back)."""
    if _target(case, tspec) is not None:
        return True
    transition = getattr(type(case), tspec.method_name)._django_fsm.get_transition(case.state)
    allowed = getattr(getattr(transition, "target", None), "allowed_states", None) or ()
    return bool(allowed) and case.state not in allowed


def actions(spec, case, user) -> dict:
    """The reader's actions now: single forms, and one decision form for a step's several outcomes.

    Outcomes are the state-changing transitions the reader may take that are decided by a
    role (not reserved to a named person): two or more of them make a decision.
    """
    available = services.available_transitions(process=spec, case=case, user=user)
    outcomes = [t for t in available if t.roles and not t.actor and changes_state(case, t)]
    if len(outcomes) < 2:
        outcomes = []
    single = [_action(spec, case, user, t) for t in available if t not in outcomes]
    decision = None
    if outcomes:
        decision = {
            "url": reverse(f"ui:{spec.key}:decide", kwargs={"pk": case.pk}),
            "label": DECIDE_LABEL,
            "outcome_label": OUTCOME_LABEL,
            "outcomes": [_action(spec, case, user, t) for t in outcomes],
            "chosen": "",
            "errors": [],
        }
    return {"single": single, "decision": decision}


def upload_chosen_files(spec, pk, request, fields, data: dict, *, prefix: str = "", meta=None) -> None:
    """Files sent with an action for a documents field are uploaded to the case first (each an audited
    upload of its own) and added to the documents chosen; a refused file is that field's error."""
    from ..documents.services import document_upload
    from ..errors import InvalidInput, NotVisible, ServiceError

    for f in fields:
        upload = request.FILES.get(prefix + f.name + "__upload") if f.upload else None
        if upload is None:
            continue
        try:
            document = document_upload(process=spec.key, case_id=pk, user=request.user, file=upload, meta=meta)
        except NotVisible:
            raise
        except ServiceError as exc:
            raise InvalidInput(exc.detail, fields={f.name: [exc.detail]}) from None
        chosen = [str(v) for v in (f.value or [])]
        f.value = [*chosen, str(document.pk)]
        data[f.name] = f.value
