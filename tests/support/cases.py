"""Cases of the throwaway example process, walked through the transition service."""

from workflow import services


def approved_example(people, title):
    """A case of ``people.member`` approved by ``people.committee``: three audit events —
    create (1), submit (2), approve (3)."""
    case = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": title, "amount": 10}
    )
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    services.perform_transition(process="examples", case_id=case.pk, name="approve", user=people.committee)
    return case
