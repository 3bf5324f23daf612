"""Demo contracts of acme in every state, each moved there through the services.

Called by ``manage.py seed_demo`` as ``ProcessSpec.seed_demo(orgs, users)``. Idempotent: it does
nothing when acme already has contracts. The accounts are the engine's demo accounts: ``chair``
is the union's chief, ``employer1`` the employer's chief, ``rep1``…``rep6`` the negotiators.
Dates are counted back from today, so the waiting contracts are inside their deadlines; one
contract in force is in its renewal window, another has expired.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from workflow.documents.services import document_upload
from workflow.services import perform_transition
from workflow.votes.models import Vote
from workflow.votes.services import vote_close, vote_record_tally

from . import services as svc
from .models import Contract

TEXT = (
    "{kind}（{year}年度）\n第一条 本合同适用于公司全体职工。\n第二条 职工工资年增长幅度不低于{rise}%。\n"
    "第三条 合同期限自生效之日起{years}年。\n"
)
#: 第三十三条第（五）项: a neutral record keeper who is no representative.
RECORD_KEEPER = "王记录 Recorder Wang"
EMPLOYER_NAMES = ("张经理 Manager Zhang", "李主任 Director Li")


def _clock(today):
    tz = timezone.get_default_timezone()

    def at(days_ago: int) -> dt.datetime:
        return dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(10), tzinfo=tz)

    return at


def seed(orgs: dict, users: dict) -> list[Contract]:
    """One or more acme contracts in every state, including one in its renewal window."""
    acme = orgs.get("acme")
    needed = ["chair", "employer1", *[f"rep{i}" for i in range(1, 7)]]
    if acme is None or any(n not in users for n in needed) or Contract.objects.filter(organisation=acme).exists():
        return []
    return _Seeder(acme, users, timezone.localdate()).run()


class _Seeder:
    def __init__(self, acme, users, today):
        self.acme, self.u, self.today, self.at = acme, users, today, _clock(today)
        self.made: list[Contract] = []
        self.reps = iter([("rep1", "rep2"), ("rep3", "rep4"), ("rep5", "rep6")] * 10)

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def new(self, start: int, kind="wage") -> Contract:
        case = svc.contract_create(organisation=self.acme, actor=self.u["chair"], kind=kind, now=self.at(start))
        self.made.append(case)
        return case

    def teams(self, start: int, kind="wage") -> Contract:
        case = self.new(start, kind)
        a, b = next(self.reps)
        union = [{"name": self.u[n].get_full_name() or n, "username": n, "expert": False} for n in ("chair", a, b)]
        employer = [{"name": self.u["employer1"].get_full_name() or "employer1", "username": "employer1",
                     "expert": False}] + [{"name": n, "expert": False} for n in EMPLOYER_NAMES]
        union[1]["woman"] = True  # a woman worker on the union side (needed for a women's special contract)
        return svc.contract_set_teams(case=case, actor=self.u["chair"], union_team=union, employer_team=employer,
                                      union_chief="chair", employer_chief="employer1", record_keeper=RECORD_KEEPER,
                                      now=self.at(start))

    def offered(self, start: int, **kw) -> Contract:
        case = self.teams(start, **kw)
        return svc.contract_send_offer(case=case, actor=self.u["chair"], topics="工资增长、工时与休假 Wages, hours, leave",
                                       delivered_on=self.day(start - 1), now=self.at(start - 1))

    def negotiating(self, start: int, **kw) -> Contract:
        case = self.offered(start, **kw)
        case = svc.contract_record_reply(case=case, actor=self.u["employer1"], received_on=self.day(start - 5),
                                         now=self.at(start - 5))
        return svc.contract_record_round(
            case=case, actor=self.u["chair"], minutes="第一轮协商：双方就工资增幅交换意见。Round 1: positions on the wage rise.",
            union_present=["chair"], employer_present=["employer1"], now=self.at(start - 6))

    def agreed(self, start: int, years=1, **kw) -> Contract:
        case = self.negotiating(start, **kw)
        text = TEXT.format(kind=case.get_kind_display(), year=self.day(start).year, rise=5, years=years)
        # 第三十四条: the employer's chief signs the round's minutes before the draft is agreed.
        case = svc.contract_sign_minutes(case=case, actor=self.u["employer1"], now=self.at(start - 7))
        doc = document_upload(process="contracts", case_id=case.pk, user=self.u["chair"], now=self.at(start - 8),
                              file=SimpleUploadedFile("contract.txt", text.encode()))
        for who in ("chair", "employer1"):
            case = svc.contract_agree_draft(case=case, actor=self.u[who], document=doc, term_years=years,
                                            now=self.at(start - 8))
        return case

    def voted(self, start: int, passed=True, **kw) -> Contract:
        case = self.agreed(start, **kw)
        case = svc.contract_submit_to_congress(case=case, actor=self.u["chair"], method="paper",
                                               now=self.at(start - 9))
        vote = Vote.objects.get(pk=Contract.objects.get(pk=case.pk).vote_id)
        present = vote.n if passed else (2 * vote.n + 2) // 3 - 1
        vote_record_tally(vote=vote, user=self.u["chair"], present=present, yes=present, no=0, abstain=0,
                          invalid=0, now=self.at(start - 10))
        vote_close(vote=vote, user=self.u["chair"], now=self.at(start - 10))
        return Contract.objects.get(pk=case.pk)

    def signed(self, start: int, **kw) -> Contract:
        case = self.voted(start, **kw)
        for who in ("chair", "employer1"):
            case = svc.contract_sign(case=case, actor=self.u[who], now=self.at(start - 11))
        return case

    def filed(self, start: int, **kw) -> Contract:
        case = self.signed(start, **kw)
        return svc.contract_file(case=case, actor=self.u["employer1"], filed_on=self.day(start - 13),
                                 now=self.at(start - 13))

    def in_force(self, start: int, **kw) -> Contract:
        case = self.effective(self.filed(start, **kw))
        effective = (self.today - case.effective_on).days
        return svc.contract_publish(case=case, actor=self.u["chair"], channel="notice_board",
                                    published_on=self.day(effective - 1), now=self.at(effective - 1))

    def effective(self, case) -> Contract:
        """No objection within the review period: effective the day after it (第四十七条)."""
        due = Contract.objects.get(pk=case.pk).review_due_on
        self.system(case, "take_effect", (self.today - due).days - 1)
        return Contract.objects.get(pk=case.pk)

    def system(self, case, name: str, days_ago: int) -> Contract:
        return perform_transition(process="contracts", case_id=case.pk, name=name, user=None, system=True,
                                  now=self.at(days_ago))

    def run(self) -> list[Contract]:
        u = self.u
        self.new(1, kind="women")  # preparing, no teams yet
        self.teams(2, kind="safety")  # preparing, teams named
        self.offered(6)  # offer_sent: the reply is due in 15 days
        case = self.offered(45, kind="comprehensive")  # no reply within 20 days (rolled past any holiday)
        self.system(case, "lapse_offer", (self.today - Contract.objects.get(pk=case.pk).reply_due_on).days - 1)
        self.negotiating(12)
        case = self.negotiating(20)
        for who in ("employer1", "chair"):  # suspended by mutual agreement (第三十五条)
            svc.contract_suspend(case=case, actor=u[who], resume_on=self.day(-10), now=self.at(4))
        case = self.negotiating(25)
        svc.contract_request_coordination(case=case, actor=u["chair"], reason="工资增幅分歧 The wage rise is in dispute",
                                          now=self.at(5))  # coordination
        self.agreed(16)  # draft_agreed
        case = self.agreed(18)
        svc.contract_submit_to_congress(case=case, actor=u["chair"], method="paper", now=self.at(3))  # congress_vote
        self.voted(22, passed=False)  # back to negotiating, the failed vote recorded
        self.voted(24)  # passed, awaiting both signatures
        self.signed(14)  # signed 3 days ago: filing due within 10 days
        self.filed(24)  # filed: under review
        case = self.filed(27)
        svc.contract_object(case=case, actor=u["employer1"], items=["第二条工资增幅的表述不明确 Art. 2 is unclear"],
                            now=self.at(12))  # objected
        self.effective(self.filed(40))  # effective, to be published
        self.in_force(120, years=3)  # in force
        case = self.in_force(150, years=3)  # in force, a variation both chiefs agreed awaits the congress (第四十条)
        varied = document_upload(
            process="contracts", case_id=case.pk, user=u["chair"], now=self.at(3), previous_id=case.passed_document_id,
            file=SimpleUploadedFile("contract.txt", TEXT.format(kind=case.get_kind_display(), year=self.day(150).year,
                                                                rise=6, years=3).encode()))
        for who in ("employer1", "chair"):
            svc.contract_vary(case=case, actor=u[who], grounds="agreed", document=varied, now=self.at(2))
        case = self.in_force(330)  # in force for a year: its renewal window is open
        self.system(case, "open_renewal", (self.today - Contract.objects.get(pk=case.pk).renewal_opens_on).days)
        case = self.in_force(420)  # expired
        expired = Contract.objects.get(pk=case.pk).expires_on
        self.system(case, "open_renewal", (self.today - Contract.objects.get(pk=case.pk).renewal_opens_on).days)
        self.system(case, "expire", (self.today - expired).days - 1)
        case = self.in_force(200, years=2)
        svc.contract_terminate(case=case, actor=u["chair"], grounds="merger", reason="企业合并 Merged",
                               now=self.at(2))  # terminated
        return self.made
