"""The API describes every action's choices exactly as the case page's form offers them.

Generated over the registry and the demo data: for every process, each transition some demo
user may perform on some case is described by ``GET …/transitions/`` with the same choice
fields and the same choices (value and label) as that user's form on that case's page.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from workflow import registry, services
from workflow.ui.case_page import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data():
    """The demo (every process's own seed: proposals in every state), plus a submitted case of
    each process that seeds none, created by a demo member through the service."""
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    member = get_user_model().objects.get(username="member1")
    for spec in registry.all_processes():
        if not spec.model.objects.exists():
            data = {"organisation": "acme", "title": "示例 Example", "amount": 10}
            case = services.create_case(process=spec, user=member, data=data)
            services.perform_transition(process=spec, case_id=case.pk, name="submit", user=member)


def page_choices(spec, case, user) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """transition name → field name → choices, as the case page's forms show them."""
    offered = actions(spec, case, user)
    forms = [*offered["single"], *(offered["decision"]["outcomes"] if offered["decision"] else [])]
    return {form.name: {f.name: list(f.choices) for f in form.fields if f.choices} for form in forms}


def api_choices(api, spec, case, user) -> dict[str, dict[str, list[tuple[str, str]]]]:
    r = api(user).get(f"/api/v1/{spec.key}/{case.pk}/transitions/")
    assert r.status_code == 200, r.content
    return {
        t["name"]: {
            f["name"]: [(str(c["value"]), c["label"]) for c in f["choices"]] for f in t["fields"] if "choices" in f
        }
        for t in r.json()["transitions"]
    }


def test_every_choice_field_of_every_form_has_its_choices_in_the_api(demo_data, api):
    users = list(get_user_model().objects.filter(is_active=True).order_by("username"))
    checked_transitions: set[tuple[str, str]] = set()
    with_choices: set[tuple[str, str]] = set()
    checked_choice_fields: set[tuple[str, str, str]] = set()
    for spec in registry.all_processes():
        cases = list(spec.model.objects.select_related("organisation").order_by("pk"))
        assert cases, f"no {spec.key} case in the demo data"
        for case in cases:
            for user in users:
                available = {(spec.key, t.name) for t in services.available_transitions(process=spec, case=case, user=user)}
                # Choices depend on the case and the reader: every transition is checked once, and
                # one with choices on every case and for every reader who may perform it.
                if not (available - checked_transitions or available & with_choices):
                    continue
                page = page_choices(spec, case, user)
                assert {(spec.key, name) for name in page} == available
                assert api_choices(api, spec, case, user) == page, (spec.key, case.reference, user.username)
                checked_transitions |= available
                for name, fields in page.items():
                    with_choices |= {(spec.key, name)} if fields else set()
                    checked_choice_fields |= {(spec.key, name, field) for field in fields}
    for spec in registry.all_processes():
        assert any(key == spec.key for key, _name in checked_transitions), spec.key
    if registry.get("proposals"):
        # The demo reaches the actions whose choices depend on the case (departments, supervisor,
        # merge target).
        assert {("proposals", "assign", "lead_department"), ("proposals", "assign", "co_departments"),
                ("proposals", "assign", "supervisor"), ("proposals", "merge", "into")} <= checked_choice_fields
