"""A secret re-entered in a generated form (a password to sign) is masked and never echoed back."""

from django.template.loader import render_to_string
from rest_framework import serializers

from workflow.ui import forms


class Sign(serializers.Serializer):
    password = serializers.CharField(style={"input_type": "password"})
    note = serializers.CharField(max_length=20)


def test_a_password_field_is_masked_and_never_echoed():
    password, note = forms.describe(Sign)
    assert password.kind == "password" and note.kind == "text"
    password.value = "typed-secret"
    html = render_to_string("workflow/ui/includes/field.html", {"f": password, "prefix": "x", "name_prefix": ""})
    assert 'type="password"' in html and "typed-secret" not in html
