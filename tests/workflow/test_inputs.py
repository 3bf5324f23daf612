"""The input fields every process shares: a written reason, a note, a user from a list, the case's documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import serializers

from workflow import services
from workflow.inputs import (
    NOT_DOCUMENTS_OF_CASE,
    REASON_REQUIRED,
    CaseDocumentsField,
    IdChoiceField,
    note_field,
    reason_field,
)
from workflow.roles import Role

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


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


@pytest.mark.parametrize(("value", "valid"), [(7, True), ("7", True), (True, False), ("x", False), (0, False)])
def test_an_id_from_a_list_is_any_id_so_the_serializer_can_say_why_not(value, valid):
    field = IdChoiceField(choices=[(1, "one")])
    if valid:
        assert field.run_validation(value) == 7
    else:
        with pytest.raises(serializers.ValidationError):
            field.run_validation(value)


class Attached(serializers.Serializer):
    attachments = CaseDocumentsField(required=False)


@pytest.fixture
def cases(orgs, make_user, api, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    mine, other = (
        services.create_case(process="examples", user=member, data={"organisation": "acme", "title": t, "amount": 1})
        for t in ("mine", "other")
    )

    def upload(case):
        data = {"file": SimpleUploadedFile("a.pdf", PDF)}
        r = api(member).post(f"/api/v1/documents/?process=examples&case={case.pk}", data, format="multipart")
        assert r.status_code == 201, r.content
        return r.json()["id"]

    return type("Cases", (), {"mine": mine, "doc": upload(mine), "foreign": upload(other)})


def test_documents_of_the_case_are_kept_with_name_version_and_hash_once_each(cases):
    serializer = Attached(data={"attachments": [cases.doc, cases.doc]}, context={"case": cases.mine})
    assert serializer.is_valid(), serializer.errors
    [kept] = serializer.validated_data["attachments"]
    assert kept["id"] == cases.doc and kept["name"] == "a.pdf" and kept["version"] == 1 and len(kept["sha256"]) == 64


def test_a_document_of_another_case_is_refused_naming_it(cases):
    serializer = Attached(data={"attachments": [cases.doc, cases.foreign]}, context={"case": cases.mine})
    assert not serializer.is_valid()
    assert serializer.errors["attachments"] == [str(NOT_DOCUMENTS_OF_CASE % {"ids": str(cases.foreign)})]
