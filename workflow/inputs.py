"""Input fields that transitions of every process share: a written reason and a note.
(People, cases and documents are picked with :mod:`workflow.pickers`.)

They are DRF serializer fields, so one definition serves the API and the generated form
(:mod:`workflow.ui.forms`), and a bad value is a 400 naming the field.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

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


class ReasonInput(serializers.Serializer):
    """The input of a transition that needs only a written reason (reject, withdraw, return)."""

    reason = reason_field()
