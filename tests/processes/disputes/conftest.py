"""People and a clock for the dispute tests; ``walk`` drives a dispute to any state via the services."""

import datetime as dt

import pytest
from django.utils import timezone

from processes.disputes import services as svc
from processes.disputes.models import Dispute
from workflow.roles import Role

#: A Monday with no public holiday in the following three weeks.
DAY0 = dt.date(2026, 3, 2)
PASSWORD = "pw-secret-1"


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
def people(orgs, make_user):
    return type("People", (), {
        "member": make_user("member1", Role.MEMBER, org=orgs.acme),
        "member2": make_user("member2", Role.MEMBER, org=orgs.acme),
        "employer": make_user("employer1", Role.EMPLOYER_REP, org=orgs.acme),
        "mediator1": make_user("mediator1", Role.MEDIATOR, org=orgs.acme),
        "mediator2": make_user("mediator2", Role.MEDIATOR, org=orgs.acme),
        "mediator3": make_user("mediator3", Role.MEDIATOR, org=orgs.acme),
        # The mediation committee's chair (调解委员会主任), a role of its own; the union chair is not it.
        "chair": make_user("chair", Role.MEDIATION_CHAIR, org=orgs.acme),
        "union_chair": make_user("uchair", Role.CHAIR, Role.MEDIATOR, org=orgs.acme),
        "beta_mediator": make_user("bmed", Role.MEDIATOR, org=orgs.beta),
        "auditor": make_user("aud", (Role.AUDITOR, orgs.fed)),
    })


CLAIMS = [{"text": "补发加班工资 Overtime pay", "amount": "3200"}]


def apply(people, orgs, *, on=DAY0, **kw):
    data = {"category": "pay", "claims": CLAIMS, "facts": "2026年1月加班未付 Overtime in January unpaid.",
            "arose_on": on - dt.timedelta(days=30), "respondent": "艾克米机械有限公司"}
    data.update(kw)
    return svc.dispute_apply(organisation=orgs.acme, actor=kw.pop("actor", people.member), now=at(on),
                             **{k: v for k, v in data.items() if k != "actor"})


def sign_all(case, people, day):
    """Both parties and a mediator sign the current version."""
    case = Dispute.objects.get(pk=case.pk)
    sha = case.agreement_document.sha256
    for who in (people.member, people.employer, people.mediator1):
        case = svc.dispute_sign_agreement(case=case, actor=who, sha256=sha, password=PASSWORD, now=at(day))
    return case


def _steps(people, day):
    def step(fn, **kw):
        return lambda c: fn(case=c, now=at(day), **kw)

    return {
        "consented": step(svc.dispute_consent_to_mediation, actor=people.employer),
        "accepted": step(svc.dispute_accept, actor=people.mediator2),
        "mediating": lambda c: [
            svc.dispute_assign_mediators(case=c, actor=people.chair, mediators=[people.mediator1], now=at(day)),
            svc.dispute_declare_no_conflict(case=c, actor=people.mediator1, now=at(day)),
        ][-1],
        "session": step(svc.dispute_record_session, actor=people.mediator1, attendance="双方到场 Both present.",
                        minutes="申请人要求补发；企业同意分期 The employer agrees to pay in instalments."),
        "agreement_drafted": step(svc.dispute_draft_agreement, actor=people.mediator1,
                                  terms="企业于4月30日前补发3200元 Pay 3200 by 30 April.",
                                  performance_due=DAY0 + dt.timedelta(days=59)),
        "agreed": lambda c: sign_all(c, people, day),
        "performed": step(svc.dispute_record_performance, actor=people.mediator1),
        "closed": step(svc.dispute_close, actor=people.chair),
    }


@pytest.fixture
def walk(people, orgs):
    """walk("agreed") → a dispute of member1 moved through the happy path up to that state."""

    def go(target: str, *, on: dt.date = DAY0, **kw) -> Dispute:
        case = apply(people, orgs, on=on, **kw)
        if target == "applied":
            return case
        for name, fn in _steps(people, on).items():
            case = fn(case)
            if name == target:
                break
        else:
            raise AssertionError(target)
        return Dispute.objects.get(pk=case.pk)

    return go
