"""People and a clock for the proposals tests; ``walk`` drives a proposal to any state via the services."""

import datetime as dt

import pytest
from django.utils import timezone

from processes.proposals import services as svc
from processes.proposals.models import Proposal
from workflow.models import CongressTerm, Organisation, OrgKind
from workflow.roles import Role

#: A Monday with no public holiday nearby: day arithmetic in the tests stays readable.
DAY0 = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())


class Clock:
    """The wall clock the code under test sees (``timezone.now``); API calls read it too."""

    def __init__(self):
        self.now = at(DAY0)

    def set(self, day: dt.date, hour: int = 10) -> None:
        self.now = at(day, hour)

    @property
    def today(self) -> dt.date:
        return timezone.localtime(self.now).date()


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c


@pytest.fixture
def people(orgs, term, make_user):
    beta_term = CongressTerm.objects.create(
        organisation=orgs.beta, number=2, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2028, 12, 31)
    )
    dept2 = Organisation.objects.create(code="acme-hr", name="人力资源部", kind=OrgKind.DEPARTMENT, parent=orgs.acme)
    rep = Role.REPRESENTATIVE
    ns = {
        f"rep{i}": make_user(f"rep{i}", rep, Role.MEMBER, org=orgs.acme, term=term) for i in range(1, 6)
    }
    ns.update(
        review1=make_user("review1", Role.REVIEW_COMMITTEE, org=orgs.acme),
        review2=make_user("review2", Role.REVIEW_COMMITTEE, org=orgs.acme),
        dept1=make_user("dept1", (Role.DEPARTMENT, orgs.dept)),
        dept2=make_user("dept2", (Role.DEPARTMENT, dept2)),
        chair=make_user("chair", Role.CHAIR, org=orgs.acme),
        member=make_user("member1", Role.MEMBER, org=orgs.acme),
        beta_rep=make_user("brep1", rep, org=orgs.beta, term=beta_term),
        auditor=make_user("aud", (Role.AUDITOR, orgs.fed)),
        dept2_org=dept2,
        beta_term=beta_term,
    )
    return type("People", (), ns)


#: The order in which ``walk`` moves a proposal; each entry: (state reached, step function).
def _steps(people, orgs, clock):
    def step(fn, **kw):
        return lambda c: fn(case=c, now=clock(), **kw)

    return {
        "cosigning": step(svc.proposal_invite_cosigners, actor=people.rep1, cosigners=["rep2", "rep3"]),
        "cosigned": lambda c: [
            svc.proposal_cosign(case=c, actor=people.rep2, now=clock()),
            svc.proposal_cosign(case=c, actor=people.rep3, now=clock()),
        ][-1],
        "submitted": step(svc.proposal_submit, actor=people.rep1),
        "under_review": step(svc.proposal_start_review, actor=people.review1),
        "accepted": step(svc.proposal_accept, actor=people.review1),
        "assigned": step(svc.proposal_assign, actor=people.review1, lead_department=orgs.dept),
        "in_progress": step(svc.proposal_acknowledge, actor=people.dept1),
        "replied": step(svc.proposal_reply, actor=people.dept1, text="已落实 Done.", classification="A"),
        "closed": step(svc.proposal_rate, actor=people.rep1, rating="satisfied"),
    }


@pytest.fixture
def walk(people, orgs):
    """walk("replied", on=DAY0) → a proposal of rep1 moved through the happy path up to that state."""

    def go(target: str, *, on: dt.date | None = None, title="食堂延长供餐时间 Longer canteen hours") -> Proposal:
        day = on or DAY0
        clock = lambda: at(day)  # noqa: E731
        case = svc.proposal_create(
            organisation=orgs.acme, actor=people.rep1, title=title, body="案由、理由与建议 Reasons and measures.",
            category="living", now=clock(),
        )
        if target == "draft":
            return case
        for name, fn in _steps(people, orgs, clock).items():
            case = fn(case)
            if name == target:
                break
        else:
            raise AssertionError(target)
        return Proposal.objects.get(pk=case.pk)

    return go
