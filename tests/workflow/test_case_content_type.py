"""Rows about a case point to its model's content type, whether asked with the case or its model."""

import pytest
from django.contrib.contenttypes.models import ContentType

from tests.example_process.models import ExampleRequest
from workflow.models import case_content_type

pytestmark = pytest.mark.django_db


def test_a_case_and_its_model_give_the_same_content_type():
    case = ExampleRequest(title="t")

    assert case_content_type(case) == case_content_type(ExampleRequest)
    assert case_content_type(case) == ContentType.objects.get(app_label="example_process", model="examplerequest")
