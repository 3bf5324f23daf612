"""What a transition's effect returns reaches the model's transition method as ``ctx.result``."""

import dataclasses

from workflow import registry, services
from workflow.roles import Role


def test_the_model_method_sees_what_the_effect_returned(orgs, make_user, monkeypatch):
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    committee = make_user("c1", Role.UNION_COMMITTEE, org=orgs.acme)
    spec = registry.get("examples")
    reject = spec.transitions["reject"]
    monkeypatch.setitem(spec.transitions, "reject", dataclasses.replace(reject, effect=lambda ctx: "closed-by-rule"))
    seen = []
    call = services._call_transition

    def spy(case, method_name, ctx):
        seen.append((method_name, ctx.result))
        call(case, method_name, ctx)

    monkeypatch.setattr(services, "_call_transition", spy)
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "t", "amount": 1})
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=member)
    services.perform_transition(
        process="examples", case_id=case.pk, name="reject", user=committee, data={"reason": "不符合 No."}
    )
    assert seen == [("submit", None), ("reject", "closed-by-rule")]
