"""Demo disputes of acme in every state, each moved there through the services.

Called by ``manage.py seed_demo`` as ``ProcessSpec.seed_demo(orgs, users)``. Idempotent: it does
nothing when acme already has disputes. Accounts (《劳动争议调解仲裁法》 roles): ``member1`` applies,
``employer1`` is the employer party, ``mediator1``/``mediator2`` mediate, ``chair`` chairs the
committee. Signing the agreement re-enters the signer's password (the demo password); where the
demo accounts have no usable password (a test seed) the signed cases are left out.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from workflow.demo import DEMO_PASSWORD

from . import services as svc
from .models import Dispute

CLAIMS = {
    "pay": [{"text": "补发2025年12月至2026年2月加班工资", "amount": "4860"}],
    "arrears": [{"text": "支付拖欠的两个月工资", "amount": "11200"}],
    "social_insurance": [{"text": "补缴2025年养老保险", "amount": "6300"}],
    "termination": [{"text": "支付违法解除劳动合同赔偿金", "amount": "36000"}],
    "injury": [{"text": "支付停工留薪期工资", "amount": "9800"}],
}
RESPONDENT = "艾克米机械有限公司"
GROUP_WORKERS = ["赵磊", "孙丽", "周强", "吴敏", "郑军", "王芳", "冯伟", "陈静", "褚涛", "卫红", "蒋勇", "沈洁"]


def _clock(today):
    tz = timezone.get_default_timezone()
    return lambda days_ago: dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(10), tz)


def seed(orgs: dict, users: dict) -> list[Dispute]:
    acme = orgs["acme"]
    if Dispute.objects.filter(organisation=acme).exists():
        return []
    today = timezone.localdate()
    at = _clock(today)
    u = users
    member, member2, employer, med1, med2, chair = (
        u["member1"], u["member2"], u["employer1"], u["mediator1"], u["mediator2"], u["chair"]
    )
    made: list[Dispute] = []

    def new(start, category="pay", actor=None, **kw):
        case = svc.dispute_apply(
            organisation=acme, actor=actor or member, category=category, claims=CLAIMS[category],
            facts="公司未按劳动合同约定支付，多次协商未果。申请工会劳动争议调解委员会调解。",
            arose_on=today - dt.timedelta(days=start + 40), respondent=RESPONDENT, now=at(start), **kw,
        )
        made.append(case)
        return case

    def accepted(start, **kw):
        case = new(start, **kw)
        svc.dispute_consent_to_mediation(case=case, actor=employer, now=at(start))
        return svc.dispute_accept(case=case, actor=med2, now=at(start - 1))

    def mediating(start, **kw):
        case = accepted(start, **kw)
        svc.dispute_assign_mediators(case=case, actor=chair, mediators=[med1], now=at(start - 1))
        svc.dispute_declare_no_conflict(case=case, actor=med1, now=at(start - 1))
        return svc.dispute_record_session(
            case=case, actor=med1, attendance="申请人、被申请人代表、调解员许文", now=at(start - 2),
            minutes="申请人陈述加班事实；企业代表承认部分加班未结算，同意核对考勤后协商支付方案。",
        )

    def drafted(start):
        case = mediating(start)
        return svc.dispute_draft_agreement(
            case=case, actor=med1, terms="企业于协议签订后30日内一次性支付申请人加班工资4860元；申请人不再就此事项主张权利。",
            performance_due=today + dt.timedelta(days=20), now=at(start - 3),
        )

    def signed(start, signers):
        case = drafted(start)
        sha = Dispute.objects.get(pk=case.pk).agreement_document.sha256
        for who in signers:
            case = svc.dispute_sign_agreement(case=case, actor=who, sha256=sha, password=DEMO_PASSWORD,
                                              now=at(start - 4))
        return case

    new(1, actor=member2, category="arrears")
    new(0, actor=med1, oral=True, applicant=member2, category="injury")
    declined = new(6, category="social_insurance")
    svc.dispute_decline(case=declined, actor=med2, reason="respondent_refuses", note="企业书面表示不同意调解。",
                        now=at(5))
    accepted(2, category="termination")
    group = mediating(5, workers=GROUP_WORKERS, representatives=GROUP_WORKERS[:3])
    svc.dispute_request_recusal(case=group, actor=employer, mediator=med1, grounds="调解员与申请人同住一个宿舍。",
                                now=at(2))
    drafted(6)
    withdrawn = accepted(8)
    svc.dispute_withdraw(case=withdrawn, actor=member, reason="已与公司自行和解。", now=at(7))
    failed = accepted(30, category="arrears")
    svc.dispute_expire(case=failed, now=at(13))
    referred = mediating(12, category="termination")
    svc.dispute_fail(case=referred, actor=med1, reason="双方对赔偿金额分歧过大。", now=at(10))
    svc.dispute_refer_to_arbitration(case=referred, actor=member, body="区劳动人事争议仲裁委员会", now=at(9))
    if all(x.check_password(DEMO_PASSWORD) for x in (member, employer, med1)):
        signed(9, [member])  # agreement_drafted, one signature of three
        everyone = [member, employer, med1]
        signed(10, everyone)  # agreed
        performed = signed(14, everyone)
        svc.dispute_record_performance(case=performed, actor=med1, now=at(8))
        # Both parties asked the arbitration commission to review the agreement (仲裁审查), still pending.
        svc.dispute_record_review(case=performed, actor=employer, applied_on=today - dt.timedelta(days=9),
                                  body="区劳动人事争议仲裁委员会", now=at(7))
        closed = signed(16, everyone)
        svc.dispute_record_performance(case=closed, actor=med1, now=at(10))
        svc.dispute_close(case=closed, actor=chair, now=at(9))
        breached = signed(13, everyone)
        svc.dispute_report_breach(case=breached, actor=member, details="企业逾期未支付。", now=at(1))
    return made
