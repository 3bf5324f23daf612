"""Fixtures of the auditors' workspace: a federation with ACME and BETA, example cases in both,
and the people the issue names (auditors, chairs) beside those it does not."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from workflow import services
from workflow.models import Delegation
from workflow.roles import Role

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(month, day, hour=12, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "stand_in": make_user("c2", Role.MEMBER, org=orgs.acme),
            "chair": make_user("chair", Role.CHAIR, Role.MEMBER, org=orgs.acme),
            "beta_member": make_user("mb", Role.MEMBER, org=orgs.beta),
            "beta_committee": make_user("cb", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.beta),
            "auditor": make_user("aud", (Role.AUDITOR, orgs.fed)),
            "beta_auditor": make_user("baud", (Role.AUDITOR, orgs.beta)),
            "admin": make_user("adm", (Role.ADMIN, orgs.fed)),
        },
    )


def example(user, organisation, title, *, created):
    return services.create_case(
        process="examples", user=user, data={"organisation": organisation, "title": title, "amount": 10}, now=created
    )


def step(case, name, user, when):
    return services.perform_transition(process="examples", case_id=case.pk, name=name, user=user, now=when)


@pytest.fixture
def cases(people, orgs):
    """ACME "March": created on 28 Feb at 23:59, submitted at 00:00 on 1 March, approved on
    31 March at 23:59 by a stand-in under the committee member's delegation. ACME "April":
    created and submitted on 1 April. BETA "Beta": created and submitted mid-March."""
    Delegation.objects.create(
        delegator=people.committee, delegate=people.stand_in, organisation=orgs.acme, role=Role.UNION_COMMITTEE,
        starts_at=timezone.now() - dt.timedelta(days=1), ends_at=timezone.now() + dt.timedelta(days=30),
    )
    march = example(people.member, "acme", "March", created=at(2, 28, 23, 59))
    step(march, "submit", people.member, at(3, 1, 0, 0))
    step(march, "approve", people.stand_in, at(3, 31, 23, 59))
    april = example(people.member, "acme", "April", created=at(4, 1, 0, 0))
    step(april, "submit", people.member, at(4, 1, 9, 0))
    beta = example(people.beta_member, "beta", "Beta", created=at(3, 15))
    step(beta, "submit", people.beta_member, at(3, 15, 13, 0))
    return type("Cases", (), {"march": march, "april": april, "beta": beta})
