"""Setup and after-check of the application run against a private PostgreSQL cluster.

Run in a subprocess with that cluster's ``DATABASE_URL`` (the test process itself is bound to
the suite's database):

    python -m tests.faults.restart_stack setup N   # organisations, N members, committee, tokens (JSON)
    python -m tests.faults.restart_stack check     # every case: state, open step and audit trail agree (JSON)

A case is *half-transitioned* when its state, the step its viewflow process waits on and its
audit trail disagree: the state moved without its event (or the reverse), or the flow still
waits on the step of a state the case has left.
"""

import datetime as dt
import io
import json
import os
import sys


def setup(members: int) -> dict:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from workflow.models import Organisation, OrgKind, RoleAssignment
    from workflow.roles import Role

    fed = Organisation.objects.create(code="fed", name="镇总工会", kind=OrgKind.FEDERATION)
    acme = Organisation.objects.create(code="acme", name="ACME 工会", kind=OrgKind.ENTERPRISE, parent=fed)

    def user(name, *roles):
        person = get_user_model().objects.create_user(username=name, password="pw-secret-1")
        for role in roles:
            RoleAssignment.objects.create(user=person, organisation=acme, role=role, valid_from=dt.date(2000, 1, 1))
        return Token.objects.create(user=person).key

    return {
        "members": [user(f"m{i}", Role.MEMBER) for i in range(members)],
        "committee": [user(f"c{i}", Role.UNION_COMMITTEE, Role.MEMBER) for i in range(3)],
    }


def _step_table(flow_class) -> dict:
    for node in flow_class.instance.nodes():
        if getattr(node, "step_for_state", None) is not None:
            return node.step_for_state
    return {}


def half_transitioned(spec) -> list[str]:
    """Every case of ``spec`` whose state, open step and audit trail disagree, described."""
    from workflow import flowkit
    from workflow.audit import case_events

    table = {str(state): step for state, step in _step_table(spec.flow).items()}
    problems = []
    for case in spec.model.objects.order_by("pk"):
        moves = [e for e in case_events(case) if e.to_state]
        last_state = moves[-1].to_state if moves else None
        step = flowkit.position(case)
        if last_state != case.state or step != table.get(case.state):
            problems.append(f"{case.reference}: state {case.state}, last audited {last_state}, flow waits on {step}")
    return problems


def check() -> dict:
    from django.core.management import call_command

    from workflow import registry

    out = io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=io.StringIO())
        verified = True
    except SystemExit:
        verified = False
    counts = {spec.key: spec.model.objects.count() for spec in registry.all_processes()}
    problems = [p for spec in registry.all_processes() for p in half_transitioned(spec)]
    return {"audit_verify": verified, "audit_verify_output": out.getvalue(), "cases": counts, "problems": problems}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    result = setup(int(sys.argv[2])) if sys.argv[1] == "setup" else check()
    print(json.dumps(result))
