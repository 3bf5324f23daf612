"""The input fields every process shares: a written reason and a note."""

import pytest
from rest_framework import serializers

from workflow.inputs import (
    REASON_REQUIRED,
    note_field,
    reason_field,
)


class Reasoned(serializers.Serializer):
    reason = reason_field()
    remark = reason_field(required=False)
    note = note_field(label="备注 Note")
    comment = note_field(label="意见 Comment", required=False, max_length=5)


def errors_of(data) -> dict:
    serializer = Reasoned(data=data)
    serializer.is_valid()
    return serializer.errors


@pytest.mark.parametrize("reason", [None, "", "  ", " x "])
def test_a_required_reason_says_a_written_reason_is_required(reason):
    data = {"note": "好的 ok"} if reason is None else {"reason": reason, "note": "好的 ok"}
    assert errors_of(data)["reason"] == [str(REASON_REQUIRED)]


def test_optional_reasons_and_notes_may_be_empty_but_not_too_long():
    assert errors_of({"reason": "理由充分", "remark": "", "note": "好的", "comment": ""}) == {}
    errors = errors_of({"reason": "理由充分", "note": "x", "comment": "太长了太长了"})
    assert set(errors) == {"note", "comment"}
