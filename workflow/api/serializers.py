"""Generic case serialisation shared by every process."""

from rest_framework import serializers

from ..deadlines import case_deadlines
from ..ui import forms


def case_representation(case, spec, request=None, deadlines: list[dict] | None = None) -> dict:
    """The case as every process shows it, plus the process's own fields.

    ``provisional``: an open deadline of the case counts on the statute for a year whose
    holiday notice is not loaded yet (its date may still move later, never earlier).
    ``deadlines``: the case's :func:`case_deadlines` when a list has read its page's at once.
    """
    deadlines = case_deadlines(case) if deadlines is None else deadlines
    data = {
        "id": case.pk,
        "reference": case.reference,
        "process": spec.key,
        "state": case.state,
        "state_label": case.state_label,
        "organisation": {"id": case.organisation_id, "code": case.organisation.code, "name": case.organisation.name},
        "version": case.version,
        "created_by": case.created_by.get_username() if case.created_by_id else None,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "deadlines": deadlines,
        "provisional": any(d["provisional"] and d["status"] == "open" for d in deadlines),
    }
    if spec.detail_serializer is not None:
        extra = spec.detail_serializer(case, context={"request": request}).data
        for key, value in extra.items():
            data.setdefault(key, value)
    return data


def field_descriptions(serializer_class, context: dict | None = None) -> list[dict]:
    """Input fields of a transition, for clients building a form.

    Built exactly as the case page builds its form (the same ``context`` and
    :func:`workflow.ui.forms.field_choices`), so a choice the page offers is listed here too.
    """
    result = []
    for name, f in forms.writable_fields(serializer_class, context):
        item = {
            "name": name,
            "type": type(f).__name__.replace("Field", "").lower(),
            "required": f.required,
            "label": str(f.label or name),
        }
        choices = forms.field_choices(f)
        if choices:
            item["choices"] = [{"value": value, "label": label} for value, label in choices]
        if getattr(f, "help_text", None):
            item["help_text"] = str(f.help_text)
        result.append(item)
    return result


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
