"""``manage.py seed_demo``: the documented demo accounts, idempotence, --if-empty and the full scale."""

import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from workflow import demo, policy
from workflow.models import CongressSession, CongressTerm, MemberProfile, Organisation, OrgKind, RoleAssignment
from workflow.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_process_hooks(request, monkeypatch):
    """The engine's own data is tested alone; ``test_with_every_registered_process`` adds the processes."""
    if not getattr(request.function, "real_hooks", False):
        monkeypatch.setattr(demo.registry, "all_processes", lambda: [])

#: The README's demo-accounts table: username -> {(role, organisation code)}.
DOCUMENTED = {
    **{f"rep{i}": {("representative", "acme"), ("member", "acme")} for i in range(1, 7)},
    "member1": {("member", "acme")},
    "member2": {("member", "acme")},
    "bmember1": {("member", "beta")},
    **{f"review{i}": {("review_committee", "acme"), ("representative", "acme")} for i in range(1, 4)},
    "dept1": {("department", "acme"), ("department", "acme-office")},
    "dept2": {("department", "acme-hr")},
    "dept3": {("department", "acme-logistics")},
    "chair": {("chair", "acme"), ("mediation_chair", "acme")},
    "committee1": {("union_committee", "acme")},
    "committee2": {("union_committee", "acme")},
    "visitor1": {("verifier", "acme")},
    "visitor2": {("verifier", "acme")},
    "finance1": {("finance", "acme")},
    "mediator1": {("mediator", "acme")},
    "mediator2": {("mediator", "acme")},
    "employer1": {("employer_rep", "acme")},
    "fedchair": {("aid_centre", "fed")},
    "auditor1": {("auditor", "fed")},
    "admin": {("admin", "fed")},
}


def seed(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("seed_demo", *args, stdout=out, stderr=err, verbosity=1)
    except CommandError as exc:
        raise CommandError(f"{exc}\n{err.getvalue()}") from exc
    return out.getvalue()


def row_counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed and not m._meta.proxy}


def snapshot():
    User = get_user_model()
    return {
        "users": sorted(User.objects.values_list("username", "password", "is_superuser")),
        "orgs": sorted(Organisation.objects.values_list("code", "kind", "parent__code", "path")),
        "roles": sorted(RoleAssignment.objects.values_list("user__username", "organisation__code", "role", "term_id")),
        "profiles": sorted(MemberProfile.objects.values_list("member_number", "user__username", "id_number", "phone")),
        "terms": sorted(CongressTerm.objects.values_list("organisation__code", "number")),
        "sessions": CongressSession.objects.count(),
    }


def test_demo_creates_the_documented_accounts_and_roles():
    seed()
    User = get_user_model()
    assert set(User.objects.values_list("username", flat=True)) == set(DOCUMENTED)
    for username, expected in DOCUMENTED.items():
        user = User.objects.get(username=username)
        held = set(RoleAssignment.objects.current().filter(user=user).values_list("role", "organisation__code"))
        assert held == expected, username
        assert user.check_password(demo.DEMO_PASSWORD), username
        assert user.profile.member_number and len(user.profile.phone) == 11
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.get(username="chair").is_superuser


def test_demo_tree_terms_and_scope():
    seed()
    orgs = {o.code: o for o in Organisation.objects.all()}
    assert orgs["fed"].kind == OrgKind.FEDERATION and orgs["fed"].parent is None
    assert {c for c, o in orgs.items() if o.parent_id == orgs["acme"].pk} == {
        "acme-g1", "acme-g2", "acme-office", "acme-hr", "acme-logistics"
    }
    assert orgs["beta-g1"].parent == orgs["beta"] and orgs["acme-office"].kind == OrgKind.DEPARTMENT
    assert orgs["acme-g1"].path == f"/{orgs['fed'].pk}/{orgs['acme'].pk}/{orgs['acme-g1'].pk}/"
    term = CongressTerm.current_for(orgs["acme"])
    assert term is not None and term.sessions.count() == 1
    assert CongressTerm.current_for(orgs["beta"]) is not None
    reps = RoleAssignment.objects.filter(role=Role.REPRESENTATIVE)
    assert reps.count() == 9 and set(reps.values_list("term_id", flat=True)) == {term.pk}
    # The federation auditor sees beta's subtree; a beta member's role does not reach acme.
    User = get_user_model()
    assert Role.AUDITOR in policy.roles_at(User.objects.get(username="auditor1"), orgs["beta-g1"])
    assert policy.roles_at(User.objects.get(username="bmember1"), orgs["acme"]) == set()


def test_id_numbers_are_well_formed():
    seed()
    for id_number in MemberProfile.objects.values_list("id_number", flat=True):
        body, check = id_number[:17], id_number[17]
        total = sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), strict=True))
        assert len(id_number) == 18 and body.isdigit() and check == "10X98765432"[total % 11]
    assert len(set(MemberProfile.objects.values_list("id_number", flat=True))) == MemberProfile.objects.count()


def test_running_twice_changes_nothing():
    seed()
    before = snapshot()
    seed()
    assert snapshot() == before


def test_with_every_registered_process_a_second_run_adds_no_row():
    """Each process's demo hook is idempotent too: the second run leaves every table as it was."""
    seed()
    before = row_counts()
    seed()
    assert row_counts() == before


test_with_every_registered_process_a_second_run_adds_no_row.real_hooks = True


def test_if_empty_skips_a_database_with_any_organisation():
    Organisation.objects.create(code="other", name="其他工会", kind=OrgKind.FEDERATION)
    out = seed("--if-empty")
    assert "skip" in out.lower() or "跳过" in out
    assert list(Organisation.objects.values_list("code", flat=True)) == ["other"]
    assert not get_user_model().objects.exists()


def test_if_empty_seeds_an_empty_database():
    seed("--if-empty")
    assert get_user_model().objects.filter(username="rep1").exists()


@pytest.mark.parametrize(("orgs", "members"), [(20, 60), (37, 101)])
def test_scaled_down_full_run_reaches_exact_totals_and_is_idempotent(orgs, members):
    seed("--scale", "full", "--orgs", str(orgs), "--members", str(members))
    union = Organisation.objects.exclude(kind=OrgKind.DEPARTMENT)
    assert union.count() == orgs and MemberProfile.objects.count() == members
    assert get_user_model().objects.count() == members
    generated = MemberProfile.objects.filter(member_number__startswith="W")
    assert RoleAssignment.objects.filter(role=Role.MEMBER, user__profile__in=generated).count() == generated.count()
    # Every generated member belongs to a generated enterprise, and to one of its groups.
    for org_id, group_id in generated.values_list("organisation_id", "union_group__parent_id"):
        assert org_id == group_id
    assert not Organisation.objects.filter(path="").exists()
    fed = Organisation.objects.get(code="fed")
    assert union.filter(path__startswith=fed.path).count() == orgs
    before = snapshot()
    seed("--scale", "full", "--orgs", str(orgs), "--members", str(members))
    assert snapshot() == before
    # The demo accounts are part of the full federation.
    assert get_user_model().objects.get(username="committee1").check_password(demo.DEMO_PASSWORD)


def test_process_hooks_receive_orgs_and_users_and_a_failure_is_reported(monkeypatch):
    calls = []

    def good(orgs, users):
        calls.append((sorted(orgs), sorted(users)))

    def broken(*, orgs, users):
        raise RuntimeError("boom")

    specs = [
        SimpleNamespace(key="good", seed_demo=good),
        SimpleNamespace(key="none", seed_demo=None),
        SimpleNamespace(key="broken", seed_demo=broken),
    ]
    monkeypatch.setattr(demo.registry, "all_processes", lambda: specs)
    with pytest.raises(CommandError, match="broken"):
        seed()
    assert len(calls) == 1
    org_codes, usernames = calls[0]
    assert {"fed", "acme", "beta", "acme-office"} <= set(org_codes) and set(usernames) == set(DOCUMENTED)
