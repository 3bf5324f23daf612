"""People, a clock, a funded organisation and ``walk`` (a case moved along the happy path) for the aid tests."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from processes.aid import services as svc
from processes.aid.ledger import fund_open, ledger_allocate
from processes.aid.models import AidCase
from workflow.roles import Role

#: A Monday with no public holiday nearby (2026-03-02): working days read like calendar weeks.
DAY0 = dt.date(2026, 3, 2)
ID_NUMBER = "110101198803071234"
BANK_ACCOUNT = "6222020200112233445"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())


class Clock:
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
    acme = orgs.acme
    ns = dict(
        member=make_user("member1", Role.MEMBER, org=acme, first_name="小明", last_name="张"),
        member2=make_user("member2", Role.MEMBER, org=acme),
        visitor1=make_user("visitor1", Role.VERIFIER, Role.MEMBER, org=acme),
        visitor2=make_user("visitor2", Role.VERIFIER, Role.MEMBER, org=acme),
        committee1=make_user("committee1", Role.UNION_COMMITTEE, Role.MEMBER, org=acme),
        committee2=make_user("committee2", Role.UNION_COMMITTEE, Role.MEMBER, org=acme),
        chair=make_user("chair", Role.CHAIR, Role.MEMBER, org=acme),
        finance=make_user("finance1", Role.FINANCE, Role.MEMBER, org=acme),
        centre=make_user("fedchair", (Role.AID_CENTRE, orgs.fed)),
        auditor=make_user("auditor1", (Role.AUDITOR, orgs.fed)),
        bmember=make_user("bmember1", Role.MEMBER, org=orgs.beta),
    )
    return type("People", (), ns)


@pytest.fixture
def fund(orgs, people):
    """ACME's 2026 fund holds 10,000 yuan."""
    fund_open(organisation=orgs.acme, year=2026, budget=Decimal("10000"))
    ledger_allocate(organisation=orgs.acme, year=2026, amount=Decimal("10000"), reason="年度预算 Budget",
                    actor_user=people.finance, now=at(DAY0))
    return orgs.acme


def create(people, orgs, *, actor=None, aid_type="living", income="12000", rigid="2000", amount="1500", size=3,
           accident=False, now=None):
    return svc.aid_create(
        organisation=orgs.acme, actor=actor or people.member, aid_type=aid_type, cause="家人重病 Serious illness",
        household_size=size, household_income=Decimal(income), rigid_expenses=Decimal(rigid),
        requested_amount=Decimal(amount), id_number=ID_NUMBER, bank_account=BANK_ACCOUNT,
        financial_check_consent=True, accident=accident, address="幸福路 1 号", medical_details="肾衰竭",
        now=now or at(DAY0),
    )


def steps(people, day):
    now = at(day)
    return {
        "submitted": lambda c: svc.aid_submit(case=c, actor=people.member, now=now),
        "prechecked": lambda c: svc.aid_precheck(case=c, actor=people.visitor1, now=now),
        "verified": lambda c: svc.aid_record_visit(
            case=c, actor=people.visitor1, visitors=["visitor1", "visitor2"], report="家中确有困难 Hardship confirmed.",
            now=now),
        "assessed": lambda c: svc.aid_assess_tier(case=c, actor=people.committee1, now=now),
        "public_notice": lambda c: svc.aid_publish_notice(case=c, actor=people.committee1, now=now),
    }


@pytest.fixture
def walk(people, orgs):
    """walk("public_notice") → member1's living-aid case moved along the happy path to that state on ``on``."""

    def go(target: str, *, on: dt.date = DAY0, **kw) -> AidCase:
        case = create(people, orgs, now=at(on), **kw)
        if target == "draft":
            return case
        for name, fn in steps(people, on).items():
            case = fn(case)
            if name == target:
                return AidCase.objects.get(pk=case.pk)
        raise AssertionError(target)

    return go
