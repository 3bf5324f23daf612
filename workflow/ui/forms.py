"""HTML forms generated from a process's DRF input serializers.

The serializer stays the single validator (the service runs it); this module only
describes its fields for rendering and turns a submitted form back into the plain
dict the service expects, keeping what the user typed for a re-render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rest_framework import serializers

TEXTAREA_MIN_LENGTH = 200


@dataclass
class UIField:
    name: str
    label: str
    kind: str  # text, textarea, select, multiselect, list, number, date, datetime, checkbox, password
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)
    help_text: str = ""
    step: str = ""
    min_value: Any = None
    max_value: Any = None
    value: Any = ""
    errors: list[str] = field(default_factory=list)
    #: A file may be uploaded to the case in the same form and chosen at once (documents of the case).
    upload: bool = False

    @property
    def values(self) -> list[str]:
        """The selected values of a multi-select, as strings, for ``selected`` marks."""
        if isinstance(self.value, (list, tuple)):
            return [str(v) for v in self.value]
        return [str(self.value)] if self.value not in (None, "") else []


RELATED_CHOICES_LIMIT = 500


def form_context(*, case=None, user=None) -> dict:
    """The context an input serializer is built with to describe its form: the case and the
    reader (a field's choices may depend on both — the case's departments, the reader's own
    co-departments). The page and the API's ``…/transitions/`` description both use it."""
    return {"case": case, "user": user} if case is not None else {"user": user}


def writable_fields(serializer_class, context: dict | None = None) -> list[tuple[str, Any]]:
    """The fields a client fills in, built with ``context`` (see :func:`form_context`)."""
    if serializer_class is None:
        return []
    fields = serializer_class(context=context or {}).fields.items()
    return [(name, f) for name, f in fields if not f.read_only and not isinstance(f, serializers.HiddenField)]


def field_choices(f) -> list[tuple[Any, str]]:
    """What a field offers to choose from, as (value to send, label); [] for a free field.

    A list of choices offers its item's choices; a related field its queryset's first
    :data:`RELATED_CHOICES_LIMIT` objects. The one place the page and the API read choices.
    """
    if isinstance(f, serializers.ListField) and isinstance(getattr(f, "child", None), serializers.ChoiceField):
        f = f.child
    if isinstance(f, serializers.ChoiceField):
        return [(k, str(v)) for k, v in (f.choices or {}).items()]
    if isinstance(f, serializers.RelatedField) and getattr(f, "queryset", None) is not None:
        return [(o.pk, str(o)) for o in f.queryset[:RELATED_CHOICES_LIMIT]]
    return []


def _choices(f) -> list[tuple[str, str]]:
    return [(str(value), label) for value, label in field_choices(f)]


def _kind(f) -> tuple[str, dict]:
    """The HTML control for a serializer field (subclasses before their bases)."""
    if isinstance(f, serializers.BooleanField):
        return "checkbox", {}
    if isinstance(f, serializers.MultipleChoiceField):
        return "multiselect", {"choices": _choices(f)}
    if isinstance(f, serializers.ChoiceField):
        return "select", {"choices": _choices(f)}
    if isinstance(f, serializers.ListField):
        child = getattr(f, "child", None)
        if isinstance(child, serializers.ChoiceField):
            return "multiselect", {"choices": _choices(child)}
        return "list", {}
    if isinstance(f, serializers.RelatedField):
        if getattr(f, "queryset", None) is not None:
            return "select", {"choices": _choices(f)}
        return "text", {}
    if isinstance(f, serializers.IntegerField):
        return "number", {"step": "1", "min_value": f.min_value, "max_value": f.max_value}
    if isinstance(f, (serializers.DecimalField, serializers.FloatField)):
        return "number", {"step": "any", "min_value": f.min_value, "max_value": f.max_value}
    if isinstance(f, serializers.DateTimeField):
        return "datetime", {}
    if isinstance(f, serializers.DateField):
        return "date", {}
    if isinstance(f, serializers.CharField) and (getattr(f, "style", None) or {}).get("input_type") == "password":
        return "password", {}  # a secret re-entered (to sign): masked, never echoed back
    if isinstance(f, serializers.CharField):
        long_text = f.max_length is None or f.max_length > TEXTAREA_MIN_LENGTH
        return ("textarea" if long_text else "text"), {}
    return "text", {}


def describe(serializer_class, context: dict | None = None) -> list[UIField]:
    """The writable fields of ``serializer_class`` as form controls."""
    result = []
    for name, f in writable_fields(serializer_class, context):
        kind, extra = _kind(f)
        initial = f.initial() if callable(f.initial) else f.initial
        if kind == "checkbox":
            initial = bool(initial) if initial not in (None, serializers.empty) else False
        elif initial in (None, serializers.empty):
            initial = [] if kind == "multiselect" else ""
        elif kind == "list" and isinstance(initial, (list, tuple)):
            initial = "\n".join(str(v) for v in initial)
        result.append(
            UIField(
                name=name,
                label=str(f.label or name),
                kind=kind,
                required=bool(f.required),
                help_text=str(f.help_text or ""),
                value=initial,
                upload=bool(getattr(f, "accepts_upload", False)),
                **extra,
            )
        )
    return result


def _split_list(raw: str) -> list[str]:
    """One item per line; a single line may also be comma-separated (中文逗号 too)."""
    lines = [line.strip() for line in raw.replace("\r", "").split("\n")]
    if len([line for line in lines if line]) == 1:
        lines = [p.strip() for p in lines[0].replace("，", ",").split(",")] if lines[0] else []
    return [item for item in lines if item]


def read_post(fields: list[UIField], post, prefix: str = "") -> dict:
    """The submitted form as the plain dict the service validates; also keeps it on ``fields``.

    An empty optional field is left out (the serializer's default applies); an unticked
    checkbox is ``False``. ``prefix``: the form's controls are named ``prefix + name`` (one
    outcome's fields within a decision form).
    """
    if prefix:
        post = _Unprefixed(post, prefix)
    data: dict = {}
    for f in fields:
        if f.kind == "checkbox":
            f.value = post.get(f.name) in ("on", "true", "1", "True")
            data[f.name] = f.value
        elif f.kind == "multiselect":
            f.value = [v for v in post.getlist(f.name) if v != ""]
            if f.value or f.required:
                data[f.name] = f.value
        elif f.kind == "list":
            raw = post.get(f.name, "")
            f.value = raw
            items = _split_list(raw)
            if items or f.required:
                data[f.name] = items
        else:
            raw = post.get(f.name, "")
            f.value = raw
            if raw.strip() != "" or f.required:
                data[f.name] = raw
    return data


class _Unprefixed:
    """A submitted form read through a prefix: ``get("reason")`` reads ``<prefix>reason``."""

    def __init__(self, post, prefix: str):
        self.post, self.prefix = post, prefix

    def get(self, name, default=None):
        return self.post.get(self.prefix + name, default)

    def getlist(self, name):
        return self.post.getlist(self.prefix + name)


ITEM = "第 %(n)s 项 Item %(n)s: %(message)s"


def _flatten(messages) -> list[str]:
    """Error messages as sentences: a list item's errors (``{"0": [...]}``) name the item, never a raw structure."""
    if isinstance(messages, (list, tuple)):
        out: list[str] = []
        for m in messages:
            out.extend(_flatten(m))
        return out
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            for message in _flatten(value):
                if str(key).isdigit():
                    out.append(ITEM % {"n": int(key) + 1, "message": message})
                else:
                    out.append(f"{key}: {message}")
        return out
    return [str(messages)]


def attach_errors(fields: list[UIField], errors: dict) -> list[str]:
    """Put field errors next to their fields; return the rest (non-field errors)."""
    by_name = {f.name: f for f in fields}
    rest: list[str] = []
    for name, messages in (errors or {}).items():
        if name in by_name:
            by_name[name].errors = _flatten(messages)
        else:
            prefix = "" if name in ("non_field_errors", "__all__", "detail") else name + ": "
            rest.extend(prefix + m for m in _flatten(messages))
    return rest


def display_value(value) -> str:
    """A case field's value as text for the detail page."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是 Yes" if value else "否 No"
    if isinstance(value, (list, tuple)):
        return "、".join(display_value(v) for v in value) or "—"
    if isinstance(value, dict):
        for key in ("label", "name", "str", "username", "reference"):
            if value.get(key) not in (None, ""):
                return str(value[key])
        return "; ".join(f"{k}: {display_value(v)}" for k, v in value.items()) or "—"
    return str(value)


def add_service_errors(form, exc) -> str:
    """Put a service refusal's field messages on the Django ``form`` fields they name; the message
    still to show above the form ("" when every message found its field)."""
    shown = False
    for name, errors in exc.fields.items():
        if name in form.fields:
            for message in errors:
                form.add_error(name, message)
            shown = True
    return "" if shown else exc.detail
