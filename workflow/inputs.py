"""Input fields that transitions of every process share: a written reason, a note, an id
(a user, a case) chosen from a list, and documents already uploaded to the case.

They are DRF serializer fields, so one definition serves the API and the generated form
(:mod:`workflow.ui.forms`), and a bad value is a 400 naming the field.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .api.parsing import IdField, parse_id
from .documents.models import Document

REASON_LABEL = _("理由 Reason")
REASON_REQUIRED = _("必须填写书面理由 A written reason is required.")
NOT_DOCUMENTS_OF_CASE = _("不是本案件的文件 Not documents of this case: %(ids)s")
#: Longest reason, and longest note or opinion, in characters.
REASON_MAX = 2000
NOTE_MAX = 4000


def reason_field(*, label=REASON_LABEL, required: bool = True, **kw) -> serializers.CharField:
    """A written reason (理由). Where required it is at least two characters besides blanks
    (a refusal, a withdrawal or a return must say why); otherwise it may be left empty."""
    if not required:
        return serializers.CharField(label=label, required=False, allow_blank=True, max_length=REASON_MAX, **kw)
    return serializers.CharField(
        label=label, min_length=2, max_length=REASON_MAX, trim_whitespace=True,
        error_messages={"blank": REASON_REQUIRED, "required": REASON_REQUIRED, "min_length": REASON_REQUIRED}, **kw,
    )


def note_field(*, label, required: bool = True, max_length: int = NOTE_MAX, **kw) -> serializers.CharField:
    """A free-text note, opinion or comment: at least two characters where required, else optional."""
    if not required:
        return serializers.CharField(label=label, required=False, allow_blank=True, max_length=max_length, **kw)
    return serializers.CharField(label=label, min_length=2, max_length=max_length, **kw)


class IdChoiceField(serializers.ChoiceField):
    """An id (a user, a case) offered from ``choices`` (forms show a select); any id is accepted
    here, so the serializer's ``validate_<name>`` can say why it does not qualify."""

    def to_internal_value(self, data):
        pk = parse_id(data)
        if pk is None or isinstance(data, bool):
            self.fail("invalid_choice", input=data)
        return pk


class CaseDocumentsField(serializers.ListField):
    """Ids of documents uploaded to the case being acted on (``context["case"]``).

    Each must be a document of that case (a document of another case is refused, naming its
    id); the value is what a record keeps of them: id, name, version and SHA-256, once each,
    in the order given. The message may be worded for the process with
    ``error_messages={"not_of_case": …}`` (with ``%(ids)s``).
    """

    default_error_messages = {"not_of_case": NOT_DOCUMENTS_OF_CASE}

    def __init__(self, **kwargs):
        kwargs.setdefault("child", IdField())
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        ids = super().to_internal_value(data)
        case = self.context["case"]
        docs = Document.objects.filter(
            pk__in=ids, case_type=ContentType.objects.get_for_model(case, for_concrete_model=True), case_id=case.pk
        ).in_bulk()
        missing = [str(pk) for pk in ids if pk not in docs]
        if missing:
            raise serializers.ValidationError(self.error_messages["not_of_case"] % {"ids": ", ".join(missing)})
        return [
            {"id": d.pk, "name": d.name, "version": d.version, "sha256": d.sha256}
            for d in (docs[pk] for pk in dict.fromkeys(ids))
        ]
