"""Separation and least privilege, proven (issue #15, §5): every audit page and API × every demo
account, allowed or denied as the issue says, and every denied call sees nothing and changes
nothing. Then, for every registered process, the federation's auditor — who reads everything
below the federation — tries every transition on every demo case and changes nothing.

Who the issue names: auditors (经费审查) and administrators over their subtree, and chairs over their
own organisation, read the search, the anchors and the dashboard; only auditors and administrators
export; a case's dossier goes to those readers when they may see the case.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from workflow import policy, registry, services
from workflow.errors import ServiceError
from workflow.models import AuditAnchor, AuditEvent, AuditExport, CaseDeadline, RoleAssignment
from workflow.roles import Role

READERS = {Role.AUDITOR, Role.ADMIN, Role.CHAIR}
EXPORTERS = {Role.AUDITOR, Role.ADMIN}
MONTH = {"organisation": "acme", "date_from": "2026-01-01", "date_to": "2026-01-31"}

#: (name, method, url, who may, whether the page answers with HTML)
ENDPOINTS = [
    ("search page", "get", "/audit/", READERS),
    ("search API", "get", "/api/v1/audit/", READERS),
    ("anchors page", "get", "/audit/anchors/", READERS),
    ("anchors API", "get", "/api/v1/audit/anchors/", READERS),
    ("dashboard page", "get", "/audit/dashboard/", READERS),
    ("dashboard API", "get", "/api/v1/audit/dashboard/", READERS),
    ("dashboard CSV", "get", "/audit/dashboard/?csv=processes", READERS),
    ("export from search page", "post", "/audit/export/", EXPORTERS),
    ("export API", "post", "/api/v1/audit-exports/", EXPORTERS),
]


def footprint():
    """What a call could change: audit events, exports, anchors, deadlines, and every case's state."""
    states = {
        spec.key: sorted(spec.model.objects.values_list("pk", spec.state_field, "version")) for spec in
        registry.all_processes()
    }
    return (AuditEvent.objects.count(), AuditExport.objects.count(), AuditAnchor.objects.count(),
            CaseDeadline.objects.count(), states)


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def call(client, method, url):
    if method == "post":
        return client.post(url, MONTH, format="json") if url.startswith("/api/") else client.post(url, MONTH)
    return client.get(url)


def roles_of(user) -> set[str]:
    return {g.role for g in policy.grants(user)}


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", verbosity=0)
    users = get_user_model().objects.filter(pk__in=RoleAssignment.objects.values("user_id")).order_by("username")
    return list(users)


def test_every_audit_page_and_api_for_every_demo_account(demo, django_capture_on_commit_callbacks):
    wrong = []
    held = set()
    for user in demo:
        roles = roles_of(user)
        held |= roles
        client = client_for(user)
        for name, method, url, allowed_roles in ENDPOINTS:
            allowed = bool(roles & allowed_roles)
            before = footprint()
            with django_capture_on_commit_callbacks(execute=True):
                response = call(client, method, url)
            if allowed:
                ok = response.status_code in (200, 202) or (response.status_code == 302 and method == "post")
            else:
                body = response.content.decode("utf-8", "replace")
                ok = response.status_code == 403 and "results" not in body and "sections" not in body
                ok = ok and footprint() == before
            if not ok:
                wrong.append(f"{user.username} {sorted(roles)} {name}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert held >= set(Role), f"no demo account holds {set(Role) - held}"


def test_dossier_goes_to_audit_readers_who_may_see_the_case(demo):
    """200 for an auditor, administrator or chair covering the case, and for the case's own
    participants (addresses left out); 403 for anyone else who may see it (handlers); 404 for
    whoever may not see it. Nothing changes either way."""
    wrong = []
    for spec in registry.all_processes():
        case = spec.model.objects.order_by("pk").first()
        if case is None:
            continue
        url = f"/api/v1/{spec.key}/{case.pk}/dossier.zip"
        for user in demo:
            sees = policy.can_see(user, case, spec.viewer_roles)
            reader = policy.grant_for(user, case.organisation, READERS) is not None
            reader = reader or user.pk in case.participant_ids()
            expected = 404 if not sees else (200 if reader else 403)
            before = footprint()
            status = client_for(user).get(url).status_code
            if status != expected or footprint() != before:
                wrong.append(f"{user.username} {spec.key} {case.reference}: {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_the_federation_auditor_changes_nothing_in_any_process(demo):
    """Every transition of every registered process, on every demo case, as ``auditor1``: refused, nothing changed."""
    auditor = next(u for u in demo if u.username == "auditor1")
    tried = 0
    for spec in registry.all_processes():
        for case in spec.model.objects.order_by("pk"):
            assert policy.can_see(auditor, case, spec.viewer_roles), case.reference
            for name in spec.transitions:
                before = footprint()
                with pytest.raises(ServiceError):
                    services.perform_transition(process=spec.key, case_id=case.pk, name=name, user=auditor, data={})
                assert footprint() == before, (spec.key, case.reference, name)
                tried += 1
    assert tried
