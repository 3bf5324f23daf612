"""Demo proposals of acme in every state, each moved there through the services.

Called by ``manage.py seed_demo`` as ``ProcessSpec.seed_demo(orgs, users)``
with organisations by code and users by username. Idempotent: it does nothing when
acme already has proposals. Dates run over the last six weeks, so the waiting
proposals are inside their deadlines today.

Co-departments countersign (会签) before the lead department replies: the engine's demo
accounts ``dept2`` (人力资源部) and ``dept3`` (后勤保障部) sign for theirs.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from workflow.models import CongressSession, CongressTerm

from . import services as svc
from .models import Proposal

TOPICS = [
    ("延长职工食堂晚餐供应时间", "夜班职工下班后无法就餐。建议晚餐供应延长至20:30，并增加清真窗口。", "living"),
    ("完善高温季节防暑降温措施", "二车间夏季室温超过35℃。建议增设工业风扇，并按规定发放高温津贴。", "safety"),
    ("建立技能等级与薪酬挂钩机制", "技能等级提升后薪酬没有变化。建议制定技能津贴标准。", "wages"),
    ("增设厂区母婴室", "女职工哺乳期没有合适场所。建议在办公楼一层设立母婴室。", "conditions"),
    ("开展新员工安全培训", "新员工上岗前培训不足。建议岗前安全培训不少于24学时。", "training"),
    ("优化倒班排班制度", "连续夜班过多影响健康。建议实行四班三运转。", "management"),
    ("增加厂区班车线路", "东区宿舍到厂区没有班车。建议增开早晚各两班。", "living"),
    ("改善更衣室通风条件", "更衣室潮湿有异味。建议加装排风设备。", "conditions"),
    ("食堂增加营养套餐", "建议提供低油低盐套餐并公示营养成分。", "living"),
    ("提高夜班补贴标准", "夜班补贴多年未调整。建议由每班20元提高到40元。", "wages"),
    ("更新车间劳动防护用品", "防护手套磨损快。建议按季度更换。", "safety"),
    ("建立合理化建议奖励制度", "职工建议缺少激励。建议按采纳效益给予奖励。", "management"),
    ("开设职工子女暑期托管班", "暑期职工子女无人照看。建议工会开办托管班。", "living"),
    ("增设自行车充电车棚", "电动自行车充电不便且有安全隐患。建议建设集中充电车棚。", "safety"),
    ("完善带薪年休假安排", "年休假难以落实。建议制定年度休假计划。", "management"),
    ("开展职工技能比武", "建议每年举办技能竞赛，优胜者优先晋级。", "training"),
    ("改善宿舍热水供应", "冬季宿舍热水不足。建议更换热水器。", "living"),
    ("规范加班审批与调休", "加班后调休不及时。建议建立调休台账。", "wages"),
    ("增设厂区休息区", "一线职工工间休息没有座椅。建议在车间设休息区。", "conditions"),
    ("设立职工心理咨询室", "职工心理压力较大。建议聘请专业咨询师每周坐诊。", "other"),
    ("建立职工健康档案", "建议每年体检并建立电子健康档案。", "other"),
    ("食堂供应夜班夜宵", "夜班职工需要夜宵。建议食堂供应夜宵。", "living"),
]


def _clock(today):
    tz = timezone.get_default_timezone()

    def at(days_ago: int) -> dt.datetime:
        return dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(10), tzinfo=tz)

    return at


class _Demo:
    """Moves new acme proposals through the services to a stage, each step dated ``n`` days ago."""

    def __init__(self, orgs: dict, users: dict, today: dt.date):
        self.acme, self.office = orgs["acme"], orgs["acme-office"]
        self.at = _clock(today)
        self.users = users
        self.reps = [users[f"rep{i}"] for i in range(1, 7)]
        self.review, self.dept, self.chair = users["review1"], users["dept1"], users["chair"]
        self.co = [orgs[c] for c in CO_DEPARTMENT_STAFF if c in orgs]
        self.staff = _co_department_staff(orgs, users)
        self.topics = iter(TOPICS)
        self.made: list[Proposal] = []

    def new(self, start: int, proposer=None) -> Proposal:
        """Filed ``start`` days ago; invited at once; co-signed the next day."""
        title, body, category = next(self.topics)
        proposer = proposer or self.reps[len(self.made) % len(self.reps)]
        case = svc.proposal_create(organisation=self.acme, actor=proposer, title=title, body=body, category=category,
                                   now=self.at(start))
        self.made.append(case)
        return case

    def cosigned(self, start: int, proposer=None) -> Proposal:
        case = self.new(start, proposer)
        others = [r for r in self.reps if r.pk != case.created_by_id][:3]
        svc.proposal_invite_cosigners(case=case, actor=case.created_by, cosigners=[o.username for o in others],
                                      now=self.at(start))
        for o in others[:2]:
            svc.proposal_cosign(case=case, actor=o, now=self.at(start - 1))
        return case

    def reviewed(self, start: int, **kw) -> Proposal:
        case = self.cosigned(start, **kw)
        svc.proposal_submit(case=case, actor=case.created_by, now=self.at(start - 2))
        svc.proposal_start_review(case=case, actor=self.review, now=self.at(start - 3))
        return case

    def accepted(self, start: int) -> Proposal:
        case = self.reviewed(start)
        return svc.proposal_accept(case=case, actor=self.review, reason="符合立案条件 Meets the criteria.",
                                   now=self.at(start - 4))

    def assigned(self, start: int, co_departments=(), supervisor=None) -> Proposal:
        case = self.accepted(start)
        return svc.proposal_assign(case=case, actor=self.review, lead_department=self.office,
                                   co_departments=co_departments, supervisor=supervisor, now=self.at(start - 5))

    def countersigned(self, case, day: int, departments) -> None:
        """会签 by each co-department's staff ``day`` days ago."""
        for org in departments:
            svc.proposal_countersign(case=case, actor=self.staff[org.code],
                                     opinion=f"{org.name}同意主办部门的办理意见。", now=self.at(day))

    def replied(self, start: int, reply_day: int, co_departments=()) -> Proposal:
        case = self.assigned(start, co_departments)
        svc.proposal_acknowledge(case=case, actor=self.dept, now=self.at(start - 6))
        self.countersigned(case, (start - 6 + reply_day) // 2, co_departments)
        return svc.proposal_reply(case=case, actor=self.dept, text="已研究落实，具体措施如下：一是制定方案，二是限期完成。",
                                  classification="A", now=self.at(reply_day))


def seed(orgs: dict, users: dict) -> list[Proposal]:
    """Create one or more acme proposals in every state, including one merged and one re-handled."""
    acme = orgs["acme"]
    if Proposal.objects.filter(organisation=acme).exists():
        return []
    # The real today, in any month: a deadline reaching into a year whose holiday notice
    # is not loaded yet counts on the statute and is shown as provisional.
    today = timezone.localdate()
    demo = _Demo(orgs, users, today)
    target = _early_stages(demo)
    _handling(demo)
    _put_to_the_congress(demo)
    # Archived after the handling report to a congress session.
    archived = demo.replied(42, reply_day=34)
    svc.proposal_rate(case=archived, actor=archived.created_by, rating="satisfied", now=demo.at(32))
    # Merged last: its proposer becomes a co-proposer of the target.
    case = demo.reviewed(8, proposer=demo.reps[5])
    svc.proposal_merge(case=case, actor=demo.review, into=target, now=demo.at(2))
    _report_session(acme, today - dt.timedelta(days=20))
    svc.proposal_archive(case=archived, actor=demo.review, now=demo.at(1))
    return demo.made


def _early_stages(demo: _Demo) -> Proposal:
    """Draft to review, the decisions of review, and accepted; returns the proposal another is merged into."""
    at, review = demo.at, demo.review
    demo.new(2)  # draft
    case = demo.cosigned(3)  # co-signing: two confirmed, one invitation open
    case = demo.cosigned(6)
    svc.proposal_submit(case=case, actor=case.created_by, now=at(4))  # submitted
    demo.reviewed(8)  # under review
    case = demo.reviewed(9)
    svc.proposal_return_for_revision(case=case, actor=review, reason="请补充现状数据和费用测算。", now=at(5))
    case = demo.reviewed(10)
    svc.proposal_convert(case=case, actor=review, reason="属于一般性工作建议，转为意见建议办理。", now=at(6))
    case = demo.reviewed(11)
    svc.proposal_reject(case=case, actor=review, reason="属于个人诉求，不在提案范围。", now=at(7))
    case = demo.new(5)
    svc.proposal_withdraw(case=case, actor=case.created_by, reason="与已提交提案重复。", now=at(4))
    target = demo.reviewed(12)  # under review; the last topic is merged into it
    demo.accepted(13)
    return target


def _handling(demo: _Demo) -> None:
    """Assigned, in progress, replied, rated, re-handled and closed unrated."""
    at, co, dept = demo.at, demo.co, demo.dept
    demo.assigned(7, co_departments=co[:1])
    # In progress under a supervising leader (督办); one of its two co-departments has countersigned.
    case = demo.assigned(16, co_departments=co, supervisor=demo.users["committee1"])
    svc.proposal_acknowledge(case=case, actor=dept, now=at(10))
    demo.countersigned(case, 8, co[:1])
    demo.replied(20, reply_day=4, co_departments=co)  # replied after both co-departments countersigned
    case = demo.replied(24, reply_day=12)
    svc.proposal_rate(case=case, actor=case.created_by, rating="satisfied", comment="落实到位，满意。", now=at(10))
    # The re-handled one: unsatisfied, re-handled (countersigned again), then basically satisfied.
    case = demo.replied(30, reply_day=22, co_departments=co[:1])
    svc.proposal_rate(case=case, actor=case.created_by, rating="unsatisfied", comment="只答复未落实。", now=at(20))
    demo.countersigned(case, 16, co[:1])
    svc.proposal_reply(case=case, actor=dept, text="已完成整改并验收。", classification="A", now=at(12))
    svc.proposal_rate(case=case, actor=case.created_by, rating="basically_satisfied", comment="基本解决。",
                      now=at(10))
    case = demo.replied(26, reply_day=14)  # in re-handling now
    svc.proposal_rate(case=case, actor=case.created_by, rating="unsatisfied", comment="措施不具体。", now=at(3))
    case = demo.replied(36, reply_day=20)  # closed as not rated after the feedback window
    svc.proposal_close_unrated(case=case, now=at(1))


def _put_to_the_congress(demo: _Demo) -> None:
    """One on the agenda, one adopted and one not adopted by the congress vote."""
    users = demo.users
    svc.proposal_put_to_vote(case=demo.accepted(15), actor=demo.review, now=demo.at(9))  # on the agenda
    electorate = demo.reps + [users[f"review{i}"] for i in range(1, 4) if f"review{i}" in users]
    for passed in (True, False):
        case = svc.proposal_put_to_vote(case=demo.accepted(18 + passed), actor=demo.review, now=demo.at(12))
        _vote(case, electorate, demo.chair, passed, demo.at(11))


#: Co-department code → the engine's demo account that countersigns for it.
CO_DEPARTMENT_STAFF = {"acme-hr": "dept2", "acme-logistics": "dept3"}


def _co_department_staff(orgs: dict, users: dict) -> dict:
    """The department-role holder of each co-department present in the demo, by code."""
    return {code: users[name] for code, name in CO_DEPARTMENT_STAFF.items() if code in orgs and name in users}


def _vote(case, electorate, chair, passed, when):
    from workflow.votes.models import Vote
    from workflow.votes.services import vote_cast, vote_close

    vote = Vote.objects.get(pk=case.vote_id)
    yes = vote.n // 2 + 1 if passed else vote.n // 3
    voters = list(electorate)[: max(yes, -(-2 * vote.n // 3))]
    for i, user in enumerate(voters):
        vote_cast(vote=vote, user=user, choice="yes" if i < yes else "no", now=when)
    vote_close(vote=vote, user=chair, now=when)


def _report_session(organisation, day):
    """A congress session that heard the handling report (needed before archiving)."""
    term = CongressTerm.current_for(organisation, on=day)
    if term is None or CongressSession.objects.filter(term=term, opens_on=day).exists():
        return
    number = (term.sessions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    CongressSession.objects.create(term=term, number=number, opens_on=day)
