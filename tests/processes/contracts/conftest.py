"""People, a clock, documents and ``walk`` (drives a contract to any state via the services)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from processes.contracts import services as svc
from processes.contracts.models import Contract
from workflow.documents.services import document_upload
from workflow.roles import Role
from workflow.votes.models import Vote
from workflow.votes.services import vote_close, vote_record_tally

#: A Monday with no public holiday within the periods the tests count.
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
    rep = Role.REPRESENTATIVE
    ns = {f"rep{i}": make_user(f"rep{i}", rep, Role.MEMBER, org=orgs.acme, term=term) for i in range(1, 7)}
    ns.update(
        chair=make_user("chair", Role.CHAIR, Role.MEMBER, org=orgs.acme, password="pw-secret-1"),
        employer1=make_user("employer1", Role.EMPLOYER_REP, org=orgs.acme),
        employer2=make_user("employer2", Role.EMPLOYER_REP, org=orgs.acme),
        employer3=make_user("employer3", Role.EMPLOYER_REP, org=orgs.acme),
        committee=make_user("committee1", Role.UNION_COMMITTEE, org=orgs.acme),
        member=make_user("member1", Role.MEMBER, org=orgs.acme),
        auditor=make_user("aud", (Role.AUDITOR, orgs.fed)),
        beta_chair=make_user("bchair", Role.CHAIR, org=orgs.beta),
    )
    return type("People", (), ns)


def team(*members, experts=()):
    return [{"name": f"代表{m}", "username": m, "expert": m in experts} for m in members]


UNION = ["chair", "rep1", "rep2"]
#: 第三十三条第（五）项: the neutral record keeper, no representative.
RECORD_KEEPER = "记录员王 Recorder Wang"
EMPLOYER = ["employer1", "employer2", "employer3"]


@pytest.fixture
def upload(clock):
    """upload(case, user, text, previous=None) → a document (version) of the case."""

    def go(case, user, text="集体合同草案 v1", previous=None, name="contract.txt"):
        return document_upload(
            process="contracts", case_id=case.pk, user=user, file=SimpleUploadedFile(name, text.encode()),
            previous_id=previous.pk if previous else None, now=clock.now,
        )

    return go


def close_vote(case, secretary, *, present, yes, now=None):
    """Record a paper tally for the case's open vote and close it."""
    vote = Vote.objects.get(pk=Contract.objects.get(pk=case.pk).vote_id)
    no = present - yes
    vote_record_tally(vote=vote, user=secretary, present=present, yes=yes, no=no, abstain=0, invalid=0, now=now)
    vote_close(vote=vote, user=secretary, now=now)
    return Contract.objects.get(pk=case.pk)


STATES = [
    "preparing", "teams", "offer_sent", "negotiating", "round", "draft_agreed", "congress_vote", "passed",
    "signed", "filed", "effective", "in_force",
]


@pytest.fixture
def walk(people, orgs, upload, clock):
    """walk("signed") → an acme wage contract moved through the happy path to that state, on DAY0.

    The electorate is rep1…rep6 (6 representatives): the paper tally 6 present / 6 yes passes.
    """

    def go(target: str, *, on: dt.date | None = None, kind="wage") -> Contract:
        day = on or DAY0
        clock.set(day)
        now = clock.now
        case = svc.contract_create(organisation=orgs.acme, actor=people.chair, kind=kind, now=now)
        steps = {
            "teams": lambda c: svc.contract_set_teams(
                case=c, actor=people.chair, union_team=team(*UNION), employer_team=team(*EMPLOYER),
                union_chief="chair", employer_chief="employer1", record_keeper=RECORD_KEEPER, now=now),
            "offer_sent": lambda c: svc.contract_send_offer(
                case=c, actor=people.chair, topics="工资增长 Wage growth", delivered_on=day, now=now),
            "negotiating": lambda c: svc.contract_record_reply(case=c, actor=people.employer1, received_on=day, now=now),
            "round": lambda c: svc.contract_record_round(case=c, actor=people.chair, minutes="第一轮 Round 1", now=now),
            "draft_agreed": lambda c: _agree(c, upload(c, people.chair), term_years=1),
            "congress_vote": lambda c: svc.contract_submit_to_congress(
                case=c, actor=people.chair, method="paper", now=now),
            "passed": lambda c: close_vote(c, people.committee, present=6, yes=6, now=now),
            "signed": lambda c: [svc.contract_sign(case=c, actor=u, now=now) for u in (people.chair, people.employer1)][-1],
            "filed": lambda c: svc.contract_file(case=c, actor=people.employer1, filed_on=day, now=now),
            "effective": lambda c: svc.contract_take_effect(case=c, now=at(day + dt.timedelta(days=16))),
            "in_force": lambda c: svc.contract_publish(
                case=c, actor=people.chair, channel="notice_board", published_on=day + dt.timedelta(days=16),
                now=at(day + dt.timedelta(days=16))),
        }

        def _agree(c, doc, term_years):
            svc.contract_sign_minutes(case=c, actor=people.employer1, now=now)  # 第三十四条, before the draft
            svc.contract_agree_draft(case=c, actor=people.chair, document=doc, term_years=term_years, now=now)
            return svc.contract_agree_draft(case=c, actor=people.employer1, document=doc, now=now)

        if target == "preparing":
            return case
        for name in STATES[1:]:
            case = steps[name](case)
            if name == target:
                break
        else:
            raise AssertionError(target)
        return Contract.objects.get(pk=case.pk)

    return go
